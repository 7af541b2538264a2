//! A multi-layer perceptron: Keras' `Dense` stack with optional dropout. The one MLP of the
//! crate: the minibatch trainer feeds it rows, Neural Graph Machines feed it a whole graph's
//! (sparse) node features and read its last hidden layer too.

use burn::module::{Module, Param};
use burn::nn::{Dropout, DropoutConfig, Linear};
use burn::tensor::{Device, Tensor, activation};
use serde::{Deserialize, Serialize};

use super::init::glorot_uniform;
use super::input::NodeInput;
use super::nsl_model::NslModel;
use super::plane::plane_features;
use crate::spec::{Activation, PlaneFeature};

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
    /// Features of the plane computed from two-wide rows before the first layer (which then
    /// reads one value per feature); `None` feeds the rows as they are.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub inputs: Option<Vec<PlaneFeature>>,
}

impl MlpConfig {
    /// Initialise the layers on `device` with Keras' defaults: Glorot-uniform kernels, zero
    /// biases. The kernels are drawn on the host from `seed`, so a seed gives the same model
    /// on every backend and whatever else uses the device's generator.
    pub fn init(&self, seed: u64, device: &Device) -> Mlp {
        let mut rng = nsl_graph::rng::seeded(seed);
        let first = self.inputs.as_ref().map_or(self.input, Vec::len);
        let widths: Vec<usize> =
            std::iter::once(first).chain(self.hidden.iter().copied()).chain([self.output]).collect();
        let weights: Vec<(Vec<f32>, Vec<f32>)> = widths
            .windows(2)
            .map(|w| (glorot_uniform(&mut rng, w[0] * w[1], w[0], w[1]), vec![0.0; w[1]]))
            .collect();
        let mut mlp = Mlp::from_weights(&weights, &widths, device);
        mlp.dropout = DropoutConfig::new(self.dropout).init();
        mlp.activation = self.activation;
        mlp.inputs = self.inputs.clone();
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
    /// Features of the plane the first layer reads (`None`: the rows as they are).
    #[module(skip)]
    pub inputs: Option<Vec<PlaneFeature>>,
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
        Mlp { layers, dropout: DropoutConfig::new(0.0).init(), activation: Activation::Relu, inputs: None }
    }
}

impl Mlp {
    /// The hidden non-linearity.
    pub fn activate(&self, h: Tensor<2>) -> Tensor<2> {
        match self.activation {
            Activation::Relu => activation::relu(h),
            Activation::Tanh => activation::tanh(h),
            Activation::Sigmoid => activation::sigmoid(h),
        }
    }

    /// The last hidden layer's activation (before dropout) and the logits, for node rows that
    /// may be sparse (the first layer then multiplies only the non-zeros). Without hidden
    /// layers the "hidden" output is the logits.
    ///
    /// # Shapes
    /// - `input`: `[rows, features]`; returns `([rows, last hidden], [rows, classes])`.
    pub fn forward_hidden(&self, input: &NodeInput) -> (Tensor<2>, Tensor<2>) {
        let first = &self.layers[0];
        let mut pre = input.matmul(first.weight.val());
        if let Some(bias) = &first.bias {
            pre = pre + bias.val().unsqueeze();
        }
        let last = self.layers.len() - 1;
        if last == 0 {
            return (pre.clone(), pre);
        }
        let mut hidden = self.activate(pre);
        for layer in &self.layers[1..last] {
            hidden = self.activate(layer.forward(self.dropout.forward(hidden)));
        }
        let logits = self.layers[last].forward(self.dropout.forward(hidden.clone()));
        (hidden, logits)
    }
}

impl Mlp {
    /// What the first layer reads: the plane's features of two-wide rows, or the rows.
    ///
    /// # Shapes
    /// - `x`: `[rows, 2]` with plane features, else `[rows, input]`; returns
    ///   `[rows, first layer's input]`.
    pub fn first_input(&self, x: Tensor<2>) -> Tensor<2> {
        match &self.inputs {
            Some(features) => plane_features(x, features),
            None => x,
        }
    }
}

impl NslModel for Mlp {
    fn forward(&self, x: Tensor<2>) -> Tensor<2> {
        let last = self.layers.len() - 1;
        self.layers.iter().enumerate().fold(self.first_input(x), |h, (i, layer)| {
            let h = layer.forward(h);
            if i == last { h } else { self.dropout.forward(self.activate(h)) }
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
        let config = MlpConfig {
            input: 4,
            hidden: vec![8, 8],
            output: 3,
            activation: Activation::Tanh,
            dropout: 0.5,
            inputs: None,
        };
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

    #[test]
    fn node_rows_go_through_the_same_layers_and_activation() {
        let device = Device::flex();
        let rows = vec![0.0, 0.0, 2.0, 0.0, -1.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 3.0];
        for activation in [Activation::Relu, Activation::Tanh, Activation::Sigmoid] {
            let config =
                MlpConfig { input: 4, hidden: vec![5, 3], output: 2, activation, dropout: 0.0, inputs: None };
            let mlp = config.init(11, &device);
            let dense = matrix(rows.clone(), 3, 4, &device);
            let (hidden, logits) = mlp.forward_hidden(&NodeInput::from_rows(&rows, 4, &device));
            let expected = to_vec(mlp.forward(dense.clone()));
            let got = to_vec(logits);
            assert!(expected.iter().zip(&got).all(|(a, b)| (a - b).abs() < 1e-6), "{activation:?}");
            let h = to_vec(hidden);
            assert_eq!(h.len(), 9);
            match activation {
                Activation::Relu => assert!(h.iter().all(|v| *v >= 0.0)),
                Activation::Sigmoid => assert!(h.iter().all(|v| *v > 0.0 && *v < 1.0)),
                Activation::Tanh => assert!(h.iter().any(|v| *v < 0.0), "tanh keeps negative values"),
            }
        }
    }

    /// Golden values: the first weights of a seeded MLP. They change only if the generator,
    /// rand's uniform sampling or the Glorot limit changes — which would change every run.
    #[test]
    fn seeded_weights_are_value_stable() {
        let config = MlpConfig {
            input: 2,
            hidden: vec![3],
            output: 2,
            activation: Activation::Relu,
            dropout: 0.0,
            inputs: None,
        };
        let first = to_vec(config.init(7, &Device::flex()).layers[0].weight.val());
        assert_eq!(first[..4], GOLDEN_WEIGHTS);
    }

    const GOLDEN_WEIGHTS: [f32; 4] = [-0.182_630_72, -1.029_023_3, -0.783_126_7, -0.422_652_9];
}
