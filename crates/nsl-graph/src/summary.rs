//! What a built graph is like, in the figures a learner judges it by: how many edges, how many
//! examples it leaves alone, how degrees spread, and its homophily — the share of edges that
//! join examples of the same label, which says how much a graph regularizer can gain from it.

use serde::{Deserialize, Serialize};

/// The figures of one undirected graph over labeled examples.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct GraphSummary {
    /// Examples (nodes).
    pub nodes: usize,
    /// Undirected edges.
    pub edges: usize,
    /// Examples without an edge.
    pub isolated: usize,
    /// `degrees[d]`: examples with exactly `d` edges (up to the largest degree).
    pub degrees: Vec<usize>,
    /// Share of edges whose ends have the same label (`None` without edges).
    pub homophily: Option<f32>,
    /// FNV-1a of every edge's ends and weight bits, in order: two graphs with the same
    /// fingerprint have (but for a 1 in 2⁶⁴ chance) the same edges and weights — how the
    /// browser's graph is compared with `nsl`'s.
    pub fingerprint: u64,
}

impl GraphSummary {
    /// Summarizes `edges` (each undirected edge once, self loops ignored) over `labels.len()`
    /// examples.
    pub fn of(labels: &[usize], edges: &[(u32, u32, f32)]) -> GraphSummary {
        let nodes = labels.len();
        let mut degree = vec![0usize; nodes];
        let (mut counted, mut same) = (0usize, 0usize);
        for &(a, b, _) in edges.iter().filter(|e| e.0 != e.1) {
            degree[a as usize] += 1;
            degree[b as usize] += 1;
            counted += 1;
            same += usize::from(labels[a as usize] == labels[b as usize]);
        }
        let largest = degree.iter().copied().max().unwrap_or(0);
        let mut degrees = vec![0usize; largest + 1];
        degree.iter().for_each(|&d| degrees[d] += 1);
        GraphSummary {
            nodes,
            edges: counted,
            isolated: degrees.first().copied().unwrap_or(0),
            degrees,
            homophily: (counted > 0).then(|| same as f32 / counted as f32),
            fingerprint: fingerprint(edges),
        }
    }

    /// The mean degree.
    pub fn mean_degree(&self) -> f32 {
        if self.nodes == 0 { 0.0 } else { 2.0 * self.edges as f32 / self.nodes as f32 }
    }
}

/// FNV-1a over `(a, b, weight bits)` of every edge, in order.
pub fn fingerprint(edges: &[(u32, u32, f32)]) -> u64 {
    const PRIME: u64 = 0x0000_0100_0000_01b3;
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    for &(a, b, w) in edges {
        for byte in a.to_le_bytes().into_iter().chain(b.to_le_bytes()).chain(w.to_bits().to_le_bytes()) {
            hash = (hash ^ u64::from(byte)).wrapping_mul(PRIME);
        }
    }
    hash
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_degrees_isolation_and_homophily() {
        // 0-1 same label, 1-2 different, 2-3 same; node 4 alone; a self loop is no edge.
        let labels = [0, 0, 1, 1, 0];
        let summary = GraphSummary::of(&labels, &[(0, 1, 0.9), (1, 2, 0.8), (2, 3, 0.95), (3, 3, 1.0)]);
        assert_eq!(summary.edges, 3);
        assert_eq!(summary.isolated, 1);
        assert_eq!(summary.degrees, vec![1, 2, 2]);
        assert_eq!(summary.homophily, Some(2.0 / 3.0));
        assert!((summary.mean_degree() - 1.2).abs() < 1e-6);
        let empty = GraphSummary::of(&labels, &[]);
        assert_eq!((empty.edges, empty.isolated, empty.homophily), (0, 5, None));
        assert_eq!(empty.fingerprint, 0xcbf2_9ce4_8422_2325, "FNV-1a's offset basis for no bytes");
        let reweighted = GraphSummary::of(&labels, &[(0, 1, 0.9), (1, 2, 0.8), (2, 3, 0.96), (3, 3, 1.0)]);
        assert_ne!(summary.fingerprint, reweighted.fingerprint, "a weight's last bits count");
    }
}
