//! Small conversions between host vectors and burn tensors, and ([`cpu`]) the f32 buffers of
//! burn's CPU tensors for the loops of `nsl_kernels`.

pub(crate) mod cpu;

use burn::tensor::{Device, Int, Tensor, TensorData};

/// A `[rows, cols]` float tensor from row-major host values.
///
/// # Panics
/// If `values.len() != rows * cols`.
pub fn matrix(values: Vec<f32>, rows: usize, cols: usize, device: &Device) -> Tensor<2> {
    assert_eq!(values.len(), rows * cols, "matrix: {rows}x{cols} needs {} values", rows * cols);
    Tensor::from_data(TensorData::new(values, [rows, cols]), device)
}

/// A `[n]` integer tensor of class labels.
pub fn labels(values: &[u32], device: &Device) -> Tensor<1, Int> {
    let values: Vec<i64> = values.iter().map(|&v| i64::from(v)).collect();
    let n = values.len();
    Tensor::from_data(TensorData::new(values, [n]), device)
}

/// The values of a float tensor, row-major (synchronous read-back; native only).
pub fn to_vec<const D: usize>(tensor: Tensor<D>) -> Vec<f32> {
    tensor.into_data().convert::<f32>().try_into_vec::<f32>().expect("float tensor reads as f32")
}

/// The single value of a one-element float tensor (synchronous read-back; native only).
pub fn scalar<const D: usize>(tensor: Tensor<D>) -> f32 {
    let values = to_vec(tensor);
    assert_eq!(values.len(), 1, "scalar() of a tensor with {} elements", values.len());
    values[0]
}
