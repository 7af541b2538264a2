//! The feed-forward pieces TF-GNN's layers are made of: Keras' `Dense` (kernel, optional bias,
//! activation), `LayerNormalization` and `BatchNormalization` (ε = 10⁻³, Keras' default).

use burn::module::{Module, Param};
use burn::nn::{BatchNorm, BatchNormConfig, Dropout, DropoutConfig};
use burn::tensor::{Device, Tensor, activation};

use super::weights::{Start, WeightSource, role};
use crate::config::tfgnn::Activation;
use crate::error::Result;
use crate::model::NodeInput;

/// Applies `activation`.
pub fn activate(activation: Activation, x: Tensor<2>) -> Tensor<2> {
    match activation {
        Activation::Linear => x,
        Activation::Relu => activation::relu(x),
        Activation::LeakyRelu => activation::leaky_relu(x, 0.2),
        Activation::Elu => activation::elu(x, 1.0),
    }
}

/// Dropout at `rate`, built only when the rate is positive (no layer, no work, at 0).
pub fn dropout(rate: f64) -> Option<Dropout> {
    (rate > 0.0).then(|| DropoutConfig::new(rate).init())
}

/// `x` through `dropout` if there is one (burn's dropout acts only while training).
pub fn apply_dropout<const D: usize>(dropout: &Option<Dropout>, x: Tensor<D>) -> Tensor<D> {
    match dropout {
        Some(dropout) => dropout.forward(x),
        None => x,
    }
}

/// `activation(x W + b)`.
#[derive(Module, Debug)]
pub struct Dense {
    /// `W`: `[input, units]`.
    pub kernel: Param<Tensor<2>>,
    /// `b`: `[units]`.
    pub bias: Option<Param<Tensor<1>>>,
    /// Applied last.
    #[module(skip)]
    pub activation: Activation,
}

impl Dense {
    /// Weights `prefix/kernel` and (with `bias`) `prefix/bias`.
    pub fn new(
        weights: &mut WeightSource,
        prefix: &str,
        [input, units]: [usize; 2],
        bias: bool,
        activation: Activation,
        device: &Device,
    ) -> Result<Self> {
        let kernel = weights.kernel(&role(prefix, "kernel"), input, units, device)?;
        let bias = match bias {
            true => Some(weights.vector(&role(prefix, "bias"), units, Start::Zeros, device)?),
            false => None,
        };
        Ok(Self { kernel, bias, activation })
    }

    /// Output width.
    pub fn units(&self) -> usize {
        self.kernel.val().dims()[1]
    }

    /// # Shapes
    /// - `x`: `[rows, input]`; returns `[rows, units]`.
    pub fn forward(&self, x: Tensor<2>) -> Tensor<2> {
        self.finish(x.matmul(self.kernel.val()))
    }

    /// [`Dense::forward`] of a state as it is held: a sparse one multiplies only its non-zeros.
    ///
    /// # Shapes
    /// - `x`: `[rows, input]`; returns `[rows, units]`.
    pub fn project(&self, x: &NodeInput) -> Tensor<2> {
        self.finish(x.matmul(self.kernel.val()))
    }

    /// `activation(xW + b)` given `xW`, computed elsewhere (e.g. before a linear aggregation
    /// that commutes with the kernel).
    ///
    /// # Shapes
    /// - `linear`: `[rows, units]`; returns `[rows, units]`.
    pub fn finish(&self, linear: Tensor<2>) -> Tensor<2> {
        let biased = match &self.bias {
            Some(b) => linear + b.val().unsqueeze(),
            None => linear,
        };
        activate(self.activation, biased)
    }
}

/// Keras' `LayerNormalization` over the last axis: `γ (x − μ) / √(σ² + ε) + β`.
#[derive(Module, Debug)]
pub struct LayerNorm {
    /// `γ`: `[width]`.
    pub gamma: Param<Tensor<1>>,
    /// `β`: `[width]`.
    pub beta: Param<Tensor<1>>,
}

/// Keras' default ε.
const EPSILON: f64 = 1e-3;

impl LayerNorm {
    /// Weights `prefix/gamma` and `prefix/beta`.
    pub fn new(weights: &mut WeightSource, prefix: &str, width: usize, device: &Device) -> Result<Self> {
        Ok(Self {
            gamma: weights.vector(&role(prefix, "gamma"), width, Start::Ones, device)?,
            beta: weights.vector(&role(prefix, "beta"), width, Start::Zeros, device)?,
        })
    }

    /// # Shapes
    /// - `x`: `[rows, width]`; returns `[rows, width]`.
    pub fn forward(&self, x: Tensor<2>) -> Tensor<2> {
        let mean = x.clone().mean_dim(1);
        let centred = x - mean;
        let variance = centred.clone().powi_scalar(2).mean_dim(1);
        centred / (variance + EPSILON).sqrt() * self.gamma.val().unsqueeze() + self.beta.val().unsqueeze()
    }
}

/// The normalisation of new node states.
#[derive(Module, Debug)]
pub enum Normalize {
    /// [`LayerNorm`].
    Layer(LayerNorm),
    /// burn's batch normalisation, with Keras' ε; `momentum` is Keras' (the old statistics'
    /// weight), burn's is its complement.
    Batch(BatchNorm),
}

impl Normalize {
    /// Batch normalisation of `width` units with Keras' `momentum`.
    pub fn batch(width: usize, momentum: f64, device: &Device) -> Self {
        Self::Batch(
            BatchNormConfig::new(width).with_epsilon(EPSILON).with_momentum(1.0 - momentum).init(device),
        )
    }

    /// # Shapes
    /// - `x`: `[rows, width]`; returns `[rows, width]`.
    pub fn forward(&self, x: Tensor<2>) -> Tensor<2> {
        match self {
            Self::Layer(norm) => norm.forward(x),
            Self::Batch(norm) => norm.forward(x),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::tensor::{matrix, to_vec};

    #[test]
    fn layer_norm_centres_and_scales_each_row() {
        let device = Device::flex();
        let norm = LayerNorm::new(&mut WeightSource::seeded(0), "n", 2, &device).unwrap();
        let out = to_vec(norm.forward(matrix(vec![1.0, 3.0, 5.0, 5.0], 2, 2, &device)));
        let expected = 1.0 / (1.0f32 + 1e-3).sqrt();
        assert!((out[0] + expected).abs() < 1e-6 && (out[1] - expected).abs() < 1e-6, "{out:?}");
        assert_eq!(&out[2..], &[0.0, 0.0]);
    }

    #[test]
    fn dense_applies_kernel_bias_and_activation() {
        let device = Device::flex();
        let mut dense =
            Dense::new(&mut WeightSource::seeded(0), "d", [2, 1], true, Activation::Relu, &device).unwrap();
        dense.kernel = Param::from_tensor(matrix(vec![1.0, -1.0], 2, 1, &device));
        dense.bias = Some(Param::from_tensor(Tensor::from_data(
            burn::tensor::TensorData::new(vec![0.5f32], [1]),
            &device,
        )));
        assert_eq!(to_vec(dense.forward(matrix(vec![1.0, 3.0, 3.0, 1.0], 2, 2, &device))), vec![0.0, 2.5]);
        assert_eq!(dense.units(), 1);
    }
}
