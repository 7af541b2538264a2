//! Norm helpers of `nsl.lib.utils`: the steepest-ascent direction inside a unit ball
//! (`maximize_within_unit_norm`), normalisation (`normalize`), projection onto a ball
//! (`project_to_ball`) and uniform sampling inside a ball (`random_in_norm_ball`).
//!
//! Tensors are batches `[batch, features]`: every norm is taken per row.

use burn::tensor::{Distribution, Tensor};

use crate::config::NormType;

/// Lower bound of norms that are divided by (NSL's `epsilon = 1e-6`).
const EPSILON: f32 = 1e-6;

/// The unit-norm `x` maximising `⟨weights, x⟩` per row: the adversarial direction of a gradient.
///
/// L∞: `sign(g)`. L2: `g / max(‖g‖₂, 1e-6)`. L1: ±1 spread evenly over the coordinates of
/// maximal `|g|`.
///
/// # Shapes
/// - `weights`: `[batch, features]`; returns the same shape.
pub fn maximize_within_unit_norm(weights: Tensor<2>, norm: NormType) -> Tensor<2> {
    match norm {
        NormType::Infinity => sign(weights),
        NormType::L2 => {
            let squared = weights.clone().square().sum_dim(1).clamp_min(EPSILON * EPSILON);
            weights * squared.sqrt().recip()
        }
        NormType::L1 => {
            let abs = weights.clone().abs();
            let max = abs.clone().max_dim(1);
            let is_max = (abs - max).equal_elem(0.0).float();
            let count = is_max.clone().sum_dim(1).clamp_min(EPSILON);
            is_max * sign(weights) / count
        }
    }
}

/// `sign(t)`: 1, −1, or 0 for ±0 and NaN — burn's `sign`, as two comparisons. burn-flex's own
/// `sign` calls libm's `copysignf` once per element, unvectorised: 8% of an adversarial MNIST
/// step natively.
fn sign(t: Tensor<2>) -> Tensor<2> {
    t.clone().greater_elem(0.0).float() - t.lower_elem(0.0).float()
}

/// Each row divided by its norm, the norm bounded below by `1e-6` (`nsl.lib.normalize`).
///
/// # Shapes
/// - `tensor`: `[batch, features]`; returns the same shape.
pub fn normalize(tensor: Tensor<2>, norm: NormType) -> Tensor<2> {
    match norm {
        NormType::Infinity => {
            let max = tensor.clone().abs().max_dim(1).clamp_min(EPSILON);
            tensor / max
        }
        NormType::L1 => {
            let sum = tensor.clone().abs().sum_dim(1).clamp_min(EPSILON);
            tensor / sum
        }
        NormType::L2 => crate::reg::distance::l2_normalize_rows(tensor),
    }
}

/// Projects each row onto the ball of the given radius; rows inside stay unchanged.
///
/// L∞ clips every coordinate and L2 rescales, as NSL does. NSL has no L1 projection; here it
/// is the exact Euclidean projection onto the L1 ball (Duchi et al., ICML 2008).
///
/// # Shapes
/// - `tensor`: `[batch, features]`; returns the same shape.
pub fn project_to_ball(tensor: Tensor<2>, radius: f32, norm: NormType) -> Tensor<2> {
    match norm {
        NormType::Infinity => tensor.clamp(-radius, radius),
        NormType::L2 => {
            let norm = tensor.clone().square().sum_dim(1).clamp_min(EPSILON * EPSILON).sqrt();
            let inside = norm.clone().lower_equal_elem(radius);
            let scale = norm.recip().mul_scalar(radius).mask_fill(inside, 1.0);
            tensor * scale
        }
        NormType::L1 => project_to_l1_ball(tensor, radius),
    }
}

/// Sort-based projection onto `{x : ‖x‖₁ ≤ radius}`: soft-threshold `|x|` by the θ that
/// makes the result's L1 norm exactly `radius`.
fn project_to_l1_ball(tensor: Tensor<2>, radius: f32) -> Tensor<2> {
    let [_, features] = tensor.dims();
    let device = tensor.device();
    let abs = tensor.clone().abs();
    let inside = abs.clone().sum_dim(1).lower_equal_elem(radius);
    let sorted = abs.clone().sort_descending(1);
    let cumulative = sorted.clone().cumsum(1);
    let ranks = Tensor::<1, burn::tensor::Int>::arange(1..features as i64 + 1, &device)
        .float()
        .reshape([1, features]);
    // u_j − (Σ_{i≤j} u_i − r)/j > 0 holds for a prefix j ≤ ρ.
    let thresholds = (cumulative.clone().sub_scalar(radius)) / ranks;
    let active = (sorted - thresholds.clone()).greater_elem(0.0);
    let rho = active.int().sum_dim(1).clamp_min(1).sub_scalar(1);
    let theta = thresholds.gather(1, rho).clamp_min(0.0);
    let shrunk = (abs - theta).clamp_min(0.0) * sign(tensor.clone());
    shrunk.mask_where(inside, tensor)
}

/// A uniformly random point of the ball of `radius` per row (`nsl.lib.random_in_norm_ball`),
/// drawn with the device's seeded generator.
///
/// L∞: uniform coordinates. L2 and L1: the first `n` coordinates of a uniform point on the
/// sphere in `n + 2` (L2) or `n + 1` (L1) dimensions (Barthe et al., 2005).
///
/// # Shapes
/// - returns `[batch, features]`.
pub fn random_in_norm_ball(
    shape: [usize; 2],
    radius: f32,
    norm: NormType,
    device: &burn::tensor::Device,
) -> Tensor<2> {
    let [batch, _] = shape;
    let radius64 = f64::from(radius);
    match norm {
        NormType::Infinity => Tensor::random(shape, Distribution::Uniform(-radius64, radius64), device),
        NormType::L2 => {
            let samples = Tensor::<2>::random(shape, Distribution::Normal(0.0, 1.0), device);
            let squared = samples.clone().square().sum_dim(1);
            // Two more squared normals: chi-squared with 2 degrees of freedom = Exp(rate 1/2).
            let extra = exponential([batch, 1], device).mul_scalar(2.0);
            let scale = (squared + extra).sqrt().recip().mul_scalar(radius);
            samples * scale
        }
        NormType::L1 => {
            let samples = exponential(shape, device) - exponential(shape, device);
            let l1 = samples.clone().abs().sum_dim(1);
            let extra = exponential([batch, 1], device);
            let scale = (l1 + extra).recip().mul_scalar(radius);
            samples * scale
        }
    }
}

/// Exp(1) samples by inversion: `−ln(1 − U)`, `U ∈ [0, 1)`.
fn exponential(shape: [usize; 2], device: &burn::tensor::Device) -> Tensor<2> {
    Tensor::<2>::random(shape, Distribution::Default, device).neg().add_scalar(1.0).log().neg()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::tensor::{matrix, to_vec};
    use burn::tensor::Device;

    fn rows(values: &[f32], cols: usize) -> Tensor<2> {
        matrix(values.to_vec(), values.len() / cols, cols, &Device::flex())
    }

    fn close(a: &[f32], b: &[f32]) {
        assert_eq!(a.len(), b.len());
        for (x, y) in a.iter().zip(b) {
            assert!((x - y).abs() < 1e-5, "{a:?} vs {b:?}");
        }
    }

    #[test]
    fn unit_directions() {
        let g = rows(&[3., -4., 0., 0., 0., 0.], 3);
        close(&to_vec(maximize_within_unit_norm(g.clone(), NormType::Infinity)), &[1., -1., 0., 0., 0., 0.]);
        close(&to_vec(maximize_within_unit_norm(g.clone(), NormType::L2)), &[0.6, -0.8, 0., 0., 0., 0.]);
        close(&to_vec(maximize_within_unit_norm(g, NormType::L1)), &[0., -1., 0., 0., 0., 0.]);
        let tie = rows(&[2., -2., 1.], 3);
        close(&to_vec(maximize_within_unit_norm(tie, NormType::L1)), &[0.5, -0.5, 0.]);
    }

    /// The comparisons give burn's `sign` bit for bit, on the values where it could differ.
    #[test]
    fn sign_is_burns_sign() {
        let values = [
            2.5,
            -2.5,
            0.0,
            -0.0,
            f32::NAN,
            f32::INFINITY,
            f32::NEG_INFINITY,
            1e-40, // subnormal
            -1e-40,
            f32::MIN_POSITIVE,
        ];
        let t = rows(&values, values.len());
        let ours = to_vec(sign(t.clone()));
        let burns = to_vec(t.sign());
        assert_eq!(
            ours.iter().map(|v| v.to_bits()).collect::<Vec<_>>(),
            burns.iter().map(|v| v.to_bits()).collect::<Vec<_>>()
        );
        assert_eq!(ours, [1., -1., 0., 0., 0., 1., -1., 1., -1., 1.]);
    }

    #[test]
    fn normalise_each_norm() {
        let x = rows(&[3., -4.], 2);
        close(&to_vec(normalize(x.clone(), NormType::L1)), &[3. / 7., -4. / 7.]);
        close(&to_vec(normalize(x.clone(), NormType::L2)), &[0.6, -0.8]);
        close(&to_vec(normalize(x, NormType::Infinity)), &[0.75, -1.]);
    }

    #[test]
    fn projections_land_on_or_inside_the_ball() {
        let x = rows(&[3., -4., 0.1, 0.1], 2);
        close(&to_vec(project_to_ball(x.clone(), 1.0, NormType::Infinity)), &[1., -1., 0.1, 0.1]);
        close(&to_vec(project_to_ball(x.clone(), 1.0, NormType::L2)), &[0.6, -0.8, 0.1, 0.1]);
        // L1: |x| = (3, 4) soft-thresholded by θ = 3 gives (0, 1); the second row is inside.
        close(&to_vec(project_to_ball(x, 1.0, NormType::L1)), &[0., -1., 0.1, 0.1]);
        let y = rows(&[0.5, 0.4, -0.3], 3);
        // θ = 0.1: (0.4, 0.3, -0.2) has L1 norm 0.9.
        close(&to_vec(project_to_ball(y, 0.9, NormType::L1)), &[0.4, 0.3, -0.2]);
    }

    #[test]
    fn random_points_stay_inside_the_ball() {
        let device = Device::flex();
        device.seed(7);
        for norm in [NormType::Infinity, NormType::L2, NormType::L1] {
            let x = to_vec(random_in_norm_ball([64, 5], 0.3, norm, &device));
            for row in x.chunks(5) {
                let n = match norm {
                    NormType::Infinity => row.iter().fold(0f32, |m, v| m.max(v.abs())),
                    NormType::L2 => row.iter().map(|v| v * v).sum::<f32>().sqrt(),
                    NormType::L1 => row.iter().map(|v| v.abs()).sum(),
                };
                assert!(n <= 0.3 + 1e-6, "{norm:?}: {n}");
            }
            assert!(x.iter().any(|v| v.abs() > 0.01), "{norm:?} sampled only zeros");
        }
    }
}
