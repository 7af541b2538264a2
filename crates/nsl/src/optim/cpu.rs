//! The Adam step on burn's CPU backend (flex): the parameter, gradient and moments taken out of
//! their tensors as f32 slices ([`CpuTensor`]) and updated in one pass by
//! [`nsl_kernels::adam::update`], in place unless another tensor shares a buffer.

use nsl_kernels::adam::{self, AdamStep};

use super::step::{StepInputs, StepOutputs};
use crate::tensor::cpu::{CpuTensor, on_cpu_f32};

/// Whether [`step`] takes these inputs: all f32 tensors of burn's CPU backend (the moments are,
/// whenever the parameter is; they are checked all the same).
pub(super) fn takes<const D: usize>(inputs: &StepInputs<D>) -> bool {
    let StepInputs { param, grad, moments } = inputs;
    let moments_on_cpu = moments.as_ref().is_none_or(|(m, v)| on_cpu_f32(m) && on_cpu_f32(v));
    on_cpu_f32(param) && on_cpu_f32(grad) && moments_on_cpu
}

/// One step on the CPU.
///
/// # Panics
///
/// If [`takes`] does not take `inputs`.
pub(super) fn step<const D: usize>(
    step: &AdamStep,
    StepInputs { param, grad, moments }: StepInputs<D>,
) -> StepOutputs<D> {
    let mut param = CpuTensor::take(param);
    let grad = CpuTensor::take(grad);
    let (mut moment_1, mut moment_2) = match moments {
        Some((moment_1, moment_2)) => (CpuTensor::take(moment_1), CpuTensor::take(moment_2)),
        None => (param.zeros_like(), param.zeros_like()),
    };
    adam::update(step, param.values_mut(), grad.values(), moment_1.values_mut(), moment_2.values_mut());
    (param.give(), moment_1.give(), moment_2.give())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::optim::step::with_tensor_ops;
    use crate::tensor::{matrix, to_vec};
    use burn::tensor::{DType, Device, Tensor};
    use nsl_kernels::adam::AdamConstants;

    fn tensor(values: &[f32], device: &Device) -> Tensor<2> {
        matrix(values.to_vec(), 2, values.len() / 2, device)
    }

    const CONSTANTS: AdamConstants = AdamConstants { beta_1: 0.9, beta_2: 0.999, epsilon: 1e-7 };

    const PARAM: [f32; 6] = [0.5, -1.25, 2.0, 0.0, 3.5, -0.75];
    const GRADS: [[f32; 6]; 3] = [
        [0.3, -0.2, 1e-6, 0.0, 4.0, -0.01],
        [0.1, 0.4, -2e-6, 0.5, -3.0, 0.02],
        [-0.5, 0.05, 1e-6, -0.5, 2.0, 0.0],
    ];

    /// Three steps, each either on the CPU path or as tensor operations; the updated parameter
    /// and moments after each.
    fn three_steps(on_cpu: bool, weight_decay: f64) -> Vec<[Vec<f32>; 3]> {
        let device = Device::flex();
        let mut param = tensor(&PARAM, &device);
        let mut moments = None;
        let mut after = Vec::new();
        for (t, grad) in GRADS.iter().enumerate() {
            let step = CONSTANTS.step(0.01, t as i32 + 1, weight_decay as f32);
            let inputs = StepInputs { param, grad: tensor(grad, &device), moments };
            let (p, m, v) = if on_cpu {
                assert!(takes(&inputs), "a flex f32 tensor takes the CPU path");
                super::step(&step, inputs)
            } else {
                with_tensor_ops(&step, inputs)
            };
            after.push([to_vec(p.clone()), to_vec(m.clone()), to_vec(v.clone())]);
            (param, moments) = (p, Some((m, v)));
        }
        after
    }

    /// The one-pass update and the tensor operations give the same bits, step after step.
    #[test]
    fn cpu_path_equals_tensor_operations_bit_for_bit() {
        for weight_decay in [0.0, 5e-4] {
            let (cpu, ops) = (three_steps(true, weight_decay), three_steps(false, weight_decay));
            assert_eq!(cpu, ops, "weight decay {weight_decay}");
            assert_ne!(cpu[2][0], PARAM.to_vec(), "the parameter did not move");
        }
    }

    /// A parameter whose buffer another tensor shares (as a snapshot of the model does) is
    /// copied before the update: the other holder keeps the old values.
    #[test]
    fn a_shared_parameter_is_not_changed_under_its_other_holder() {
        let device = Device::flex();
        let param = tensor(&PARAM, &device);
        let held = param.clone();
        let step = CONSTANTS.step(0.01, 1, 0.0);
        let inputs = StepInputs { param, grad: tensor(&GRADS[0], &device), moments: None };
        let (updated, _, _) = super::step(&step, inputs);
        assert_eq!(to_vec(held), PARAM.to_vec());
        assert_ne!(to_vec(updated), PARAM.to_vec());
    }

    /// The parameter an autodiff module hands the optimizer (its inner, untracked tensor) takes
    /// the CPU path.
    #[test]
    fn what_the_module_optimizer_passes_takes_the_cpu_path() {
        let device = Device::flex().autodiff();
        let param = tensor(&PARAM, &device).require_grad();
        let grad = tensor(&GRADS[0], &Device::flex());
        assert!(!takes(&StepInputs { param: param.clone(), grad: grad.clone(), moments: None }));
        assert!(takes(&StepInputs { param: param.inner(), grad, moments: None }));
    }

    /// Tensors of another element type are left to the tensor operations.
    #[test]
    fn other_element_types_are_not_taken() {
        let device = Device::flex();
        let inputs = StepInputs {
            param: tensor(&PARAM, &device).cast(DType::F64),
            grad: tensor(&GRADS[0], &device).cast(DType::F64),
            moments: None,
        };
        assert!(!takes(&inputs));
        let f32_inputs =
            StepInputs { param: tensor(&PARAM, &device), grad: tensor(&GRADS[0], &device), moments: None };
        assert!(takes(&f32_inputs));
    }
}
