//! Node classification on one node set of a heterogeneous graph, full batch: the model reads
//! every node set's features, passes messages over the edge sets, and classifies the chosen
//! node set's nodes; the loss is taken on its training nodes and the model kept is the one with
//! the best validation accuracy (ties: the earlier epoch).

use std::collections::BTreeMap;

use burn::module::Module;
use burn::optim::{GradientsParams, ModuleOptimizer};
use burn::tensor::{Device, Int, Tensor};
use nsl_graph::typed::{FEATURES, Graph, LABEL, SPLIT, SplitKind};
use serde::Serialize;
use web_time::Instant;

use super::config::{Activation, GcnConvConfig, HeteroModel, HeteroNodeConfig};
use super::conv::GcnConv;
use super::dense::Dense;
use super::graph::{GraphTensor, Schema};
use super::update::GraphUpdate;
use super::weights::WeightSource;
use crate::error::{NslError, Result};
use crate::gnn::node_task::{accuracy, read_classes};
use crate::optim::adam;
use crate::reg::loss::sparse_softmax_cross_entropy;
use crate::tensor::labels;

/// A node set's features projected to the hidden width.
#[derive(Module, Debug)]
pub struct Projection {
    /// The node set.
    #[module(skip)]
    pub node_set: String,
    /// `relu(x W + b)`.
    pub dense: Dense,
}

/// GCN over one edge set.
#[derive(Module, Debug)]
pub struct GcnRound {
    /// The edge set.
    #[module(skip)]
    pub edge_set: String,
    /// The convolution.
    pub conv: GcnConv,
}

/// One round of a [`HeteroNodeModel`].
#[derive(Module, Debug)]
pub enum Round {
    /// A dense layer on the classified node set (the MLP).
    Dense(Dense),
    /// A GCN convolution.
    Gcn(GcnRound),
    /// A graph update of every receiving node set.
    Update(GraphUpdate),
}

/// Projections, rounds, read-out.
#[derive(Module, Debug)]
pub struct HeteroNodeModel {
    /// One per node set the model reads.
    pub projections: Vec<Projection>,
    /// Message passing.
    pub rounds: Vec<Round>,
    /// Linear read-out to the classes.
    pub head: Dense,
    /// The classified node set.
    #[module(skip)]
    pub node_set: String,
}

impl HeteroNodeModel {
    /// A model for graphs of `schema` (the widths of their features), weights from `weights`.
    pub fn new(
        config: &HeteroNodeConfig,
        schema: &Schema,
        classes: usize,
        weights: &mut WeightSource,
        device: &Device,
    ) -> Result<Self> {
        let hidden = match &config.model {
            HeteroModel::MtAlbis(mt) => mt.units,
            _ => config.hidden,
        };
        if hidden == 0 || config.rounds == 0 {
            return Err(NslError::Config("a hidden width and at least one round are needed".into()));
        }
        schema.width(&config.node_set)?;
        let read: Vec<&String> = match config.model {
            HeteroModel::MtAlbis(_) => schema.node_sets.keys().collect(),
            _ => vec![&config.node_set],
        };
        let mut projections = Vec::new();
        for node_set in read {
            let prefix = format!("projection/{node_set}");
            let width = schema.width(node_set)?;
            let dense = Dense::new(weights, &prefix, [width, hidden], true, Activation::Relu, device)?;
            projections.push(Projection { node_set: node_set.clone(), dense });
        }
        let hidden_schema = Schema {
            node_sets: projections.iter().map(|p| (p.node_set.clone(), hidden)).collect(),
            edge_sets: match config.model {
                HeteroModel::MtAlbis(_) => schema.edge_sets.clone(),
                _ => schema
                    .edge_sets
                    .iter()
                    .filter(|(_, (s, t))| *s == config.node_set && *t == config.node_set)
                    .map(|(n, e)| (n.clone(), e.clone()))
                    .collect(),
            },
        };
        let mut rounds = Vec::new();
        for round in 0..config.rounds {
            let prefix = format!("round/{round}");
            rounds.push(match &config.model {
                HeteroModel::Mlp => Round::Dense(Dense::new(
                    weights,
                    &prefix,
                    [hidden, hidden],
                    true,
                    Activation::Relu,
                    device,
                )?),
                HeteroModel::Gcn { edge_set } => {
                    let gcn =
                        GcnConvConfig { units: hidden, add_self_loops: true, ..GcnConvConfig::default() };
                    Round::Gcn(GcnRound {
                        edge_set: edge_set.clone(),
                        conv: GcnConv::new(&gcn, &hidden_schema, edge_set, weights, &prefix, device)?,
                    })
                }
                HeteroModel::MtAlbis(mt) => Round::Update(
                    weights.within(&prefix, |w| GraphUpdate::mt_albis(mt, &hidden_schema, w, device))?,
                ),
            });
        }
        let head = Dense::new(weights, "head", [hidden, classes], true, Activation::Linear, device)?;
        Ok(Self { projections, rounds, head, node_set: config.node_set.clone() })
    }

    /// Logits of every node of the classified node set.
    ///
    /// # Shapes
    /// - returns `[nodes, classes]`.
    pub fn forward(&self, graph: &GraphTensor) -> Result<Tensor<2>> {
        let mut states = BTreeMap::new();
        for p in &self.projections {
            states.insert(p.node_set.clone(), p.dense.forward(graph.state(&p.node_set)?.clone()));
        }
        let mut hidden = GraphTensor { states, edge_sets: graph.edge_sets.clone() };
        for round in &self.rounds {
            hidden = match round {
                Round::Dense(dense) => {
                    let next = dense.forward(hidden.state(&self.node_set)?.clone());
                    hidden.with_states(BTreeMap::from([(self.node_set.clone(), next)]))
                }
                Round::Gcn(gcn) => {
                    let next = gcn.conv.convolve(&hidden, &gcn.edge_set)?;
                    hidden.with_states(BTreeMap::from([(self.node_set.clone(), next)]))
                }
                Round::Update(update) => update.forward(&hidden)?,
            };
        }
        Ok(self.head.forward(hidden.state(&self.node_set)?.clone()))
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
    /// Training loss of every epoch.
    pub losses: Vec<f32>,
    /// Training seconds (steps only).
    pub train_seconds: f64,
}

/// Labels and split of the classified node set.
struct Targets {
    labels: Vec<u32>,
    classes: usize,
    train: Vec<u32>,
    val: Vec<u32>,
    test: Vec<u32>,
}

fn targets(graph: &Graph, node_set: &str) -> Result<Targets> {
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

/// Trains `config` on `graph` (every node set's [`FEATURES`]) for `epochs` full-batch Adam steps.
pub fn train(
    graph: &Graph,
    config: &HeteroNodeConfig,
    epochs: usize,
    learning_rate: f64,
    seed: u64,
    device: &Device,
) -> Result<HeteroNodeRun> {
    let targets = targets(graph, &config.node_set)?;
    let train_device = device.clone().autodiff();
    train_device.seed(seed);
    let eval_device = device.clone().inner();
    let graph_train = GraphTensor::from_graph(graph, FEATURES, &train_device)?;
    let graph_eval = GraphTensor::from_graph(graph, FEATURES, &eval_device)?;
    let mut weights = WeightSource::seeded(seed);
    let mut model =
        HeteroNodeModel::new(config, &graph_train.schema(), targets.classes, &mut weights, &train_device)?;
    let mut optimizer: ModuleOptimizer = adam(0.0);
    let train_nodes = labels(&targets.train, &train_device);
    let train_labels: Tensor<1, Int> =
        labels(&targets.train.iter().map(|&n| targets.labels[n as usize]).collect::<Vec<_>>(), &train_device);
    let (mut best_val, mut best_test, mut best_epoch) = (-1.0, 0.0, 0);
    let mut losses = Vec::with_capacity(epochs);
    let mut seconds = 0.0;
    for epoch in 1..=epochs {
        let start = Instant::now();
        let logits = model.forward(&graph_train)?.select(0, train_nodes.clone());
        let loss = sparse_softmax_cross_entropy(logits, train_labels.clone());
        let value: f32 = loss.clone().inner().into_scalar();
        let grads = GradientsParams::from_grads(loss.backward(), &model);
        model = optimizer.step(learning_rate, model, grads);
        seconds += start.elapsed().as_secs_f64();
        if !value.is_finite() {
            return Err(NslError::Diverged { epoch, step: epoch, value });
        }
        losses.push(value);
        let predicted = read_classes(model.valid().forward(&graph_eval)?.argmax(1));
        let val = accuracy(&predicted, &targets.labels, &targets.val);
        if val > best_val {
            best_val = val;
            best_test = accuracy(&predicted, &targets.labels, &targets.test);
            best_epoch = epoch;
        }
    }
    Ok(HeteroNodeRun { test_acc: best_test, val_acc: best_val, best_epoch, losses, train_seconds: seconds })
}

#[cfg(test)]
mod tests {
    use nsl_graph::datasets::mag::{self, MagSpec};

    use super::*;
    use crate::gnn::hetero::config::MtAlbisConfig;

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
            let config = HeteroNodeConfig { node_set: mag::PAPER.into(), hidden: 16, rounds: 2, model };
            let run = train(&graph, &config, 30, 0.01, 1, &device).unwrap();
            let (first, last) = (run.losses[0], *run.losses.last().unwrap());
            assert!(last < 0.8 * first, "{:?}: loss {first} → {last}", config.model);
            assert!(run.test_acc > 1.0 / 8.0, "{:?}: {run:?}", config.model);
        }
    }

    #[test]
    fn a_gcn_on_an_edge_set_between_two_node_sets_is_refused() {
        let config = HeteroNodeConfig {
            node_set: mag::PAPER.into(),
            hidden: 8,
            rounds: 1,
            model: HeteroModel::Gcn { edge_set: mag::WRITES.into() },
        };
        let err = train(&small(), &config, 1, 0.01, 0, &Device::flex()).unwrap_err().to_string();
        assert!(err.contains("writes"), "{err}");
    }
}
