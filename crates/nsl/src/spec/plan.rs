//! What a spec means for training, answered in one place: how it trains ([`Plan`]) and which
//! models it trains side by side ([`ExperimentSpec::variants`]). `nsl train`, the step-wise
//! sessions, the playground's worker and its page all ask here.

use serde::{Deserialize, Serialize};

use super::experiment::{ExperimentSpec, TaskSpec};
use super::model::ModelSpec;
use crate::config::Regularization;

/// How a spec's models are trained.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Plan {
    /// MLPs and CNNs on minibatches of rows (graph neighbors, when any, ride along).
    Minibatch,
    /// Over the whole graph, one optimizer step per epoch: GNNs classifying nodes, and Neural
    /// Graph Machines (an MLP whose graph terms span every edge).
    FullBatch,
    /// A GNN on minibatches of sampled rooted subgraphs.
    SampledSubgraphs,
    /// A GNN encoder scoring held-out edges (full batch).
    LinkPrediction,
    /// TF-GNN's models classifying one node set of a heterogeneous graph, full batch.
    HeteroNodes,
    /// TF-GNN's models classifying small graphs, on minibatches of graphs merged as components.
    GraphClassification,
}

impl Plan {
    /// Whether the models read a whole graph at once (no row perturbations, no row probes).
    pub fn reads_whole_graph(self) -> bool {
        !matches!(self, Plan::Minibatch)
    }
}

/// One of the models a spec trains side by side.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Variant {
    /// The same model, seed and data without regularization (the what-if comparison).
    Base,
    /// The spec's model with the spec's regularization.
    Regularized,
}

impl ExperimentSpec {
    /// How this spec trains.
    pub fn plan(&self) -> Plan {
        match (&self.model, &self.task) {
            (_, TaskSpec::GraphClassification) => Plan::GraphClassification,
            (ModelSpec::Hetero { .. }, _) => Plan::HeteroNodes,
            (_, TaskSpec::LinkPrediction { .. }) => Plan::LinkPrediction,
            (ModelSpec::Gnn { sampling: Some(_), .. }, _) => Plan::SampledSubgraphs,
            (ModelSpec::Gnn { .. }, _) => Plan::FullBatch,
            _ if self.regularization.neural_graph_machine.is_some() => Plan::FullBatch,
            _ => Plan::Minibatch,
        }
    }

    /// The models trained side by side, base first, each with the regularization it trains
    /// with. The base model of a Neural Graph Machine is the same MLP, full batch, without
    /// graph terms; the base of a GNN trained on sampled subgraphs is the same GNN full batch
    /// (what sampling costs and saves); the base of a node classification with Deep Graph
    /// Infomax beside is the classification alone (what DGI adds). The base model is trained
    /// beside the spec's only when the spec asks for the comparison *and* the two differ: it
    /// regularizes, samples or trains DGI beside.
    pub fn variants(&self) -> Vec<(Variant, Regularization)> {
        let mut variants = Vec::with_capacity(2);
        if self.compares_with_base() {
            variants.push((Variant::Base, Regularization::default()));
        }
        variants.push((Variant::Regularized, self.regularization.clone()));
        variants
    }

    /// The spec `variant` trains: this one, or for the base model the same data, model,
    /// optimizer and seed without regularization, for a GNN without sampling, and without Deep
    /// Graph Infomax beside the classification.
    pub fn spec_of(&self, variant: Variant) -> ExperimentSpec {
        match variant {
            Variant::Regularized => self.clone(),
            Variant::Base => ExperimentSpec {
                model: match &self.model {
                    ModelSpec::Gnn { gnn, hidden, dropout, .. } => ModelSpec::Gnn {
                        gnn: *gnn,
                        hidden: hidden.clone(),
                        dropout: *dropout,
                        sampling: None,
                    },
                    model => model.clone(),
                },
                regularization: Regularization::default(),
                task: self.task.without_dgi(),
                compare_with_base: false,
                ..self.clone()
            },
        }
    }

    /// Whether a base model trains beside the spec's model.
    pub fn compares_with_base(&self) -> bool {
        self.compare_with_base
            && (!self.regularization.is_none() || self.samples_subgraphs() || self.trains_dgi_beside())
    }

    /// What the base model beside this spec's is, in words: the same GNN full batch beside a
    /// sampled one, the classification alone beside one with DGI, otherwise the model without
    /// regularization.
    pub fn base_label(&self) -> &'static str {
        if self.samples_subgraphs() {
            "full-batch model"
        } else if self.trains_dgi_beside() {
            "classification alone"
        } else {
            "base model"
        }
    }

    /// Whether Deep Graph Infomax trains beside node classification (its base model: the
    /// classification alone).
    pub fn trains_dgi_beside(&self) -> bool {
        self.task.dgi_weight().is_some()
    }

    /// Whether a GNN trains on sampled subgraphs (its base model: full batch).
    pub fn samples_subgraphs(&self) -> bool {
        matches!(self.model, ModelSpec::Gnn { sampling: Some(_), .. })
    }

    /// Whether `next` differs from this spec only in what a running session can take from the
    /// next step: regularization settings, learning rate, epochs, name, evaluation and the
    /// base-model comparison. (Each session adds what its regularizers need to stay the same.)
    pub fn differs_only_in_knobs(&self, next: &ExperimentSpec) -> bool {
        let mut comparable = next.clone();
        comparable.regularization = self.regularization.clone();
        comparable.optimizer.learning_rate = self.optimizer.learning_rate;
        comparable.epochs = self.epochs;
        comparable.name.clone_from(&self.name);
        comparable.compare_with_base = self.compare_with_base;
        comparable.evaluation = self.evaluation;
        comparable == *self
    }

    /// The name of `variant` in reports: `base`, or [`ExperimentSpec::variant_name`].
    pub fn name_of(&self, variant: Variant) -> String {
        match variant {
            Variant::Base => "base".into(),
            Variant::Regularized => self.variant_name(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::spec::builtin::builtin;

    #[test]
    fn plans_and_variants_of_the_built_ins() {
        let plan = |name: &str| builtin(name, None, 0).unwrap().plan();
        assert_eq!(plan("mnist-adv"), Plan::Minibatch);
        assert_eq!(plan("moons-adv"), Plan::Minibatch);
        assert_eq!(plan("cora-gcn"), Plan::FullBatch);
        assert_eq!(plan("cora-ngm"), Plan::FullBatch);
        assert_eq!(plan("cora-sage-sampled"), Plan::SampledSubgraphs);
        assert_eq!(plan("cora-linkpred"), Plan::LinkPrediction);
        assert_eq!(plan("mag-mtalbis"), Plan::HeteroNodes);
        assert_eq!(plan("mag-mlp"), Plan::HeteroNodes);
        assert_eq!(plan("mag-mtalbis-sampled"), Plan::HeteroNodes);
        assert_eq!(plan("motifs-mtalbis"), Plan::GraphClassification);
        assert!(plan("cora-gcn").reads_whole_graph() && !plan("mnist-adv").reads_whole_graph());

        let adv = builtin("mnist-adv", None, 0).unwrap();
        let names: Vec<String> = adv.variants().iter().map(|(v, _)| adv.name_of(*v)).collect();
        assert_eq!(names, ["base", "adv_reg"]);
        assert!(adv.variants()[0].1.is_none(), "the base model is unregularized");
        // Asked to compare but nothing regularized: one model, named base.
        let plain = ExperimentSpec { regularization: Regularization::default(), ..adv.clone() };
        assert!(plain.compare_with_base && !plain.compares_with_base());
        let names: Vec<String> = plain.variants().iter().map(|(v, _)| plain.name_of(*v)).collect();
        assert_eq!(names, ["base"]);
        let alone = ExperimentSpec { compare_with_base: false, ..adv };
        assert_eq!(alone.variants().len(), 1);
    }

    #[test]
    fn deep_graph_infomax_beside_compares_with_the_classification_alone() {
        let dgi = builtin("mag-mtalbis-dgi", None, 0).unwrap();
        assert_eq!(
            (dgi.variant_name(), dgi.variants().len()),
            ("dgi".to_string(), 1),
            "not asked to compare"
        );
        let pair = ExperimentSpec { compare_with_base: true, ..dgi };
        let names: Vec<String> = pair.variants().iter().map(|(v, _)| pair.name_of(*v)).collect();
        assert_eq!(names, ["base", "dgi"]);
        assert_eq!(pair.base_label(), "classification alone");
        let base = pair.spec_of(Variant::Base);
        assert_eq!(base.task, TaskSpec::Classification);
        assert_eq!((base.model, base.seed, base.epochs), (pair.model.clone(), pair.seed, pair.epochs));
        // Links and DGI beside: the base keeps the links.
        let joint =
            ExperimentSpec { compare_with_base: true, ..builtin("mag-mtalbis-joint", None, 0).unwrap() };
        let base = joint.spec_of(Variant::Base);
        assert!(base.task.link_prediction().is_some() && base.task.dgi_weight().is_none(), "{:?}", base.task);
        base.validate().unwrap();
        let plain = ExperimentSpec { compare_with_base: true, ..builtin("mag-mtalbis", None, 0).unwrap() };
        assert!(!plain.compares_with_base(), "nothing beside: one model");
    }
}
