//! Virtual adversarial training (`nsl.lib.virtual_adv_regularizer`, Miyato et al. 2018):
//! the distance between a model's output on `x` and on `x` moved along the direction that
//! changes that output most, found by power iteration. It needs no labels.

use burn::tensor::{Distribution, Tensor};

use crate::config::VirtualAdvConfig;
use crate::error::{NslError, Result};
use crate::reg::adversarial::{feature_mask, maybe_mask};
use crate::reg::distance::pairwise_distance;
use crate::reg::norm::normalize;

/// Virtual adversarial loss of the batch `x`.
///
/// # Arguments
/// - `x`: the batch.
/// - `embedding_fn`: the model's output (logits or an embedding) for a batch.
/// - `config`: step size, norm and mask of the perturbation; distance; power-iteration steps
///   and finite difference.
/// - `embedding`: `embedding_fn(x)` if the caller already computed it.
///
/// # Shapes
/// - `x`: `[batch, features]`
/// - returns `[1]`
pub fn virtual_adv_regularizer(
    x: Tensor<2>,
    embedding_fn: &impl Fn(Tensor<2>) -> Tensor<2>,
    config: &VirtualAdvConfig,
    embedding: Option<Tensor<2>>,
) -> Result<Tensor<1>> {
    let neighbor = &config.adv_neighbor_config;
    crate::reg::adversarial::validate(neighbor, x.dims()[1])?;
    let embedding = embedding.unwrap_or_else(|| embedding_fn(x.clone()));
    // Only the perturbed side carries gradients: the clean output is the target.
    let target = embedding.detach();
    let clean = x.inner();
    let direction = dominant_direction(clean.clone(), embedding_fn, config, target.clone())?;
    let perturbed = embedding_fn(clean + direction.mul_scalar(neighbor.adv_step_size));
    Ok(pairwise_distance(target, perturbed, None, &config.distance_config)?.reshape([1]))
}

/// The virtual adversarial perturbation of `x` itself: `adv_step_size` along the direction
/// that changes `embedding_fn`'s output most (what [`virtual_adv_regularizer`] moves along),
/// for showing it. Detached.
///
/// # Shapes
/// - `x`: `[batch, features]`; returns the perturbation, the same shape.
pub fn virtual_adv_perturbation(
    x: Tensor<2>,
    embedding_fn: &impl Fn(Tensor<2>) -> Tensor<2>,
    config: &VirtualAdvConfig,
) -> Result<Tensor<2>> {
    crate::reg::adversarial::validate(&config.adv_neighbor_config, x.dims()[1])?;
    let clean = x.inner();
    let target = embedding_fn(clean.clone()).detach();
    let direction = dominant_direction(clean, embedding_fn, config, target)?;
    Ok(direction.mul_scalar(config.adv_neighbor_config.adv_step_size))
}

/// Power iteration from a random start for the unit direction (in the configured norm) that
/// changes the output most, as measured by the configured distance from `target`.
fn dominant_direction(
    clean: Tensor<2>,
    embedding_fn: &impl Fn(Tensor<2>) -> Tensor<2>,
    config: &VirtualAdvConfig,
    target: Tensor<2>,
) -> Result<Tensor<2>> {
    let neighbor = &config.adv_neighbor_config;
    if !(config.approx_difference.is_finite() && config.approx_difference > 0.0) {
        return Err(NslError::Config(format!(
            "approx_difference must be > 0, got {}",
            config.approx_difference
        )));
    }
    let device = clean.device();
    let mask = feature_mask(neighbor, &device);
    let normalize_masked = |t: Tensor<2>| normalize(maybe_mask(t, &mask), neighbor.adv_grad_norm);
    let seed = Tensor::<2>::random(clean.dims(), Distribution::Normal(0.0, 1.0), &device);
    let mut direction = normalize_masked(seed);
    for _ in 0..config.num_approx_steps {
        let scaled = direction.mul_scalar(config.approx_difference).autodiff().require_grad();
        let perturbed = embedding_fn(clean.clone() + scaled.clone());
        let loss = pairwise_distance(target.clone(), perturbed, None, &config.distance_config)?;
        let grads = loss.backward();
        let grad = scaled.grad(&grads).expect("the distance depends on the perturbation");
        let finite = grad.clone().is_finite();
        direction = normalize_masked(grad.mask_fill(finite.bool_not(), 0.0));
    }
    Ok(direction)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::{
        AdvNeighborConfig, DistanceConfig, DistanceType, NormType, SumOverAxis, TransformType,
    };
    use crate::tensor::{matrix, scalar};
    use burn::tensor::Device;

    /// For a linear map f(x) = x·A and an L2 distance, the loss at step ε along the dominant
    /// right-singular direction is ε²·σ₁²; power iteration finds it from a random start.
    #[test]
    fn finds_the_dominant_direction_of_a_linear_map() {
        let device = Device::flex().autodiff();
        device.seed(11);
        let a = matrix(vec![3.0, 0.0, 0.0, 1.0], 2, 2, &device);
        let f = |x: Tensor<2>| x.matmul(a.clone());
        let x = matrix(vec![0.2, -0.1], 1, 2, &device);
        let config = VirtualAdvConfig {
            adv_neighbor_config: AdvNeighborConfig {
                adv_step_size: 0.5,
                adv_grad_norm: NormType::L2,
                ..Default::default()
            },
            distance_config: DistanceConfig {
                reduction: crate::config::Reduction::Sum,
                ..Default::default()
            },
            num_approx_steps: 3,
            approx_difference: 1e-3,
        };
        let loss = scalar(virtual_adv_regularizer(x, &f, &config, None).unwrap());
        assert!((loss - 0.25 * 9.0).abs() < 1e-3, "{loss}");
    }

    #[test]
    fn the_shown_perturbation_has_the_step_size_and_the_dominant_direction() {
        let device = Device::flex().autodiff();
        device.seed(2);
        let a = matrix(vec![0.5, 0.0, 0.0, 4.0], 2, 2, &device);
        let f = |x: Tensor<2>| x.matmul(a.clone());
        let config = VirtualAdvConfig {
            adv_neighbor_config: AdvNeighborConfig {
                adv_step_size: 0.25,
                adv_grad_norm: NormType::L2,
                ..Default::default()
            },
            num_approx_steps: 3,
            approx_difference: 1e-3,
            ..Default::default()
        };
        let delta = crate::tensor::to_vec(
            virtual_adv_perturbation(matrix(vec![0.1, 0.1], 1, 2, &device), &f, &config).unwrap(),
        );
        let norm = (delta[0] * delta[0] + delta[1] * delta[1]).sqrt();
        assert!((norm - 0.25).abs() < 1e-4, "{delta:?}");
        assert!(delta[1].abs() > 0.99 * 0.25, "along the second axis, which A stretches most: {delta:?}");
    }

    #[test]
    fn kl_on_softmax_is_non_negative_and_differentiable() {
        let device = Device::flex().autodiff();
        device.seed(5);
        let w = matrix(vec![1.0, -1.0, 0.5, 2.0, 0.0, -0.5], 2, 3, &device).require_grad();
        let f = |x: Tensor<2>| x.matmul(w.clone());
        let x = matrix(vec![0.3, 0.7, -0.2, 0.1], 2, 2, &device);
        let config = VirtualAdvConfig {
            adv_neighbor_config: AdvNeighborConfig { adv_step_size: 1.0, ..Default::default() },
            distance_config: DistanceConfig {
                distance_type: DistanceType::KlDivergence,
                sum_over_axis: Some(SumOverAxis::Last),
                transform_fn: TransformType::Softmax,
                ..Default::default()
            },
            ..Default::default()
        };
        let loss = virtual_adv_regularizer(x, &f, &config, None).unwrap();
        let value = scalar(loss.clone());
        assert!(value > 0.0, "{value}");
        let grads = loss.backward();
        assert!(w.grad(&grads).is_some(), "the loss trains the model");
    }
}
