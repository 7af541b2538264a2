//! [`KerasAdam`]: Keras' Adam as a burn [`Optimizer`], one parameter at a time.

use burn::optim::{AdamState, AdaptiveMomentumState, LearningRate, Optimizer};
use burn::tensor::{Device, Tensor};
use nsl_kernels::adam;

use super::cpu;
use super::step::{self, StepInputs};

/// Keras' Adam (see [`nsl_kernels::adam`] for the update) with an optional L2 penalty.
///
/// Its state is burn's [`AdamState`] (step count and the two moments), so a record of it reads
/// like one of burn's `Adam`. On burn's CPU backend a step is one pass over the parameter, its
/// gradient and the moments, in place where nothing else holds them; on other devices it is the
/// same arithmetic as tensor operations.
#[derive(Debug, Clone)]
pub struct KerasAdam {
    constants: adam::KerasAdam,
    weight_decay: f64,
}

impl KerasAdam {
    /// Keras' defaults (β₁ 0.9, β₂ 0.999, ε 1e-7) and an L2 penalty of `weight_decay` on every
    /// parameter (none when 0).
    pub fn new(weight_decay: f64) -> Self {
        Self { constants: adam::KerasAdam::DEFAULTS, weight_decay }
    }
}

impl Optimizer for KerasAdam {
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
        let scalars = self.constants.step(lr, time as u64, self.weight_decay);
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
