//! Running an [`ExperimentSpec`] end to end: load its data, train the regularized model (and
//! the base model beside it when asked), evaluate, and report.

use burn::tensor::Device;
use serde::Serialize;
use web_time::Instant;

use crate::data::{
    Examples, NeighborTable, mnist,
    planetoid::{Planetoid, SplitKind},
};
use crate::error::{NslError, Result};
use crate::eval::{Metrics, evaluate};
use crate::gnn::GnnConfig;
use crate::gnn::link_task::{split_edges, train_link_predictor};
use crate::gnn::node_task::{NodeData, NodeEpoch, NodeRun, NodeTrainOptions, train_node_classifier};
use crate::gnn::sampled::train_node_classifier_sampled;
use crate::ngm::train_ngm;
use crate::regularized::Regularization;
use crate::robustness::{RobustnessPoint, robustness_curve};
use crate::spec::{DataSpec, ExperimentSpec, ModelSpec, TaskSpec};
use crate::train::{EpochStats, GraphNeighbors, Trainer, TrainingData};

/// What a run reports while it trains.
#[derive(Debug, Clone, PartialEq)]
pub enum Event<'a> {
    /// A model starts training.
    RunStarted {
        /// `base` or the regularized variant's name.
        variant: &'a str,
        /// Epochs to run.
        epochs: usize,
        /// Optimizer steps per epoch.
        steps_per_epoch: usize,
    },
    /// An optimizer step finished.
    Step {
        /// Which model.
        variant: &'a str,
        /// 1-based epoch.
        epoch: usize,
        /// Steps done in this epoch.
        step: usize,
    },
    /// An epoch finished.
    Epoch {
        /// Which model.
        variant: &'a str,
        /// Its mean losses.
        stats: EpochStats,
    },
    /// A model finished training and evaluation.
    RunFinished {
        /// Which model.
        variant: &'a str,
        /// Its test metrics.
        metrics: Metrics,
    },
}

/// One trained model's results.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct RunOutcome {
    /// `base` or the regularized variant's name.
    pub variant: String,
    /// Test metrics.
    pub metrics: Metrics,
    /// Wall-clock training time (evaluation excluded).
    pub train_seconds: f64,
    /// Mean losses per epoch.
    pub history: Vec<EpochStats>,
    /// Test accuracy under attacks of growing size (when the evaluation asks for it).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub robustness: Vec<RobustnessPoint>,
}

/// Every run of an experiment, base first when it was trained.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ExperimentOutcome {
    /// The spec's name.
    pub name: String,
    /// The runs.
    pub runs: Vec<RunOutcome>,
}

impl ExperimentOutcome {
    /// The results object: each variant's metrics under its name, then `train_seconds`
    /// per variant, e.g. `{"base": {"clean_acc": …}, "adv_reg": {…}, "train_seconds": {…}}`;
    /// a robustness curve is the variant's `robustness` list.
    pub fn summary(&self) -> serde_json::Value {
        let mut out = serde_json::Map::new();
        let mut seconds = serde_json::Map::new();
        for run in &self.runs {
            let mut metrics = serde_json::to_value(run.metrics).expect("metrics serialise");
            if !run.robustness.is_empty() {
                metrics["robustness"] = serde_json::to_value(&run.robustness).expect("points serialise");
            }
            out.insert(run.variant.clone(), metrics);
            seconds.insert(
                run.variant.clone(),
                serde_json::json!((run.train_seconds * 1000.0).round() / 1000.0),
            );
        }
        out.insert("train_seconds".into(), serde_json::Value::Object(seconds));
        serde_json::Value::Object(out)
    }
}

/// Loads the data `spec` names, with graph neighbors when its regularization needs them.
pub fn load_data(spec: &ExperimentSpec) -> Result<TrainingData> {
    match &spec.data {
        DataSpec::Mnist { dir, train, test } => {
            mnist_data(mnist::load_dir(dir)?, *train, *test, &dir.display().to_string())
        }
        DataSpec::Toy(toy) => {
            let (train, test) = crate::data::toy::generate(toy);
            Ok(TrainingData { train, test, graph: None })
        }
        DataSpec::Planetoid { .. } | DataSpec::Graph { .. } => {
            let (graph, undirected) = load_graph(&spec.data)?;
            graph_data(graph, spec, undirected, &data_origin(&spec.data))
        }
    }
}

/// The graph of graph data (and whether its edges are to be taken in both directions).
pub fn load_graph(data: &DataSpec) -> Result<(Planetoid, bool)> {
    match data {
        DataSpec::Planetoid { dir, undirected } => Ok((Planetoid::load_dir(dir)?, *undirected)),
        DataSpec::Graph { graph } => Ok((graph.planetoid()?, false)),
        DataSpec::Mnist { .. } | DataSpec::Toy(_) => {
            Err(NslError::Config("this task needs graph data (planetoid or a built-in graph)".into()))
        }
    }
}

fn data_origin(data: &DataSpec) -> String {
    match data {
        DataSpec::Mnist { dir, .. } | DataSpec::Planetoid { dir, .. } => dir.display().to_string(),
        DataSpec::Graph { graph } => graph.name().into(),
        DataSpec::Toy(_) => "2D set".into(),
    }
}

/// The first `train` digits of `all` for training, the next `test` for testing (MNIST read by
/// the CLI from files, or by the browser from fetched bytes).
pub fn mnist_data(all: Examples, train: usize, test: usize, origin: &str) -> Result<TrainingData> {
    if train + test > all.len() {
        return Err(NslError::Data {
            path: origin.into(),
            reason: format!("{train} train + {test} test images requested, {} present", all.len()),
        });
    }
    let train_idx: Vec<usize> = (0..train).collect();
    let test_idx: Vec<usize> = (train..train + test).collect();
    Ok(TrainingData { train: all.subset(&train_idx), test: all.subset(&test_idx), graph: None })
}

/// Node classification data for the minibatch trainer: the split's train and test nodes, and
/// the graph (every node as the pool neighbors come from, every edge, and each training node's
/// neighbors as `pack_nbrs` picks them for the regularization of `spec`). `undirected` takes
/// each edge in both directions; `origin` names the data in errors.
pub fn graph_data(
    graph: Planetoid,
    spec: &ExperimentSpec,
    undirected: bool,
    origin: &str,
) -> Result<TrainingData> {
    let train_idx = graph.indices(SplitKind::Train);
    let test_idx = graph.indices(SplitKind::Test);
    if train_idx.is_empty() || test_idx.is_empty() {
        return Err(NslError::Data {
            path: origin.into(),
            reason: "the split must name train and test nodes".into(),
        });
    }
    let (train, test) = (graph.nodes.subset(&train_idx), graph.nodes.subset(&test_idx));
    let table = NeighborTable::select(
        &graph.ids,
        &graph.edges,
        &train_idx,
        spec.regularization.max_neighbors(),
        undirected,
    );
    let mut edges = graph.edges;
    if undirected {
        edges.extend(edges.clone().into_iter().map(|(a, b, w)| (b, a, w)));
    }
    let neighbors = GraphNeighbors { table, pool: graph.nodes, edges, train_nodes: train_idx };
    Ok(TrainingData { train, test, graph: Some(neighbors) })
}

/// Trains and evaluates `spec` on `device` (the base model first if `compare_with_base`).
pub fn run(
    spec: &ExperimentSpec,
    device: &Device,
    on_event: &mut dyn FnMut(Event<'_>),
) -> Result<ExperimentOutcome> {
    spec.validate()?;
    if let Some(runs) = run_full_batch(spec, device, on_event)? {
        return Ok(ExperimentOutcome { name: spec.name.clone(), runs });
    }
    let data = load_data(spec)?;
    let mut variants = Vec::new();
    if spec.compare_with_base && !spec.regularization.is_none() {
        variants.push(("base".to_string(), Regularization::default()));
    }
    variants.push((spec.variant_name(), spec.regularization.clone()));
    let mut runs = Vec::new();
    for (variant, regularization) in variants {
        runs.push(run_one(spec, &variant, regularization, &data, device, on_event)?);
    }
    Ok(ExperimentOutcome { name: spec.name.clone(), runs })
}

/// Runs the experiments that train full batch over a whole graph — GNNs (node classification
/// or link prediction) and Neural Graph Machines — or returns `None` for minibatch experiments.
fn run_full_batch(
    spec: &ExperimentSpec,
    device: &Device,
    on_event: &mut dyn FnMut(Event<'_>),
) -> Result<Option<Vec<RunOutcome>>> {
    let ngm = spec.regularization.neural_graph_machine;
    let is_gnn = matches!(spec.model, ModelSpec::Gnn { .. });
    if !is_gnn && ngm.is_none() {
        return Ok(None);
    }
    let data = NodeData::from_planetoid(&load_graph(&spec.data)?.0)?;
    let options = NodeTrainOptions {
        learning_rate: spec.optimizer.learning_rate,
        weight_decay: spec.optimizer.weight_decay,
        epochs: spec.epochs,
        seed: spec.seed,
    };
    let mut runs = Vec::new();
    match &spec.model {
        ModelSpec::Gnn { gnn, hidden, dropout, sampling } => {
            let output = match spec.task {
                TaskSpec::Classification => data.classes,
                TaskSpec::LinkPrediction { embedding, .. } => embedding,
            };
            let config =
                GnnConfig { kind: *gnn, input: data.dim, hidden: hidden.clone(), output, dropout: *dropout };
            match spec.task {
                TaskSpec::Classification if sampling.is_some() => {
                    let sampling = sampling.as_ref().expect("matched");
                    runs.push(reported("base", spec.epochs, on_event, &mut |on_epoch| {
                        train_node_classifier_sampled(&data, &config, sampling, &options, device, on_epoch)
                    })?);
                }
                TaskSpec::Classification => {
                    let mut variants = Vec::new();
                    if spec.compare_with_base && !spec.regularization.is_none() {
                        variants.push(("base".to_string(), Regularization::default()));
                    }
                    variants.push((spec.variant_name(), spec.regularization.clone()));
                    for (variant, regularization) in variants {
                        runs.push(reported(&variant, spec.epochs, on_event, &mut |on_epoch| {
                            train_node_classifier(&data, &config, &regularization, &options, device, on_epoch)
                        })?);
                    }
                }
                TaskSpec::LinkPrediction { validation_fraction, test_fraction, .. } => {
                    let split = split_edges(&data.adjacency, validation_fraction, test_fraction, spec.seed)?;
                    on_event(Event::RunStarted { variant: "base", epochs: spec.epochs, steps_per_epoch: 1 });
                    let run = train_link_predictor(&data, &split, &config, &options, device)?;
                    let metrics = Metrics { test_auc: Some(run.test_auc), ..Default::default() };
                    on_event(Event::RunFinished { variant: "base", metrics });
                    runs.push(RunOutcome {
                        variant: "base".into(),
                        metrics,
                        train_seconds: run.train_seconds,
                        history: Vec::new(),
                        robustness: Vec::new(),
                    });
                }
            }
        }
        ModelSpec::Cnn { .. } => unreachable!("validated: NGM takes an MLP, a CNN is no GNN"),
        ModelSpec::Mlp { hidden, dropout, .. } => {
            if spec.compare_with_base {
                runs.push(reported("base", spec.epochs, on_event, &mut |on_epoch| {
                    train_ngm(&data, hidden, *dropout, None, &options, device, on_epoch)
                })?);
            }
            let variant = spec.variant_name();
            runs.push(reported(&variant, spec.epochs, on_event, &mut |on_epoch| {
                train_ngm(&data, hidden, *dropout, ngm.as_ref(), &options, device, on_epoch)
            })?);
        }
    }
    Ok(Some(runs))
}

/// Where a full-batch run reports each epoch.
type EpochSink<'a> = &'a mut dyn FnMut(&NodeEpoch);

/// A full-batch node-classification run, reported like the minibatch runs (one step per epoch).
fn reported(
    variant: &str,
    epochs: usize,
    on_event: &mut dyn FnMut(Event<'_>),
    train: &mut dyn FnMut(EpochSink<'_>) -> Result<NodeRun>,
) -> Result<RunOutcome> {
    on_event(Event::RunStarted { variant, epochs, steps_per_epoch: 1 });
    let mut history = Vec::with_capacity(epochs);
    let run = train(&mut |e| {
        on_event(Event::Step { variant, epoch: e.epoch, step: 1 });
        let stats = EpochStats {
            epoch: e.epoch,
            total: e.loss,
            supervised: e.supervised,
            graph: e.graph,
            adversarial: e.adversarial,
            virtual_adversarial: None,
        };
        on_event(Event::Epoch { variant, stats });
        history.push(stats);
    })?;
    let metrics = Metrics { test_acc: Some(run.test_acc), ..Default::default() };
    on_event(Event::RunFinished { variant, metrics });
    Ok(RunOutcome {
        variant: variant.into(),
        metrics,
        train_seconds: run.train_seconds,
        history,
        robustness: Vec::new(),
    })
}

fn run_one(
    spec: &ExperimentSpec,
    variant: &str,
    regularization: Regularization,
    data: &TrainingData,
    device: &Device,
    on_event: &mut dyn FnMut(Event<'_>),
) -> Result<RunOutcome> {
    let mut trainer = Trainer::new(spec, regularization, data.train.dim, data.train.classes, device)?;
    let steps_per_epoch = data.train.len().div_ceil(spec.optimizer.batch_size);
    on_event(Event::RunStarted { variant, epochs: spec.epochs, steps_per_epoch });
    let started = Instant::now();
    let mut history = Vec::with_capacity(spec.epochs);
    for epoch in 1..=spec.epochs {
        let stats = trainer.train_epoch(data, |step, _| on_event(Event::Step { variant, epoch, step }))?;
        on_event(Event::Epoch { variant, stats });
        history.push(stats);
    }
    let train_seconds = started.elapsed().as_secs_f64();
    let metrics = evaluate(trainer.model(), &data.test, spec.evaluation.fgsm.as_ref());
    let robustness = match &spec.evaluation.robustness {
        Some(curve) => robustness_curve(trainer.model(), &data.test, curve)?,
        None => Vec::new(),
    };
    on_event(Event::RunFinished { variant, metrics });
    Ok(RunOutcome { variant: variant.to_string(), metrics, train_seconds, history, robustness })
}
