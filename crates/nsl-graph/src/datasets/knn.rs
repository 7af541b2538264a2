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

/// Each point's `k` nearest other points, as directed edges `point → neighbor` (nearest first,
/// ties to the lower index). Use [`symmetrize`] for an undirected graph.
pub fn knn_graph(points: &[f32], dim: usize, k: usize, weight: EdgeWeight) -> Result<Vec<(u32, u32, f32)>> {
    let n = check_points(points, dim)?;
    weight.validate()?;
    let rows: Vec<usize> = (0..n).collect();
    let lists = map_items(&rows, |&i| {
        let me = &points[i * dim..(i + 1) * dim];
        let mut near: Vec<(f32, u32)> = (0..n)
            .filter(|&j| j != i)
            .map(|j| (distance_sq(me, &points[j * dim..(j + 1) * dim]), j as u32))
            .collect();
        let k = k.min(near.len());
        if k > 0 && k < near.len() {
            near.select_nth_unstable_by(k - 1, |a, b| a.0.total_cmp(&b.0).then(a.1.cmp(&b.1)));
        }
        near.truncate(k);
        near.sort_by(|a, b| a.0.total_cmp(&b.0).then(a.1.cmp(&b.1)));
        near.into_iter().map(|(d, j)| (i as u32, j, weight.of(d))).collect::<Vec<_>>()
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
