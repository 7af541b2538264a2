//! Graph classification, as TF-GNN's runner trains it: minibatches of graphs merged as the
//! components of one graph, the encoder's states of one node set pooled into each component's
//! context, a linear read-out to the classes. The model kept is the one with the best
//! validation accuracy (ties: the earlier epoch).

use burn::module::Module;
use burn::optim::{GradientsParams, ModuleOptimizer};
use burn::tensor::{Device, Int, Tensor};
use nsl_graph::GraphBatch;
use nsl_graph::datasets::motifs::GraphSet;
use nsl_graph::rng::{SeededRng, seeded};
use nsl_graph::typed::{FEATURES, Graph, SplitKind};
use rand::seq::SliceRandom;
use serde::Serialize;
use web_time::Instant;

use super::Progress;
use super::dense::Dense;
use super::encoder::HeteroEncoder;
use super::graph::GraphTensor;
use super::pool::pool_nodes_to_context;
use super::weights::WeightSource;
use crate::config::tfgnn::{Activation, HeteroGraphConfig, ReduceType};
use crate::error::{NslError, Result};
use crate::gnn::node_task::{accuracy, read_classes};
use crate::optim::{Stepped, adam};
use crate::reg::loss::sparse_softmax_cross_entropy;
use crate::tensor::labels;

/// An encoder, the pooling of its node set into the context, a linear read-out.
#[derive(Module, Debug)]
pub struct HeteroGraphModel {
    /// Hidden states.
    pub encoder: HeteroEncoder,
    /// Linear read-out of the pooled states to the classes.
    pub head: Dense,
    /// How nodes pool into the context.
    #[module(skip)]
    pub readout: ReduceType,
}

impl HeteroGraphModel {
    /// A model for graphs shaped like `example`, weights from `weights`.
    pub fn new(
        config: &HeteroGraphConfig,
        example: &GraphTensor,
        classes: usize,
        weights: &mut WeightSource,
        device: &Device,
    ) -> Result<Self> {
        let encoder = HeteroEncoder::new(&config.encoder, &example.schema(), weights, device)?;
        let pooled = encoder.hidden * config.readout.reducers().len();
        let head = Dense::new(weights, "head", [pooled, classes], true, Activation::Linear, device)?;
        Ok(Self { encoder, head, readout: config.readout.clone() })
    }

    /// The context vector of every component: its nodes' hidden states, pooled.
    ///
    /// # Shapes
    /// - returns `[components, hidden · reducers]`.
    pub fn context(&self, graph: &GraphTensor) -> Result<Tensor<2>> {
        let states = self.encoder.node_states(graph)?;
        pool_nodes_to_context(graph, &self.encoder.node_set, &self.readout, states)
    }

    /// Logits of every component.
    ///
    /// # Shapes
    /// - returns `[components, classes]`.
    pub fn forward(&self, graph: &GraphTensor) -> Result<Tensor<2>> {
        Ok(self.head.forward(self.context(graph)?))
    }
}

/// How a graph-classification run trains.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct GraphTrainOptions {
    /// Passes over the training graphs.
    pub epochs: usize,
    /// Graphs per step.
    pub batch_size: usize,
    /// Adam's step size.
    pub learning_rate: f64,
    /// Seed of initialisation, shuffling and dropout.
    pub seed: u64,
}

impl GraphTrainOptions {
    /// The epochs, graphs per step (the optimizer's batch size), learning rate and seed of
    /// `spec`.
    pub fn of(spec: &crate::spec::ExperimentSpec) -> Self {
        Self {
            epochs: spec.epochs,
            batch_size: spec.optimizer.batch_size,
            learning_rate: spec.optimizer.learning_rate,
            seed: spec.seed,
        }
    }
}

/// The outcome of a run.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct HeteroGraphRun {
    /// Test accuracy of the model with the best validation accuracy.
    pub test_acc: f64,
    /// Its validation accuracy.
    pub val_acc: f64,
    /// Its epoch (1-based).
    pub best_epoch: usize,
    /// Mean training loss of every epoch.
    pub losses: Vec<f32>,
    /// Its predicted class of every test graph, in the order of [`GraphSet::indices`].
    pub test_predictions: Vec<u32>,
    /// Test accuracy of the model as trained to the last epoch.
    pub last_test_acc: f64,
    /// Training seconds (steps only).
    pub train_seconds: f64,
}

/// The graphs at `indices`, merged and uploaded.
pub fn upload(set: &GraphSet, indices: &[u32], device: &Device) -> Result<GraphTensor> {
    let graphs: Vec<&Graph> = indices.iter().map(|&i| &set.graphs[i as usize]).collect();
    let batch = GraphBatch::merge(&graphs).map_err(|e| NslError::Config(e.to_string()))?;
    GraphTensor::from_batch(&batch, FEATURES, device)
}

/// A graph classifier trained one batch of graphs at a time: an epoch shuffles the training
/// graphs and takes them `batch_size` at a time, merged as the components of one graph.
/// `nsl train` and the playground train with it.
pub struct GraphClassTrainer {
    model: Stepped<HeteroGraphModel>,
    optimizer: ModuleOptimizer,
    order: Vec<u32>,
    /// Position in `order` of the next step's first graph (0: a new epoch begins).
    cursor: usize,
    batch_size: usize,
    learning_rate: f64,
    rng: SeededRng,
    device: Device,
    steps: usize,
}

impl std::fmt::Debug for GraphClassTrainer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // burn's optimizer has no Debug.
        f.debug_struct("GraphClassTrainer").field("steps", &self.steps).finish_non_exhaustive()
    }
}

impl GraphClassTrainer {
    /// A fresh model for `config` on `set`'s graphs (autodiff is enabled on `device` here).
    pub fn new(
        set: &GraphSet,
        config: &HeteroGraphConfig,
        options: &GraphTrainOptions,
        device: &Device,
    ) -> Result<Self> {
        let train = set.indices(SplitKind::Train);
        if train.is_empty() || options.batch_size == 0 {
            return Err(NslError::Config(
                "graph classification needs training graphs and ≥ 1 graph per step".into(),
            ));
        }
        let train_device = device.clone().autodiff();
        train_device.seed(options.seed);
        let mut weights = WeightSource::seeded(options.seed);
        let example = upload(set, &train[..1], &train_device)?;
        let model = HeteroGraphModel::new(config, &example, set.classes.len(), &mut weights, &train_device)?;
        Ok(Self {
            model: Stepped::new(model),
            optimizer: adam(0.0),
            order: train,
            cursor: 0,
            batch_size: options.batch_size,
            learning_rate: options.learning_rate,
            rng: seeded(options.seed ^ 0x6a_9c),
            device: train_device,
            steps: 0,
        })
    }

    /// One step on the next batch of `set`'s training graphs; returns the batch's mean loss on
    /// the device and how many graphs it took.
    pub fn step(&mut self, set: &GraphSet) -> Result<(Tensor<1>, usize)> {
        if self.cursor == 0 {
            self.order.shuffle(&mut self.rng);
        }
        let graphs = &self.order[self.cursor..(self.cursor + self.batch_size).min(self.order.len())];
        let batch = upload(set, graphs, &self.device)?;
        let targets: Tensor<1, Int> =
            labels(&graphs.iter().map(|&g| set.labels[g as usize]).collect::<Vec<_>>(), &self.device);
        let loss = self
            .model
            .encoder
            .regularized(sparse_softmax_cross_entropy(self.model.forward(&batch)?, targets));
        let taken = graphs.len();
        let grads = GradientsParams::from_grads(loss.backward(), self.model.get());
        self.model.step(&mut self.optimizer, self.learning_rate, grads);
        self.cursor += taken;
        if self.cursor >= self.order.len() {
            self.cursor = 0;
        }
        self.steps += 1;
        Ok((loss.inner(), taken))
    }

    /// Steps in one epoch.
    pub fn steps_per_epoch(&self) -> usize {
        self.order.len().div_ceil(self.batch_size)
    }

    /// Steps taken.
    pub fn steps_done(&self) -> usize {
        self.steps
    }

    /// The learning rate from the next step on.
    pub fn set_learning_rate(&mut self, learning_rate: f64) {
        self.learning_rate = learning_rate;
    }

    /// Logits of every component of `graphs` by the inference copy of the model.
    ///
    /// # Shapes
    /// - returns `[components, classes]`.
    pub fn logits(&self, graphs: &GraphTensor) -> Result<Tensor<2>> {
        self.model.valid().forward(graphs)
    }
}

/// Trains `config` on the training graphs of `set`, keeping the epoch with the best validation
/// accuracy, reporting every step and epoch to `on_progress`.
pub fn train(
    set: &GraphSet,
    config: &HeteroGraphConfig,
    options: &GraphTrainOptions,
    device: &Device,
    on_progress: &mut dyn FnMut(Progress),
) -> Result<HeteroGraphRun> {
    let (train, val, test) =
        (set.indices(SplitKind::Train), set.indices(SplitKind::Val), set.indices(SplitKind::Test));
    if train.is_empty() || val.is_empty() || test.is_empty() {
        return Err(NslError::Config("graph classification needs train, val and test graphs".into()));
    }
    if options.batch_size == 0 || options.epochs == 0 {
        return Err(NslError::Config("graph classification needs ≥ 1 epoch and ≥ 1 graph per step".into()));
    }
    let eval_device = device.clone().inner();
    let (val_graph, test_graph) = (upload(set, &val, &eval_device)?, upload(set, &test, &eval_device)?);
    let mut trainer = GraphClassTrainer::new(set, config, options, device)?;
    let (mut best_val, mut best_epoch) = (-1.0, 0);
    let (mut best_predictions, mut best_test) = (Vec::new(), 0.0);
    let mut losses = Vec::with_capacity(options.epochs);
    let mut seconds = 0.0;
    let mut last_test_acc = 0.0;
    for epoch in 1..=options.epochs {
        let start = Instant::now();
        let mut total = 0.0;
        for step in 1..=trainer.steps_per_epoch() {
            let (loss, graphs) = trainer.step(set)?;
            let value: f32 = loss.into_scalar();
            if !value.is_finite() {
                return Err(NslError::Diverged { epoch, step, value });
            }
            total += value * graphs as f32;
            on_progress(Progress::Step { epoch, step });
        }
        seconds += start.elapsed().as_secs_f64();
        let loss = total / train.len() as f32;
        losses.push(loss);
        on_progress(Progress::Epoch { epoch, loss });
        let score = |graph: &GraphTensor, indices: &[u32]| -> Result<(Vec<i64>, f64)> {
            let predicted = read_classes(trainer.logits(graph)?.argmax(1));
            let labels: Vec<u32> = indices.iter().map(|&g| set.labels[g as usize]).collect();
            let positions: Vec<u32> = (0..indices.len() as u32).collect();
            let acc = accuracy(&predicted, &labels, &positions);
            Ok((predicted, acc))
        };
        let (_, val_acc) = score(&val_graph, &val)?;
        let (predictions, test_acc) = score(&test_graph, &test)?;
        if val_acc > best_val {
            best_val = val_acc;
            best_epoch = epoch;
            (best_predictions, best_test) = (predictions, test_acc);
        }
        last_test_acc = test_acc;
    }
    Ok(HeteroGraphRun {
        test_acc: best_test,
        val_acc: best_val,
        best_epoch,
        losses,
        test_predictions: best_predictions.iter().map(|&p| p as u32).collect(),
        last_test_acc,
        train_seconds: seconds,
    })
}

#[cfg(test)]
mod tests {
    use nsl_graph::datasets::motifs::{self, MotifSpec};
    use nsl_graph::typed::NODES;

    use super::*;
    use crate::config::tfgnn::{HeteroEncoderConfig, HeteroModel, MtAlbisConfig};

    fn config(model: HeteroModel, readout: &str) -> HeteroGraphConfig {
        HeteroGraphConfig {
            encoder: HeteroEncoderConfig { node_set: NODES.into(), hidden: 32, rounds: 3, model },
            readout: readout.parse().unwrap(),
        }
    }

    #[test]
    fn a_batch_pools_each_graph_apart() {
        let set = motifs::generate(&MotifSpec { graphs_per_class: 3, ..MotifSpec::default() }).unwrap();
        let device = Device::flex();
        let config = config(HeteroModel::Gcn { edge_set: nsl_graph::typed::EDGES.into() }, "mean|sum");
        let all = upload(&set, &[0, 1, 2], &device).unwrap();
        let model = HeteroGraphModel::new(&config, &all, 3, &mut WeightSource::seeded(3), &device).unwrap();
        let together = crate::tensor::to_vec(model.context(&all).unwrap());
        assert_eq!(together.len(), 3 * 64);
        // Each graph alone gives the row it had in the batch: nothing crosses components.
        for g in 0..3u32 {
            let alone = crate::tensor::to_vec(model.context(&upload(&set, &[g], &device).unwrap()).unwrap());
            let row = &together[g as usize * 64..(g as usize + 1) * 64];
            for (a, b) in alone.iter().zip(row) {
                assert!((a - b).abs() < 1e-4 * (1.0 + b.abs()), "graph {g}: {a} vs {b}");
            }
        }
    }

    #[test]
    fn message_passing_finds_the_motif_that_features_alone_do_not() {
        let set = motifs::generate(&MotifSpec { graphs_per_class: 60, ..MotifSpec::default() }).unwrap();
        let device = Device::flex();
        let options = GraphTrainOptions { epochs: 40, batch_size: 16, learning_rate: 0.01, seed: 0 };
        let mlp = train(&set, &config(HeteroModel::Mlp, "sum"), &options, &device, &mut |_| {}).unwrap();
        let mt = MtAlbisConfig { units: 32, message_dim: 32, ..Default::default() };
        let gnn =
            train(&set, &config(HeteroModel::MtAlbis(mt), "sum"), &options, &device, &mut |_| {}).unwrap();
        assert_eq!(gnn.test_predictions.len(), set.indices(SplitKind::Test).len());
        assert!(gnn.losses.last().unwrap() < &(0.7 * gnn.losses[0]), "{:?}", gnn.losses);
        assert!(gnn.test_acc >= mlp.test_acc + 0.1, "MtAlbis {} vs MLP {}", gnn.test_acc, mlp.test_acc);
    }
}
