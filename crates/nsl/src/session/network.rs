//! Inside an MLP on the plane: what every neuron computes at every point of a grid over the
//! plane — the input features, each hidden unit's activation, each class's probability — and
//! the weights between them, as TensorFlow Playground draws its network. Computed on the
//! device and read back with the snapshot.

use std::ops::Range;

use burn::tensor::{Device, Tensor, activation};
use serde::{Deserialize, Serialize};

use crate::model::Mlp;
use crate::session::heatmap::Grid;
use crate::session::readout::Readout;
use crate::tensor::matrix;

/// The most neurons of one layer that are drawn (wider layers are not read back).
pub const MAX_DRAWN_WIDTH: usize = 32;

/// The grid the neuron maps are computed on: the heatmap's square at 24 × 24 cells, enough
/// for a thumbnail and 4 % of the decision heatmap's cells per neuron.
pub fn neuron_grid() -> Grid {
    Grid { resolution: 24, ..Grid::default() }
}

/// One column of the network: its neurons' values over the grid.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct NeuronColumn {
    /// Neurons in the column.
    pub width: usize,
    /// Neuron by neuron, each the grid's cells row by row from the top (as [`Grid::points`]):
    /// `width × resolution²`.
    pub maps: Vec<f32>,
}

impl NeuronColumn {
    /// The map of neuron `i`.
    pub fn map(&self, i: usize) -> &[f32] {
        let cells = self.maps.len() / self.width.max(1);
        &self.maps[i * cells..(i + 1) * cells]
    }
}

/// Dense weights between two columns.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Weights {
    /// `[inputs, outputs]`, row-major: `kernel[i * outputs + j]` joins input `i` to output `j`.
    pub kernel: Vec<f32>,
    /// One per output neuron.
    pub bias: Vec<f32>,
}

/// Everything the network view draws.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct NetworkMaps {
    /// The grid of every map.
    pub grid: Grid,
    /// The input features, each hidden layer (after its non-linearity) and the class
    /// probabilities.
    pub columns: Vec<NeuronColumn>,
    /// `weights[l]` joins `columns[l]` to `columns[l + 1]`.
    pub weights: Vec<Weights>,
}

/// Where the maps and weights sit in a read-back.
#[derive(Debug, Clone)]
pub(crate) struct NetworkLayout {
    grid: Grid,
    columns: Vec<(usize, Range<usize>)>,
    weights: Vec<(Range<usize>, Range<usize>)>,
}

/// Pushes every neuron's map over `grid` and every layer's weights of `mlp` (the inference
/// copy) into `readout`; `None` when a layer is wider than [`MAX_DRAWN_WIDTH`].
///
/// # Shapes
/// The MLP reads points of the plane: `[rows, 2]`.
pub(crate) fn push_network(
    mlp: &Mlp,
    grid: &Grid,
    device: &Device,
    readout: &mut Readout,
) -> Option<NetworkLayout> {
    let widths: Vec<usize> = std::iter::once(mlp.layers[0].weight.dims()[0])
        .chain(mlp.layers.iter().map(|l| l.weight.dims()[1]))
        .collect();
    if widths.iter().any(|&w| w > MAX_DRAWN_WIDTH) {
        return None;
    }
    let cells = grid.resolution * grid.resolution;
    let points: Tensor<2> = matrix(grid.points(), cells, 2, device);
    let mut column = mlp.first_input(points);
    let mut columns = Vec::with_capacity(widths.len());
    let last = mlp.layers.len() - 1;
    for (i, layer) in mlp.layers.iter().enumerate() {
        columns.push((widths[i], readout.push(column.clone().transpose())));
        let pre = layer.forward(column);
        column = if i == last { activation::softmax(pre, 1) } else { mlp.activate(pre) };
    }
    columns.push((widths[last + 1], readout.push(column.transpose())));
    let weights = mlp
        .layers
        .iter()
        .map(|layer| {
            let bias = match &layer.bias {
                Some(b) => b.val(),
                None => Tensor::<1>::zeros([layer.weight.dims()[1]], device),
            };
            (readout.push(layer.weight.val()), readout.push(bias))
        })
        .collect();
    Some(NetworkLayout { grid: *grid, columns, weights })
}

impl NetworkLayout {
    pub(crate) fn read(&self, values: &[f32]) -> NetworkMaps {
        NetworkMaps {
            grid: self.grid,
            columns: self
                .columns
                .iter()
                .map(|(width, range)| NeuronColumn { width: *width, maps: values[range.clone()].to_vec() })
                .collect(),
            weights: self
                .weights
                .iter()
                .map(|(kernel, bias)| Weights {
                    kernel: values[kernel.clone()].to_vec(),
                    bias: values[bias.clone()].to_vec(),
                })
                .collect(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::MlpConfig;
    use crate::spec::{Activation, PlaneFeature};

    /// Reads back the network of `mlp` over a small grid.
    fn network(mlp: &Mlp, grid: &Grid) -> NetworkMaps {
        let device = Device::flex();
        let mut readout = Readout::default();
        let layout = push_network(mlp, grid, &device, &mut readout).expect("narrow enough to draw");
        layout.read(&readout.read().unwrap())
    }

    #[test]
    fn maps_are_each_neurons_value_at_each_point() {
        // relu([x₁, x₂] · [[1, -1], [0, 0]] + [0, 0.5]) then logits = h · [[2, 0], [0, 2]].
        let mlp = Mlp::from_weights(
            &[(vec![1.0, -1.0, 0.0, 0.0], vec![0.0, 0.5]), (vec![2.0, 0.0, 0.0, 2.0], vec![0.0, 0.0])],
            &[2, 2, 2],
            &Device::flex(),
        );
        let grid = Grid { x_min: -1.0, x_max: 1.0, y_min: -1.0, y_max: 1.0, resolution: 2 };
        let net = network(&mlp, &grid);
        assert_eq!(net.columns.len(), 3);
        let points = grid.points();
        for cell in 0..4 {
            let (x1, x2) = (points[cell * 2], points[cell * 2 + 1]);
            assert_eq!((net.columns[0].map(0)[cell], net.columns[0].map(1)[cell]), (x1, x2), "inputs");
            let h = [x1.max(0.0), (0.5 - x1).max(0.0)];
            assert_eq!((net.columns[1].map(0)[cell], net.columns[1].map(1)[cell]), (h[0], h[1]), "hidden");
            let p1 = 1.0 / (1.0 + (2.0 * h[0] - 2.0 * h[1]).exp());
            assert!((net.columns[2].map(1)[cell] - p1).abs() < 1e-6, "class 1 probability at cell {cell}");
            assert!((net.columns[2].map(0)[cell] + net.columns[2].map(1)[cell] - 1.0).abs() < 1e-6);
        }
        assert_eq!(net.weights[0].kernel, vec![1.0, -1.0, 0.0, 0.0]);
        assert_eq!(net.weights[0].bias, vec![0.0, 0.5]);
        assert_eq!(net.weights[1].kernel, vec![2.0, 0.0, 0.0, 2.0]);
    }

    #[test]
    fn plane_features_are_the_first_column_and_wide_layers_are_not_drawn() {
        let features = vec![PlaneFeature::X1Squared, PlaneFeature::SinX2, PlaneFeature::X1X2];
        let config = MlpConfig {
            input: 2,
            hidden: vec![4, 3],
            output: 3,
            activation: Activation::Tanh,
            dropout: 0.0,
            inputs: Some(features.clone()),
        };
        let mlp = config.init(5, &Device::flex());
        let grid = Grid { resolution: 3, ..Grid::default() };
        let net = network(&mlp, &grid);
        let widths: Vec<usize> = net.columns.iter().map(|c| c.width).collect();
        assert_eq!(widths, vec![3, 4, 3, 3]);
        let points = grid.points();
        for (i, feature) in features.iter().enumerate() {
            for cell in 0..9 {
                let expected = feature.at(points[cell * 2], points[cell * 2 + 1]);
                assert!((net.columns[0].map(i)[cell] - expected).abs() < 1e-6, "{}", feature.label());
            }
        }
        assert!(net.columns[1].maps.iter().all(|v| v.abs() <= 1.0), "tanh units lie in [-1, 1]");
        assert_eq!(net.weights[0].kernel.len(), 3 * 4);

        let wide =
            MlpConfig { hidden: vec![MAX_DRAWN_WIDTH + 1], inputs: None, ..config }.init(5, &Device::flex());
        assert!(push_network(&wide, &grid, &Device::flex(), &mut Readout::default()).is_none());
    }
}
