//! Graphs over any point set: k nearest neighbors and ε-balls (Euclidean), for 2D sets, digits
//! or embeddings.

use serde::{Deserialize, Serialize};

use crate::error::{GraphError, Result};
use crate::parallel::map_items;

/// How an edge's weight follows from the distance `d` between its ends.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case", deny_unknown_fields)]
pub enum EdgeWeight {
    /// Every edge weighs 1.
    Unit,
    /// `exp(-d² / (2σ²))`: near points weigh close to 1.
    Gaussian {
        /// Kernel width σ > 0.
        sigma: f32,
    },
}

impl EdgeWeight {
    fn of(self, distance_sq: f32) -> f32 {
        match self {
            Self::Unit => 1.0,
            Self::Gaussian { sigma } => (-distance_sq / (2.0 * sigma * sigma)).exp(),
        }
    }

    fn validate(self) -> Result<()> {
        match self {
            Self::Gaussian { sigma } if !(sigma > 0.0 && sigma.is_finite()) => {
                Err(GraphError::Config(format!("gaussian sigma must be positive, is {sigma}")))
            }
            _ => Ok(()),
        }
    }
}

fn check_points(points: &[f32], dim: usize) -> Result<usize> {
    if dim == 0 || !points.len().is_multiple_of(dim) {
        return Err(GraphError::Config(format!("{} values do not form rows of width {dim}", points.len())));
    }
    Ok(points.len() / dim)
}

fn distance_sq(a: &[f32], b: &[f32]) -> f32 {
    a.iter().zip(b).map(|(x, y)| (x - y) * (x - y)).sum()
}

/// Rows compared at once in [`knn_graph`]: a block's distances to every point come from one
/// matrix product (`|a|² + |b|² − 2 a·b`), which is what makes 1,500 digits of 784 pixels fast
/// enough to rebuild while a slider moves, even single-threaded in the browser.
const BLOCK: usize = 128;

/// Each point's `k` nearest other points, as directed edges `point → neighbor` (nearest first,
/// ties to the lower index). Use [`symmetrize`] for an undirected graph.
pub fn knn_graph(points: &[f32], dim: usize, k: usize, weight: EdgeWeight) -> Result<Vec<(u32, u32, f32)>> {
    use ndarray::{ArrayView2, linalg::general_mat_mul};
    let n = check_points(points, dim)?;
    weight.validate()?;
    let all = ArrayView2::from_shape((n, dim), points).expect("checked shape");
    let norms: Vec<f32> = points.chunks_exact(dim).map(|row| row.iter().map(|v| v * v).sum()).collect();
    let largest = norms.iter().copied().fold(0.0f32, f32::max);
    let blocks: Vec<usize> = (0..n.div_ceil(BLOCK)).collect();
    let lists = map_items(&blocks, |&b| {
        let rows = b * BLOCK..((b + 1) * BLOCK).min(n);
        let block = ArrayView2::from_shape((rows.len(), dim), &points[rows.start * dim..rows.end * dim])
            .expect("a block of whole rows");
        let mut dots = ndarray::Array2::<f32>::zeros((rows.len(), n));
        general_mat_mul(1.0, &block, &all.t(), 0.0, &mut dots);
        let mut out = Vec::with_capacity(rows.len() * k);
        for (x, dots) in dots.outer_iter().enumerate() {
            let i = rows.start + x;
            let me = &points[i * dim..(i + 1) * dim];
            // The product's rounding depends on the GEMM kernel (FMA natively, none in wasm):
            // it only nominates the points up to the k-th distance plus its error bound; those
            // are ranked by the same f64 sum on every target, so both pick the same neighbors.
            let mut near: Vec<(f32, u32)> =
                (0..n).filter(|&j| j != i).map(|j| (norms[i] + norms[j] - 2.0 * dots[j], j as u32)).collect();
            let k = k.min(near.len());
            if k == 0 {
                continue;
            }
            if k < near.len() {
                near.select_nth_unstable_by(k - 1, |a, b| a.0.total_cmp(&b.0));
            }
            let kth = near[..k].iter().map(|c| c.0).fold(f32::MIN, f32::max);
            let margin = 4.0 * dim as f32 * f32::EPSILON * (norms[i] + largest) + 1e-6;
            let mut exact: Vec<(f64, u32)> = near
                .iter()
                .filter(|c| c.0 <= kth + margin)
                .map(|&(_, j)| {
                    let other = &points[j as usize * dim..(j as usize + 1) * dim];
                    let d: f64 =
                        me.iter().zip(other).map(|(&a, &b)| (f64::from(a) - f64::from(b)).powi(2)).sum();
                    (d, j)
                })
                .collect();
            exact.sort_by(|a, b| a.0.total_cmp(&b.0).then(a.1.cmp(&b.1)));
            out.extend(exact.into_iter().take(k).map(|(d, j)| (i as u32, j, weight.of(d as f32))));
        }
        out
    });
    Ok(lists.into_iter().flatten().collect())
}

/// Every pair of points closer than `epsilon`, in both directions.
pub fn epsilon_graph(
    points: &[f32],
    dim: usize,
    epsilon: f32,
    weight: EdgeWeight,
) -> Result<Vec<(u32, u32, f32)>> {
    let n = check_points(points, dim)?;
    weight.validate()?;
    if !(epsilon > 0.0 && epsilon.is_finite()) {
        return Err(GraphError::Config(format!("epsilon must be positive, is {epsilon}")));
    }
    let rows: Vec<usize> = (0..n).collect();
    let lists = map_items(&rows, |&i| {
        let me = &points[i * dim..(i + 1) * dim];
        (0..n)
            .filter(|&j| j != i)
            .filter_map(|j| {
                let d = distance_sq(me, &points[j * dim..(j + 1) * dim]);
                (d < epsilon * epsilon).then(|| (i as u32, j as u32, weight.of(d)))
            })
            .collect::<Vec<_>>()
    });
    Ok(lists.into_iter().flatten().collect())
}

/// The union of `edges` and their reverses, each directed pair once with the larger weight
/// (NSL's `add_undirected_edges`), sorted by (source, target).
pub fn symmetrize(edges: &[(u32, u32, f32)]) -> Vec<(u32, u32, f32)> {
    let mut all: Vec<(u32, u32, f32)> = edges.iter().flat_map(|&(a, b, w)| [(a, b, w), (b, a, w)]).collect();
    all.sort_by(|x, y| (x.0, x.1).cmp(&(y.0, y.1)).then(y.2.total_cmp(&x.2)));
    all.dedup_by_key(|e| (e.0, e.1));
    all
}

#[cfg(test)]
mod tests {
    use super::*;

    // Points on a line: 0, 1, 3, 7.
    const LINE: [f32; 4] = [0.0, 1.0, 3.0, 7.0];

    #[test]
    fn knn_picks_the_nearest_in_order() {
        let edges = knn_graph(&LINE, 1, 2, EdgeWeight::Unit).unwrap();
        assert_eq!(
            edges,
            vec![
                (0, 1, 1.0),
                (0, 2, 1.0),
                (1, 0, 1.0),
                (1, 2, 1.0),
                (2, 1, 1.0),
                (2, 0, 1.0),
                (3, 2, 1.0),
                (3, 1, 1.0)
            ]
        );
        let weighted = knn_graph(&LINE, 1, 1, EdgeWeight::Gaussian { sigma: 1.0 }).unwrap();
        assert!((weighted[0].2 - (-0.5f32).exp()).abs() < 1e-6);
        assert_eq!(knn_graph(&LINE, 1, 10, EdgeWeight::Unit).unwrap().len(), 12);
    }

    #[test]
    fn epsilon_balls_and_symmetrize() {
        let edges = epsilon_graph(&LINE, 1, 2.5, EdgeWeight::Unit).unwrap();
        assert_eq!(edges, vec![(0, 1, 1.0), (1, 0, 1.0), (1, 2, 1.0), (2, 1, 1.0)]);
        assert_eq!(
            symmetrize(&[(0, 1, 0.5), (1, 0, 0.9), (2, 0, 0.1)]),
            vec![(0, 1, 0.9), (0, 2, 0.1), (1, 0, 0.9), (2, 0, 0.1)]
        );
        assert!(epsilon_graph(&LINE, 1, 0.0, EdgeWeight::Unit).is_err());
        assert!(knn_graph(&LINE, 3, 1, EdgeWeight::Unit).is_err());
        assert!(knn_graph(&LINE, 1, 1, EdgeWeight::Gaussian { sigma: 0.0 }).is_err());
    }
}
