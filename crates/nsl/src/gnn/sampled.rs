//! Node classification on minibatches of sampled subgraphs (TF-GNN's way to scale): each step
//! samples a rooted subgraph around every seed of the batch with [`nsl_graph::sample`], merges
//! them into one disjoint graph, runs the GNN on it and reads the roots out. Evaluation runs the
//! trained model on the whole graph.

use burn::module::Module;
use burn::optim::GradientsParams;
use burn::tensor::{Device, Tensor};
use nsl_graph::rng::seeded;
use nsl_graph::sample::{SampledSubgraph, Sampler, SamplingSpec};
use nsl_graph::typed::{EDGES, NODES};
use nsl_graph::{Graph, NodeSet};
use rand::seq::SliceRandom;
use web_time::Instant;

use super::adjacency::Adjacency;
use super::model::{GnnConfig, GraphContext};
use super::node_task::{EpochLosses, NodeData, NodeEpoch, NodeRun, NodeTrainOptions, RunLog, read_classes};
use crate::error::{NslError, Result};
use crate::model::NodeInput;
use crate::optim::adam;
use crate::reg::loss::sparse_softmax_cross_entropy;
use crate::spec::SubgraphSampling;
use crate::tensor::{labels, to_vec};

/// Rooted subgraphs merged into one graph: global node ids, edges between positions (both
/// directions of every sampled edge), and each subgraph's root position.
#[derive(Debug, Clone, PartialEq)]
pub struct MergedSubgraphs {
    /// Global node of each position.
    pub nodes: Vec<u32>,
    /// Message-passing edges between positions.
    pub adjacency: Adjacency,
    /// Position of each subgraph's root.
    pub roots: Vec<u32>,
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
    let mut edges = Vec::new();
    let mut roots = Vec::with_capacity(subgraphs.len());
    for sub in subgraphs {
        let offset = nodes.len() as u32;
        roots.push(offset);
        let (Some(set), Some(sampled)) = (sub.node_sets.first(), sub.edge_sets.first()) else {
            return Err(NslError::Config("a sampled subgraph has no node or edge set".into()));
        };
        nodes.extend_from_slice(&set.nodes);
        for (&s, &t) in sampled.sources.iter().zip(&sampled.targets) {
            edges.push((offset + t, offset + s, 1.0));
            edges.push((offset + s, offset + t, 1.0));
        }
    }
    let adjacency = Adjacency::new(nodes.len(), &edges)?;
    Ok(MergedSubgraphs { nodes, adjacency, roots })
}

/// Trains `config` on sampled subgraphs around the training nodes, evaluating full batch.
pub fn train_node_classifier_sampled(
    data: &NodeData,
    config: &GnnConfig,
    sampling: &SubgraphSampling,
    options: &NodeTrainOptions,
    device: &Device,
    on_epoch: &mut dyn FnMut(&NodeEpoch),
) -> Result<NodeRun> {
    if sampling.batch_size == 0 || sampling.fanouts.is_empty() {
        return Err(NslError::Config("sampled training needs a batch size ≥ 1 and at least one hop".into()));
    }
    let graph =
        Graph::homogeneous(NodeSet::new(data.adjacency.nodes), &data.adjacency.triples().collect::<Vec<_>>());
    let spec = SamplingSpec::hops(NODES, EDGES, &sampling.fanouts, sampling.strategy);
    let train_device = device.clone().autodiff();
    train_device.seed(options.seed);
    let eval_device = device.clone().inner();
    let mut model = config.init(options.seed, &train_device)?;
    let eval_input = NodeInput::from_rows(&data.features, data.dim, &eval_device);
    let eval_context = GraphContext::new(config.kind, &data.adjacency, &eval_device)?;
    let mut optimizer = adam(options.weight_decay);
    let mut rng = seeded(options.seed ^ 0x5a_3b);
    let mut order = data.train.clone();
    let mut log = RunLog::new(data, options.epochs);
    let mut train_seconds = 0.0;
    for epoch in 1..=options.epochs {
        let start = Instant::now();
        let sampler =
            Sampler::new(&graph, &spec, options.seed.wrapping_mul(7919).wrapping_add(epoch as u64))?;
        order.shuffle(&mut rng);
        let mut losses = Vec::new();
        for seeds in order.chunks(sampling.batch_size) {
            let merged = merge(&sampler.sample(seeds)?)?;
            let rows: Vec<f32> = merged
                .nodes
                .iter()
                .flat_map(|&n| &data.features[n as usize * data.dim..(n as usize + 1) * data.dim])
                .copied()
                .collect();
            let input = NodeInput::from_rows(&rows, data.dim, &train_device);
            let context = GraphContext::new(config.kind, &merged.adjacency, &train_device)?;
            model.check(&input, &context)?;
            let logits = model.forward(&input, &context, Some(&mut rng)).logits;
            let root_labels: Vec<u32> = seeds.iter().map(|&s| data.labels[s as usize]).collect();
            let loss = sparse_softmax_cross_entropy(
                readout_roots(logits, &merged),
                labels(&root_labels, &train_device),
            );
            losses.push(loss.clone().inner());
            let grads = GradientsParams::from_grads(loss.backward(), &model);
            model = optimizer.step(options.learning_rate, model, grads);
        }
        train_seconds += start.elapsed().as_secs_f64();
        let losses = to_vec(Tensor::cat(losses, 0));
        let loss = losses.iter().sum::<f32>() / losses.len() as f32;
        let predicted =
            read_classes(model.valid().forward(&eval_input, &eval_context, None).logits.argmax(1));
        let losses = EpochLosses { loss, supervised: loss, graph: None, adversarial: None };
        log.end_epoch(epoch, losses, &predicted, on_epoch)?;
    }
    Ok(log.into_run(train_seconds))
}

#[cfg(test)]
mod tests {
    use super::*;
    use nsl_graph::SamplingStrategy;

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
        assert_eq!(merged.roots, vec![0, 3]);
        // Each sampled edge both ways: 2 + 1 sampled edges → 6 message edges.
        assert_eq!(merged.adjacency.len(), 6);
        assert!(merged.adjacency.triples().all(|(a, b, _)| (a < 3) == (b < 3)), "no edge crosses subgraphs");
        let states = crate::tensor::matrix(vec![10.0, 11.0, 12.0, 13.0, 14.0], 5, 1, &Device::flex());
        assert_eq!(to_vec(readout_roots(states, &merged)), vec![10.0, 13.0]);
    }
}
