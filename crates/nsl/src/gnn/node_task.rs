//! Node classification, full batch: the whole graph goes through the GNN every step, the loss
//! is taken on the training nodes, and the model kept is the one with the best validation
//! accuracy (ties: the earlier epoch), as Planetoid benchmarks report it.

use burn::module::Module;
use burn::optim::{GradientsParams, ModuleOptimizer};
use burn::tensor::{Device, Int, Tensor};
use nsl_graph::rng::{SeededRng, seeded};
use serde::{Deserialize, Serialize};
use web_time::Instant;

use super::adjacency::Adjacency;
use super::model::{Gnn, GnnConfig, GraphContext};
use super::step_through::{LayerTensors, gcn_layer_tensors};
use crate::config::GraphRegConfig;
use crate::config::Regularization;
use crate::data::NeighborTable;
use crate::data::planetoid::{Planetoid, SplitKind};
use crate::error::{NslError, Result};
use crate::model::NodeInput;
use crate::optim::{Stepped, adam};
use crate::reg::adversarial::gen_adv_neighbor;
use crate::reg::graph::graph_loss;
use crate::reg::loss::sparse_softmax_cross_entropy;
use crate::spec::ExperimentSpec;
use crate::tensor::{labels, matrix};

/// A graph with features, labels and a train/val/test split.
#[derive(Debug, Clone)]
pub struct NodeData {
    /// Node ids (NSL breaks neighbor ties on them).
    pub ids: Vec<String>,
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
            ids: graph.ids.clone(),
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

impl NodeTrainOptions {
    /// The optimizer settings, epochs and seed of `spec`.
    pub fn of(spec: &ExperimentSpec) -> Self {
        Self {
            learning_rate: spec.optimizer.learning_rate,
            weight_decay: spec.optimizer.weight_decay,
            epochs: spec.epochs,
            seed: spec.seed,
        }
    }
}

/// One epoch of a run.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct NodeEpoch {
    /// 1-based epoch.
    pub epoch: usize,
    /// Training loss (the sum of the parts).
    pub loss: f32,
    /// Its supervised part.
    pub supervised: f32,
    /// Its graph part (NSL graph regularization, or NGM's edge terms), scaled.
    pub graph: Option<f32>,
    /// Its adversarial part, scaled.
    pub adversarial: Option<f32>,
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

/// The share of `nodes` whose predicted class is their label (0 for no nodes).
pub(crate) fn accuracy(predicted: &[i64], labels: &[u32], nodes: &[u32]) -> f64 {
    let correct = nodes.iter().filter(|&&n| predicted[n as usize] == i64::from(labels[n as usize])).count();
    correct as f64 / nodes.len().max(1) as f64
}

/// Reads predicted classes (`argmax` output) back to the host.
pub(crate) fn read_classes(predicted: Tensor<2, Int>) -> Vec<i64> {
    predicted.into_data().convert::<i64>().try_into_vec::<i64>().expect("argmax reads back")
}

/// Loss parts of one epoch.
#[derive(Debug, Clone, Copy)]
pub(crate) struct EpochLosses {
    pub(crate) loss: f32,
    pub(crate) supervised: f32,
    pub(crate) graph: Option<f32>,
    pub(crate) adversarial: Option<f32>,
}

/// The record of a full-batch run: every epoch's losses and validation accuracy, and the epoch
/// with the best validation accuracy (the earlier on ties; the last without validation nodes)
/// with its test accuracy, as Planetoid benchmarks report them.
#[derive(Debug)]
pub(crate) struct RunLog<'a> {
    data: &'a NodeData,
    history: Vec<NodeEpoch>,
    val_acc: f64,
    test_acc: f64,
    epoch: usize,
}

impl<'a> RunLog<'a> {
    pub(crate) fn new(data: &'a NodeData, epochs: usize) -> Self {
        Self { data, history: Vec::with_capacity(epochs), val_acc: -1.0, test_acc: 0.0, epoch: 0 }
    }

    /// Ends `epoch`: a non-finite loss is an error; otherwise the predictions for every node
    /// are scored, and the epoch is recorded and reported to `on_epoch`.
    pub(crate) fn end_epoch(
        &mut self,
        epoch: usize,
        losses: EpochLosses,
        predicted: &[i64],
        on_epoch: &mut dyn FnMut(&NodeEpoch),
    ) -> Result<()> {
        if !losses.loss.is_finite() {
            return Err(NslError::Diverged { epoch, step: epoch, value: losses.loss });
        }
        let val_acc = accuracy(predicted, &self.data.labels, &self.data.val);
        // Without validation nodes (the karate club, a graph built from rows) there is nothing
        // to select on: the model kept is the last one.
        if val_acc > self.val_acc || self.data.val.is_empty() {
            self.val_acc = val_acc;
            self.test_acc = accuracy(predicted, &self.data.labels, &self.data.test);
            self.epoch = epoch;
        }
        let record = NodeEpoch {
            epoch,
            loss: losses.loss,
            supervised: losses.supervised,
            graph: losses.graph,
            adversarial: losses.adversarial,
            val_acc,
        };
        on_epoch(&record);
        self.history.push(record);
        Ok(())
    }

    pub(crate) fn into_run(self, train_seconds: f64) -> NodeRun {
        NodeRun {
            test_acc: self.test_acc,
            val_acc: self.val_acc,
            best_epoch: self.epoch,
            train_seconds,
            history: self.history,
        }
    }
}

/// A GNN node classifier trained one full-batch step at a time: the model, its optimizer, and
/// the graph's tensors (built once), with NSL's graph regularization (each training node against
/// its top `max_neighbors` graph neighbors, chosen as `pack_nbrs` does, on the logits of the same
/// full-graph pass) and adversarial regularization (the whole feature matrix perturbed along the
/// gradient of the supervised loss, `gen_adv_neighbor` with NSL's configuration).
pub struct NodeTrainer {
    model: Stepped<Gnn>,
    optimizer: ModuleOptimizer,
    input: NodeInput,
    context: GraphContext,
    whole: WholeGraph,
    train_nodes: Tensor<1, Int>,
    train_labels: Tensor<1, Int>,
    neighbors: Option<(Tensor<1, Int>, Tensor<2>, GraphRegConfig)>,
    dense_x: Option<Tensor<2>>,
    regularization: Regularization,
    learning_rate: f64,
    rng: SeededRng,
    device: Device,
    steps: usize,
}

impl std::fmt::Debug for NodeTrainer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // burn's optimizer has no Debug.
        f.debug_struct("NodeTrainer")
            .field("regularization", &self.regularization)
            .field("learning_rate", &self.learning_rate)
            .field("steps", &self.steps)
            .finish_non_exhaustive()
    }
}

impl NodeTrainer {
    /// A fresh model for `config` on `data` (autodiff is enabled on `device` here).
    pub fn new(
        data: &NodeData,
        config: &GnnConfig,
        regularization: &Regularization,
        options: &NodeTrainOptions,
        device: &Device,
    ) -> Result<Self> {
        if data.train.is_empty() {
            return Err(NslError::Config("no training nodes".into()));
        }
        if regularization.virtual_adversarial.is_some() || regularization.neural_graph_machine.is_some() {
            return Err(NslError::Config("GNNs take graph and adversarial regularization".into()));
        }
        let train_device = device.clone().autodiff();
        train_device.seed(options.seed);
        let eval_device = device.clone().inner();
        let model = config.init(options.seed, &train_device)?;
        let input = NodeInput::from_rows(&data.features, data.dim, &train_device);
        let context = GraphContext::new(config.kind, &data.adjacency, &train_device)?;
        model.check(&input, &context)?;
        let neighbors = match &regularization.graph {
            Some(g) if g.neighbor_config.max_neighbors > 0 => {
                let edges: Vec<(usize, usize, f32)> =
                    data.adjacency.triples().map(|(a, b, w)| (a as usize, b as usize, w)).collect();
                let seeds: Vec<usize> = data.train.iter().map(|&n| n as usize).collect();
                let table =
                    NeighborTable::select(&data.ids, &edges, &seeds, g.neighbor_config.max_neighbors, false);
                let (nodes, weights) = table.batch(&(0..seeds.len()).collect::<Vec<_>>());
                let nodes: Vec<u32> = nodes.iter().map(|&n| n as u32).collect();
                Some((labels(&nodes, &train_device), matrix(weights, nodes.len(), 1, &train_device), *g))
            }
            _ => None,
        };
        // Adversarial perturbations live in the dense feature space.
        let dense_x = regularization
            .adversarial
            .as_ref()
            .map(|_| matrix(data.features.clone(), data.adjacency.nodes, data.dim, &train_device));
        Ok(Self {
            model: Stepped::new(model),
            optimizer: adam(options.weight_decay),
            input,
            context,
            whole: WholeGraph::new(data, config, &eval_device)?,
            train_nodes: labels(&data.train, &train_device),
            train_labels: labels(
                &data.train.iter().map(|&n| data.labels[n as usize]).collect::<Vec<_>>(),
                &train_device,
            ),
            neighbors,
            dense_x,
            regularization: regularization.clone(),
            learning_rate: options.learning_rate,
            rng: seeded(options.seed ^ 0x5eed),
            device: train_device,
            steps: 0,
        })
    }
}

impl NodeClassifierTrainer for NodeTrainer {
    fn step(&mut self) -> Result<Tensor<1>> {
        let (train_nodes, train_labels) = (&self.train_nodes, &self.train_labels);
        let supervised_of = |logits: Tensor<2>| {
            sparse_softmax_cross_entropy(logits.select(0, train_nodes.clone()), train_labels.clone())
        };
        let logits = self.model.forward(&self.input, &self.context, Some(&mut self.rng)).logits;
        let supervised = supervised_of(logits.clone());
        let mut loss = supervised.clone();
        let graph = match &self.neighbors {
            Some((nodes, weights, config)) => {
                let term = graph_loss(
                    logits.clone().select(0, train_nodes.clone()),
                    logits.select(0, nodes.clone()),
                    weights.clone(),
                    config,
                )?
                .mul_scalar(config.multiplier);
                loss = loss + term.clone();
                Some(term)
            }
            None => None,
        };
        let adversarial = match (&self.regularization.adversarial, &self.dense_x) {
            (Some(config), Some(x)) => {
                let (model, context) = (&self.model, &self.context);
                let labeled_loss =
                    |x: Tensor<2>| supervised_of(model.forward(&NodeInput::Dense(x), context, None).logits);
                let adv = gen_adv_neighbor(x.clone(), &labeled_loss, None, &config.adv_neighbor_config)?;
                let term = supervised_of(
                    self.model.forward(&NodeInput::Dense(adv), &self.context, Some(&mut self.rng)).logits,
                )
                .mul_scalar(config.multiplier);
                loss = loss + term.clone();
                Some(term)
            }
            _ => None,
        };
        let zero = || Tensor::<1>::zeros([1], &self.device).inner();
        let parts = Tensor::cat(
            vec![
                loss.clone().inner(),
                supervised.inner(),
                graph.map_or_else(zero, |t| t.inner()),
                adversarial.map_or_else(zero, |t| t.inner()),
            ],
            0,
        );
        let grads = GradientsParams::from_grads(loss.backward(), self.model.get());
        self.model.step(&mut self.optimizer, self.learning_rate, grads);
        self.steps += 1;
        Ok(parts)
    }

    fn logits(&self) -> Tensor<2> {
        self.whole.logits(&self.model.valid())
    }

    fn steps_done(&self) -> usize {
        self.steps
    }

    fn parts_in_force(&self) -> [bool; 2] {
        [self.neighbors.is_some(), self.regularization.adversarial.is_some()]
    }

    fn explain(&self, node: usize, steps: usize) -> Result<Option<Explanation>> {
        self.whole.explain(&self.model.valid(), node, steps).map(Some)
    }

    fn layer_states(&self) -> Vec<Tensor<2>> {
        self.whole.layer_states(&self.model.valid())
    }

    fn step_through(&self, node: usize) -> Result<Option<Vec<LayerTensors>>> {
        self.whole.step_through(&self.model.valid(), node)
    }

    /// Regularization strengths and the learning rate (which regularizers are on, and the
    /// number of graph neighbors, are fixed when the trainer is made).
    fn apply(&mut self, regularization: &Regularization, learning_rate: f64) -> Result<()> {
        let same_shape = regularization.graph.is_some() == self.regularization.graph.is_some()
            && regularization.adversarial.is_some() == self.regularization.adversarial.is_some()
            && regularization.max_neighbors() == self.regularization.max_neighbors()
            && regularization.virtual_adversarial.is_none()
            && regularization.neural_graph_machine.is_none();
        if !same_shape {
            return Err(NslError::Config("the regularizers changed: start a new run".into()));
        }
        if let (Some((_, _, config)), Some(g)) = (&mut self.neighbors, &regularization.graph) {
            *config = *g;
        }
        self.regularization = regularization.clone();
        self.learning_rate = learning_rate;
        Ok(())
    }
}

/// The whole graph on the inference device, built once: what a GNN trained on it (full batch
/// or on sampled subgraphs) is evaluated, explained and stepped through on.
#[derive(Debug)]
pub(crate) struct WholeGraph {
    input: NodeInput,
    context: GraphContext,
}

impl WholeGraph {
    /// `data`'s features and edges for a model of `config`'s layer kind, on `device`.
    pub(crate) fn new(data: &NodeData, config: &GnnConfig, device: &Device) -> Result<Self> {
        Ok(Self {
            input: NodeInput::from_rows(&data.features, data.dim, device),
            context: GraphContext::new(config.kind, &data.adjacency, device)?,
        })
    }

    /// Every node's logits (`model` without dropout).
    pub(crate) fn logits(&self, model: &Gnn) -> Tensor<2> {
        model.forward(&self.input, &self.context, None).logits
    }

    /// Every layer's output for every node, the last the logits.
    pub(crate) fn layer_states(&self, model: &Gnn) -> Vec<Tensor<2>> {
        model.layer_states(&self.input, &self.context)
    }

    /// Integrated gradients (over `steps`) of `node`'s top-class score summed per node, and a
    /// GAT's last-layer attention per edge (mean over heads).
    pub(crate) fn explain(&self, model: &Gnn, node: usize, steps: usize) -> Result<Explanation> {
        let nodes = self.input.nodes();
        if node >= nodes {
            return Err(NslError::Config(format!("node {node} is out of range for {nodes} nodes")));
        }
        let x = self.input.to_dense();
        let score = |x: Tensor<2>| {
            let logits = model.forward(&NodeInput::Dense(x), &self.context, None).logits;
            let classes = logits.dims()[1];
            logits.slice([node..node + 1, 0..classes]).max_dim(1).sum()
        };
        let zeros = Tensor::zeros(x.dims(), &x.device());
        let heat =
            super::explain::node_heat(crate::attribution::integrated_gradients(x, zeros, steps, &score)?);
        let attention = model.forward(&self.input, &self.context, None).attention.pop().map(|alpha| {
            let [edges, _] = alpha.dims();
            let host = &self.context.host;
            (alpha.mean_dim(1).reshape([edges]), host.src.clone(), host.dst.clone())
        });
        Ok(Explanation { heat, attention })
    }

    /// A GCN's layers at `node`, term by term (`None` for other layer kinds).
    pub(crate) fn step_through(&self, model: &Gnn, node: usize) -> Result<Option<Vec<LayerTensors>>> {
        let Some(layers) = (0..model.layers.len()).map(|l| model.gcn_layer(l)).collect::<Option<Vec<_>>>()
        else {
            return Ok(None);
        };
        let states = model.layer_states(&self.input, &self.context);
        let inputs: Vec<NodeInput> = std::iter::once(self.input.clone())
            .chain(states.iter().take(states.len() - 1).map(|s| NodeInput::Dense(s.clone())))
            .collect();
        Ok(gcn_layer_tensors(&layers, &inputs, &states, &self.context.host, node as u32))
    }
}

/// A node classifier trained one full-batch step at a time: a GNN ([`NodeTrainer`]) or an
/// MLP with or without Neural Graph Machine terms ([`crate::gnn::ngm::NgmTrainer`]), or a GNN
/// on minibatches of sampled subgraphs ([`crate::gnn::sampled::SampledTrainer`]).
pub trait NodeClassifierTrainer: std::fmt::Debug {
    /// One optimizer step: over the whole graph, or over one batch of sampled subgraphs.
    /// Returns the loss parts `[total, supervised, graph, adversarial]` (0 where off) on the
    /// device, for a joint read-back.
    fn step(&mut self) -> Result<Tensor<1>>;

    /// Optimizer steps in one epoch (1 for full batch).
    fn steps_per_epoch(&self) -> usize {
        1
    }

    /// What the last step trained on, when it was a batch of sampled subgraphs.
    fn last_batch(&self) -> Option<&super::subgraphs::SampledBatch> {
        None
    }

    /// Logits of every node from the inference copy of the model (no dropout), on the device.
    fn logits(&self) -> Tensor<2>;

    /// Steps taken.
    fn steps_done(&self) -> usize;

    /// Whether the graph and the adversarial loss parts are in force.
    fn parts_in_force(&self) -> [bool; 2];

    /// Regularization settings and the learning rate from the next step on (an error if the
    /// change needs a new trainer).
    fn apply(&mut self, regularization: &Regularization, learning_rate: f64) -> Result<()>;

    /// Why `node` is predicted as it is, on the device: integrated gradients (over `steps`) of
    /// its top-class score summed per node, and a GAT's last-layer attention per edge (mean over
    /// heads) with each edge's `(source, target)`. `None` for models that look at no other
    /// node's features (an MLP).
    fn explain(&self, node: usize, steps: usize) -> Result<Option<Explanation>>;

    /// Every layer's output for every node from the inference copy (a GNN's node embeddings
    /// layer by layer, the last the logits); empty for a model that passes no messages.
    fn layer_states(&self) -> Vec<Tensor<2>> {
        Vec::new()
    }

    /// A GCN's layers at `node`, term by term, on the device (`None` for other models).
    fn step_through(&self, _node: usize) -> Result<Option<Vec<LayerTensors>>> {
        Ok(None)
    }
}

/// Attribution of one node's prediction to the graph's nodes (and edges, for a GAT).
#[derive(Debug)]
pub struct Explanation {
    /// `[nodes]`: Σ over features of the integrated gradients.
    pub heat: Tensor<1>,
    /// `[edges]` attention with each edge's source and target (GATs only).
    pub attention: Option<(Tensor<1>, Vec<u32>, Vec<u32>)>,
}

/// Runs `epochs` epochs of `trainer` (one step each full batch, a pass over the training nodes
/// in batches when sampled), scoring and recording each epoch as Planetoid benchmarks report
/// runs (the loop of every node-classification task on one node set).
pub(crate) fn run_epochs(
    trainer: &mut dyn NodeClassifierTrainer,
    data: &NodeData,
    epochs: usize,
    on_epoch: &mut dyn FnMut(&NodeEpoch),
) -> Result<NodeRun> {
    let mut log = RunLog::new(data, epochs);
    let mut train_seconds = 0.0;
    let [graph, adversarial] = trainer.parts_in_force();
    let steps = trainer.steps_per_epoch();
    for epoch in 1..=epochs {
        let start = Instant::now();
        let mut sum = trainer.step()?;
        for _ in 1..steps {
            sum = sum + trainer.step()?;
        }
        train_seconds += start.elapsed().as_secs_f64();
        let predicted = read_classes(trainer.logits().argmax(1));
        let parts = crate::tensor::to_vec(sum.div_scalar(steps as f32));
        let losses = EpochLosses {
            loss: parts[0],
            supervised: parts[1],
            graph: graph.then_some(parts[2]),
            adversarial: adversarial.then_some(parts[3]),
        };
        log.end_epoch(epoch, losses, &predicted, on_epoch)?;
    }
    Ok(log.into_run(train_seconds))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn data(val: Vec<u32>) -> NodeData {
        NodeData {
            ids: (0..4).map(|i| i.to_string()).collect(),
            features: vec![0.0; 4],
            dim: 1,
            labels: vec![0, 1, 0, 1],
            classes: 2,
            adjacency: Adjacency::new(4, &[]).unwrap(),
            train: vec![0],
            val,
            test: vec![2, 3],
        }
    }

    fn losses() -> EpochLosses {
        EpochLosses { loss: 1.0, supervised: 1.0, graph: None, adversarial: None }
    }

    #[test]
    fn the_best_validation_epoch_is_kept_or_the_last_without_validation_nodes() {
        // Epoch 1 gets both test nodes wrong, epoch 2 both right.
        let (wrong, right) = (vec![1, 1, 1, 0], vec![0, 1, 0, 1]);
        let with_val = data(vec![1]);
        let mut log = RunLog::new(&with_val, 2);
        log.end_epoch(1, losses(), &right, &mut |_| {}).unwrap();
        log.end_epoch(2, losses(), &wrong, &mut |_| {}).unwrap();
        let run = log.into_run(0.0);
        assert_eq!((run.best_epoch, run.test_acc, run.val_acc), (1, 1.0, 1.0), "the best validation epoch");
        let without = data(Vec::new());
        let mut log = RunLog::new(&without, 2);
        log.end_epoch(1, losses(), &wrong, &mut |_| {}).unwrap();
        log.end_epoch(2, losses(), &right, &mut |_| {}).unwrap();
        let run = log.into_run(0.0);
        assert_eq!((run.best_epoch, run.test_acc), (2, 1.0), "no validation nodes: the last epoch");
    }
}
