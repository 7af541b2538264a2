//! The part of a heterogeneous model that node and graph tasks share: every node set's
//! features projected to the hidden width, then rounds of message passing (or, for the MLP
//! baseline, dense layers that see no edge).

use std::collections::BTreeMap;

use burn::module::Module;
use burn::tensor::{Device, Tensor};
use serde::{Deserialize, Serialize};

use super::conv::GcnConv;
use super::dense::Dense;
use super::graph::{GraphTensor, Schema};
use super::update::GraphUpdate;
use super::weights::WeightSource;
use crate::config::tfgnn::{Activation, GcnConvConfig, HeteroEncoderConfig, HeteroModel};
use crate::error::{NslError, Result};

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

/// One round of a [`HeteroEncoder`].
#[derive(Module, Debug)]
pub enum Round {
    /// A dense layer on the read-out node set (the MLP).
    Dense(Dense),
    /// A GCN convolution.
    Gcn(GcnRound),
    /// A graph update of every receiving node set.
    Update(GraphUpdate),
}

/// One node set's update in a round: the edge sets whose messages it pools (none for the MLP's
/// dense layer, which reads only the node's own state).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RoundUpdate {
    /// The node set updated.
    pub node_set: String,
    /// The edge sets it receives messages over.
    pub edge_sets: Vec<String>,
}

/// Projections, then rounds.
#[derive(Module, Debug)]
pub struct HeteroEncoder {
    /// One per node set the model reads.
    pub projections: Vec<Projection>,
    /// Message passing.
    pub rounds: Vec<Round>,
    /// The node set read out.
    #[module(skip)]
    pub node_set: String,
    /// Width of the hidden states.
    #[module(skip)]
    pub hidden: usize,
}

impl HeteroEncoder {
    /// An encoder for graphs of `schema` (the widths of their features), weights from
    /// `weights` under `projection/<node set>` and `round/<i>`.
    pub fn new(
        config: &HeteroEncoderConfig,
        schema: &Schema,
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
        // MtAlbis reads every node set; the homogeneous baselines only the read-out one.
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
        Ok(Self { projections, rounds, node_set: config.node_set.clone(), hidden })
    }

    /// The graph with every projected node set's hidden state after the last round.
    pub fn forward(&self, graph: &GraphTensor) -> Result<GraphTensor> {
        let mut states = BTreeMap::new();
        for p in &self.projections {
            states.insert(p.node_set.clone(), p.dense.project(graph.input(&p.node_set)?));
        }
        let mut hidden = graph.with_states(states);
        for round in &self.rounds {
            hidden = match round {
                Round::Dense(dense) => {
                    let next = dense.forward(hidden.state(&self.node_set)?);
                    hidden.with_states(BTreeMap::from([(self.node_set.clone(), next)]))
                }
                Round::Gcn(gcn) => {
                    let next = gcn.conv.convolve(&hidden, &gcn.edge_set)?;
                    hidden.with_states(BTreeMap::from([(self.node_set.clone(), next)]))
                }
                Round::Update(update) => update.forward(&hidden)?,
            };
        }
        Ok(hidden)
    }

    /// Which node sets each round updates, and over which edge sets (the rounds in order).
    pub fn round_updates(&self) -> Vec<Vec<RoundUpdate>> {
        let only = |edge_sets: Vec<String>| vec![RoundUpdate { node_set: self.node_set.clone(), edge_sets }];
        self.rounds
            .iter()
            .map(|round| match round {
                Round::Dense(_) => only(Vec::new()),
                Round::Gcn(gcn) => only(vec![gcn.edge_set.clone()]),
                Round::Update(update) => update
                    .node_sets
                    .iter()
                    .map(|u| RoundUpdate {
                        node_set: u.node_set.clone(),
                        edge_sets: u.inputs.iter().map(|i| i.edge_set.clone()).collect(),
                    })
                    .collect(),
            })
            .collect()
    }

    /// The L2 penalty of every round that has one (MtAlbis' `l2_regularization`), summed.
    ///
    /// # Shapes
    /// - returns `[1]`.
    pub fn l2_penalty(&self) -> Option<Tensor<1>> {
        self.rounds
            .iter()
            .filter_map(|round| match round {
                Round::Update(update) => update.l2_penalty(),
                Round::Dense(_) | Round::Gcn(_) => None,
            })
            .reduce(|a, b| a + b)
    }

    /// `loss` plus [`HeteroEncoder::l2_penalty`], when there is one.
    pub fn regularized(&self, loss: Tensor<1>) -> Tensor<1> {
        match self.l2_penalty() {
            Some(penalty) => loss + penalty,
            None => loss,
        }
    }

    /// The read-out node set's hidden states.
    ///
    /// # Shapes
    /// - returns `[nodes, hidden]`.
    pub fn node_states(&self, graph: &GraphTensor) -> Result<Tensor<2>> {
        self.forward(graph)?.state(&self.node_set)
    }
}

#[cfg(test)]
mod tests {
    use nsl_graph::datasets::mag::{self, MagSpec};
    use nsl_graph::typed::FEATURES;

    use super::*;
    use crate::config::tfgnn::MtAlbisConfig;
    use crate::tensor::to_vec;

    /// The read-out states of `model` with and without the graph's edges.
    fn with_and_without_edges(model: HeteroModel) -> (Vec<f32>, Vec<f32>) {
        let spec = MagSpec { papers: 60, authors: 40, institutions: 5, fields: 8, ..MagSpec::playground() };
        let mut graph = mag::generate(&spec).unwrap();
        let device = Device::flex();
        let config = HeteroEncoderConfig { node_set: mag::PAPER.into(), hidden: 8, rounds: 2, model };
        let full = GraphTensor::from_graph(&graph, FEATURES, &device).unwrap();
        let encoder =
            HeteroEncoder::new(&config, &full.schema(), &mut WeightSource::seeded(4), &device).unwrap();
        for edges in graph.edge_sets.values_mut() {
            edges.sources.clear();
            edges.targets.clear();
        }
        let bare = GraphTensor::from_graph(&graph, FEATURES, &device).unwrap();
        let states = |g: &GraphTensor| to_vec(encoder.node_states(g).unwrap());
        (states(&full), states(&bare))
    }

    #[test]
    fn each_round_names_the_node_sets_it_updates() {
        let spec = MagSpec { papers: 30, authors: 20, institutions: 3, fields: 4, ..MagSpec::playground() };
        let graph =
            GraphTensor::from_graph(&mag::generate(&spec).unwrap(), FEATURES, &Device::flex()).unwrap();
        let encoder = |model| {
            let config = HeteroEncoderConfig { node_set: mag::PAPER.into(), hidden: 8, rounds: 2, model };
            HeteroEncoder::new(&config, &graph.schema(), &mut WeightSource::seeded(0), &Device::flex())
                .unwrap()
        };
        let mlp = encoder(HeteroModel::Mlp).round_updates();
        assert_eq!(mlp, vec![vec![RoundUpdate { node_set: mag::PAPER.into(), edge_sets: vec![] }]; 2]);
        let mt = MtAlbisConfig { units: 8, message_dim: 8, ..Default::default() };
        let rounds = encoder(HeteroModel::MtAlbis(mt)).round_updates();
        // Every node set that receives an edge set is updated in every round.
        let updated: Vec<&str> = rounds[1].iter().map(|u| u.node_set.as_str()).collect();
        assert_eq!(updated, [mag::AUTHOR, mag::FIELD, mag::INSTITUTION, mag::PAPER]);
        let paper = rounds[0].iter().find(|u| u.node_set == mag::PAPER).unwrap();
        assert_eq!(paper.edge_sets, [mag::CITES, mag::WRITES]);
    }

    #[test]
    fn only_message_passing_reads_the_edges() {
        let (full, bare) = with_and_without_edges(HeteroModel::Mlp);
        assert_eq!(full, bare, "the MLP sees no edge");
        let (full, bare) = with_and_without_edges(HeteroModel::Gcn { edge_set: mag::CITES.into() });
        assert_ne!(full, bare);
        let mt = MtAlbisConfig { units: 8, message_dim: 8, ..Default::default() };
        let (full, bare) = with_and_without_edges(HeteroModel::MtAlbis(mt));
        assert_eq!(full.len(), 60 * 8);
        assert_ne!(full, bare);
    }
}
