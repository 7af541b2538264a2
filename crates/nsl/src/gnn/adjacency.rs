//! Host-side adjacency: validated, weighted edge lists of a homogeneous graph, before they
//! become the edge set a [`GraphContext`](super::GraphContext) uploads.

use crate::error::{NslError, Result};

/// Directed, weighted edges `src → dst` over `nodes` nodes; messages flow along them.
#[derive(Debug, Clone, PartialEq)]
pub struct Adjacency {
    /// Number of nodes.
    pub nodes: usize,
    /// Source of each edge.
    pub src: Vec<u32>,
    /// Target of each edge (where the message is aggregated).
    pub dst: Vec<u32>,
    /// Weight of each edge.
    pub weight: Vec<f32>,
}

impl Adjacency {
    /// Edges `(src, dst, weight)`, every index checked against `nodes`.
    pub fn new(nodes: usize, edges: &[(u32, u32, f32)]) -> Result<Self> {
        if let Some(&(s, d, _)) = edges.iter().find(|&&(s, d, _)| s as usize >= nodes || d as usize >= nodes)
        {
            return Err(NslError::Config(format!("edge {s} → {d} is out of range for {nodes} nodes")));
        }
        if let Some(&(s, d, w)) = edges.iter().find(|e| !(e.2.is_finite() && e.2 >= 0.0)) {
            return Err(NslError::Config(format!(
                "edge {s} → {d} has weight {w}; weights must be finite and ≥ 0"
            )));
        }
        Ok(Self {
            nodes,
            src: edges.iter().map(|e| e.0).collect(),
            dst: edges.iter().map(|e| e.1).collect(),
            weight: edges.iter().map(|e| e.2).collect(),
        })
    }

    /// Every edge in both directions, duplicates merged keeping the larger weight.
    pub fn symmetrized(&self) -> Self {
        let triples: Vec<(u32, u32, f32)> = self.triples().collect();
        let both = nsl_graph::datasets::knn::symmetrize(&triples);
        Self::new(self.nodes, &both).expect("indices were valid")
    }

    /// The edges as `(src, dst, weight)`.
    pub fn triples(&self) -> impl Iterator<Item = (u32, u32, f32)> + '_ {
        (0..self.src.len()).map(|e| (self.src[e], self.dst[e], self.weight[e]))
    }

    /// Number of edges.
    pub fn len(&self) -> usize {
        self.src.len()
    }

    /// Whether there are no edges.
    pub fn is_empty(&self) -> bool {
        self.src.is_empty()
    }

    /// The same edges plus a self loop of weight `fill` on every node that has none.
    pub fn with_self_loops(&self, fill: f32) -> Self {
        let mut has = vec![false; self.nodes];
        for (s, d, _) in self.triples() {
            if s == d {
                has[s as usize] = true;
            }
        }
        let mut out = self.clone();
        for (i, _) in has.iter().enumerate().filter(|(_, h)| !**h) {
            out.src.push(i as u32);
            out.dst.push(i as u32);
            out.weight.push(fill);
        }
        out
    }

    /// Weighted in-degree of every node.
    pub fn in_degree(&self) -> Vec<f32> {
        let mut degree = vec![0.0; self.nodes];
        for (_, d, w) in self.triples() {
            degree[d as usize] += w;
        }
        degree
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn degrees_self_loops_and_symmetry() {
        // 0 → 1, 2 → 1 (weight 3), 1 → 0.
        let adj = Adjacency::new(3, &[(0, 1, 1.0), (2, 1, 3.0), (1, 0, 1.0)]).unwrap();
        assert_eq!(adj.in_degree(), vec![1.0, 4.0, 0.0]);
        let looped = adj.with_self_loops(1.0);
        assert_eq!(looped.len(), 6);
        assert_eq!(looped.in_degree(), vec![2.0, 5.0, 1.0]);
        assert_eq!(adj.symmetrized().len(), 4);
        assert!(Adjacency::new(2, &[(0, 2, 1.0)]).unwrap_err().to_string().contains("out of range"));
    }
}
