//! Embeddings made from the rows themselves, for graphs built from data: a principal-component
//! projection (PCA) to a few dimensions, or the hidden layer of a base model trained on the
//! labeled rows ([`penultimate`]).
//!
//! The components come from seeded subspace iteration (Halko, Martinsson & Tropp's randomized
//! range finder with power steps) on the centred rows: no `d × d` covariance is formed, so 1,500
//! digits of 784 pixels project in a few hundred million multiply-adds. The arithmetic keeps one
//! order of operations on every target, so the browser and `nsl` embed to the same bits — and
//! so build the same graph from the embedding.

use crate::error::{GraphError, Result};
use crate::rng::seeded;

mod base_model;
pub use base_model::penultimate;

/// Power steps of the subspace iteration: enough that the leading components of image and
/// point data settle to f32 precision (the tests check against an exact eigendecomposition).
const POWER_STEPS: usize = 6;

/// Extra directions iterated beside the `k` asked for, so that the `k`-th converges as fast as
/// the first ones (the gap to the `k + OVERSAMPLE`-th eigenvalue sets the rate).
const OVERSAMPLE: usize = 8;

/// The rows projected on their `k` leading principal components: `n × k` values, row-major,
/// component 0 first. Each component's sign is fixed so that its largest coordinate is positive,
/// so that the result depends only on the data and the seed.
///
/// # Arguments
/// - `values`: `n × dim` rows, row-major.
/// - `k`: components kept, `1 ≤ k ≤ dim`.
/// - `seed`: the seed of the starting subspace.
pub fn pca(values: &[f32], dim: usize, k: usize, seed: u64) -> Result<Vec<f32>> {
    if dim == 0 || !values.len().is_multiple_of(dim) {
        return Err(GraphError::Config(format!("{} values do not form rows of width {dim}", values.len())));
    }
    if k == 0 || k > dim {
        return Err(GraphError::Config(format!("PCA to {k} dimensions of {dim}-dimensional rows")));
    }
    let n = values.len() / dim;
    let mut mean = vec![0.0f64; dim];
    for row in values.chunks_exact(dim) {
        mean.iter_mut().zip(row).for_each(|(m, &v)| *m += f64::from(v));
    }
    let mean: Vec<f32> = mean.iter().map(|m| (m / n.max(1) as f64) as f32).collect();
    let centred: Vec<f32> =
        values.chunks_exact(dim).flat_map(|row| row.iter().zip(&mean).map(|(v, m)| v - m)).collect();
    let width = (k + OVERSAMPLE).min(dim);
    let mut rng = seeded(seed);
    let mut basis: Vec<f32> = (0..dim * width).map(|_| crate::datasets::standard_normal(&mut rng)).collect();
    orthonormalize(&mut basis, dim, width);
    for _ in 0..POWER_STEPS {
        // basis ← orth(Xᵀ X basis): one step of the power method on the covariance.
        let scores = times(&centred, n, dim, &basis, width);
        basis = transposed_times(&centred, n, dim, &scores, width);
        orthonormalize(&mut basis, dim, width);
    }
    // Rayleigh–Ritz: the exact eigenvectors of the covariance within the subspace, so the
    // components come out ordered and separated even where the iteration mixed them.
    let scores = times(&centred, n, dim, &basis, width);
    let small = transposed_times(&scores, n, width, &scores, width);
    let (order, rotation) = symmetric_eigenvectors(&small, width);
    let components = times(&basis, dim, width, &rotation, width);
    let projected = times(&centred, n, dim, &components, width);
    let signs: Vec<f32> = order
        .iter()
        .take(k)
        .map(|&c| {
            let column = components.iter().skip(c).step_by(width);
            let largest = column.copied().fold(0.0f32, |m, v| if v.abs() > m.abs() { v } else { m });
            if largest < 0.0 { -1.0 } else { 1.0 }
        })
        .collect();
    let mut out = Vec::with_capacity(n * k);
    for row in projected.chunks_exact(width) {
        out.extend(order.iter().take(k).zip(&signs).map(|(&c, s)| row[c] * s));
    }
    Ok(out)
}

/// `a · b` for row-major `a` (`rows × inner`) and `b` (`inner × width`). Written as row
/// updates (`out[i, :] += a[i, d] · b[d, :]`), which the compiler vectorizes across the row
/// without changing any element's order of additions: the same bits on every target, where a
/// tuned GEMM's blocking and fused multiply-adds would differ between native and wasm.
fn times(a: &[f32], rows: usize, inner: usize, b: &[f32], width: usize) -> Vec<f32> {
    let mut out = vec![0.0f32; rows * width];
    for (row, out) in a.chunks_exact(inner).zip(out.chunks_exact_mut(width)) {
        for (&x, b) in row.iter().zip(b.chunks_exact(width)) {
            out.iter_mut().zip(b).for_each(|(o, &y)| *o += x * y);
        }
    }
    out
}

/// `aᵀ · b` for row-major `a` (`rows × inner`) and `b` (`rows × width`), as [`times`] does.
fn transposed_times(a: &[f32], rows: usize, inner: usize, b: &[f32], width: usize) -> Vec<f32> {
    let mut out = vec![0.0f32; inner * width];
    for (row, b) in a.chunks_exact(inner).zip(b.chunks_exact(width)).take(rows) {
        for (&x, out) in row.iter().zip(out.chunks_exact_mut(width)) {
            out.iter_mut().zip(b).for_each(|(o, &y)| *o += x * y);
        }
    }
    out
}

/// Modified Gram–Schmidt on the columns, in f64 for stability; a column that vanishes is
/// replaced by the unit vector least covered so far (it cannot happen with random starts on
/// data of rank ≥ the width, but a constant data set must not give NaN).
fn orthonormalize(basis: &mut [f32], dim: usize, width: usize) {
    let mut columns: Vec<Vec<f64>> =
        (0..width).map(|c| (0..dim).map(|d| f64::from(basis[d * width + c])).collect()).collect();
    for c in 0..width {
        for p in 0..c {
            let dot: f64 = columns[c].iter().zip(&columns[p]).map(|(a, b)| a * b).sum();
            let previous = columns[p].clone();
            columns[c].iter_mut().zip(&previous).for_each(|(a, b)| *a -= dot * b);
        }
        let norm = columns[c].iter().map(|v| v * v).sum::<f64>().sqrt();
        if norm > 1e-12 {
            columns[c].iter_mut().for_each(|v| *v /= norm);
        } else {
            columns[c] = vec![0.0; dim];
            columns[c][c % dim] = 1.0;
        }
    }
    for (c, column) in columns.iter().enumerate() {
        column.iter().enumerate().for_each(|(d, &v)| basis[d * width + c] = v as f32);
    }
}

/// Eigenvectors of a small symmetric matrix by cyclic Jacobi rotations (f64): the columns of
/// the rotation, and their order by eigenvalue, largest first.
fn symmetric_eigenvectors(matrix: &[f32], size: usize) -> (Vec<usize>, Vec<f32>) {
    let mut a: Vec<Vec<f64>> =
        (0..size).map(|i| (0..size).map(|j| f64::from(matrix[i * size + j])).collect()).collect();
    let mut v: Vec<Vec<f64>> =
        (0..size).map(|i| (0..size).map(|j| f64::from(u8::from(i == j))).collect()).collect();
    for _sweep in 0..64 {
        let off: f64 = (0..size)
            .flat_map(|i| (0..size).filter(move |&j| j != i).map(move |j| (i, j)))
            .map(|(i, j)| a[i][j] * a[i][j])
            .sum();
        let scale: f64 = (0..size).map(|i| a[i][i] * a[i][i]).sum::<f64>().max(f64::MIN_POSITIVE);
        if off <= 1e-24 * scale {
            break;
        }
        for p in 0..size {
            for q in p + 1..size {
                if a[p][q].abs() < f64::MIN_POSITIVE {
                    continue;
                }
                let theta = (a[q][q] - a[p][p]) / (2.0 * a[p][q]);
                let t = theta.signum() / (theta.abs() + (theta * theta + 1.0).sqrt());
                let t = if theta == 0.0 { 1.0 } else { t };
                let (c, s) = (1.0 / (t * t + 1.0).sqrt(), t / (t * t + 1.0).sqrt());
                for row in a.iter_mut() {
                    let (x, y) = (row[p], row[q]);
                    row[p] = c * x - s * y;
                    row[q] = s * x + c * y;
                }
                let (upper, lower) = a.split_at_mut(q);
                for (x, y) in upper[p].iter_mut().zip(lower[0].iter_mut()) {
                    let (xp, yq) = (*x, *y);
                    *x = c * xp - s * yq;
                    *y = s * xp + c * yq;
                }
                for row in v.iter_mut() {
                    let (x, y) = (row[p], row[q]);
                    row[p] = c * x - s * y;
                    row[q] = s * x + c * y;
                }
            }
        }
    }
    let mut order: Vec<usize> = (0..size).collect();
    order.sort_by(|&x, &y| a[y][y].total_cmp(&a[x][x]).then(x.cmp(&y)));
    let rotation = v.iter().flatten().map(|&x| x as f32).collect();
    (order, rotation)
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::RngExt;

    /// Points stretched along known orthogonal axes (variances 25, 4, 1, then noise).
    fn stretched(n: usize, seed: u64) -> (Vec<f32>, [[f32; 4]; 3]) {
        let axes = [[0.5, 0.5, 0.5, 0.5], [0.5, -0.5, 0.5, -0.5], [0.5, 0.5, -0.5, -0.5]];
        let mut rng = seeded(seed);
        let mut values = Vec::new();
        for _ in 0..n {
            let z = [5.0, 2.0, 1.0].map(|s: f32| s * crate::datasets::standard_normal(&mut rng));
            for d in 0..4 {
                let noise = 0.01 * rng.random_range(-1.0f32..1.0);
                values.push(3.0 + axes.iter().zip(z).map(|(a, z)| a[d] * z).sum::<f32>() + noise);
            }
        }
        (values, axes)
    }

    #[test]
    fn projects_on_the_leading_axes_in_order() {
        let (values, axes) = stretched(2000, 7);
        let projected = pca(&values, 4, 2, 1).unwrap();
        assert_eq!(projected.len(), 4000);
        // Each projection equals the centred row's dot product with the axis (up to sign).
        let mean: Vec<f32> = (0..4).map(|d| values.iter().skip(d).step_by(4).sum::<f32>() / 2000.0).collect();
        for (c, axis) in axes.iter().take(2).enumerate() {
            let exact: Vec<f32> = values
                .chunks_exact(4)
                .map(|row| row.iter().zip(&mean).zip(axis).map(|((x, m), a)| (x - m) * a).sum())
                .collect();
            let got: Vec<f32> = projected.iter().skip(c).step_by(2).copied().collect();
            let dot: f32 = exact.iter().zip(&got).map(|(a, b)| a * b).sum();
            let norms = exact.iter().map(|a| a * a).sum::<f32>().sqrt()
                * got.iter().map(|b| b * b).sum::<f32>().sqrt();
            assert!((dot / norms).abs() > 0.9999, "component {c} is axis {c}: cos {}", dot / norms);
        }
        let variance = |c: usize| projected.iter().skip(c).step_by(2).map(|v| v * v).sum::<f32>() / 2000.0;
        assert!(
            variance(0) > variance(1) && variance(1) > 3.0,
            "ordered by variance: {} {}",
            variance(0),
            variance(1)
        );
    }

    #[test]
    fn same_seed_same_numbers_and_bad_shapes_refused() {
        let (values, _) = stretched(300, 3);
        assert_eq!(pca(&values, 4, 3, 9).unwrap(), pca(&values, 4, 3, 9).unwrap());
        assert!(pca(&values, 4, 0, 0).is_err());
        assert!(pca(&values, 4, 5, 0).is_err());
        assert!(pca(&values[..7], 4, 2, 0).is_err());
        let flat = vec![1.0f32; 40];
        assert!(
            pca(&flat, 4, 2, 0).unwrap().iter().all(|v| v.is_finite()),
            "constant rows give zeros, not NaN"
        );
    }
}
