//! Initial weights as Keras draws them — Glorot-uniform kernels, zero biases — from the host's
//! seeded generator, so a seed gives the same model on every backend, natively and in wasm,
//! whatever else uses the device's generator. Every model of the crate (MLP, CNN, GNN layers)
//! draws its kernels here.

use burn::module::Param;
use burn::tensor::{Device, Tensor};
use nsl_graph::rng::SeededRng;
use rand::RngExt;

/// `count` values from `U(-l, l)` with `l = √(6 / (fan_in + fan_out))` (Glorot & Bengio,
/// Keras' `glorot_uniform`).
pub fn glorot_uniform(rng: &mut SeededRng, count: usize, fan_in: usize, fan_out: usize) -> Vec<f32> {
    let limit = (6.0 / (fan_in + fan_out) as f32).sqrt();
    (0..count).map(|_| rng.random_range(-limit..limit)).collect()
}

/// A Glorot-uniform `[rows, cols]` kernel (`rows` = fan in, `cols` = fan out).
pub fn glorot_matrix(rng: &mut SeededRng, rows: usize, cols: usize, device: &Device) -> Param<Tensor<2>> {
    let values = glorot_uniform(rng, rows * cols, rows, cols);
    Param::from_tensor(crate::tensor::matrix(values, rows, cols, device))
}

/// A zero bias of `len` values.
pub fn zero_bias(len: usize, device: &Device) -> Param<Tensor<1>> {
    Param::from_tensor(Tensor::zeros([len], device))
}

#[cfg(test)]
mod tests {
    use super::*;
    use nsl_graph::rng::seeded;

    #[test]
    fn glorot_values_lie_within_the_limit_and_fill_it() {
        let values = glorot_uniform(&mut seeded(3), 10_000, 10, 14);
        let limit = 0.5; // √(6 / 24)
        assert!(values.iter().all(|v| v.abs() < limit));
        assert!(values.iter().any(|v| *v > 0.45) && values.iter().any(|v| *v < -0.45));
        let mean = values.iter().sum::<f32>() / values.len() as f32;
        assert!(mean.abs() < 0.02, "mean {mean}");
    }
}
