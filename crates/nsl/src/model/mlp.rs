//! A multi-layer perceptron: Keras' `Dense` stack with optional dropout.

use burn::module::{Module, Param};
use burn::nn::{Dropout, DropoutConfig, Linear};
use burn::tensor::{Device, Tensor, activation};
use serde::{Deserialize, Serialize};

use super::NslModel;

/// Hidden-layer non-linearity.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "snake_case")]
pub enum Activation {
    /// `max(0, x)`.
    #[default]
    Relu,
    /// `tanh(x)`.
    Tanh,
    /// `1 / (1 + e^-x)`.
    Sigmoid,
}

/// Configuration of an [`Mlp`].
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MlpConfig {
    /// Width of the input rows.
    pub input: usize,
    /// Widths of the hidden layers, in order.
    pub hidden: Vec<usize>,
    /// Number of classes (width of the logits).
    pub output: usize,
    /// Non-linearity after each hidden layer.
    #[serde(default)]
    pub activation: Activation,
    /// Dropout probability after each hidden layer (0 disables it).
    #[serde(default)]
    pub dropout: f64,
}

impl MlpConfig {
    /// Initialise the layers on `device` with Keras' defaults: Glorot-uniform kernels, zero
    /// biases. The kernels are drawn on the host from `seed`, so a seed gives the same model
    /// on every backend and whatever else uses the device's generator.
    pub fn init(&self, seed: u64, device: &Device) -> Mlp {
        use rand::{RngExt, SeedableRng};
        let mut rng = rand::rngs::StdRng::seed_from_u64(seed);
        let widths: Vec<usize> =
            std::iter::once(self.input).chain(self.hidden.iter().copied()).chain([self.output]).collect();
        let weights: Vec<(Vec<f32>, Vec<f32>)> = widths
            .windows(2)
            .map(|w| {
                let limit = (6.0 / (w[0] + w[1]) as f32).sqrt();
                let kernel = (0..w[0] * w[1]).map(|_| rng.random_range(-limit..limit)).collect();
                (kernel, vec![0.0; w[1]])
            })
            .collect();
        let mut mlp = Mlp::from_weights(&weights, &widths, device);
        mlp.dropout = DropoutConfig::new(self.dropout).init();
        mlp.activation = self.activation;
        mlp
    }
}

/// Dense layers with a non-linearity (and dropout) between them; the last layer's output
/// is the logits.
#[derive(Module, Debug)]
pub struct Mlp {
    /// `input → hidden… → output`.
    pub layers: Vec<Linear>,
    /// Applied after every hidden activation.
    pub dropout: Dropout,
    /// Hidden non-linearity.
    #[module(skip)]
    pub activation: Activation,
}

impl Mlp {
    /// An MLP with the given weights: `(kernel [in, out] row-major, bias [out])` per layer,
    /// the layout of Keras' `Dense`.
    pub fn from_weights(weights: &[(Vec<f32>, Vec<f32>)], widths: &[usize], device: &Device) -> Mlp {
        assert_eq!(weights.len() + 1, widths.len(), "one (kernel, bias) pair per layer");
        let layers = weights
            .iter()
            .zip(widths.windows(2))
            .map(|((kernel, bias), w)| Linear {
                weight: Param::from_tensor(crate::tensor::matrix(kernel.clone(), w[0], w[1], device)),
                bias: Some(Param::from_tensor(
                    crate::tensor::matrix(bias.clone(), 1, w[1], device).reshape([w[1]]),
                )),
            })
            .collect();
        Mlp { layers, dropout: DropoutConfig::new(0.0).init(), activation: Activation::Relu }
    }
}

impl NslModel for Mlp {
    fn forward(&self, x: Tensor<2>) -> Tensor<2> {
        let last = self.layers.len() - 1;
        self.layers.iter().enumerate().fold(x, |h, (i, layer)| {
            let h = layer.forward(h);
            if i == last {
                return h;
            }
            let h = match self.activation {
                Activation::Relu => activation::relu(h),
                Activation::Tanh => activation::tanh(h),
                Activation::Sigmoid => activation::sigmoid(h),
            };
            self.dropout.forward(h)
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::tensor::{matrix, to_vec};

    #[test]
    fn shapes_and_known_weights() {
        let device = Device::flex();
        let config =
            MlpConfig { input: 4, hidden: vec![8, 8], output: 3, activation: Activation::Tanh, dropout: 0.5 };
        let mlp = config.init(7, &device);
        assert_eq!(
            crate::tensor::to_vec(mlp.layers[0].weight.val()),
            crate::tensor::to_vec(config.init(7, &device).layers[0].weight.val())
        );
        assert_eq!(mlp.layers.len(), 3);
        assert_eq!(mlp.forward(Tensor::zeros([5, 4], &device)).dims(), [5, 3]);

        // relu([1, -1] · I + 0) · [[1], [1]] + 0.5 = 1.5
        let fixed = Mlp::from_weights(
            &[(vec![1., 0., 0., 1.], vec![0., 0.]), (vec![1., 1.], vec![0.5])],
            &[2, 2, 1],
            &device,
        );
        let out = to_vec(fixed.forward(matrix(vec![1., -1.], 1, 2, &device)));
        assert_eq!(out, vec![1.5]);
    }
}
