//! TF-GNN's graph operations on a [`GraphTensor`](super::GraphTensor): broadcasting node values
//! to edges, pooling edge values to nodes (`sum`, `mean`, `max`, `max_no_inf` and their
//! concatenations), the softmax over each receiver's edges, and pooling a node set into the
//! graph's context. Sums scatter-add; maxima gather through each node's padded edge slots.

use burn::tensor::{IndexingUpdateOp, Tensor};

use super::graph::{EdgeSetTensor, GraphTensor, Incidence};
use crate::config::tfgnn::{ReduceType, Reducer, Tag};
use crate::error::Result;

/// The value of the node at the `tag` end of each edge.
///
/// # Shapes
/// - `value`: `[nodes, width]`; returns `[edges, width]`.
pub fn broadcast(edge_set: &EdgeSetTensor, tag: Tag, value: Tensor<2>) -> Tensor<2> {
    value.select(0, edge_set.end(tag).index.clone())
}

/// Edge values pooled at the `tag` end, one block of `width` columns per reducer.
///
/// # Shapes
/// - `value`: `[edges, width]`; returns `[nodes, width · reducers]`.
pub fn pool(edge_set: &EdgeSetTensor, tag: Tag, reduce: &ReduceType, value: Tensor<2>) -> Tensor<2> {
    let end = edge_set.end(tag);
    let parts: Vec<Tensor<2>> = reduce.reducers().iter().map(|&r| pool_one(end, r, value.clone())).collect();
    if parts.len() == 1 { parts.into_iter().next().expect("one part") } else { Tensor::cat(parts, 1) }
}

fn pool_one(end: &Incidence, reducer: Reducer, value: Tensor<2>) -> Tensor<2> {
    match reducer {
        Reducer::Sum => segment_sum(end, value),
        Reducer::Mean => segment_sum(end, value) / end.count.clone().clamp_min(1.0),
        Reducer::Max => segment_max(end, value),
        Reducer::MaxNoInf => segment_max(end, value) * end.count.clone().clamp_max(1.0),
    }
}

/// `out[n] = Σ value[e]` over the edges `e` ending at `n`.
fn segment_sum(end: &Incidence, value: Tensor<2>) -> Tensor<2> {
    let width = value.dims()[1];
    Tensor::zeros([end.size, width], &value.device()).select_assign(
        0,
        end.index.clone(),
        value,
        IndexingUpdateOp::Add,
    )
}

/// `out[n] = max value[e]` over the edges ending at `n`; the lowest float where none do.
fn segment_max(end: &Incidence, value: Tensor<2>) -> Tensor<2> {
    let width = value.dims()[1];
    let padding = Tensor::full([1, width], f32::MIN, &value.device());
    let slots = end.slots();
    Tensor::cat(vec![value, padding], 0)
        .select(0, slots.index.clone())
        .reshape([end.size, slots.width, width])
        .max_dim(1)
        .reshape([end.size, width])
}

/// Softmax of each column over the edges that share a receiver (TF-GNN's `tfgnn.softmax`),
/// shifted by each receiver's own maximum so that no exponent overflows or underflows a group.
///
/// # Shapes
/// - `scores`: `[edges, heads]`; returns `[edges, heads]`.
pub fn softmax(edge_set: &EdgeSetTensor, receiver: Tag, scores: Tensor<2>) -> Tensor<2> {
    let end = edge_set.end(receiver);
    let shift = segment_max(end, scores.clone().detach()).select(0, end.index.clone());
    let exp = (scores - shift).exp();
    let total = segment_sum(end, exp.clone()).select(0, end.index.clone());
    exp / total
}

/// Values of `node_set`'s nodes pooled into the graph's context, a row per component (graph of
/// a batch), one block of `width` columns per reducer; an empty component pools as an edgeless
/// node does (0, or the lowest float for `max`).
///
/// # Shapes
/// - `value`: `[nodes, width]`; returns `[components, width · reducers]`.
pub fn pool_nodes_to_context(
    graph: &GraphTensor,
    node_set: &str,
    reduce: &ReduceType,
    value: Tensor<2>,
) -> Result<Tensor<2>> {
    let components = graph.components(node_set)?;
    let parts: Vec<Tensor<2>> =
        reduce.reducers().iter().map(|&r| pool_one(components, r, value.clone())).collect();
    Ok(Tensor::cat(parts, 1))
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeMap;

    use burn::tensor::Device;
    use nsl_graph::typed::EdgeSet;

    use super::*;
    use crate::gnn::hetero::GraphTensor;
    use crate::tensor::{matrix, to_vec};

    /// Authors 0, 1 write papers: 0 → 0, 0 → 2, 1 → 2; paper 1 has no author.
    fn writes(device: &Device) -> GraphTensor {
        let states = BTreeMap::from([
            ("paper".to_owned(), matrix(vec![0.0; 3], 3, 1, device)),
            ("author".to_owned(), matrix(vec![5.0, -7.0], 2, 1, device)),
        ]);
        let edges = BTreeMap::from([(
            "writes".to_owned(),
            EdgeSet::from_triples("author", "paper", &[(0, 0, 1.0), (0, 2, 1.0), (1, 2, 1.0)]),
        )]);
        GraphTensor::new(states, &edges, device).unwrap()
    }

    #[test]
    fn pooling_reducers_and_their_concatenation() {
        let device = Device::flex();
        let graph = writes(&device);
        let edges = graph.edge_set("writes").unwrap();
        let on_edges = broadcast(edges, Tag::Source, graph.state("author").unwrap());
        assert_eq!(to_vec(on_edges.clone()), vec![5.0, 5.0, -7.0]);
        let pooled = |text: &str| to_vec(pool(edges, Tag::Target, &text.parse().unwrap(), on_edges.clone()));
        assert_eq!(pooled("sum"), vec![5.0, 0.0, -2.0]);
        assert_eq!(pooled("mean"), vec![5.0, 0.0, -1.0]);
        assert_eq!(pooled("max_no_inf"), vec![5.0, 0.0, 5.0]);
        assert_eq!(pooled("max"), vec![5.0, f32::MIN, 5.0]);
        assert_eq!(pooled("mean|sum"), vec![5.0, 5.0, 0.0, 0.0, -1.0, -2.0]);
        assert_eq!(to_vec(pool(edges, Tag::Source, &"sum".parse().unwrap(), on_edges)), vec![10.0, -7.0]);
    }

    #[test]
    fn softmax_sums_to_one_per_receiver_even_far_below_the_global_maximum() {
        let device = Device::flex();
        let graph = writes(&device);
        let edges = graph.edge_set("writes").unwrap();
        // Paper 0's only score is 1000 below paper 2's: a global shift would give 0/0 there.
        let alpha =
            to_vec(softmax(edges, Tag::Target, matrix(vec![-1000.0, 0.0, 2.0f32.ln()], 3, 1, &device)));
        assert!((alpha[0] - 1.0).abs() < 1e-6, "{alpha:?}");
        assert!((alpha[1] - 1.0 / 3.0).abs() < 1e-6 && (alpha[2] - 2.0 / 3.0).abs() < 1e-6, "{alpha:?}");
    }

    #[test]
    fn nodes_pool_into_the_context() {
        let device = Device::flex();
        let x = matrix(vec![1.0, -2.0, 3.0, 4.0], 2, 2, &device);
        let graph =
            GraphTensor::new(BTreeMap::from([("n".to_owned(), x.clone())]), &BTreeMap::new(), &device)
                .unwrap();
        let pooled = |text: &str| {
            to_vec(pool_nodes_to_context(&graph, "n", &text.parse().unwrap(), x.clone()).unwrap())
        };
        assert_eq!(pooled("sum"), vec![4.0, 2.0]);
        assert_eq!(pooled("max"), vec![3.0, 4.0]);
        assert_eq!(pooled("mean|sum"), vec![2.0, 1.0, 4.0, 2.0]);
        assert!(pool_nodes_to_context(&graph, "m", &"sum".parse().unwrap(), x).is_err());
    }

    #[test]
    fn each_component_pools_into_its_own_row() {
        let device = Device::flex();
        // Nodes 0 and 2 in graph 0, node 1 in graph 2; graph 1 is empty.
        let x = matrix(vec![1.0, 5.0, -3.0], 3, 1, &device);
        let graph = GraphTensor::with_components(
            BTreeMap::from([("n".to_owned(), x.clone())]),
            &BTreeMap::new(),
            3,
            &BTreeMap::from([("n".to_owned(), vec![0, 2, 0])]),
            &device,
        )
        .unwrap();
        let pooled = |text: &str| {
            to_vec(pool_nodes_to_context(&graph, "n", &text.parse().unwrap(), x.clone()).unwrap())
        };
        assert_eq!(pooled("sum"), vec![-2.0, 0.0, 5.0]);
        assert_eq!(pooled("mean"), vec![-1.0, 0.0, 5.0]);
        assert_eq!(pooled("max"), vec![1.0, f32::MIN, 5.0]);
        assert_eq!(pooled("max_no_inf|sum"), vec![1.0, -2.0, 0.0, 0.0, 5.0, 5.0]);
    }
}
