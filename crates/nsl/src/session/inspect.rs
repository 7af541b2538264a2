//! Looking inside graph training at one node: which neighbors enter its graph-regularization
//! term (the top `max_neighbors` by weight, as `pack_nbrs` picks them) and each one's weighted
//! distance term `w · d(f(x), f(neighbor))` now; for GNNs, integrated-gradients attribution of
//! the node's top-class score to every node (heat), a GAT's attention along every edge, and a
//! GCN's layers at the node term by term ([`crate::gnn::step_through`]).
//! Computed on the device and read back once, like a snapshot.

use std::ops::Range;

use burn::tensor::Tensor;
use serde::{Deserialize, Serialize};

use crate::config::{DistanceConfig, Reduction};
use crate::error::Result;
use crate::gnn::step_through::{LayerStep, LayerTensors};
use crate::reg::distance::pairwise_distance;
use crate::reg::graph::replicate_rows;
use crate::session::readout::Readout;

/// One neighbor in a node's graph-regularization term.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct NeighborTerm {
    /// The neighbor.
    pub node: usize,
    /// Its edge weight.
    pub weight: f32,
    /// `weight · distance` between the node's and the neighbor's outputs now.
    pub term: f32,
}

/// What one node's inspection found.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct NodeInspection {
    /// The node.
    pub node: usize,
    /// Neighbors in its graph term, heaviest first (empty when the node has no term: only
    /// labeled training nodes carry one).
    pub neighbors: Vec<NeighborTerm>,
    /// Integrated gradients of its top-class score summed per node (GNNs).
    pub heat: Option<Vec<f32>>,
    /// Attention of the last GAT layer along each edge, averaged over heads: `(source,
    /// target, α)` (GATs).
    pub attention: Option<Vec<(u32, u32, f32)>>,
    /// A GCN's layers at the node, term by term (empty for other models).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub layers: Vec<LayerStep>,
}

/// An inspection computed on the device, to be read back once.
#[derive(Debug)]
pub struct PendingInspection {
    pub(crate) readout: Readout,
    pub(crate) node: usize,
    pub(crate) neighbors: Vec<(usize, f32)>,
    pub(crate) terms: Option<Range<usize>>,
    pub(crate) heat: Option<Range<usize>>,
    pub(crate) attention: Option<(Range<usize>, Vec<u32>, Vec<u32>)>,
    /// A GCN's layers at the node and where their messages, bias and state sit.
    pub(crate) layers: Vec<(LayerTensors, [Range<usize>; 3])>,
}

impl PendingInspection {
    /// Adds a GCN's layers at the node to what is read back.
    pub(crate) fn with_layers(mut self, layers: Vec<LayerTensors>) -> Self {
        self.layers = layers
            .into_iter()
            .map(|layer| {
                let ranges = [
                    self.readout.push(layer.messages.clone()),
                    self.readout.push(layer.bias.clone()),
                    self.readout.push(layer.state.clone()),
                ];
                (layer, ranges)
            })
            .collect();
        self
    }

    /// Reads the inspection back synchronously (native code, the CPU backend in a browser).
    pub fn read(mut self) -> Result<NodeInspection> {
        let values = std::mem::take(&mut self.readout).read()?;
        Ok(self.result(&values))
    }

    /// Reads the inspection back asynchronously (WebGPU in a browser).
    pub async fn read_async(mut self) -> Result<NodeInspection> {
        let values = std::mem::take(&mut self.readout).read_async().await?;
        Ok(self.result(&values))
    }

    fn result(self, v: &[f32]) -> NodeInspection {
        let terms = self.terms.map(|r| v[r].to_vec()).unwrap_or_default();
        let neighbors = self
            .neighbors
            .iter()
            .zip(terms.iter().copied().chain(std::iter::repeat(0.0)))
            .map(|(&(node, weight), term)| NeighborTerm { node, weight, term })
            .collect();
        let attention = self.attention.map(|(r, src, dst)| {
            src.into_iter().zip(dst).zip(v[r].iter().copied()).map(|((s, d), a)| (s, d, a)).collect()
        });
        let layers = self
            .layers
            .iter()
            .map(|(layer, [messages, bias, state])| {
                layer.step(&v[messages.clone()], &v[bias.clone()], &v[state.clone()])
            })
            .collect();
        NodeInspection {
            node: self.node,
            neighbors,
            heat: self.heat.map(|r| v[r].to_vec()),
            attention,
            layers,
        }
    }
}

/// The weighted distance term of each neighbor, `w_k · d(sample, neighbor_k)`, with the
/// graph regularizer's distance (its reduction does not apply: every term is kept).
///
/// # Shapes
/// - `sample`: `[1, d]`, `neighbors`: `[k, d]`; returns `[k]`.
pub fn neighbor_terms(
    sample: Tensor<2>,
    neighbors: Tensor<2>,
    weights: &[f32],
    config: &DistanceConfig,
) -> Result<Tensor<1>> {
    let [k, _] = neighbors.dims();
    let w = crate::tensor::matrix(weights.to_vec(), k, 1, &neighbors.device());
    let each = DistanceConfig { reduction: Reduction::None, ..*config };
    let terms = pairwise_distance(replicate_rows(sample, k), neighbors, Some(w), &each)?;
    Ok(terms.sum_dim(1).reshape([k]))
}

/// The node first, then its neighbors: the rows whose outputs [`stacked_terms`] takes.
pub(crate) fn node_and_neighbors(node: usize, neighbors: &[(usize, f32)]) -> Vec<usize> {
    std::iter::once(node).chain(neighbors.iter().map(|n| n.0)).collect()
}

/// [`neighbor_terms`] from the outputs of the node (row 0) and of its `neighbors` (the rows
/// after, in order), each weighted by its edge weight.
///
/// # Shapes
/// - `outputs`: `[1 + k, d]`; returns `[k]`.
pub(crate) fn stacked_terms(
    outputs: Tensor<2>,
    neighbors: &[(usize, f32)],
    config: &DistanceConfig,
) -> Result<Tensor<1>> {
    let [rows, d] = outputs.dims();
    let weights: Vec<f32> = neighbors.iter().map(|n| n.1).collect();
    neighbor_terms(outputs.clone().slice([0..1, 0..d]), outputs.slice([1..rows, 0..d]), &weights, config)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::{DistanceType, GraphRegConfig, SumOverAxis};
    use crate::reg::graph::graph_loss;
    use crate::tensor::{matrix, scalar, to_vec};
    use burn::tensor::Device;

    #[test]
    fn terms_add_up_to_the_graph_loss_summed() {
        let device = Device::flex();
        let sample = matrix(vec![0.2, 0.8, -0.5], 1, 3, &device);
        let neighbors = matrix(vec![0.1, 0.9, -0.4, 1.0, 0.0, 0.3], 2, 3, &device);
        let weights = [1.0, 0.5];
        for distance_type in [DistanceType::L2, DistanceType::L1, DistanceType::Cosine] {
            let config = DistanceConfig {
                distance_type,
                reduction: Reduction::Sum,
                sum_over_axis: Some(SumOverAxis::Last),
                ..Default::default()
            };
            let terms = to_vec(neighbor_terms(sample.clone(), neighbors.clone(), &weights, &config).unwrap());
            let loss = graph_loss(
                sample.clone(),
                neighbors.clone(),
                matrix(weights.to_vec(), 2, 1, &device),
                &GraphRegConfig { distance_config: config, ..Default::default() },
            )
            .unwrap();
            let total: f32 = terms.iter().sum();
            assert!((total - scalar(loss)).abs() < 1e-5, "{distance_type:?}: Σ terms {total} vs loss");
            assert!(terms[0] < terms[1] / 0.5 + 1e-6, "the nearer neighbor has the smaller term: {terms:?}");
        }
    }

    #[test]
    fn a_pending_inspection_reads_back_in_order() {
        let device = Device::flex();
        let mut readout = Readout::default();
        let terms = readout.push(Tensor::<1>::from_floats([0.5, 0.25], &device));
        let heat = readout.push(Tensor::<1>::from_floats([1.0, 2.0, 3.0], &device));
        let attention = readout.push(Tensor::<1>::from_floats([0.7], &device));
        let pending = PendingInspection {
            readout,
            node: 4,
            neighbors: vec![(1, 1.0), (2, 0.5)],
            terms: Some(terms),
            heat: Some(heat),
            attention: Some((attention, vec![1], vec![4])),
            layers: Vec::new(),
        };
        let found = pending.read().unwrap();
        assert_eq!(found.neighbors[1], NeighborTerm { node: 2, weight: 0.5, term: 0.25 });
        assert_eq!(found.heat, Some(vec![1.0, 2.0, 3.0]));
        assert_eq!(found.attention, Some(vec![(1, 4, 0.7)]));
    }
}
