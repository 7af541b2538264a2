//! f32 tensors of burn's CPU backend (flex) as plain slices, for the one-pass loops of
//! `nsl_kernels`.
//!
//! A buffer nothing else holds is written in place; a shared one (a parameter a snapshot still
//! holds, an input the caller keeps) is copied first, by flex's copy-on-write, so no other
//! holder sees the change.

use burn::backend::flex::FlexTensor;
use burn::backend::{
    BackendTensor, DispatchAutodiffContext, DispatchDevice, DispatchTensor, DispatchTensorKind,
    TensorMetadata,
};
use burn::tensor::{DType, Tensor};

/// Whether `tensor` is an f32 tensor of burn's CPU backend, untracked by autodiff (a tracked
/// one reports an autodiff device; its `inner()` is untracked).
pub(crate) fn on_cpu_f32<const D: usize>(tensor: &Tensor<D>) -> bool {
    matches!(tensor.device().as_dispatch(), DispatchDevice::Flex(_)) && tensor.dtype() == DType::F32
}

/// An f32 tensor of burn's CPU backend, laid out contiguously.
#[derive(Debug)]
pub(crate) struct CpuTensor(FlexTensor);

impl CpuTensor {
    /// The CPU tensor inside `tensor`, made contiguous if it was a strided view.
    ///
    /// # Panics
    ///
    /// If `tensor` is not an f32 tensor of burn's CPU backend ([`on_cpu_f32`]).
    pub(crate) fn take<const D: usize>(tensor: Tensor<D>) -> Self {
        match tensor.into_dispatch() {
            // A CPU float tensor's autodiff context is always disabled (burn-dispatch asserts it):
            // the tracked ones are `Autodiff` kinds, which report an autodiff device.
            DispatchTensor { kind: DispatchTensorKind::Flex(BackendTensor::Float(tensor)), .. }
                if tensor.dtype() == DType::F32 =>
            {
                Self(if tensor.is_contiguous() { tensor } else { tensor.to_contiguous() })
            }
            other => panic!("a CPU loop given a {:?} tensor on {:?}", other.dtype(), other.device()),
        }
    }

    /// The tensor again, untracked, on burn's CPU backend.
    pub(crate) fn give<const D: usize>(self) -> Tensor<D> {
        let kind = DispatchTensorKind::Flex(BackendTensor::Float(self.0));
        Tensor::from_dispatch(DispatchTensor { kind, autodiff: DispatchAutodiffContext::Disabled })
    }

    /// Zeros of the same shape.
    pub(crate) fn zeros_like(&self) -> Self {
        Self(FlexTensor::zeros(self.0.layout().shape().clone(), DType::F32))
    }

    /// The values, in row-major order.
    pub(crate) fn values(&self) -> &[f32] {
        let (start, end) = self.0.layout().contiguous_offsets().expect("made contiguous in take");
        &self.0.storage::<f32>()[start..end]
    }

    /// The values to write, copied first if another tensor shares the buffer.
    pub(crate) fn values_mut(&mut self) -> &mut [f32] {
        let (start, end) = self.0.layout().contiguous_offsets().expect("made contiguous in take");
        &mut self.0.storage_mut::<f32>()[start..end]
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::tensor::{matrix, to_vec};
    use burn::tensor::Device;

    const VALUES: [f32; 6] = [0.5, -1.25, 2.0, 0.0, 3.5, -0.75];

    fn tensor(device: &Device) -> Tensor<2> {
        matrix(VALUES.to_vec(), 2, 3, device)
    }

    /// A tracked tensor is not taken, its inner one is; a non-contiguous view is read in its
    /// logical order.
    #[test]
    fn takes_untracked_cpu_tensors_in_logical_order() {
        let tracked = tensor(&Device::flex().autodiff()).require_grad();
        assert!(!on_cpu_f32(&tracked), "a tracked tensor reports an autodiff device");
        assert!(on_cpu_f32(&tracked.inner()));

        let transposed = tensor(&Device::flex()).transpose();
        let taken = CpuTensor::take(transposed.clone());
        assert_eq!(taken.values(), to_vec(transposed).as_slice());
    }

    /// Writing through a taken tensor leaves another holder of the buffer as it was.
    #[test]
    fn a_shared_buffer_is_copied_before_it_is_written() {
        let original = tensor(&Device::flex());
        let mut taken = CpuTensor::take(original.clone());
        taken.values_mut()[0] = 9.0;
        assert_eq!(to_vec(original), VALUES.to_vec());
        assert_eq!(to_vec(taken.give::<2>())[0], 9.0);
    }

    /// Tensors of another element type are not taken.
    #[test]
    fn other_element_types_are_not_taken() {
        assert!(!on_cpu_f32(&tensor(&Device::flex()).cast(DType::F64)));
    }
}
