//! Adversarial neighbors (`nsl.lib.gen_adv_neighbor`): FGSM- and PGD-style perturbations of
//! the input along the gradient of the labeled loss.

use burn::tensor::Tensor;

use crate::config::AdvNeighborConfig;
use crate::error::{NslError, Result};
use crate::reg::norm::{maximize_within_unit_norm, project_to_ball, random_in_norm_ball};

/// Gradient of a scalar loss with respect to its input batch.
///
/// The input is cut from any graph it belongs to and traced afresh, so the caller's graph is
/// left intact. The returned gradient has no autodiff association; non-finite entries are
/// replaced by 0 (NSL does the same so a malformed gradient does not perturb that feature).
///
/// # Shapes
/// - `x`: `[batch, features]`; returns the same shape.
pub fn input_gradient(x: Tensor<2>, loss_fn: &impl Fn(Tensor<2>) -> Tensor<1>) -> Tensor<2> {
    let traced = x.inner().autodiff().require_grad();
    let loss = loss_fn(traced.clone());
    let grads = loss.backward();
    finite_gradient(traced.grad(&grads).expect("the loss depends on its input"))
}

/// `grad` with non-finite entries replaced by 0 (as NSL does, so that a malformed gradient
/// does not perturb that feature).
pub fn finite_gradient(grad: Tensor<2>) -> Tensor<2> {
    let finite = grad.clone().is_finite();
    grad.mask_fill(finite.bool_not(), 0.0)
}

/// Generates adversarial neighbors of `x` for the labeled loss `loss_fn`.
///
/// Each of `pgd_iterations` steps moves along `maximize_within_unit_norm(mask ⊙ ∇loss)` by
/// `adv_step_size`, projects the total perturbation onto the `pgd_epsilon` ball (if set) and
/// clips to `[clip_value_min, clip_value_max]` (if set). With `random_init` the search starts
/// from a random point of the `pgd_epsilon` ball — or, without `pgd_epsilon`, of the ball of
/// radius `adv_step_size` (one step's reach) — and `first_gradient` is not used (the gradient
/// is taken at the random start). The result is detached (no gradient flows
/// back through the neighbor, as NSL's `stop_gradient`).
///
/// # Arguments
/// - `x`: the clean batch.
/// - `loss_fn`: the labeled loss of a batch of inputs (the model and labels are closed over).
/// - `first_gradient`: the gradient at `x` if the caller already has it.
/// - `config`: NSL's adversarial neighbor configuration.
///
/// # Shapes
/// - `x`: `[batch, features]`; returns the same shape, without autodiff association.
pub fn gen_adv_neighbor(
    x: Tensor<2>,
    loss_fn: &impl Fn(Tensor<2>) -> Tensor<1>,
    first_gradient: Option<Tensor<2>>,
    config: &AdvNeighborConfig,
) -> Result<Tensor<2>> {
    validate(config, x.dims()[1])?;
    let original = x.inner();
    let device = original.device();
    let mask = feature_mask(config, &device);
    let clip = |t: Tensor<2>| clip_to_range(t, config);
    let mut adv = original.clone();
    let mut given = first_gradient;
    if config.random_init {
        let radius = config.pgd_epsilon.unwrap_or(config.adv_step_size);
        let start = random_in_norm_ball(original.dims(), radius, config.adv_grad_norm, &device);
        adv = clip(adv + maybe_mask(start, &mask));
        given = None;
    }
    for _ in 0..config.pgd_iterations {
        let grad = match given.take() {
            Some(g) => g.inner(),
            None => input_gradient(adv.clone(), loss_fn),
        };
        let direction = maximize_within_unit_norm(maybe_mask(grad, &mask), config.adv_grad_norm);
        let mut delta = adv + direction.mul_scalar(config.adv_step_size) - original.clone();
        if let Some(epsilon) = config.pgd_epsilon {
            delta = project_to_ball(delta, epsilon, config.adv_grad_norm);
        }
        adv = clip(original.clone() + delta);
    }
    Ok(adv)
}

/// `t` clipped to the config's `[clip_value_min, clip_value_max]` (either bound may be absent).
pub(crate) fn clip_to_range(t: Tensor<2>, config: &AdvNeighborConfig) -> Tensor<2> {
    match (config.clip_value_min, config.clip_value_max) {
        (None, None) => t,
        (Some(lo), None) => t.clamp_min(lo),
        (None, Some(hi)) => t.clamp_max(hi),
        (Some(lo), Some(hi)) => t.clamp(lo, hi),
    }
}

/// The config's feature mask as a `[1, features]` tensor that broadcasts over a batch.
pub(crate) fn feature_mask(config: &AdvNeighborConfig, device: &burn::tensor::Device) -> Option<Tensor<2>> {
    config.feature_mask.as_ref().map(|m| crate::tensor::matrix(m.clone(), 1, m.len(), device))
}

/// `t ⊙ mask`, or `t` without a mask.
pub(crate) fn maybe_mask(t: Tensor<2>, mask: &Option<Tensor<2>>) -> Tensor<2> {
    match mask {
        Some(m) => t * m.clone(),
        None => t,
    }
}

/// Rejects configurations NSL would reject or that cannot be meant.
pub fn validate(config: &AdvNeighborConfig, features: usize) -> Result<()> {
    if !(config.adv_step_size.is_finite() && config.adv_step_size >= 0.0) {
        return Err(NslError::Config(format!("adv_step_size must be ≥ 0, got {}", config.adv_step_size)));
    }
    if config.pgd_iterations == 0 {
        return Err(NslError::Config("pgd_iterations must be ≥ 1".into()));
    }
    if let Some(eps) = config.pgd_epsilon
        && !(eps.is_finite() && eps >= 0.0)
    {
        return Err(NslError::Config(format!("pgd_epsilon must be ≥ 0, got {eps}")));
    }
    if let (Some(lo), Some(hi)) = (config.clip_value_min, config.clip_value_max)
        && lo > hi
    {
        return Err(NslError::Config(format!("clip_value_min {lo} > clip_value_max {hi}")));
    }
    if let Some(mask) = &config.feature_mask
        && mask.len() != features
    {
        return Err(NslError::Config(format!(
            "feature_mask has {} values for {features} features",
            mask.len()
        )));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::NormType;
    use crate::tensor::{matrix, to_vec};
    use burn::tensor::Device;

    /// loss(x) = Σ w·x has gradient w everywhere: the steps are predictable.
    fn linear_loss(w: Vec<f32>) -> impl Fn(Tensor<2>) -> Tensor<1> {
        move |x: Tensor<2>| {
            let [b, f] = x.dims();
            let w = matrix(w.clone(), 1, f, &x.device());
            (x * w).sum().reshape([1]).div_scalar(b as f32)
        }
    }

    #[test]
    fn fgsm_step_mask_and_clip() {
        let device = Device::flex().autodiff();
        let x = matrix(vec![0.5, 0.5, 0.5], 1, 3, &device);
        let loss = linear_loss(vec![2.0, -1.0, 0.5]);
        let config =
            AdvNeighborConfig { adv_step_size: 0.1, adv_grad_norm: NormType::Infinity, ..Default::default() };
        let adv = to_vec(gen_adv_neighbor(x.clone(), &loss, None, &config).unwrap());
        assert_eq!(adv, vec![0.6, 0.4, 0.6]);

        let masked = AdvNeighborConfig {
            feature_mask: Some(vec![1.0, 0.0, 1.0]),
            clip_value_max: Some(0.55),
            ..config.clone()
        };
        let adv = to_vec(gen_adv_neighbor(x.clone(), &loss, None, &masked).unwrap());
        assert_eq!(adv, vec![0.55, 0.5, 0.55]);

        let bad = AdvNeighborConfig { feature_mask: Some(vec![1.0]), ..config };
        assert!(gen_adv_neighbor(x, &loss, None, &bad).is_err());
    }

    #[test]
    fn pgd_stays_in_the_epsilon_ball() {
        let device = Device::flex().autodiff();
        device.seed(3);
        let x = matrix(vec![0.0; 8], 2, 4, &device);
        let loss = linear_loss(vec![1.0, -2.0, 3.0, -4.0]);
        for norm in [NormType::Infinity, NormType::L2, NormType::L1] {
            let config = AdvNeighborConfig {
                adv_step_size: 0.05,
                adv_grad_norm: norm,
                pgd_iterations: 10,
                pgd_epsilon: Some(0.12),
                random_init: true,
                ..Default::default()
            };
            let adv = to_vec(gen_adv_neighbor(x.clone(), &loss, None, &config).unwrap());
            for row in adv.chunks(4) {
                let n = match norm {
                    NormType::Infinity => row.iter().fold(0f32, |m, v| m.max(v.abs())),
                    NormType::L2 => row.iter().map(|v| v * v).sum::<f32>().sqrt(),
                    NormType::L1 => row.iter().map(|v| v.abs()).sum(),
                };
                assert!((n - 0.12).abs() < 1e-4, "{norm:?}: PGD should reach the ball's surface, norm {n}");
                // The loss rises along the gradient: the last coordinate moves negative.
                assert!(row[3] < 0.0, "{norm:?}: {row:?}");
            }
        }
    }

    /// `random_init` without `pgd_epsilon`: the random start is drawn from the ball of radius
    /// `adv_step_size`, and a given first gradient is not used (the search starts elsewhere).
    #[test]
    fn a_random_start_without_a_ball_stays_within_one_step() {
        let device = Device::flex().autodiff();
        device.seed(9);
        let x = matrix(vec![0.0; 40], 10, 4, &device);
        // A loss flat in x: the gradient steps add nothing, so what moved is the random start.
        let flat = |x: Tensor<2>| (x * 0.0).sum().reshape([1]);
        let config = AdvNeighborConfig {
            adv_step_size: 0.2,
            adv_grad_norm: NormType::Infinity,
            random_init: true,
            ..Default::default()
        };
        let misleading = Some(matrix(vec![1.0; 40], 10, 4, &device.clone().inner()));
        let adv = to_vec(gen_adv_neighbor(x, &flat, misleading, &config).unwrap());
        let largest = adv.iter().fold(0f32, |m, v| m.max(v.abs()));
        assert!(largest > 0.0 && largest <= 0.2 + 1e-6, "start within the step size: {largest}");
        assert!(adv.iter().any(|v| *v < 0.0), "the given gradient (all +1) was not followed: {adv:?}");
    }
}
