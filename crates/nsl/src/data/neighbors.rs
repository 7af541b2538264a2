//! Graph neighbors of labeled samples, chosen as NSL's `pack_nbrs` chooses them, in the
//! fixed-width form batches need.

use nsl_graph::pack::{PackConfig, pack_nbrs};

/// For each sample, up to `max_neighbors` `(node, weight)` pairs, heaviest first.
#[derive(Debug, Clone, PartialEq)]
pub struct NeighborTable {
    /// Neighbors per sample.
    pub neighbors: Vec<Vec<(usize, f32)>>,
    /// The fixed number of slots per sample (missing neighbors are padded with weight 0).
    pub max_neighbors: usize,
}

impl NeighborTable {
    /// Selects neighbors for `seeds` from weighted `edges` between nodes named by `ids`, as
    /// NSL's `pack_nbrs` does ([`nsl_graph::pack`]): heaviest first, ties to the larger id,
    /// `undirected` adding reversed edges with the larger weight, cut to `max_neighbors`.
    pub fn select(
        ids: &[String],
        edges: &[(usize, usize, f32)],
        seeds: &[usize],
        max_neighbors: usize,
        undirected: bool,
    ) -> NeighborTable {
        let edges: Vec<(u32, u32, f32)> = edges.iter().map(|&(a, b, w)| (a as u32, b as u32, w)).collect();
        let seeds: Vec<u32> = seeds.iter().map(|&s| s as u32).collect();
        let config = PackConfig { max_nbrs: Some(max_neighbors), add_undirected_edges: undirected };
        let packed = pack_nbrs(ids, &seeds, &vec![true; ids.len()], &edges, &config);
        let neighbors = packed
            .neighbors
            .into_iter()
            .map(|list| list.into_iter().map(|(n, w)| (n as usize, w)).collect())
            .collect();
        NeighborTable { neighbors, max_neighbors }
    }

    /// Neighbor node indices and weights for a batch of samples, `max_neighbors` slots each
    /// (missing neighbors point at node 0 with weight 0, which removes them from the loss).
    pub fn batch(&self, samples: &[usize]) -> (Vec<usize>, Vec<f32>) {
        let mut nodes = Vec::with_capacity(samples.len() * self.max_neighbors);
        let mut weights = Vec::with_capacity(samples.len() * self.max_neighbors);
        for &s in samples {
            let list = &self.neighbors[s];
            for slot in 0..self.max_neighbors {
                let (n, w) = list.get(slot).copied().unwrap_or((0, 0.0));
                nodes.push(n);
                weights.push(w);
            }
        }
        (nodes, weights)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn heaviest_first_then_larger_id_and_undirected_max() {
        let ids: Vec<String> = ["a", "b", "c", "d", "e"].iter().map(|s| s.to_string()).collect();
        // a-b 0.5 and b-a 0.9: undirected keeps 0.9 both ways. a-c, a-d tie at 1.0: "d" > "c".
        let edges = vec![(0, 1, 0.5), (1, 0, 0.9), (0, 2, 1.0), (0, 3, 1.0), (4, 0, 0.2)];
        let table = NeighborTable::select(&ids, &edges, &[0, 1], 3, true);
        assert_eq!(table.neighbors[0], vec![(3, 1.0), (2, 1.0), (1, 0.9)]);
        assert_eq!(table.neighbors[1], vec![(0, 0.9)]);
        let (nodes, weights) = table.batch(&[1]);
        assert_eq!(nodes, vec![0, 0, 0]);
        assert_eq!(weights, vec![0.9, 0.0, 0.0]);
        let directed = NeighborTable::select(&ids, &edges, &[1], 3, false);
        assert_eq!(directed.neighbors[0], vec![(0, 0.9)]);
    }
}
