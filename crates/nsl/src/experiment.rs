//! Running an [`ExperimentSpec`] end to end: load its data, train the regularized model (and
//! the base model beside it when asked), evaluate, and report.

use burn::tensor::Device;
use serde::Serialize;
use web_time::Instant;

use crate::data::{
    NeighborTable, mnist,
    planetoid::{Planetoid, SplitKind},
};
use crate::error::{NslError, Result};
use crate::eval::{Metrics, evaluate};
use crate::regularized::Regularization;
use crate::spec::{DataSpec, ExperimentSpec};
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
    /// per variant, e.g. `{"base": {"clean_acc": …}, "adv_reg": {…}, "train_seconds": {…}}`.
    pub fn summary(&self) -> serde_json::Value {
        let mut out = serde_json::Map::new();
        let mut seconds = serde_json::Map::new();
        for run in &self.runs {
            out.insert(run.variant.clone(), serde_json::to_value(run.metrics).expect("metrics serialise"));
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
            let all = mnist::load_dir(dir)?;
            if train + test > all.len() {
                return Err(NslError::Data {
                    path: dir.display().to_string(),
                    reason: format!("{train} train + {test} test images requested, {} present", all.len()),
                });
            }
            let train_idx: Vec<usize> = (0..*train).collect();
            let test_idx: Vec<usize> = (*train..train + test).collect();
            Ok(TrainingData { train: all.subset(&train_idx), test: all.subset(&test_idx), graph: None })
        }
        DataSpec::Planetoid { dir, undirected } => {
            let graph = Planetoid::load_dir(dir)?;
            let train_idx = graph.indices(SplitKind::Train);
            let test_idx = graph.indices(SplitKind::Test);
            if train_idx.is_empty() || test_idx.is_empty() {
                return Err(NslError::Data {
                    path: dir.display().to_string(),
                    reason: "the split file must name train and test nodes".into(),
                });
            }
            let (train, test) = (graph.nodes.subset(&train_idx), graph.nodes.subset(&test_idx));
            let max_neighbors = spec.regularization.max_neighbors();
            let neighbors = (max_neighbors > 0).then(|| GraphNeighbors {
                table: NeighborTable::select(
                    &graph.ids,
                    &graph.edges,
                    &train_idx,
                    max_neighbors,
                    *undirected,
                ),
                pool: graph.nodes,
            });
            Ok(TrainingData { train, test, graph: neighbors })
        }
    }
}

/// Trains and evaluates `spec` on `device` (the base model first if `compare_with_base`).
pub fn run(
    spec: &ExperimentSpec,
    device: &Device,
    on_event: &mut dyn FnMut(Event<'_>),
) -> Result<ExperimentOutcome> {
    spec.validate()?;
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
    on_event(Event::RunFinished { variant, metrics });
    Ok(RunOutcome { variant: variant.to_string(), metrics, train_seconds, history })
}
