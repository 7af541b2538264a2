//! From a spec to the trainer that classifies its graph's nodes: a GNN full batch or on
//! sampled subgraphs, or an MLP with Neural Graph Machine terms. The one translation; `nsl
//! train` and the step-wise node sessions both build their trainers here.

use burn::tensor::Device;

use super::model::GnnConfig;
use super::ngm::{MlpLayers, NgmTrainer};
use super::node_task::{NodeClassifierTrainer, NodeData, NodeTrainOptions, NodeTrainer};
use super::sampled::SampledTrainer;
use crate::config::Regularization;
use crate::error::{NslError, Result};
use crate::spec::{ExperimentSpec, ModelSpec};

/// The trainer of `spec`'s model on `data`, trained with `regularization` (the spec's, or none
/// for the base model beside it): a GNN full batch ([`NodeTrainer`]) or on sampled subgraphs
/// ([`SampledTrainer`]), or an MLP with or without Neural Graph Machine terms ([`NgmTrainer`]).
pub fn node_classifier_trainer(
    spec: &ExperimentSpec,
    regularization: &Regularization,
    data: &NodeData,
    device: &Device,
) -> Result<Box<dyn NodeClassifierTrainer>> {
    let options = NodeTrainOptions::of(spec);
    match &spec.model {
        ModelSpec::Gnn { gnn, hidden, dropout, sampling } => {
            let config = GnnConfig {
                kind: *gnn,
                input: data.dim,
                hidden: hidden.clone(),
                output: data.classes,
                dropout: *dropout,
            };
            Ok(match sampling {
                None => Box::new(NodeTrainer::new(data, &config, regularization, &options, device)?),
                Some(_) if !regularization.is_none() => {
                    return Err(NslError::Config("sampled-subgraph training takes no regularization".into()));
                }
                Some(sampling) => Box::new(SampledTrainer::new(data, &config, sampling, &options, device)?),
            })
        }
        ModelSpec::Mlp { hidden, activation, dropout, .. } => {
            let r = regularization;
            if r.graph.is_some() || r.adversarial.is_some() || r.virtual_adversarial.is_some() {
                return Err(NslError::Config(
                    "a full-batch MLP takes Neural Graph Machine terms only (the minibatch trainer takes NSL's)"
                        .into(),
                ));
            }
            let layers = MlpLayers { hidden: hidden.clone(), activation: *activation, dropout: *dropout };
            let ngm = r.neural_graph_machine.as_ref();
            Ok(Box::new(NgmTrainer::new(data, &layers, ngm, &options, device)?))
        }
        ModelSpec::Cnn { .. } | ModelSpec::Hetero { .. } => Err(NslError::Config(
            "full-batch training of one-node-set graphs is for GNNs and MLPs, not CNNs or the hetero model"
                .into(),
        )),
    }
}
