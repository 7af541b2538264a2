//! Inside a model of digits: a CNN's feature maps for one chosen digit (each convolution
//! block's output, channel by channel) or an MLP's first-layer weights as images — what
//! training has changed in them, since Glorot's random start hides what a unit looks for for
//! hundreds of steps. Computed on the device and read back with the snapshot.

use std::ops::Range;

use burn::tensor::Tensor;
use serde::{Deserialize, Serialize};

use crate::model::{Cnn, Mlp};
use crate::session::readout::Readout;

/// The most hidden units whose first-layer weights are read back.
pub const MAX_WEIGHT_IMAGES: usize = 16;

/// One convolution block's maps for the chosen digit.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct BlockMaps {
    /// Channels (maps).
    pub channels: usize,
    /// Side of each map.
    pub side: usize,
    /// Channel by channel, each `side²` values row by row (after the ReLU, so ≥ 0).
    pub maps: Vec<f32>,
}

impl BlockMaps {
    /// The map of channel `c`.
    pub fn map(&self, c: usize) -> &[f32] {
        let cells = self.side * self.side;
        &self.maps[c * cells..(c + 1) * cells]
    }
}

/// What the digits' inside view draws.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub enum DigitViews {
    /// A CNN's feature maps for test digit `digit`.
    FeatureMaps {
        /// Row of the test digits.
        digit: usize,
        /// Each block's maps, first to last.
        blocks: Vec<BlockMaps>,
    },
    /// An MLP's first-layer weights, one image per hidden unit (the first
    /// [`MAX_WEIGHT_IMAGES`]): as they are, and as training changed them.
    FirstLayer {
        /// Side of the images.
        side: usize,
        /// Hidden units shown.
        units: usize,
        /// Unit by unit, each `side²` weights row by row.
        weights: Vec<f32>,
        /// The same, less the weights the model started from.
        changes: Vec<f32>,
    },
}

/// Where the views sit in a read-back.
#[derive(Debug, Clone)]
pub(crate) enum DigitLayout {
    FeatureMaps { digit: usize, blocks: Vec<(usize, usize, Range<usize>)> },
    FirstLayer { side: usize, units: usize, weights: Range<usize>, changes: Range<usize> },
}

/// Pushes each block's maps of `cnn` for the test row `digit` of `test_x` (`[rows, side²]`).
pub(crate) fn push_feature_maps(
    cnn: &Cnn,
    test_x: &Tensor<2>,
    digit: usize,
    readout: &mut Readout,
) -> DigitLayout {
    let [_, width] = test_x.dims();
    let row = test_x.clone().slice([digit..digit + 1, 0..width]);
    let blocks = cnn
        .block_maps(row)
        .into_iter()
        .map(|map| {
            let [_, channels, side, _] = map.dims();
            (channels, side, readout.push(map))
        })
        .collect();
    DigitLayout::FeatureMaps { digit, blocks }
}

/// Pushes the first-layer weights of the first hidden units of `mlp` (reading `side²`
/// pixels), and what training changed in them: less `start`, the kernel it started from.
pub(crate) fn push_first_layer(
    mlp: &Mlp,
    start: &Tensor<2>,
    side: usize,
    readout: &mut Readout,
) -> DigitLayout {
    let kernel = mlp.layers[0].weight.val();
    let [inputs, hidden] = kernel.dims();
    let units = hidden.min(MAX_WEIGHT_IMAGES);
    debug_assert_eq!(inputs, side * side);
    let shown = |k: Tensor<2>| k.slice([0..inputs, 0..units]).transpose();
    let weights = readout.push(shown(kernel.clone()));
    let changes = readout.push(shown(kernel - start.clone()));
    DigitLayout::FirstLayer { side, units, weights, changes }
}

impl DigitLayout {
    pub(crate) fn read(&self, values: &[f32]) -> DigitViews {
        match self {
            DigitLayout::FeatureMaps { digit, blocks } => DigitViews::FeatureMaps {
                digit: *digit,
                blocks: blocks
                    .iter()
                    .map(|(channels, side, range)| BlockMaps {
                        channels: *channels,
                        side: *side,
                        maps: values[range.clone()].to_vec(),
                    })
                    .collect(),
            },
            DigitLayout::FirstLayer { side, units, weights, changes } => DigitViews::FirstLayer {
                side: *side,
                units: *units,
                weights: values[weights.clone()].to_vec(),
                changes: values[changes.clone()].to_vec(),
            },
        }
    }
}

#[cfg(test)]
mod tests {
    use burn::tensor::Device;

    use super::*;
    use crate::model::{CnnConfig, MlpConfig};
    use crate::spec::Activation;
    use crate::tensor::{matrix, to_vec};

    #[test]
    fn feature_maps_are_each_blocks_relu_output_for_the_chosen_digit() {
        let device = Device::flex();
        let cnn =
            CnnConfig { side: 8, channels: vec![2, 3], dense: 4, output: 10, dropout: 0.0 }.init(1, &device);
        let pixels: Vec<f32> = (0..3 * 64).map(|i| ((i * 37) % 11) as f32 / 10.0).collect();
        let test_x = matrix(pixels.clone(), 3, 64, &device);
        let mut readout = Readout::default();
        let layout = push_feature_maps(&cnn, &test_x, 2, &mut readout);
        let DigitViews::FeatureMaps { digit, blocks } = layout.read(&readout.read().unwrap()) else {
            panic!("a CNN has feature maps")
        };
        assert_eq!(digit, 2);
        let shapes: Vec<(usize, usize)> = blocks.iter().map(|b| (b.channels, b.side)).collect();
        assert_eq!(shapes, vec![(2, 8), (3, 4)]);
        let alone = cnn.block_maps(matrix(pixels[128..].to_vec(), 1, 64, &device));
        assert_eq!(blocks[0].maps, to_vec(alone[0].clone()), "the chosen row's maps, channel by channel");
        assert_eq!(blocks[1].map(2), &to_vec(alone[1].clone())[32..48]);
        assert!(blocks.iter().all(|b| b.maps.iter().all(|v| *v >= 0.0)), "after the ReLU");
    }

    #[test]
    fn first_layer_images_are_each_units_incoming_weights() {
        let device = Device::flex();
        let config = MlpConfig {
            input: 16,
            hidden: vec![20],
            output: 10,
            activation: Activation::Relu,
            dropout: 0.0,
            inputs: None,
        };
        let mlp = config.init(4, &device);
        let start = config.init(9, &device).layers[0].weight.val();
        let mut readout = Readout::default();
        let layout = push_first_layer(&mlp, &start, 4, &mut readout);
        let DigitViews::FirstLayer { side, units, weights, changes } = layout.read(&readout.read().unwrap())
        else {
            panic!("an MLP has first-layer images")
        };
        assert_eq!((side, units, weights.len()), (4, MAX_WEIGHT_IMAGES, MAX_WEIGHT_IMAGES * 16));
        let (kernel, start) = (to_vec(mlp.layers[0].weight.val()), to_vec(start));
        // Unit 3's images: column 3 of the [16, 20] kernel, and the same less where it started.
        let column: Vec<f32> = (0..16).map(|pixel| kernel[pixel * 20 + 3]).collect();
        assert_eq!(&weights[3 * 16..4 * 16], column.as_slice());
        let column: Vec<f32> = (0..16).map(|pixel| kernel[pixel * 20 + 3] - start[pixel * 20 + 3]).collect();
        assert_eq!(&changes[3 * 16..4 * 16], column.as_slice());
    }
}
