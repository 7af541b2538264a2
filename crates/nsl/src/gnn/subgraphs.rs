//! Rooted subgraphs sampled around a batch of roots, merged side by side into one graph for a
//! GNN step (TF-GNN's way to scale), and what such a batch read, in the whole graph's node
//! numbers ([`SampledBatch`]: for the page to draw and to weigh against a full-batch step).

use burn::tensor::Tensor;
use nsl_graph::sample::SampledSubgraph;
use serde::{Deserialize, Serialize};

use super::adjacency::Adjacency;
use crate::error::{NslError, Result};
use crate::tensor::labels;

/// Rooted subgraphs merged into one graph: global node ids, edges between positions (both
/// directions of every sampled edge), and each subgraph's root position.
#[derive(Debug, Clone, PartialEq)]
pub struct MergedSubgraphs {
    /// Global node of each position.
    pub nodes: Vec<u32>,
    /// Hop at which each position was first reached from its root (0: the root).
    pub hops: Vec<u32>,
    /// Each sampled edge once, as `(source, target)` positions.
    pub sampled: Vec<(u32, u32)>,
    /// Message-passing edges between positions.
    pub adjacency: Adjacency,
    /// Position of each subgraph's root.
    pub roots: Vec<u32>,
}

/// What one step of sampled training read, in the whole graph's node numbers: for the page to
/// draw the batch over the graph, and its cost beside a full-batch step's.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SampledBatch {
    /// The roots (training nodes) of the step, whose labels the loss reads.
    pub roots: Vec<u32>,
    /// Every node of the batch, once, with the fewest hops at which a root's sample reached it.
    pub nodes: Vec<(u32, u32)>,
    /// Every sampled edge, once, as `(source, target)`.
    pub edges: Vec<(u32, u32)>,
    /// Nodes the GNN ran on (a node sampled around two roots counts twice: the subgraphs are
    /// merged side by side).
    pub positions: usize,
    /// Message-passing edges the GNN ran on (both directions of every sampled edge).
    pub messages: usize,
    /// Nodes of the whole graph: what a full-batch step runs the GNN on.
    pub graph_nodes: usize,
    /// Message-passing edges of the whole graph.
    pub graph_messages: usize,
}

impl SampledBatch {
    /// The batch of `merged`, in the node numbers of `graph` (its message-passing edges).
    pub fn of(merged: &MergedSubgraphs, graph: &Adjacency) -> Self {
        let mut hop = std::collections::BTreeMap::<u32, u32>::new();
        for (&node, &h) in merged.nodes.iter().zip(&merged.hops) {
            hop.entry(node).and_modify(|e| *e = (*e).min(h)).or_insert(h);
        }
        let global = |p: u32| merged.nodes[p as usize];
        let mut edges: Vec<(u32, u32)> =
            merged.sampled.iter().map(|&(s, t)| (global(s), global(t))).collect();
        edges.sort_unstable();
        edges.dedup();
        Self {
            roots: merged.roots.iter().map(|&p| global(p)).collect(),
            nodes: hop.into_iter().collect(),
            edges,
            positions: merged.nodes.len(),
            messages: merged.adjacency.len(),
            graph_nodes: graph.nodes,
            graph_messages: graph.len(),
        }
    }
}

/// The root-node readout: each subgraph's root row of a merged batch's node states.
///
/// # Shapes
/// - `states`: `[merged nodes, d]`; returns `[subgraphs, d]`.
pub fn readout_roots(states: Tensor<2>, merged: &MergedSubgraphs) -> Tensor<2> {
    let roots = labels(&merged.roots, &states.device());
    states.select(0, roots)
}

/// Merges sampled subgraphs of a homogeneous graph (node set 0, edge set 0) side by side.
pub fn merge(subgraphs: &[SampledSubgraph]) -> Result<MergedSubgraphs> {
    let mut nodes = Vec::new();
    let mut hops = Vec::new();
    let mut sampled = Vec::new();
    let mut edges = Vec::new();
    let mut roots = Vec::with_capacity(subgraphs.len());
    for sub in subgraphs {
        let offset = nodes.len() as u32;
        roots.push(offset);
        let (Some(set), Some(edge_set)) = (sub.node_sets.first(), sub.edge_sets.first()) else {
            return Err(NslError::Config("a sampled subgraph has no node or edge set".into()));
        };
        nodes.extend_from_slice(&set.nodes);
        hops.extend_from_slice(&set.hops);
        for (&s, &t) in edge_set.sources.iter().zip(&edge_set.targets) {
            sampled.push((offset + s, offset + t));
            edges.push((offset + t, offset + s, 1.0));
            edges.push((offset + s, offset + t, 1.0));
        }
    }
    let adjacency = Adjacency::new(nodes.len(), &edges)?;
    Ok(MergedSubgraphs { nodes, hops, sampled, adjacency, roots })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::tensor::to_vec;
    use burn::tensor::Device;
    use nsl_graph::typed::{EDGES, NODES};
    use nsl_graph::{Graph, NodeSet, Sampler, SamplingSpec, SamplingStrategy};

    #[test]
    fn merged_subgraphs_sit_side_by_side_with_their_roots_first() {
        // A path 0 - 1 - 2 - 3, sampled 1 hop (all neighbors) around 1 and 3.
        let edges: Vec<(u32, u32, f32)> =
            [(0, 1), (1, 2), (2, 3)].iter().flat_map(|&(a, b)| [(a, b, 1.0), (b, a, 1.0)]).collect();
        let graph = Graph::homogeneous(NodeSet::new(4), &edges);
        let spec = SamplingSpec::hops(NODES, EDGES, &[5], SamplingStrategy::TopK);
        let sampler = Sampler::new(&graph, &spec, 0).unwrap();
        let merged = merge(&sampler.sample(&[1, 3]).unwrap()).unwrap();
        assert_eq!(merged.nodes, vec![1, 0, 2, 3, 2]);
        assert_eq!(merged.hops, vec![0, 1, 1, 0, 1]);
        assert_eq!(merged.roots, vec![0, 3]);
        let whole = Adjacency::new(4, &edges).unwrap();
        let batch = SampledBatch::of(&merged, &whole);
        assert_eq!((batch.graph_nodes, batch.graph_messages), (4, 6));
        assert_eq!(batch.roots, vec![1, 3]);
        assert_eq!(batch.nodes, vec![(0, 1), (1, 0), (2, 1), (3, 0)], "node 2 once, at its fewest hops");
        assert_eq!((batch.positions, batch.messages, batch.edges.len()), (5, 6, 3));
        // Each sampled edge both ways: 2 + 1 sampled edges → 6 message edges.
        assert_eq!(merged.adjacency.len(), 6);
        assert!(merged.adjacency.triples().all(|(a, b, _)| (a < 3) == (b < 3)), "no edge crosses subgraphs");
        let states = crate::tensor::matrix(vec![10.0, 11.0, 12.0, 13.0, 14.0], 5, 1, &Device::flex());
        assert_eq!(to_vec(readout_roots(states, &merged)), vec![10.0, 13.0]);
    }
}
