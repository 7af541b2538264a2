//! Node classification on one node set of a heterogeneous graph, full batch: the model reads
//! every node set's features, passes messages over the edge sets, and classifies the chosen
//! node set's nodes; the loss is taken on its training nodes and the model kept is the one with
//! the best validation accuracy (ties: the earlier epoch). Deep Graph Infomax and link
//! prediction on an edge set can train beside it on the same encoder, as TF-GNN's runner
//! trains several tasks: the loss is then the weighted sum of the tasks' losses.

use burn::module::Module;
use burn::optim::{GradientsParams, ModuleOptimizer};
use burn::tensor::{Device, Int, Tensor};
use nsl_graph::typed::{FEATURES, Graph, LABEL, SPLIT, SplitKind};
use serde::Serialize;
use web_time::Instant;

use super::Progress;
use super::dense::Dense;
use super::dgi::{Dgi, DgiLogits, shuffle_features};
use super::encoder::HeteroEncoder;
use super::graph::{GraphTensor, Schema};
use super::link_task::{LinkHoldout, LinkScorer, LinkTensors, link_tensors};
use super::weights::WeightSource;
use crate::config::tfgnn::{Activation, HeteroEncoderConfig};
use crate::error::{NslError, Result};
use crate::gnn::link_task::roc_auc;
use crate::gnn::node_task::{accuracy, read_classes};
use crate::optim::{Stepped, adam};
use crate::reg::loss::sparse_softmax_cross_entropy;
use crate::spec::{LinkPredictionSpec, LinkScore};
use crate::tensor::{labels, to_vec};
use nsl_graph::rng::{SeededRng, seeded};

/// An encoder and a linear read-out of its node set's states (and DGI's discriminator and
/// the link scorer when those tasks train beside the classification).
#[derive(Module, Debug)]
pub struct HeteroNodeModel {
    /// Hidden states.
    pub encoder: HeteroEncoder,
    /// Linear read-out to the classes.
    pub head: Dense,
    /// Deep Graph Infomax on the same states.
    pub dgi: Option<Dgi>,
    /// Link prediction on the same states.
    pub links: Option<LinkScorer>,
}

impl HeteroNodeModel {
    /// A model for graphs of `schema` (the widths of their features), weights from `weights`.
    pub fn new(
        config: &HeteroEncoderConfig,
        schema: &Schema,
        classes: usize,
        beside: (bool, Option<LinkScore>),
        weights: &mut WeightSource,
        device: &Device,
    ) -> Result<Self> {
        let (with_dgi, link_score) = beside;
        let encoder = HeteroEncoder::new(config, schema, weights, device)?;
        let head = Dense::new(weights, "head", [encoder.hidden, classes], true, Activation::Linear, device)?;
        let dgi = if with_dgi { Some(Dgi::new(encoder.hidden, weights, device)?) } else { None };
        let links = match link_score {
            Some(score) => Some(LinkScorer::new(score, encoder.hidden, weights, device)?),
            None => None,
        };
        Ok(Self { encoder, head, dgi, links })
    }

    /// Logits of every node of the classified node set.
    ///
    /// # Shapes
    /// - returns `[nodes, classes]`.
    pub fn forward(&self, graph: &GraphTensor) -> Result<Tensor<2>> {
        Ok(self.head.forward(self.encoder.node_states(graph)?))
    }
}

/// The outcome of a run.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct HeteroNodeRun {
    /// Test accuracy of the model with the best validation accuracy.
    pub test_acc: f64,
    /// Its validation accuracy.
    pub val_acc: f64,
    /// Its epoch (1-based).
    pub best_epoch: usize,
    /// Training loss of every epoch (the tasks' losses, weighted and summed).
    pub losses: Vec<f32>,
    /// The classification's loss of every epoch.
    pub classification_losses: Vec<f32>,
    /// DGI's loss of every epoch (empty without DGI).
    pub dgi_losses: Vec<f32>,
    /// DGI's binary accuracy (clean vs shuffled) of the kept model, with DGI.
    pub dgi_acc: Option<f64>,
    /// Test accuracy of the model as trained to the last epoch.
    pub last_test_acc: f64,
    /// DGI's accuracy of the model as trained to the last epoch, with DGI.
    pub last_dgi_acc: Option<f64>,
    /// Link prediction's loss of every epoch (empty without it).
    pub link_losses: Vec<f32>,
    /// The kept model's ROC AUC of held-out links against non-edges, with link prediction.
    pub link_auc: Option<f64>,
    /// Training seconds (steps only).
    pub train_seconds: f64,
}

/// How a run trains.
#[derive(Debug, Clone, PartialEq)]
pub struct HeteroNodeOptions {
    /// Full-batch steps.
    pub epochs: usize,
    /// Adam's step size.
    pub learning_rate: f64,
    /// Seed of initialisation, dropout, the DGI corruption and the links held out.
    pub seed: u64,
    /// The classification's loss weight.
    pub classification_weight: f64,
    /// Train Deep Graph Infomax beside, its loss weighted so.
    pub dgi_weight: Option<f64>,
    /// Train link prediction beside.
    pub links: Option<LinkPredictionSpec>,
}

impl HeteroNodeOptions {
    /// Node classification alone.
    pub fn classification(epochs: usize, learning_rate: f64, seed: u64) -> Self {
        Self { epochs, learning_rate, seed, classification_weight: 1.0, dgi_weight: None, links: None }
    }

    /// The epochs, learning rate, seed and tasks of `spec` (its joint tasks' weights).
    pub fn of(spec: &crate::spec::ExperimentSpec) -> Self {
        Self {
            classification_weight: spec.task.classification_weight(),
            dgi_weight: spec.task.dgi_weight(),
            links: spec.task.link_prediction().cloned(),
            ..Self::classification(spec.epochs, spec.optimizer.learning_rate, spec.seed)
        }
    }
}

/// Labels and split of the classified node set.
#[derive(Debug, Clone)]
pub struct Targets {
    /// Every node's class (0 where unlabeled).
    pub labels: Vec<u32>,
    /// Number of classes.
    pub classes: usize,
    /// Labeled training nodes.
    pub train: Vec<u32>,
    /// Labeled validation nodes.
    pub val: Vec<u32>,
    /// Labeled test nodes.
    pub test: Vec<u32>,
}

/// The labels and split of `node_set`, with its labeled train, val and test nodes.
pub fn targets(graph: &Graph, node_set: &str) -> Result<Targets> {
    let set = graph.node_set(node_set).map_err(|e| NslError::Config(e.to_string()))?;
    let (classes, values) = set
        .labels(LABEL)
        .ok_or_else(|| NslError::Config(format!("node set “{node_set}” has no “{LABEL}”")))?;
    let split = set
        .split(SPLIT)
        .ok_or_else(|| NslError::Config(format!("node set “{node_set}” has no “{SPLIT}”")))?;
    let (mut train, mut val, mut test) = (Vec::new(), Vec::new(), Vec::new());
    for (i, (kind, label)) in split.iter().zip(values).enumerate() {
        if label.is_none() {
            continue;
        }
        match kind {
            SplitKind::Train => train.push(i as u32),
            SplitKind::Val => val.push(i as u32),
            SplitKind::Test => test.push(i as u32),
            _ => {}
        }
    }
    if train.is_empty() || val.is_empty() || test.is_empty() {
        return Err(NslError::Config(format!(
            "node set “{node_set}” needs labeled train, val and test nodes"
        )));
    }
    let labels = values.iter().map(|v| v.unwrap_or(0)).collect();
    Ok(Targets { labels, classes: classes.len(), train, val, test })
}

/// One step's losses, task by task, on the device (off the autodiff tape).
#[derive(Debug, Clone)]
pub struct StepLosses {
    /// The weighted sum the step descended (with the L2 penalty, if any).
    pub total: Tensor<1>,
    /// The classification's loss, unweighted.
    pub classification: Tensor<1>,
    /// Deep Graph Infomax's loss, unweighted (when it trains beside).
    pub dgi: Option<Tensor<1>>,
    /// Link prediction's loss, unweighted (when it trains beside).
    pub links: Option<Tensor<1>>,
}

/// The held-out links of a run with link prediction beside, on the devices.
#[derive(Debug)]
struct LinkSetup {
    holdout: LinkHoldout,
    task: LinkPredictionSpec,
    train: LinkTensors,
    test: (LinkTensors, LinkTensors),
}

/// Full-batch training of node classification on a heterogeneous graph (and the tasks beside
/// it), one optimizer step at a time: what `nsl train` runs epoch by epoch ([`train`]) and
/// the playground's session steps.
pub struct HeteroNodeTrainer {
    model: Stepped<HeteroNodeModel>,
    optimizer: ModuleOptimizer,
    options: HeteroNodeOptions,
    node_set: String,
    targets: Targets,
    graph_train: GraphTensor,
    graph_eval: GraphTensor,
    train_nodes: Tensor<1, Int>,
    train_labels: Tensor<1, Int>,
    links: Option<LinkSetup>,
    corruption: SeededRng,
    non_edges: SeededRng,
    device: Device,
    steps: usize,
}

impl std::fmt::Debug for HeteroNodeTrainer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // burn's optimizer has no Debug.
        f.debug_struct("HeteroNodeTrainer").field("steps", &self.steps).finish_non_exhaustive()
    }
}

impl HeteroNodeTrainer {
    /// A fresh model for `config` on `graph` (every node set's [`FEATURES`]); autodiff is
    /// enabled on `device` here. With link prediction beside, its held-out links leave the
    /// graph messages pass over, in training and in evaluation.
    pub fn new(
        graph: &Graph,
        config: &HeteroEncoderConfig,
        options: &HeteroNodeOptions,
        device: &Device,
    ) -> Result<Self> {
        let targets = targets(graph, &config.node_set)?;
        let holdout = match &options.links {
            Some(links) => Some(LinkHoldout::new(graph, &links.edge_set, links.test_fraction, options.seed)?),
            None => None,
        };
        let graph = holdout.as_ref().map_or(graph, |h| &h.graph);
        let train_device = device.clone().autodiff();
        train_device.seed(options.seed);
        let eval_device = device.clone().inner();
        let graph_train = GraphTensor::from_graph(graph, FEATURES, &train_device)?;
        let graph_eval = GraphTensor::from_graph(graph, FEATURES, &eval_device)?;
        let mut weights = WeightSource::seeded(options.seed);
        let beside = (options.dgi_weight.is_some(), options.links.as_ref().map(|l| l.score));
        let model = HeteroNodeModel::new(
            config,
            &graph_train.schema(),
            targets.classes,
            beside,
            &mut weights,
            &train_device,
        )?;
        let train_nodes = labels(&targets.train, &train_device);
        let train_labels = labels(
            &targets.train.iter().map(|&n| targets.labels[n as usize]).collect::<Vec<_>>(),
            &train_device,
        );
        let links = match (holdout, &options.links) {
            (Some(holdout), Some(task)) => Some(LinkSetup {
                train: link_tensors(&holdout.train, &train_device),
                test: (
                    link_tensors(&holdout.test, &eval_device),
                    link_tensors(&holdout.test_negatives, &eval_device),
                ),
                holdout,
                task: task.clone(),
            }),
            _ => None,
        };
        Ok(Self {
            model: Stepped::new(model),
            optimizer: adam(0.0),
            options: options.clone(),
            node_set: config.node_set.clone(),
            targets,
            graph_train,
            graph_eval,
            train_nodes,
            train_labels,
            links,
            corruption: seeded(options.seed ^ 0xd61),
            non_edges: seeded(options.seed ^ 0x1e9),
            device: train_device,
            steps: 0,
        })
    }

    /// One full-batch Adam step (an epoch) on every task's weighted loss.
    pub fn step(&mut self) -> Result<StepLosses> {
        let HeteroNodeOptions { classification_weight, dgi_weight, learning_rate, .. } = self.options;
        let model = &self.model;
        let hidden = model.encoder.forward(&self.graph_train)?;
        let states = hidden.state(&self.node_set)?;
        let logits = model.head.forward(states.clone()).select(0, self.train_nodes.clone());
        let classification = sparse_softmax_cross_entropy(logits, self.train_labels.clone());
        let mut loss = model.encoder.regularized(classification.clone() * classification_weight);
        let mut dgi_loss = None;
        if let (Some(dgi), Some(weight)) = (&model.dgi, dgi_weight) {
            let corrupted =
                model.encoder.node_states(&shuffle_features(&self.graph_train, &mut self.corruption))?;
            let task = dgi.logits(states, corrupted).loss();
            loss = loss + task.clone() * weight;
            dgi_loss = Some(task.inner());
        }
        let mut link_loss = None;
        if let (Some(scorer), Some(links)) = (&model.links, &self.links) {
            let h = &links.holdout;
            let negatives = link_tensors(&h.negatives(h.train.len(), &mut self.non_edges), &self.device);
            let (source, target) = (hidden.state(&h.source)?, hidden.state(&h.target)?);
            let task = super::link_task::link_loss(
                scorer.scores(source.clone(), target.clone(), &links.train),
                scorer.scores(source, target, &negatives),
            );
            loss = loss + task.clone() * links.task.weight;
            link_loss = Some(task.inner());
        }
        let grads = GradientsParams::from_grads(loss.backward(), self.model.get());
        self.model.step(&mut self.optimizer, learning_rate, grads);
        self.steps += 1;
        Ok(StepLosses {
            total: loss.inner(),
            classification: classification.inner(),
            dgi: dgi_loss,
            links: link_loss,
        })
    }

    /// Steps taken.
    pub fn steps_done(&self) -> usize {
        self.steps
    }

    /// The learning rate from the next step on.
    pub fn set_learning_rate(&mut self, learning_rate: f64) {
        self.options.learning_rate = learning_rate;
    }

    /// The classified node set's labels and split.
    pub fn targets(&self) -> &Targets {
        &self.targets
    }

    /// The model as it is now.
    pub fn model(&self) -> &HeteroNodeModel {
        &self.model
    }

    /// Logits of every node of the classified node set, by the inference copy of the model.
    ///
    /// # Shapes
    /// - returns `[nodes, classes]`.
    pub fn logits(&self) -> Result<Tensor<2>> {
        self.model.valid().forward(&self.graph_eval)
    }

    /// Deep Graph Infomax's clean and corrupted logits by the inference copy of the model,
    /// always on the same corruption (drawn from the seed), so that snapshots compare.
    pub fn dgi_logits(&self) -> Result<Option<DgiLogits>> {
        let eval = self.model.valid();
        let Some(dgi) = &eval.dgi else { return Ok(None) };
        let states = eval.encoder.node_states(&self.graph_eval)?;
        let corrupted =
            eval.encoder.node_states(&shuffle_features(&self.graph_eval, &mut seeded(self.options.seed)))?;
        Ok(Some(dgi.logits(states, corrupted)))
    }

    /// The ROC AUC of held-out links against as many non-edges, with link prediction beside.
    pub fn link_auc(&self) -> Result<Option<f64>> {
        let eval = self.model.valid();
        let (Some(scorer), Some(links)) = (&eval.links, &self.links) else { return Ok(None) };
        let hidden = eval.encoder.forward(&self.graph_eval)?;
        let h = &links.holdout;
        let (source, target) = (hidden.state(&h.source)?, hidden.state(&h.target)?);
        let score = |pairs: &LinkTensors| to_vec(scorer.scores(source.clone(), target.clone(), pairs));
        Ok(Some(roc_auc(&score(&links.test.0), &score(&links.test.1))))
    }
}

/// Trains `config` on `graph` (every node set's [`FEATURES`]) for `epochs` full-batch Adam
/// steps (one per epoch), reporting each to `on_progress`.
pub fn train(
    graph: &Graph,
    config: &HeteroEncoderConfig,
    options: &HeteroNodeOptions,
    device: &Device,
    on_progress: &mut dyn FnMut(Progress),
) -> Result<HeteroNodeRun> {
    let mut trainer = HeteroNodeTrainer::new(graph, config, options, device)?;
    let (mut best_val, mut best_test, mut best_epoch) = (-1.0, 0.0, 0);
    let mut history = Losses::default();
    let (mut dgi_acc, mut link_auc) = (None, None);
    let mut seconds = 0.0;
    let mut last_test_acc = 0.0;
    for epoch in 1..=options.epochs {
        let start = Instant::now();
        let losses = trainer.step()?;
        let value: f32 = losses.total.into_scalar();
        seconds += start.elapsed().as_secs_f64();
        if !value.is_finite() {
            return Err(NslError::Diverged { epoch, step: epoch, value });
        }
        history.total.push(value);
        history.classification.push(losses.classification.into_scalar());
        history.dgi.extend(losses.dgi.map(|l| l.into_scalar::<f32>()));
        history.links.extend(losses.links.map(|l| l.into_scalar::<f32>()));
        on_progress(Progress::Step { epoch, step: 1 });
        on_progress(Progress::Epoch { epoch, loss: value });
        let predicted = read_classes(trainer.logits()?.argmax(1));
        let targets = trainer.targets();
        let val = accuracy(&predicted, &targets.labels, &targets.val);
        last_test_acc = accuracy(&predicted, &targets.labels, &targets.test);
        if val > best_val {
            best_val = val;
            best_test = last_test_acc;
            best_epoch = epoch;
            dgi_acc = trainer.dgi_logits()?.map(|logits| logits.accuracy());
            link_auc = trainer.link_auc()?;
        }
    }
    let last_dgi_acc = trainer.dgi_logits()?.map(|logits| logits.accuracy());
    Ok(HeteroNodeRun {
        test_acc: best_test,
        val_acc: best_val,
        best_epoch,
        losses: history.total,
        classification_losses: history.classification,
        dgi_losses: history.dgi,
        dgi_acc,
        last_test_acc,
        last_dgi_acc,
        link_losses: history.links,
        link_auc,
        train_seconds: seconds,
    })
}

/// Each epoch's losses, task by task.
#[derive(Default)]
struct Losses {
    total: Vec<f32>,
    classification: Vec<f32>,
    dgi: Vec<f32>,
    links: Vec<f32>,
}

#[cfg(test)]
mod tests {
    use nsl_graph::datasets::mag::{self, MagSpec};

    use super::*;
    use crate::config::tfgnn::{HeteroModel, MtAlbisConfig};

    fn small() -> Graph {
        mag::generate(&MagSpec {
            papers: 400,
            authors: 240,
            institutions: 20,
            fields: 40,
            ..MagSpec::playground()
        })
        .unwrap()
    }

    #[test]
    fn every_model_trains_and_the_loss_falls() {
        let graph = small();
        let device = Device::flex();
        for model in [
            HeteroModel::Mlp,
            HeteroModel::Gcn { edge_set: mag::CITES.into() },
            HeteroModel::MtAlbis(MtAlbisConfig { units: 16, message_dim: 16, ..Default::default() }),
        ] {
            let config = HeteroEncoderConfig { node_set: mag::PAPER.into(), hidden: 16, rounds: 2, model };
            let options = HeteroNodeOptions::classification(30, 0.01, 1);
            let run = train(&graph, &config, &options, &device, &mut |_| {}).unwrap();
            let (first, last) = (run.losses[0], *run.losses.last().unwrap());
            assert!(last < 0.8 * first, "{:?}: loss {first} → {last}", config.model);
            assert!(run.test_acc > 1.0 / 8.0, "{:?}: {run:?}", config.model);
        }
    }

    #[test]
    fn a_gcn_on_an_edge_set_between_two_node_sets_is_refused() {
        let config = HeteroEncoderConfig {
            node_set: mag::PAPER.into(),
            hidden: 8,
            rounds: 1,
            model: HeteroModel::Gcn { edge_set: mag::WRITES.into() },
        };
        let options = HeteroNodeOptions::classification(1, 0.01, 0);
        let err = train(&small(), &config, &options, &Device::flex(), &mut |_| {}).unwrap_err().to_string();
        assert!(err.contains("writes"), "{err}");
    }

    /// MtAlbis with 32 units over two rounds, classifying papers.
    fn mt_albis_32() -> HeteroEncoderConfig {
        let mt = MtAlbisConfig { units: 32, message_dim: 32, ..Default::default() };
        HeteroEncoderConfig {
            node_set: mag::PAPER.into(),
            hidden: 32,
            rounds: 2,
            model: HeteroModel::MtAlbis(mt),
        }
    }

    #[test]
    fn dgi_trains_beside_and_tells_clean_from_shuffled() {
        let (graph, config) = (mag::generate(&MagSpec::playground()).unwrap(), mt_albis_32());
        let device = Device::flex();
        let options =
            HeteroNodeOptions { dgi_weight: Some(0.1), ..HeteroNodeOptions::classification(40, 0.01, 0) };
        let run = train(&graph, &config, &options, &device, &mut |_| {}).unwrap();
        assert_eq!(run.dgi_losses.len(), 40);
        assert!(run.dgi_losses[39] < 0.5 * run.dgi_losses[0], "{:?}", run.dgi_losses);
        let acc = run.dgi_acc.unwrap();
        assert!(acc > 0.6, "DGI accuracy {acc}: no better than telling shuffled features by chance");
        assert!(run.test_acc > 0.7, "the classification still learns beside DGI: {}", run.test_acc);
        let plain = HeteroNodeOptions::classification(2, 0.01, 0);
        let plain = train(&graph, &config, &plain, &device, &mut |_| {}).unwrap();
        assert!(plain.dgi_acc.is_none() && plain.dgi_losses.is_empty());
        assert_ne!(plain.losses[..2], run.losses[..2], "the DGI term is in the loss");
    }

    #[test]
    fn links_train_beside_the_classification_and_rank_held_out_links_first() {
        let (graph, config) = (mag::generate(&MagSpec::playground()).unwrap(), mt_albis_32());
        let device = Device::flex();
        for score in [LinkScore::DotProduct, LinkScore::HadamardProduct] {
            let links =
                LinkPredictionSpec { edge_set: mag::CITES.into(), score, test_fraction: 0.1, weight: 0.5 };
            let options =
                HeteroNodeOptions { links: Some(links), ..HeteroNodeOptions::classification(40, 0.01, 0) };
            let run = train(&graph, &config, &options, &device, &mut |_| {}).unwrap();
            assert_eq!((run.link_losses.len(), run.classification_losses.len()), (40, 40));
            assert!(run.link_losses[39] < 0.8 * run.link_losses[0], "{score:?}: {:?}", run.link_losses);
            let auc = run.link_auc.unwrap();
            // Citations join papers of one venue 3 times in 4, random pairs 1 time in 8: ranking by
            // venue alone reaches about 0.8.
            assert!(auc > 0.7, "{score:?}: held-out citations ranked above non-edges with AUC {auc}");
            assert!(run.test_acc > 0.7, "{score:?}: the classification still learns: {}", run.test_acc);
            for (e, total) in run.losses.iter().enumerate() {
                let weighted = run.classification_losses[e] + 0.5 * run.link_losses[e];
                assert!(
                    (total - weighted).abs() < 1e-4 * weighted.max(1.0),
                    "epoch {e}: {total} vs {weighted}"
                );
            }
        }
    }
}
