//! [`OnePassAdam`]: burn's Adam as a burn [`Optimizer`], one pass per parameter on the CPU.

use burn::optim::{AdamState, AdaptiveMomentumState, LearningRate, Optimizer};
use burn::tensor::{Device, Tensor};
use nsl_kernels::adam::AdamConstants;

use super::cpu;
use super::step::{self, StepInputs};

/// Keras' Adam ε (`tf.keras.optimizers.Adam(epsilon=1e-07)`), which TensorFlow NSL trains with.
pub const KERAS_EPSILON: f32 = 1e-7;

/// burn's `Adam` (see [`nsl_kernels::adam`] for the update), with an optional L2 penalty.
///
/// Its state is burn's [`AdamState`] (step count and the two moments), and its values are burn's
/// `Adam`'s bit for bit. On burn's CPU backend a step is one pass over the parameter, its gradient
/// and the moments, in place where nothing else holds them; on other devices it is the same
/// arithmetic as tensor operations.
#[derive(Debug, Clone)]
pub struct OnePassAdam {
    constants: AdamConstants,
    weight_decay: f32,
}

impl OnePassAdam {
    /// β₁ 0.9, β₂ 0.999 and Keras' ε 1e-7 (burn's default is 1e-5), and an L2 penalty of
    /// `weight_decay` on every parameter (none when 0).
    pub fn new(weight_decay: f64) -> Self {
        let constants = AdamConstants { beta_1: 0.9, beta_2: 0.999, epsilon: KERAS_EPSILON };
        Self { constants, weight_decay: weight_decay as f32 }
    }
}

impl Optimizer for OnePassAdam {
    type State<const D: usize> = AdamState<D>;

    fn step<const D: usize>(
        &self,
        lr: LearningRate,
        tensor: Tensor<D>,
        grad: Tensor<D>,
        state: Option<Self::State<D>>,
    ) -> (Tensor<D>, Option<Self::State<D>>) {
        let (time, moments) = match state {
            Some(AdamState { momentum }) => (momentum.time + 1, Some((momentum.moment_1, momentum.moment_2))),
            None => (1, None),
        };
        let scalars = self.constants.step(lr, time as i32, self.weight_decay);
        let inputs = StepInputs { param: tensor, grad, moments };
        let (param, moment_1, moment_2) = if cpu::takes(&inputs) {
            cpu::step(&scalars, inputs)
        } else {
            step::with_tensor_ops(&scalars, inputs)
        };
        let momentum = AdaptiveMomentumState::new(time, moment_1, moment_2);
        (param, Some(AdamState::new(momentum)))
    }

    fn to_device<const D: usize>(state: Self::State<D>, device: &Device) -> Self::State<D> {
        AdamState::new(state.momentum.to_device(device))
    }
}
