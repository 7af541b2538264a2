//! What a GNN reads on the device besides node features ([`crate::model::NodeInput`]): the
//! graph's edge index tensors with their coefficients.

use burn::tensor::{Device, IndexingUpdateOp, Int, Tensor};

use super::adjacency::Adjacency;
use crate::tensor::{labels, matrix};

/// Edge index tensors of one graph with the coefficients of each aggregation, on the device.
#[derive(Debug, Clone)]
pub struct MessageGraph {
    /// Nodes.
    pub nodes: usize,
    /// Sources: `[edges]`.
    pub src: Tensor<1, Int>,
    /// Targets: `[edges]`.
    pub dst: Tensor<1, Int>,
    /// Per-edge coefficient: `[edges, 1]`.
    pub coefficients: Tensor<2>,
    /// Host copies of the indices (for attention read-back and checks).
    pub host: Adjacency,
}

impl MessageGraph {
    /// Uploads `adjacency` with the given per-edge coefficients.
    pub fn new(adjacency: Adjacency, coefficients: Vec<f32>, device: &Device) -> Self {
        let edges = adjacency.len();
        Self {
            nodes: adjacency.nodes,
            src: labels(&adjacency.src, device),
            dst: labels(&adjacency.dst, device),
            coefficients: matrix(coefficients, edges, 1, device),
            host: adjacency,
        }
    }

    /// `out[i] = Σ_{(j → i)} coefficient · x[j]`.
    ///
    /// # Shapes
    /// - `x`: `[nodes, features]`
    /// - returns `[nodes, features]`
    pub fn propagate(&self, x: Tensor<2>) -> Tensor<2> {
        let features = x.dims()[1];
        let messages = x.select(0, self.src.clone()) * self.coefficients.clone();
        Tensor::zeros([self.nodes, features], &messages.device()).select_assign(
            0,
            self.dst.clone(),
            messages,
            IndexingUpdateOp::Add,
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::tensor::{matrix, to_vec};

    #[test]
    fn propagation_sums_weighted_messages() {
        let device = Device::flex();
        let adj = Adjacency::new(3, &[(0, 1, 1.0), (2, 1, 1.0), (1, 0, 1.0)]).unwrap();
        let graph = MessageGraph::new(adj, vec![1.0, 0.5, 2.0], &device);
        let h = matrix(vec![1.0, 10.0, 100.0], 3, 1, &device);
        assert_eq!(to_vec(graph.propagate(h)), vec![20.0, 51.0, 0.0]);
    }
}
