//! Adversarial neighbors (`nsl.lib.gen_adv_neighbor`): FGSM- and PGD-style perturbations of
//! the input along the gradient of the labeled loss.
//!
//! A step under the L∞ norm without a feature mask — FGSM, every PGD iteration of the
//! playground's built-ins — is a dozen element-wise tensor operations (the gradient's finite
//! check, its sign, the step, the ball, the range): on burn's CPU backend it is taken in one
//! pass instead ([`nsl_kernels::sign_ascent`]), with the same bits.

use burn::tensor::Tensor;
use nsl_kernels::sign_ascent::{self, Range, SignStep};

use crate::config::{AdvNeighborConfig, NormType};
use crate::error::{NslError, Result};
use crate::reg::norm::{maximize_within_unit_norm, project_to_ball, random_in_norm_ball};
use crate::tensor::cpu::{CpuTensor, on_cpu_f32};

/// Gradient of a scalar loss with respect to its input batch.
///
/// The input is cut from any graph it belongs to and traced afresh, so the caller's graph is
/// left intact. The returned gradient has no autodiff association; non-finite entries are
/// replaced by 0 (NSL does the same so a malformed gradient does not perturb that feature).
///
/// # Shapes
/// - `x`: `[batch, features]`; returns the same shape.
pub fn input_gradient(x: Tensor<2>, loss_fn: &impl Fn(Tensor<2>) -> Tensor<1>) -> Tensor<2> {
    finite_gradient(raw_input_gradient(x, loss_fn))
}

/// [`input_gradient`] as the backward pass gives it, non-finite entries and all (the search's
/// step sets them to 0 itself).
pub(crate) fn raw_input_gradient(x: Tensor<2>, loss_fn: &impl Fn(Tensor<2>) -> Tensor<1>) -> Tensor<2> {
    let traced = x.inner().autodiff().require_grad();
    let loss = loss_fn(traced.clone());
    let grads = loss.backward();
    traced.grad(&grads).expect("the loss depends on its input")
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
/// - `first_gradient`: the gradient at `x` if the caller already has it (non-finite entries
///   count as 0, as in every step).
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
    let mut adv = original.clone();
    let mut given = first_gradient;
    if config.random_init {
        let radius = config.pgd_epsilon.unwrap_or(config.adv_step_size);
        let start = random_in_norm_ball(original.dims(), radius, config.adv_grad_norm, &device);
        adv = clip_to_range(adv + maybe_mask(start, &mask), config);
        given = None;
    }
    let search = Search { original: &original, config, mask: &mask };
    for _ in 0..config.pgd_iterations {
        let grad = match given.take() {
            Some(g) => g.inner(),
            None => raw_input_gradient(adv.clone(), loss_fn),
        };
        adv = search.step(adv, grad);
    }
    Ok(adv)
}

/// What every step of one search shares: where it started, its configuration and its mask.
struct Search<'a> {
    original: &'a Tensor<2>,
    config: &'a AdvNeighborConfig,
    mask: &'a Option<Tensor<2>>,
}

impl Search<'_> {
    /// One step: from `current` along the direction that raises the loss most within the unit
    /// ball of the config's norm, the total perturbation projected onto the `pgd_epsilon` ball
    /// and the result clipped to the range. Non-finite entries of `grad` count as 0. One pass
    /// on burn's CPU backend where [`sign_step`] applies; the tensor operations otherwise,
    /// which give the same bits.
    fn step(&self, current: Tensor<2>, grad: Tensor<2>) -> Tensor<2> {
        if let Some(step) = sign_step(self.config, self.mask)
            && on_cpu_f32(self.original)
            && on_cpu_f32(&current)
            && on_cpu_f32(&grad)
        {
            let (original, grad) = (CpuTensor::take(self.original.clone()), CpuTensor::take(grad));
            let mut current = CpuTensor::take(current);
            sign_ascent::sign_step(&step, original.values(), current.values_mut(), grad.values());
            return current.give();
        }
        self.step_with_tensor_ops(current, grad)
    }

    /// [`Search::step`] as tensor operations, for any device and any step.
    fn step_with_tensor_ops(&self, current: Tensor<2>, grad: Tensor<2>) -> Tensor<2> {
        let Self { original, config, mask } = self;
        let direction =
            maximize_within_unit_norm(maybe_mask(finite_gradient(grad), mask), config.adv_grad_norm);
        let mut delta = current + direction.mul_scalar(config.adv_step_size) - (*original).clone();
        if let Some(epsilon) = config.pgd_epsilon {
            delta = project_to_ball(delta, epsilon, config.adv_grad_norm);
        }
        clip_to_range((*original).clone() + delta, config)
    }
}

/// The constants of a step the one-pass loop takes: the L∞ norm (the direction is the
/// gradient's sign) without a feature mask.
fn sign_step(config: &AdvNeighborConfig, mask: &Option<Tensor<2>>) -> Option<SignStep> {
    (config.adv_grad_norm == NormType::Infinity && mask.is_none()).then_some(SignStep {
        step_size: config.adv_step_size,
        epsilon: config.pgd_epsilon,
        range: Range { min: config.clip_value_min, max: config.clip_value_max },
    })
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
    use crate::tensor::{matrix, to_vec};
    use burn::tensor::Device;

    /// The one-pass CPU step gives the tensor operations' bits: for every range, with and
    /// without PGD's ball, over gradients with ±0, NaN, infinities and a subnormal, from the
    /// first step (the current point is the original, sharing its buffer) and from a later one.
    #[test]
    fn the_cpu_step_is_the_tensor_step_bit_for_bit() {
        let device = Device::flex();
        let (rows, features) = (3, 8);
        let x: Vec<f32> = (0..rows * features).map(|i| (i * 37 % 23) as f32 / 23.0).collect();
        let later: Vec<f32> = x.iter().map(|v| v * 1.1 - 0.03).collect();
        let mut g: Vec<f32> = (0..rows * features).map(|i| ((i * 53 % 29) as f32 - 14.0) * 1e-3).collect();
        g[..6].copy_from_slice(&[0.0, -0.0, f32::NAN, f32::INFINITY, f32::NEG_INFINITY, 1e-42]);
        let ranges = [(None, None), (Some(0.0), None), (None, Some(1.0)), (Some(0.0), Some(1.0))];
        for epsilon in [None, Some(0.05)] {
            for (clip_value_min, clip_value_max) in ranges {
                for first in [true, false] {
                    let config = AdvNeighborConfig {
                        adv_step_size: 0.07,
                        adv_grad_norm: NormType::Infinity,
                        clip_value_min,
                        clip_value_max,
                        pgd_epsilon: epsilon,
                        ..Default::default()
                    };
                    let original = matrix(x.clone(), rows, features, &device);
                    let current =
                        if first { original.clone() } else { matrix(later.clone(), rows, features, &device) };
                    let grad = matrix(g.clone(), rows, features, &device);
                    assert!(sign_step(&config, &None).is_some() && on_cpu_f32(&original));
                    let search = Search { original: &original, config: &config, mask: &None };
                    let fused = to_vec(search.step(current.clone(), grad.clone()));
                    let ops = to_vec(search.step_with_tensor_ops(current, grad));
                    let bits = |v: &[f32]| v.iter().map(|f| f.to_bits()).collect::<Vec<_>>();
                    let case =
                        format!("ε {epsilon:?}, range {clip_value_min:?}..{clip_value_max:?}, first {first}");
                    assert_eq!(bits(&fused), bits(&ops), "{case}");
                    assert_ne!(fused, x, "{case}: nothing moved");
                    assert_eq!(to_vec(original), x, "{case}: the original input changed");
                }
            }
        }
    }

    /// Other norms and a feature mask take the tensor operations.
    #[test]
    fn only_unmasked_sign_steps_take_the_cpu_loop() {
        let plain = AdvNeighborConfig { adv_grad_norm: NormType::Infinity, ..Default::default() };
        assert!(sign_step(&plain, &None).is_some());
        let mask = Some(matrix(vec![1.0, 0.0], 1, 2, &Device::flex()));
        assert!(sign_step(&plain, &mask).is_none());
        for norm in [NormType::L2, NormType::L1] {
            assert!(sign_step(&AdvNeighborConfig { adv_grad_norm: norm, ..plain.clone() }, &None).is_none());
        }
    }

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
