//! Pairwise distances between sample outputs and neighbor outputs, exactly as
//! `nsl.lib.pairwise_distance_wrapper` computes them (TensorFlow's v1 losses underneath).

use burn::tensor::{Tensor, activation::softmax};

use crate::config::{DistanceConfig, DistanceType, Reduction, TransformType};
use crate::error::{NslError, Result};

/// Added inside logarithms of KL and JS divergences, as NSL does.
const LOG_EPSILON: f32 = 1e-7;
/// `tf.nn.l2_normalize`'s default epsilon.
const L2_NORMALIZE_EPSILON: f32 = 1e-12;

/// Weighted distance between `sources` and `targets`.
///
/// # Arguments
/// - `sources`, `targets`: the two sides, already aligned row by row (a sample's output
///   repeated once per neighbor, as NSL's `replicate_embeddings` does).
/// - `weights`: per-pair weights (`[n, 1]`), per-element weights (`[n, d]`), or `None` for 1.
///   A weight of 0 marks a missing neighbor.
/// - `config`: distance type, reduction, `sum_over_axis` and transform.
///
/// # Shapes
/// - `sources`, `targets`: `[n, d]`
/// - returns `[1, 1]` for every reduction but [`Reduction::None`], which returns the weighted
///   element distances: `[n, d]` for L1/L2, `[n, 1]` for the axis distances.
pub fn pairwise_distance(
    sources: Tensor<2>,
    targets: Tensor<2>,
    weights: Option<Tensor<2>>,
    config: &DistanceConfig,
) -> Result<Tensor<2>> {
    if sources.dims() != targets.dims() {
        return Err(NslError::Shape {
            what: "sources vs targets",
            left: sources.dims().to_vec(),
            right: targets.dims().to_vec(),
        });
    }
    if config.distance_type.needs_axis() && config.sum_over_axis.is_none() {
        return Err(NslError::MissingAxis(config.distance_type));
    }
    let feature_dim = sources.dims()[1];
    let (sources, targets) = match config.transform_fn {
        TransformType::None => (sources, targets),
        // With sum_over_axis None, tf.nn.softmax uses the last axis: the same axis here.
        TransformType::Softmax => (softmax(sources, 1), softmax(targets, 1)),
    };
    let losses = element_distances(sources, targets, config.distance_type);
    let [n, d] = losses.dims();
    let weights = match weights {
        Some(w) => {
            let [wn, wd] = w.dims();
            if !(wn == n || wn == 1) || !(wd == d || wd == 1) {
                return Err(NslError::Shape {
                    what: "weights not broadcastable to distances",
                    left: vec![wn, wd],
                    right: vec![n, d],
                });
            }
            w.expand([n, d])
        }
        None => Tensor::ones([n, d], &losses.device()),
    };
    let weighted = losses * weights.clone();
    let total = weighted.clone().sum();
    let reduced = match config.reduction {
        Reduction::None => return Ok(weighted),
        Reduction::Sum => total,
        Reduction::Mean => div_no_nan(total, weights.sum()),
        Reduction::SumOverBatchSize => total.div_scalar((n * d) as f32),
        Reduction::SumByNonzeroWeights => div_no_nan(total, weights.not_equal_elem(0.0).float().sum()),
    };
    // The averaging reductions divide by every element of an element-wise distance; NSL
    // multiplies the feature size back in so that the result averages over sample pairs.
    let reduced = if !config.distance_type.needs_axis()
        && config.sum_over_axis.is_some()
        && config.reduction.averages()
    {
        reduced.mul_scalar(feature_dim as f32)
    } else {
        reduced
    };
    Ok(reduced.reshape([1, 1]))
}

/// Unweighted distances: element-wise for L1/L2, one per row for the axis distances.
fn element_distances(sources: Tensor<2>, targets: Tensor<2>, kind: DistanceType) -> Tensor<2> {
    match kind {
        DistanceType::L1 => (targets - sources).abs(),
        DistanceType::L2 => (targets - sources).square(),
        DistanceType::Cosine => {
            let s = l2_normalize_rows(sources);
            let t = l2_normalize_rows(targets);
            (s * t).sum_dim(1).neg().add_scalar(1.0)
        }
        DistanceType::KlDivergence => kl_elements(sources, targets).sum_dim(1),
        DistanceType::JensenShannonDivergence => {
            let mean = (sources.clone() + targets.clone()).mul_scalar(0.5);
            (kl_elements(sources, mean.clone()) + kl_elements(targets, mean)).mul_scalar(0.5).sum_dim(1)
        }
    }
}

/// `p log(p + ε) − p log(q + ε)`, element-wise.
fn kl_elements(p: Tensor<2>, q: Tensor<2>) -> Tensor<2> {
    let log_p = p.clone().add_scalar(LOG_EPSILON).log();
    let log_q = q.add_scalar(LOG_EPSILON).log();
    p * (log_p - log_q)
}

/// Each row divided by `sqrt(max(‖row‖², 1e-12))`, as `tf.nn.l2_normalize`.
pub(crate) fn l2_normalize_rows(x: Tensor<2>) -> Tensor<2> {
    let squared = x.clone().square().sum_dim(1).clamp_min(L2_NORMALIZE_EPSILON);
    x / squared.sqrt()
}

/// `numerator / denominator`, or 0 where the denominator is 0 (`tf.math.divide_no_nan`).
fn div_no_nan(numerator: Tensor<1>, denominator: Tensor<1>) -> Tensor<1> {
    let zero = denominator.clone().equal_elem(0.0);
    let safe = denominator.mask_fill(zero.clone(), 1.0);
    (numerator / safe).mask_fill(zero, 0.0)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::SumOverAxis;
    use burn::tensor::Device;

    fn t(rows: &[[f32; 2]]) -> Tensor<2> {
        let flat: Vec<f32> = rows.iter().flatten().copied().collect();
        Tensor::<1>::from_floats(flat.as_slice(), &Device::flex()).reshape([rows.len(), 2])
    }

    fn scalar(x: Tensor<2>) -> f32 {
        x.into_scalar::<f32>()
    }

    /// The two worked examples of NSL's docstring.
    #[test]
    fn nsl_docstring_examples() {
        let a = t(&[[1., 1.], [2., 2.], [0., 2.], [5., 5.]]);
        let b = t(&[[1., 1.], [0., 2.], [4., 4.], [1., 4.]]);
        let per_pair = DistanceConfig { sum_over_axis: Some(SumOverAxis::Last), ..Default::default() };
        let v = scalar(pairwise_distance(a.clone(), b.clone(), None, &per_pair).unwrap());
        assert!((v - 10.25).abs() < 1e-6, "{v}");
        let v = scalar(pairwise_distance(a, b, None, &DistanceConfig::default()).unwrap());
        assert!((v - 5.125).abs() < 1e-6, "{v}");
    }

    #[test]
    fn zero_weights_give_zero_not_nan() {
        let a = t(&[[1., 2.]]);
        let b = t(&[[3., 4.]]);
        let w = Tensor::<2>::zeros([1, 1], &Device::flex());
        let v = scalar(pairwise_distance(a, b, Some(w), &DistanceConfig::default()).unwrap());
        assert_eq!(v, 0.0);
    }

    #[test]
    fn axis_distances_need_an_axis() {
        let cfg = DistanceConfig { distance_type: DistanceType::Cosine, ..Default::default() };
        let err = pairwise_distance(t(&[[1., 0.]]), t(&[[0., 1.]]), None, &cfg).unwrap_err();
        assert!(matches!(err, NslError::MissingAxis(DistanceType::Cosine)));
        let err = pairwise_distance(t(&[[1., 0.]]), t(&[[0., 1.], [1., 1.]]), None, &cfg);
        assert!(matches!(err, Err(NslError::Shape { .. })));
    }

    #[test]
    fn cosine_of_orthogonal_rows_is_one() {
        let cfg = DistanceConfig {
            distance_type: DistanceType::Cosine,
            sum_over_axis: Some(SumOverAxis::Last),
            reduction: Reduction::Sum,
            ..Default::default()
        };
        let v = scalar(pairwise_distance(t(&[[2., 0.]]), t(&[[0., 3.]]), None, &cfg).unwrap());
        assert!((v - 1.0).abs() < 1e-6);
    }
}
