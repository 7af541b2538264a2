//! Explaining GNN predictions: integrated-gradients attribution of one node's class score to
//! every input feature of every node (TF-GNN's runner offers the same), and the attention a GAT
//! paid along each edge.

use burn::tensor::Tensor;

use super::model::{Gnn, GraphContext};
use crate::attribution::integrated_gradients;
use crate::error::{NslError, Result};
use crate::model::NodeInput;

/// Integrated gradients of `model`'s logit for `class` at `node`, with respect to the dense
/// node features `x`, from an all-zero baseline. Run it on the inference copy (`valid()`).
///
/// # Shapes
/// - `x`: `[nodes, features]`; returns the same shape (heat per node and feature).
pub fn node_feature_attribution(
    model: &Gnn,
    context: &GraphContext,
    x: Tensor<2>,
    node: usize,
    class: usize,
    steps: usize,
) -> Result<Tensor<2>> {
    let [nodes, _] = x.dims();
    if node >= nodes {
        return Err(NslError::Config(format!("node {node} is out of range for {nodes} nodes")));
    }
    model.check(&NodeInput::Dense(x.clone()), context)?;
    let score = |x: Tensor<2>| {
        let logits = model.forward(&NodeInput::Dense(x), context, None).logits;
        logits.slice([node..node + 1, class..class + 1]).sum()
    };
    let baseline = Tensor::zeros(x.dims(), &x.device());
    integrated_gradients(x, baseline, steps, &score)
}

/// Per-node attribution: the sum of a node's feature attributions.
///
/// # Shapes
/// - `attribution`: `[nodes, features]`; returns `[nodes]`.
pub fn node_heat(attribution: Tensor<2>) -> Tensor<1> {
    let [nodes, _] = attribution.dims();
    attribution.sum_dim(1).reshape([nodes])
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::gnn::{Adjacency, GnnConfig};
    use crate::spec::GnnKind;
    use crate::tensor::{matrix, scalar, to_vec};
    use burn::tensor::Device;
    use nsl_graph::datasets::karate;

    #[test]
    fn attribution_is_complete_and_local_to_the_receptive_field() {
        let device = Device::flex();
        let graph = karate::graph();
        let edges: Vec<(u32, u32, f32)> = graph.edge_set("edges").unwrap().triples().collect();
        let adjacency = Adjacency::new(34, &edges).unwrap();
        let config = GnnConfig { kind: GnnKind::Gcn, input: 34, hidden: vec![8], output: 2, dropout: 0.0 };
        let model = config.init(3, &device).unwrap();
        let context = GraphContext::new(GnnKind::Gcn, &adjacency, &device).unwrap();
        let identity: Vec<f32> = (0..34 * 34).map(|k| if k / 34 == k % 34 { 1.0 } else { 0.0 }).collect();
        let x = matrix(identity, 34, 34, &device);
        let node = 11; // degree 1: its only neighbor is member 0.
        let ig = node_feature_attribution(&model, &context, x.clone(), node, 1, 64).unwrap();
        let score = |x: Tensor<2>| {
            scalar(
                model
                    .forward(&NodeInput::Dense(x), &context, None)
                    .logits
                    .slice([node..node + 1, 1..2])
                    .sum(),
            )
        };
        let gap = score(x.clone()) - score(Tensor::zeros([34, 34], &device));
        let heat = to_vec(node_heat(ig));
        let total: f32 = heat.iter().sum();
        assert!((total - gap).abs() < 1e-3 + 1e-2 * gap.abs(), "Σ IG {total} vs gap {gap}");
        // Two GCN layers see two hops: member 0's neighbors, nothing beyond.
        let two_hops: std::collections::HashSet<u32> = edges
            .iter()
            .filter(|e| e.1 == 0 || e.1 == node as u32)
            .map(|e| e.0)
            .chain([0, node as u32])
            .collect();
        for (member, h) in heat.iter().enumerate() {
            if !two_hops.contains(&(member as u32)) {
                assert_eq!(*h, 0.0, "member {member} is outside the receptive field");
            }
        }
        assert!(heat[node].abs() + heat[0].abs() > 0.0);
    }
}
