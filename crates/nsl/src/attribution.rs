//! Integrated gradients (Sundararajan et al., 2017), as TF-GNN's runner offers them: the
//! attribution of input feature `i` is `(x_i − x'_i) · ∫₀¹ ∂F(x' + α(x − x'))/∂x_i dα`, the
//! integral by the trapezoidal rule over `steps` intervals. Attributions sum to
//! `F(x) − F(x')` up to the quadrature error (completeness), which the tests check.
//!
//! `F` is any scalar score of a `[rows, features]` input: a class logit of one image for pixel
//! saliency, or a node's class logit as a function of all node features (or of the non-zero
//! values of sparse node features) for GNN attribution.

use burn::tensor::Tensor;

use crate::error::{NslError, Result};
use crate::reg::adversarial::input_gradient;

/// Integrated gradients of `score` at `x` from `baseline` (the same shape; zeros is usual).
///
/// # Shapes
/// - `x`, `baseline`: `[rows, features]`; returns the same shape, without autodiff association.
pub fn integrated_gradients(
    x: Tensor<2>,
    baseline: Tensor<2>,
    steps: usize,
    score: &impl Fn(Tensor<2>) -> Tensor<1>,
) -> Result<Tensor<2>> {
    if steps == 0 {
        return Err(NslError::Config("integrated gradients need at least one step".into()));
    }
    if x.dims() != baseline.dims() {
        return Err(NslError::Shape {
            what: "input vs baseline",
            left: x.dims().to_vec(),
            right: baseline.dims().to_vec(),
        });
    }
    let (x, baseline) = (x.inner(), baseline.inner());
    let delta = x - baseline.clone();
    let mut total = Tensor::zeros(delta.dims(), &delta.device());
    for k in 0..=steps {
        let alpha = k as f32 / steps as f32;
        let weight = if k == 0 || k == steps { 0.5 } else { 1.0 };
        let point = baseline.clone() + delta.clone().mul_scalar(alpha);
        total = total + input_gradient(point, score).inner().mul_scalar(weight);
    }
    Ok(total.div_scalar(steps as f32) * delta)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{MlpConfig, NslModel};
    use crate::tensor::{matrix, scalar, to_vec};
    use burn::tensor::Device;

    #[test]
    fn linear_scores_get_exact_attributions() {
        let device = Device::flex();
        let w = matrix(vec![2.0, -1.0, 0.5], 3, 1, &device);
        let score = |x: Tensor<2>| x.matmul(w.clone()).sum();
        let x = matrix(vec![1.0, 2.0, 4.0], 1, 3, &device);
        let ig = integrated_gradients(x, Tensor::zeros([1, 3], &device), 4, &score).unwrap();
        assert_eq!(to_vec(ig), vec![2.0, -2.0, 2.0]);
    }

    #[test]
    fn attributions_of_a_network_are_complete() {
        let device = Device::flex();
        let mlp = MlpConfig {
            input: 6,
            hidden: vec![16],
            output: 3,
            activation: Default::default(),
            dropout: 0.0,
            inputs: None,
        }
        .init(5, &device);
        let score = |x: Tensor<2>| mlp.forward(x).slice([0..1, 2..3]).sum();
        let x = matrix((0..6).map(|v| v as f32 / 3.0 - 0.5).collect(), 1, 6, &device);
        let baseline = Tensor::zeros([1, 6], &device);
        let ig = integrated_gradients(x.clone(), baseline.clone(), 256, &score).unwrap();
        let gap = scalar(score(x)) - scalar(score(baseline));
        let sum: f32 = to_vec(ig).iter().sum();
        assert!((sum - gap).abs() < 1e-2 * gap.abs().max(1.0), "Σ IG {sum} vs F(x) − F(x') {gap}");
        assert!(
            integrated_gradients(Tensor::zeros([1, 2], &device), Tensor::zeros([1, 3], &device), 4, &score)
                .is_err()
        );
    }
}
