//! Node classification, full batch: the whole graph goes through the GNN every step, the loss
//! is taken on the training nodes, and the model kept is the one with the best validation
//! accuracy (ties: the earlier epoch), as Planetoid benchmarks report it.

use burn::module::Module;
use burn::optim::decay::WeightDecayConfig;
use burn::optim::{AdamConfig, GradientsParams};
use burn::tensor::{Device, Int, Tensor};
use rand::SeedableRng;
use rand::rngs::StdRng;
use serde::{Deserialize, Serialize};
use web_time::Instant;

use super::adjacency::Adjacency;
use super::input::NodeInput;
use super::model::{GnnConfig, GraphContext};
use crate::data::planetoid::{Planetoid, SplitKind};
use crate::error::{NslError, Result};
use crate::loss::sparse_softmax_cross_entropy;
use crate::tensor::labels;

/// A graph with features, labels and a train/val/test split.
#[derive(Debug, Clone)]
pub struct NodeData {
    /// `nodes × dim` features.
    pub features: Vec<f32>,
    /// Feature width.
    pub dim: usize,
    /// Class of every node.
    pub labels: Vec<u32>,
    /// Number of classes.
    pub classes: usize,
    /// Message-passing edges.
    pub adjacency: Adjacency,
    /// Training nodes.
    pub train: Vec<u32>,
    /// Validation nodes.
    pub val: Vec<u32>,
    /// Test nodes.
    pub test: Vec<u32>,
}

impl NodeData {
    /// A Planetoid graph, citations in both directions, features row-normalised (sum 1), as
    /// Kipf & Welling preprocess them.
    pub fn from_planetoid(graph: &Planetoid) -> Result<Self> {
        let nodes = graph.ids.len();
        let edges: Vec<(u32, u32, f32)> =
            graph.edges.iter().map(|&(a, b, w)| (a as u32, b as u32, w)).collect();
        let adjacency = Adjacency::new(nodes, &edges)?.symmetrized();
        let dim = graph.nodes.dim;
        let mut features = graph.nodes.features.clone();
        for row in features.chunks_exact_mut(dim) {
            let sum: f32 = row.iter().sum();
            if sum > 0.0 {
                row.iter_mut().for_each(|v| *v /= sum);
            }
        }
        let pick = |kind| graph.indices(kind).into_iter().map(|i| i as u32).collect();
        Ok(Self {
            features,
            dim,
            labels: graph.nodes.labels.clone(),
            classes: graph.nodes.classes,
            adjacency,
            train: pick(SplitKind::Train),
            val: pick(SplitKind::Val),
            test: pick(SplitKind::Test),
        })
    }
}

/// Optimizer settings of a full-batch run.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NodeTrainOptions {
    /// Adam's learning rate.
    pub learning_rate: f64,
    /// L2 penalty on every weight (added to the gradient).
    pub weight_decay: f64,
    /// Full-batch epochs (one step each).
    pub epochs: usize,
    /// Seed of the weights and the dropout masks.
    pub seed: u64,
}

/// One epoch of a run.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct NodeEpoch {
    /// 1-based epoch.
    pub epoch: usize,
    /// Training loss.
    pub loss: f32,
    /// Validation accuracy after the step.
    pub val_acc: f64,
}

/// Result of a run.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct NodeRun {
    /// Test accuracy of the model with the best validation accuracy.
    pub test_acc: f64,
    /// That model's validation accuracy.
    pub val_acc: f64,
    /// Its epoch (1-based).
    pub best_epoch: usize,
    /// Training seconds (steps only, evaluation excluded).
    pub train_seconds: f64,
    /// Per-epoch losses and validation accuracy.
    pub history: Vec<NodeEpoch>,
}

pub(crate) fn accuracy(predicted: &[i64], labels: &[u32], nodes: &[u32]) -> f64 {
    let correct = nodes.iter().filter(|&&n| predicted[n as usize] == i64::from(labels[n as usize])).count();
    correct as f64 / nodes.len().max(1) as f64
}

/// Trains `config` on `data` for `options.epochs` full-batch steps on `device`.
pub fn train_node_classifier(
    data: &NodeData,
    config: &GnnConfig,
    options: &NodeTrainOptions,
    device: &Device,
    on_epoch: &mut dyn FnMut(&NodeEpoch),
) -> Result<NodeRun> {
    if data.train.is_empty() {
        return Err(NslError::Config("no training nodes".into()));
    }
    let train_device = device.clone().autodiff();
    train_device.seed(options.seed);
    let eval_device = device.clone().inner();
    let mut model = config.init(options.seed, &train_device);
    let input = NodeInput::from_rows(&data.features, data.dim, &train_device);
    let context = GraphContext::new(config.kind, &data.adjacency, &train_device);
    model.check(&input, &context)?;
    let eval_input = NodeInput::from_rows(&data.features, data.dim, &eval_device);
    let eval_context = GraphContext::new(config.kind, &data.adjacency, &eval_device);
    let train_nodes = labels(&data.train, &train_device);
    let train_labels: Tensor<1, Int> =
        labels(&data.train.iter().map(|&n| data.labels[n as usize]).collect::<Vec<_>>(), &train_device);
    let mut optimizer = AdamConfig::new()
        .with_epsilon(1e-8)
        .with_weight_decay(
            (options.weight_decay > 0.0).then(|| WeightDecayConfig::new(options.weight_decay as f32)),
        )
        .init();
    let mut rng = StdRng::seed_from_u64(options.seed ^ 0x5eed);
    let mut history = Vec::with_capacity(options.epochs);
    let mut best = (-1.0, 0.0, 0);
    let mut train_seconds = 0.0;
    for epoch in 1..=options.epochs {
        let start = Instant::now();
        let out = model.forward(&input, &context, Some(&mut rng));
        let loss =
            sparse_softmax_cross_entropy(out.logits.select(0, train_nodes.clone()), train_labels.clone());
        let loss_value = loss.clone().inner();
        let grads = GradientsParams::from_grads(loss.backward(), &model);
        model = optimizer.step(options.learning_rate, model, grads);
        train_seconds += start.elapsed().as_secs_f64();

        let predicted = model.valid().forward(&eval_input, &eval_context, None).logits.argmax(1);
        let predicted =
            predicted.into_data().convert::<i64>().try_into_vec::<i64>().expect("argmax reads back");
        let loss = crate::tensor::scalar(loss_value);
        if !loss.is_finite() {
            return Err(NslError::Diverged { epoch, step: epoch, value: loss });
        }
        let val_acc = accuracy(&predicted, &data.labels, &data.val);
        if val_acc > best.0 {
            best = (val_acc, accuracy(&predicted, &data.labels, &data.test), epoch);
        }
        let record = NodeEpoch { epoch, loss, val_acc };
        on_epoch(&record);
        history.push(record);
    }
    Ok(NodeRun { test_acc: best.1, val_acc: best.0, best_epoch: best.2, train_seconds, history })
}
