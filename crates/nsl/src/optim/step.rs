//! One parameter's Adam step: what it takes and gives, and the update as tensor operations,
//! which any device runs.

use burn::tensor::Tensor;
use nsl_kernels::adam::AdamStep;

/// A parameter, its gradient and its moments (none before the first step), as one step takes them.
#[derive(Debug)]
pub(super) struct StepInputs<const D: usize> {
    pub param: Tensor<D>,
    pub grad: Tensor<D>,
    pub moments: Option<(Tensor<D>, Tensor<D>)>,
}

/// The updated parameter and moments.
pub(super) type StepOutputs<const D: usize> = (Tensor<D>, Tensor<D>, Tensor<D>);

/// The update as tensor operations, for any device: burn's `Adam`'s operations in its order,
/// which [`nsl_kernels::adam::update`] follows too, so on the CPU both give the same bits.
pub(super) fn with_tensor_ops<const D: usize>(
    step: &AdamStep,
    StepInputs { param, grad, moments }: StepInputs<D>,
) -> StepOutputs<D> {
    let grad =
        if step.weight_decay == 0.0 { grad } else { param.clone().mul_scalar(step.weight_decay).add(grad) };
    let first_term = grad.clone().mul_scalar(step.one_minus_beta_1);
    let second_term = grad.clone().mul(grad).mul_scalar(step.one_minus_beta_2);
    let (moment_1, moment_2) = match moments {
        Some((m, v)) => {
            (m.mul_scalar(step.beta_1).add(first_term), v.mul_scalar(step.beta_2).add(second_term))
        }
        None => (first_term, second_term),
    };
    let change = moment_1
        .clone()
        .mul_scalar(step.correction)
        .div(moment_2.clone().sqrt().add_scalar(step.epsilon))
        .mul_scalar(step.learning_rate);
    (param.sub(change), moment_1, moment_2)
}
