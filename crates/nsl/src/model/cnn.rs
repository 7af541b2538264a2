//! A small convolutional network for square grey images given as flat rows (MNIST digits): per
//! block a 3 × 3 convolution ("same" padding) with ReLU and 2 × 2 max pooling, then a dense
//! ReLU layer with dropout and the logits — Keras' `Conv2D`/`MaxPooling2D`/`Dense` stack.

use burn::module::{Module, Param};
use burn::nn::conv::{Conv2d, Conv2dConfig};
use burn::nn::pool::{MaxPool2d, MaxPool2dConfig};
use burn::nn::{Dropout, DropoutConfig, Linear, PaddingConfig2d};
use burn::tensor::{Device, Tensor, TensorData, activation};
use nsl_graph::rng::{SeededRng, seeded};

use serde::{Deserialize, Serialize};

use super::init::glorot_uniform;
use super::nsl_model::NslModel;
use crate::error::{NslError, Result};

/// Configuration of a [`Cnn`].
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CnnConfig {
    /// Side of the square input images (rows hold `side²` pixels).
    pub side: usize,
    /// Output channels of each convolution block.
    pub channels: Vec<usize>,
    /// Width of the dense layer after the blocks.
    pub dense: usize,
    /// Number of classes.
    pub output: usize,
    /// Dropout before the logits (0 disables it).
    pub dropout: f64,
}

impl CnnConfig {
    /// Side of the feature maps after the blocks (each halves it, rounding down).
    fn final_side(&self) -> usize {
        self.channels.iter().fold(self.side, |s, _| s / 2)
    }

    /// Checks that the blocks leave a feature map to flatten.
    pub fn validate(&self) -> Result<()> {
        if self.side == 0 || self.channels.is_empty() || self.channels.contains(&0) || self.dense == 0 {
            return Err(NslError::Config(
                "a CNN needs an image side, ≥ 1 block of ≥ 1 channel and a dense width".into(),
            ));
        }
        if self.final_side() == 0 {
            return Err(NslError::Config(format!(
                "{} pooling blocks leave nothing of a {}-pixel side",
                self.channels.len(),
                self.side
            )));
        }
        Ok(())
    }

    /// Initialises the layers on `device` as Keras does (Glorot-uniform kernels, zero biases),
    /// drawn on the host from `seed`: a seed gives the same model on every backend.
    pub fn init(&self, seed: u64, device: &Device) -> Cnn {
        let mut rng = seeded(seed ^ 0xc22);
        let mut input = 1;
        let convs = self
            .channels
            .iter()
            .map(|&out| {
                let mut conv =
                    Conv2dConfig::new([input, out], [3, 3]).with_padding(PaddingConfig2d::Same).init(device);
                let kernel = glorot_uniform(&mut rng, out * input * 9, input * 9, out * 9);
                conv.weight = Param::from_tensor(Tensor::from_data(
                    TensorData::new(kernel, [out, input, 3, 3]),
                    device,
                ));
                conv.bias = Some(Param::from_tensor(Tensor::zeros([out], device)));
                input = out;
                conv
            })
            .collect();
        let flat = input * self.final_side() * self.final_side();
        let dense = |rng: &mut SeededRng, from: usize, to: usize| Linear {
            weight: Param::from_tensor(crate::tensor::matrix(
                glorot_uniform(rng, from * to, from, to),
                from,
                to,
                device,
            )),
            bias: Some(Param::from_tensor(Tensor::zeros([to], device))),
        };
        Cnn {
            convs,
            pool: MaxPool2dConfig::new([2, 2]).init(),
            hidden: dense(&mut rng, flat, self.dense),
            logits: dense(&mut rng, self.dense, self.output),
            dropout: DropoutConfig::new(self.dropout).init(),
            side: self.side,
        }
    }
}

/// Convolution blocks, a dense layer and the logits; see [`CnnConfig`].
#[derive(Module, Debug)]
pub struct Cnn {
    convs: Vec<Conv2d>,
    pool: MaxPool2d,
    hidden: Linear,
    logits: Linear,
    dropout: Dropout,
    side: usize,
}

impl Cnn {
    /// What each convolution block computes — its ReLU'd convolution, before pooling — for
    /// pixel rows (what CNN Explainer shows as a layer's feature maps).
    ///
    /// # Shapes
    /// - `x`: `[batch, side²]`; returns one `[batch, channels, side_b, side_b]` per block, the
    ///   side halving from block to block.
    pub fn block_maps(&self, x: Tensor<2>) -> Vec<Tensor<4>> {
        let [batch, _] = x.dims();
        let mut h: Tensor<4> = x.reshape([batch, 1, self.side, self.side]);
        let mut maps = Vec::with_capacity(self.convs.len());
        for conv in &self.convs {
            let map = activation::relu(conv.forward(h));
            maps.push(map.clone());
            h = self.pool.forward(map);
        }
        maps
    }
}

impl NslModel for Cnn {
    /// # Shapes
    /// - `x`: `[batch, side²]` pixel rows; returns `[batch, classes]`.
    fn forward(&self, x: Tensor<2>) -> Tensor<2> {
        let [batch, _] = x.dims();
        let image: Tensor<4> = x.reshape([batch, 1, self.side, self.side]);
        let maps =
            self.convs.iter().fold(image, |h, conv| self.pool.forward(activation::relu(conv.forward(h))));
        let flat: Tensor<2> = maps.flatten(1, 3);
        let hidden = self.dropout.forward(activation::relu(self.hidden.forward(flat)));
        self.logits.forward(hidden)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn config() -> CnnConfig {
        CnnConfig { side: 28, channels: vec![4, 8], dense: 16, output: 10, dropout: 0.0 }
    }

    #[test]
    fn shapes_seeds_and_checks() {
        let device = Device::flex();
        let cnn = config().init(3, &device);
        let x = Tensor::<2>::ones([5, 784], &device);
        assert_eq!(cnn.forward(x.clone()).dims(), [5, 10]);
        let again = config().init(3, &device);
        assert_eq!(
            crate::tensor::to_vec(cnn.forward(x.clone())),
            crate::tensor::to_vec(again.forward(x)),
            "a seed gives the same model"
        );
        config().validate().unwrap();
        let too_deep = CnnConfig { channels: vec![4; 5], ..config() };
        assert!(too_deep.validate().unwrap_err().to_string().contains("nothing"));
    }
}
