//! Running an [`ExperimentSpec`] end to end: load its data, train the regularized model (and
//! the base model beside it when asked), evaluate, and report.

use burn::tensor::Device;
use serde::Serialize;
use web_time::Instant;

use crate::config::Regularization;
use crate::data::TrainingData;
use crate::data::load::{load_data, load_graph};
use crate::error::{NslError, Result};
use crate::gnn::GnnConfig;
use crate::gnn::hetero::graph_task::GraphTrainOptions;
use crate::gnn::hetero::node_task::HeteroNodeOptions;
use crate::gnn::hetero::{self, HeteroEncoderConfig, HeteroGraphConfig, Progress, ReduceType};
use crate::gnn::link_task::{split_edges, train_link_predictor};
use crate::gnn::node_task::{NodeData, NodeEpoch, NodeRun, NodeTrainOptions, run_epochs};
use crate::gnn::trainers::node_classifier_trainer;
use crate::spec::{DataSpec, ExperimentSpec, HeteroSampling, ModelSpec, Plan, TaskSpec};
use crate::train::eval::{Metrics, evaluate};
use crate::train::robustness::{RobustnessPoint, robustness_curve};
use crate::train::trainer::{EpochStats, Trainer};

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

/// Trains and evaluates `spec` on `device`: every model [`ExperimentSpec::variants`] names
/// (the base model first), trained as [`ExperimentSpec::plan`] says.
pub fn run(
    spec: &ExperimentSpec,
    device: &Device,
    on_event: &mut dyn FnMut(Event<'_>),
) -> Result<ExperimentOutcome> {
    spec.validate()?;
    let mut runs = Vec::new();
    match spec.plan() {
        Plan::Minibatch => {
            let data = load_data(spec)?;
            for (variant, regularization) in spec.variants() {
                runs.push(run_one(spec, &spec.name_of(variant), regularization, &data, device, on_event)?);
            }
        }
        Plan::FullBatch | Plan::SampledSubgraphs => {
            let data = NodeData::from_planetoid(&load_graph(&spec.data)?.0)?;
            for (variant, regularization) in spec.variants() {
                // The base of a sampled model is the same GNN full batch.
                let trained = spec.spec_of(variant);
                runs.push(reported(&spec.name_of(variant), spec.epochs, on_event, &mut |on_epoch| {
                    let mut trainer = node_classifier_trainer(&trained, &regularization, &data, device)?;
                    run_epochs(trainer.as_mut(), &data, spec.epochs, on_epoch)
                })?);
            }
        }
        Plan::LinkPrediction => {
            let data = NodeData::from_planetoid(&load_graph(&spec.data)?.0)?;
            let TaskSpec::LinkPrediction { validation_fraction, test_fraction, score, .. } =
                spec.task.clone()
            else {
                unreachable!("the plan says link prediction")
            };
            let config = gnn_config(spec, &data)?;
            let options = NodeTrainOptions::of(spec);
            let split = split_edges(&data.adjacency, validation_fraction, test_fraction, spec.seed)?;
            on_event(Event::RunStarted { variant: "base", epochs: spec.epochs, steps_per_epoch: 1 });
            let run = train_link_predictor(&data, &split, &config, score, &options, device)?;
            let metrics = Metrics {
                test_auc: Some(run.test_auc),
                last_test_auc: Some(run.last_test_auc),
                ..Default::default()
            };
            on_event(Event::RunFinished { variant: "base", metrics });
            runs.push(RunOutcome {
                variant: "base".into(),
                metrics,
                train_seconds: run.train_seconds,
                history: Vec::new(),
                robustness: Vec::new(),
            });
        }
        Plan::HeteroNodes => {
            // The classification alone first when it trains beside one with DGI.
            for (variant, _) in spec.variants() {
                runs.push(run_hetero_nodes(
                    &spec.spec_of(variant),
                    &spec.name_of(variant),
                    device,
                    on_event,
                )?);
            }
        }
        Plan::GraphClassification => runs.push(run_graph_classification(spec, device, on_event)?),
    }
    Ok(ExperimentOutcome { name: spec.name.clone(), runs })
}

/// One run of TF-GNN's models, reported like the others: `train` gets the progress sink and
/// returns the test metrics and training seconds.
fn typed_graph_run(
    spec: &ExperimentSpec,
    (variant, steps_per_epoch): (&str, usize),
    on_event: &mut dyn FnMut(Event<'_>),
    train: &mut dyn FnMut(ProgressSink<'_>) -> Result<(Metrics, f64)>,
) -> Result<RunOutcome> {
    on_event(Event::RunStarted { variant, epochs: spec.epochs, steps_per_epoch });
    let mut history = Vec::with_capacity(spec.epochs);
    let (metrics, train_seconds) = train(&mut |progress| match progress {
        Progress::Step { epoch, step } => on_event(Event::Step { variant, epoch, step }),
        Progress::Epoch { epoch, loss } => {
            let stats = EpochStats {
                epoch,
                total: loss,
                supervised: loss,
                graph: None,
                adversarial: None,
                virtual_adversarial: None,
            };
            on_event(Event::Epoch { variant, stats });
            history.push(stats);
        }
    })?;
    on_event(Event::RunFinished { variant, metrics });
    Ok(RunOutcome { variant: variant.into(), metrics, train_seconds, history, robustness: Vec::new() })
}

/// The hetero model's encoder, read-out and sampling of a spec whose plan says typed graphs.
fn hetero_model(spec: &ExperimentSpec) -> (&HeteroEncoderConfig, &ReduceType, Option<&HeteroSampling>) {
    let ModelSpec::Hetero { encoder, readout, sampling } = &spec.model else {
        unreachable!("the plan says the hetero model")
    };
    (encoder, readout, sampling.as_ref())
}

/// Node classification on a MAG-like graph, reported as `variant`.
fn run_hetero_nodes(
    spec: &ExperimentSpec,
    variant: &str,
    device: &Device,
    on_event: &mut dyn FnMut(Event<'_>),
) -> Result<RunOutcome> {
    let DataSpec::Mag(mag) = &spec.data else { unreachable!("the spec was validated") };
    let graph = nsl_graph::datasets::mag::generate(mag).map_err(|e| NslError::Config(e.to_string()))?;
    let (encoder, _, sampling) = hetero_model(spec);
    let options = HeteroNodeOptions::of(spec);
    let steps = match sampling {
        Some(sampling) => hetero::sampled::steps_per_epoch(&graph, &encoder.node_set, sampling)?,
        None => 1,
    };
    typed_graph_run(spec, (variant, steps), on_event, &mut |on_progress| {
        let run = match sampling {
            Some(sampling) => {
                hetero::sampled::train_sampled(&graph, encoder, sampling, &options, device, on_progress)?
            }
            None => hetero::node_task::train(&graph, encoder, &options, device, on_progress)?,
        };
        let metrics = Metrics {
            test_acc: Some(run.test_acc),
            last_test_acc: Some(run.last_test_acc),
            dgi_acc: run.dgi_acc,
            last_dgi_acc: run.last_dgi_acc,
            test_auc: run.link_auc,
            ..Default::default()
        };
        Ok((metrics, run.train_seconds))
    })
}

/// Graph classification of motif graphs.
fn run_graph_classification(
    spec: &ExperimentSpec,
    device: &Device,
    on_event: &mut dyn FnMut(Event<'_>),
) -> Result<RunOutcome> {
    let DataSpec::Motifs(motifs) = &spec.data else { unreachable!("the spec was validated") };
    let set = nsl_graph::datasets::motifs::generate(motifs).map_err(|e| NslError::Config(e.to_string()))?;
    let (encoder, readout, _) = hetero_model(spec);
    let config = HeteroGraphConfig { encoder: encoder.clone(), readout: readout.clone() };
    let options = GraphTrainOptions::of(spec);
    let steps = set.indices(nsl_graph::SplitKind::Train).len().div_ceil(options.batch_size);
    typed_graph_run(spec, ("base", steps), on_event, &mut |on_progress| {
        let run = hetero::graph_task::train(&set, &config, &options, device, on_progress)?;
        let metrics = Metrics {
            test_acc: Some(run.test_acc),
            last_test_acc: Some(run.last_test_acc),
            ..Default::default()
        };
        Ok((metrics, run.train_seconds))
    })
}

/// The GNN of a GNN spec on `data` (its output: the classes, or the link task's embedding).
fn gnn_config(spec: &ExperimentSpec, data: &NodeData) -> Result<GnnConfig> {
    let ModelSpec::Gnn { gnn, hidden, dropout, .. } = &spec.model else {
        return Err(NslError::Config("this task needs a GNN model".into()));
    };
    let output = match &spec.task {
        TaskSpec::Classification | TaskSpec::GraphClassification | TaskSpec::Joint { .. } => data.classes,
        TaskSpec::LinkPrediction { embedding, .. } => *embedding,
    };
    Ok(GnnConfig { kind: *gnn, input: data.dim, hidden: hidden.clone(), output, dropout: *dropout })
}

/// Where a run of TF-GNN's models reports its steps and epochs.
type ProgressSink<'a> = &'a mut dyn FnMut(Progress);

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
    let mut trainer = Trainer::for_spec(spec, regularization, (data.train.dim, data.train.classes), device)?;
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
