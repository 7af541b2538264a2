//! The experiment spec itself: everything about a run in one document, and the checks serde
//! cannot make.

use serde::{Deserialize, Serialize};

use super::data::{DataSpec, MAX_PLANE_CLASSES};
use super::evaluation::EvaluationSpec;
use super::limits;
use super::model::{GnnKind, ModelSpec};
use crate::config::Regularization;

/// A complete, reproducible experiment.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ExperimentSpec {
    /// A short name for reports.
    #[serde(default)]
    pub name: String,
    /// What to train and test on.
    pub data: DataSpec,
    /// The base model.
    pub model: ModelSpec,
    /// Regularizers added during training (none: a plain supervised run).
    #[serde(default)]
    pub regularization: Regularization,
    /// Optimizer and batching.
    #[serde(default)]
    pub optimizer: OptimizerSpec,
    /// Passes over the training data.
    pub epochs: usize,
    /// Seed of initialisation, shuffling, dropout and random perturbations.
    #[serde(default)]
    pub seed: u64,
    /// What is measured after training.
    #[serde(default)]
    pub evaluation: EvaluationSpec,
    /// Also train the same model without regularization (same seed, same data) and report both.
    #[serde(default)]
    pub compare_with_base: bool,
    /// What is learned: node (or example) classes, graph classes, or links.
    #[serde(default, skip_serializing_if = "TaskSpec::is_classification")]
    pub task: TaskSpec,
}

/// The learning task.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case", deny_unknown_fields)]
pub enum TaskSpec {
    /// Predict each example's (node's) class.
    #[default]
    Classification,
    /// Predict each graph's class (data of many small graphs).
    GraphClassification,
    /// Node classification and other tasks trained jointly on one encoder, as TF-GNN's runner
    /// trains a dict of tasks with loss weights: the loss is the weighted sum of the tasks'.
    Joint {
        /// The classification's loss weight (> 0).
        #[serde(default = "unit_weight")]
        classification_weight: f64,
        /// The tasks beside it (at least one; DGI at most once).
        with: Vec<AuxiliaryTask>,
    },
    /// Predict held-out edges of a graph from node embeddings (a GNN's output), scored by
    /// their dot product or by a dense layer on their Hadamard product (TF-GNN's
    /// `DotProductLinkPrediction` and `HadamardProductLinkPrediction`).
    LinkPrediction {
        /// Embedding width (the GNN's output).
        embedding: usize,
        /// Fraction of the edges held out for validation.
        validation_fraction: f64,
        /// Fraction of the edges held out for testing.
        test_fraction: f64,
        /// How two embeddings score a link.
        #[serde(default)]
        score: LinkScore,
    },
}

/// A task trained beside node classification in a [`TaskSpec::Joint`] run.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case", deny_unknown_fields)]
pub enum AuxiliaryTask {
    /// Deep Graph Infomax on the classified node set's states: tell them from the states of
    /// the graph with shuffled features.
    Dgi {
        /// Loss weight (> 0).
        weight: f64,
    },
    /// Link prediction on one edge set.
    LinkPrediction(LinkPredictionSpec),
}

/// Link prediction on one edge set beside node classification: `test_fraction` of its edges
/// are held out (taken out of message passing, in both directions, from every edge set between
/// the same node sets) and scored against as many sampled non-edges; training scores the
/// remaining edges against fresh non-edges each step.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LinkPredictionSpec {
    /// The edge set whose links are predicted.
    pub edge_set: String,
    /// Loss weight (> 0).
    pub weight: f64,
    /// How two states score a link.
    #[serde(default)]
    pub score: LinkScore,
    /// Fraction of the edge set held out for testing.
    pub test_fraction: f64,
}

impl AuxiliaryTask {
    /// Its loss weight.
    pub fn weight(&self) -> f64 {
        match self {
            Self::Dgi { weight } | Self::LinkPrediction(LinkPredictionSpec { weight, .. }) => *weight,
        }
    }
}

fn unit_weight() -> f64 {
    1.0
}

/// How a link's two node embeddings become its score (a logit).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum LinkScore {
    /// `zₐ · z_b`.
    #[default]
    DotProduct,
    /// `w · (zₐ ⊙ z_b) + c`: a dense layer on the element-wise product, learned with the
    /// encoder.
    HadamardProduct,
}

impl TaskSpec {
    fn is_classification(&self) -> bool {
        *self == TaskSpec::Classification
    }

    /// The weight of node classification's loss (1 outside a joint run).
    pub fn classification_weight(&self) -> f64 {
        match self {
            TaskSpec::Joint { classification_weight, .. } => *classification_weight,
            _ => 1.0,
        }
    }

    /// The weight of Deep Graph Infomax, when it trains beside.
    pub fn dgi_weight(&self) -> Option<f64> {
        self.auxiliary().iter().find_map(|t| match t {
            AuxiliaryTask::Dgi { weight } => Some(*weight),
            AuxiliaryTask::LinkPrediction(_) => None,
        })
    }

    /// The link prediction trained beside node classification, if there is one.
    pub fn link_prediction(&self) -> Option<&LinkPredictionSpec> {
        self.auxiliary().iter().find_map(|t| match t {
            AuxiliaryTask::LinkPrediction(links) => Some(links),
            AuxiliaryTask::Dgi { .. } => None,
        })
    }

    /// The same task without Deep Graph Infomax beside (a joint run left with no other task is
    /// the classification alone).
    pub fn without_dgi(&self) -> TaskSpec {
        match self {
            TaskSpec::Joint { classification_weight, with } => {
                let with: Vec<AuxiliaryTask> =
                    with.iter().filter(|t| !matches!(t, AuxiliaryTask::Dgi { .. })).cloned().collect();
                if with.is_empty() {
                    TaskSpec::Classification
                } else {
                    TaskSpec::Joint { classification_weight: *classification_weight, with }
                }
            }
            task => task.clone(),
        }
    }

    /// The tasks trained beside node classification (none outside a joint run).
    pub fn auxiliary(&self) -> &[AuxiliaryTask] {
        match self {
            TaskSpec::Joint { with, .. } => with,
            _ => &[],
        }
    }
}

/// Adam with Keras' defaults.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct OptimizerSpec {
    /// Adam's step size.
    pub learning_rate: f64,
    /// Samples per step (the last batch of an epoch may be smaller; GNNs train full batch).
    pub batch_size: usize,
    /// L2 penalty on every weight, added to the gradient (0: none).
    pub weight_decay: f64,
}

impl Default for OptimizerSpec {
    fn default() -> Self {
        Self { learning_rate: 1e-3, batch_size: 32, weight_decay: 0.0 }
    }
}

impl ExperimentSpec {
    /// Checks the values that serde cannot: first the [sizes](super::limits), so that nothing
    /// is built for a spec past them, then that the parts fit together.
    pub fn validate(&self) -> crate::Result<()> {
        limits::check_run(&self.name, self.epochs, self.optimizer.batch_size)?;
        limits::check_data(&self.data)?;
        limits::check_model(&self.model)?;
        limits::check_regularization(&self.regularization)?;
        limits::check_evaluation(&self.evaluation)?;
        if let TaskSpec::LinkPrediction { embedding, .. } = self.task {
            limits::check_embedding(embedding)?;
        }
        let bad = |m: String| Err(crate::NslError::Config(m));
        if self.epochs == 0 {
            return bad("epochs must be ≥ 1".into());
        }
        let rows = match &self.data {
            DataSpec::Synthesized(built) => {
                built.validate()?;
                &*built.rows
            }
            data => data,
        };
        if let DataSpec::Toy(toy) = rows
            && (toy.points < 4
                || !(0.0..=1.0).contains(&toy.noise)
                || !(toy.train_fraction > 0.0 && toy.train_fraction < 1.0))
        {
            return bad("a toy set needs ≥ 4 points, noise in [0, 1] and a train fraction in (0, 1)".into());
        }
        if let DataSpec::Toy(toy) = rows
            && !(2..=MAX_PLANE_CLASSES).contains(&toy.classes)
        {
            return bad(format!("a 2D set has 2 to {MAX_PLANE_CLASSES} classes, not {}", toy.classes));
        }
        if let DataSpec::Points(points) = rows {
            if points.train.is_empty() || points.test.is_empty() {
                return bad("your points need at least one training point and one test point".into());
            }
            if let Some(p) =
                points.train.iter().chain(&points.test).find(|p| p.2 as usize >= MAX_PLANE_CLASSES)
            {
                return bad(format!("a point's class is 0 to {}, not {}", MAX_PLANE_CLASSES - 1, p.2));
            }
            if let Some(p) =
                points.train.iter().chain(&points.test).find(|p| !(p.0.abs() <= 10.0 && p.1.abs() <= 10.0))
            {
                return bad(format!("a point lies within ±10 of the origin, not at ({}, {})", p.0, p.1));
            }
        }
        if self.optimizer.batch_size == 0 {
            return bad("batch_size must be ≥ 1".into());
        }
        if !(self.optimizer.learning_rate.is_finite() && self.optimizer.learning_rate > 0.0) {
            return bad(format!("learning_rate must be > 0, got {}", self.optimizer.learning_rate));
        }
        if !(self.optimizer.weight_decay.is_finite() && self.optimizer.weight_decay >= 0.0) {
            return bad(format!("weight_decay must be ≥ 0, got {}", self.optimizer.weight_decay));
        }
        if self.data.is_typed_graph() || matches!(self.model, ModelSpec::Hetero { .. }) {
            return self.validate_typed_graph();
        }
        if self.task == TaskSpec::GraphClassification {
            return bad("graph classification needs a set of graphs (motifs) and a hetero model".into());
        }
        if let TaskSpec::Joint { .. } = self.task {
            return bad("joint tasks train the hetero model on the MAG-like graph".into());
        }
        let (hidden, dropout) = match &self.model {
            ModelSpec::Mlp { hidden, dropout, .. } | ModelSpec::Gnn { hidden, dropout, .. } => {
                (hidden.clone(), dropout)
            }
            ModelSpec::Hetero { .. } => unreachable!("checked above"),
            ModelSpec::Cnn { channels, dense, dropout } => {
                if !matches!(self.data, DataSpec::Mnist { .. }) {
                    return bad("a CNN needs image data (mnist)".into());
                }
                if channels.is_empty() || channels.len() > 4 {
                    return bad("a CNN needs 1 to 4 convolution blocks".into());
                }
                (channels.iter().copied().chain([*dense]).collect(), dropout)
            }
        };
        if let ModelSpec::Mlp { inputs: Some(features), .. } = &self.model {
            if !self.data.is_plane() {
                return bad(
                    "features of the plane (x₁², sin x₁, …) need points of the plane (a 2D set)".into()
                );
            }
            let distinct: std::collections::HashSet<_> = features.iter().collect();
            if features.is_empty() || distinct.len() != features.len() {
                return bad("the model needs at least one input feature, each at most once".into());
            }
        }
        if let ModelSpec::Gnn { gnn, .. } = &self.model {
            if !self.data.is_graph() {
                return bad("a GNN needs graph data (planetoid or a built-in graph)".into());
            }
            let r = &self.regularization;
            if r.virtual_adversarial.is_some() || r.neural_graph_machine.is_some() {
                return bad("GNNs take graph and adversarial regularization (not VAT or NGM)".into());
            }
            if !matches!(self.task, TaskSpec::Classification) && !r.is_none() {
                return bad("link prediction runs without regularization".into());
            }
            if let ModelSpec::Gnn { sampling: Some(sampling), .. } = &self.model {
                if !r.is_none() || !matches!(self.task, TaskSpec::Classification) {
                    return bad("sampled-subgraph training is for unregularized node classification".into());
                }
                if sampling.batch_size == 0 || sampling.fanouts.is_empty() || sampling.fanouts.contains(&0) {
                    return bad("sampling needs a batch size ≥ 1 and fanouts ≥ 1".into());
                }
            }
            if let GnnKind::Gat { heads, output_heads } = gnn
                && (*heads == 0 || *output_heads == 0)
            {
                return bad("GAT needs at least one head".into());
            }
        }
        if let TaskSpec::LinkPrediction { embedding, validation_fraction, test_fraction, .. } = &self.task {
            let (embedding, validation_fraction, test_fraction) =
                (*embedding, *validation_fraction, *test_fraction);
            if !matches!(self.model, ModelSpec::Gnn { .. }) || embedding == 0 {
                return bad("link prediction needs a GNN model and an embedding width ≥ 1".into());
            }
            if !(validation_fraction > 0.0
                && test_fraction > 0.0
                && validation_fraction + test_fraction < 1.0)
            {
                return bad("held-out fractions must be > 0 and sum to < 1".into());
            }
        }
        if self.regularization.neural_graph_machine.is_some() {
            let r = &self.regularization;
            if r.graph.is_some() || r.adversarial.is_some() || r.virtual_adversarial.is_some() {
                return bad(
                    "Neural Graph Machines train full batch; use them without other regularizers".into()
                );
            }
            if !self.data.is_graph() || !matches!(self.model, ModelSpec::Mlp { .. }) {
                return bad("Neural Graph Machines need graph data and an MLP".into());
            }
            if hidden.is_empty() {
                return bad("Neural Graph Machines need a hidden layer (the distance is taken there)".into());
            }
        }
        if let Some(curve) = &self.evaluation.robustness {
            curve.validate()?;
            if matches!(self.model, ModelSpec::Gnn { .. })
                || self.regularization.neural_graph_machine.is_some()
            {
                return bad("robustness curves are measured for MLPs and CNNs".into());
            }
        }
        if hidden.contains(&0) {
            return bad("hidden layer widths must be ≥ 1".into());
        }
        if !(0.0..1.0).contains(dropout) {
            return bad(format!("dropout must be in [0, 1), got {dropout}"));
        }
        if let Some(g) = &self.regularization.graph {
            if !self.data.is_graph() && g.neighbor_config.max_neighbors > 0 {
                return bad("graph regularization needs graph data".into());
            }
            if g.multiplier < 0.0 {
                return bad("the graph multiplier must be ≥ 0".into());
            }
        }
        Ok(())
    }

    /// The checks of TF-GNN's models on typed graphs: which data goes with which task, and
    /// what they do not take (regularizers, attacks).
    fn validate_typed_graph(&self) -> crate::Result<()> {
        let bad = |m: &str| Err(crate::NslError::Config(m.into()));
        let ModelSpec::Hetero { encoder, sampling, .. } = &self.model else {
            return bad("MAG-like and motif data train the hetero model (kind \"hetero\")");
        };
        match (&self.data, &self.task) {
            (DataSpec::Mag(_), TaskSpec::Classification)
            | (DataSpec::Motifs(_), TaskSpec::GraphClassification) => {}
            (DataSpec::Mag(_), TaskSpec::Joint { classification_weight, with }) => {
                validate_joint(*classification_weight, with, mag_edge_sets())?;
            }
            (DataSpec::Mag(_), _) => {
                return bad("the MAG-like graph trains node classification (of its papers)");
            }
            (DataSpec::Motifs(_), _) => {
                return bad("motif graphs train graph classification (task graph_classification)");
            }
            _ => return bad("the hetero model trains on typed graphs (MAG-like or motif data)"),
        }
        if !self.regularization.is_none() || self.evaluation != EvaluationSpec::default() {
            return bad("the hetero model trains without regularizers and is not attacked");
        }
        if encoder.rounds == 0 {
            return bad("the hetero model needs ≥ 1 round");
        }
        if let Some(sampling) = sampling {
            if !matches!((&self.data, &self.task), (DataSpec::Mag(_), TaskSpec::Classification)) {
                return bad(
                    "sampled training of the hetero model is for node classification on the MAG-like graph",
                );
            }
            if sampling.batch_size == 0 || sampling.spec.sampling_ops.iter().any(|op| op.sample_size == 0) {
                return bad("sampled training needs ≥ 1 root per step and sample sizes ≥ 1");
            }
            if sampling.spec.seed_op.node_set_name != encoder.node_set {
                return bad("sampling must start at the node set the hetero model classifies");
            }
        }
        if let crate::config::tfgnn::HeteroModel::MtAlbis(mt) = &encoder.model {
            if mt.units == 0 || mt.message_dim == 0 || mt.attention_num_heads == 0 {
                return bad("MtAlbis needs units, message_dim and attention_num_heads ≥ 1");
            }
            if !(0.0..1.0).contains(&mt.state_dropout_rate) || !(0.0..1.0).contains(&mt.edge_dropout_rate) {
                return bad("MtAlbis' dropout rates must be in [0, 1)");
            }
            let l2_ok = mt.l2_regularization.is_finite() && mt.l2_regularization >= 0.0;
            if !l2_ok || !(0.0..1.0).contains(&mt.batch_normalization_momentum) {
                return bad("MtAlbis needs batch_normalization_momentum in [0, 1) and l2_regularization ≥ 0");
            }
        } else if encoder.hidden == 0 {
            return bad("the hetero model needs a hidden width ≥ 1");
        }
        Ok(())
    }

    /// The name of the regularized variant in reports: `adv_reg`, `graph_reg`, `vat_reg`, or
    /// their combination (`graph_adv_reg`), `base` without regularization, `sampled` for a GNN
    /// trained on sampled subgraphs (whose base model is the same GNN full batch), `dgi` for a
    /// node classification with Deep Graph Infomax beside (whose base is the classification
    /// alone).
    pub fn variant_name(&self) -> String {
        let r = &self.regularization;
        let parts: Vec<&str> = [
            (r.graph.is_some(), "graph"),
            (r.adversarial.is_some(), "adv"),
            (r.virtual_adversarial.is_some(), "vat"),
            (r.neural_graph_machine.is_some(), "ngm"),
        ]
        .iter()
        .filter(|(on, _)| *on)
        .map(|(_, n)| *n)
        .collect();
        match (parts.is_empty(), self.samples_subgraphs(), self.trains_dgi_beside()) {
            (true, true, _) => "sampled".into(),
            (true, false, true) => "dgi".into(),
            (true, false, false) => "base".into(),
            (false, ..) => format!("{}_reg", parts.join("_")),
        }
    }
}

/// The edge sets of the MAG-like graph, `(name, source, target)`.
fn mag_edge_sets() -> &'static [&'static str] {
    use nsl_graph::datasets::mag::{AFFILIATED_WITH, CITES, HAS_TOPIC, WRITES, WRITTEN};
    &[AFFILIATED_WITH, CITES, HAS_TOPIC, WRITES, WRITTEN]
}

/// The checks of a joint run: positive finite weights, at least one task beside the
/// classification, DGI at most once, link prediction on an edge set the graph has, with a
/// held-out fraction in (0, 0.5].
fn validate_joint(
    classification_weight: f64,
    with: &[AuxiliaryTask],
    edge_sets: &[&str],
) -> crate::Result<()> {
    let bad = |m: String| Err(crate::NslError::Config(m));
    let positive = |w: f64| w.is_finite() && w > 0.0;
    if !positive(classification_weight) {
        return bad(format!("classification_weight must be > 0, got {classification_weight}"));
    }
    if with.is_empty() {
        return bad("a joint run needs at least one task beside the classification (with: [...])".into());
    }
    if with.iter().filter(|t| matches!(t, AuxiliaryTask::Dgi { .. })).count() > 1 {
        return bad("Deep Graph Infomax can train only once beside the classification".into());
    }
    for task in with {
        if !positive(task.weight()) {
            return bad(format!("every joint task's weight must be > 0, got {}", task.weight()));
        }
        if let AuxiliaryTask::LinkPrediction(LinkPredictionSpec { edge_set, test_fraction, .. }) = task {
            if !edge_sets.contains(&edge_set.as_str()) {
                return bad(format!(
                    "link prediction on “{edge_set}”: the graph's edge sets are {}",
                    edge_sets.join(", ")
                ));
            }
            if !(*test_fraction > 0.0 && *test_fraction <= 0.5) {
                return bad(format!(
                    "link prediction's test_fraction must be in (0, 0.5], got {test_fraction}"
                ));
            }
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trips_and_names_variants() {
        let json = r#"{
            "name": "demo",
            "data": {"kind": "mnist", "dir": "d", "train": 10, "test": 5},
            "model": {"kind": "mlp", "hidden": [8]},
            "regularization": {"adversarial": {"multiplier": 0.2, "adv_neighbor_config": {"adv_step_size": 0.2, "adv_grad_norm": "infinity"}}},
            "epochs": 2,
            "seed": 3
        }"#;
        let spec: ExperimentSpec = serde_json::from_str(json).unwrap();
        spec.validate().unwrap();
        assert_eq!(spec.variant_name(), "adv_reg");
        assert_eq!(spec.optimizer, OptimizerSpec::default());
        let back: ExperimentSpec = serde_json::from_str(&serde_json::to_string(&spec).unwrap()).unwrap();
        assert_eq!(back, spec);
        let typo = json.replace("\"epochs\"", "\"epoch\"");
        assert!(serde_json::from_str::<ExperimentSpec>(&typo).is_err());
        let zero = ExperimentSpec { epochs: 0, ..spec };
        assert!(zero.validate().is_err());
    }

    /// The hostile links the issue tried, each refused by the limits with the field named
    /// (before: a capacity-overflow panic, a page stuck loading, a frozen step counter).
    #[test]
    fn oversized_specs_are_refused_naming_field_value_and_limit() {
        let moons = || crate::spec::builtin::builtin("moons-adv", None, 0).unwrap();
        let refusal = |spec: ExperimentSpec| spec.validate().unwrap_err().to_string();

        let mut wide = moons();
        wide.model = ModelSpec::Mlp {
            hidden: vec![200_000, 200_000],
            activation: Default::default(),
            dropout: 0.0,
            inputs: None,
        };
        assert!(refusal(wide).contains("model.hidden[0]: 200000 units, over the limit of 2048"));

        let mut deep = moons();
        deep.model = ModelSpec::Mlp {
            hidden: vec![8; 5000],
            activation: Default::default(),
            dropout: 0.0,
            inputs: None,
        };
        assert!(refusal(deep).contains("model.hidden: 5000 layers, over the limit of 8"));

        let mut many = moons();
        let DataSpec::Toy(toy) = &mut many.data else { panic!("moons is a 2D set") };
        toy.points = 1_000_000_000;
        assert!(refusal(many).contains("data.points: 1000000000 points, over the limit of 20000"));

        let mut endless = moons();
        let adversarial = endless.regularization.adversarial.as_mut().unwrap();
        adversarial.adv_neighbor_config.pgd_iterations = 1_000_000_000;
        assert!(refusal(endless).contains(
            "regularization.adversarial.adv_neighbor_config.pgd_iterations: 1000000000 iterations, over the limit of 100"
        ));

        let long = ExperimentSpec { epochs: usize::MAX, ..moons() };
        assert!(refusal(long).contains("over the limit of 10000"));
        let named = ExperimentSpec { name: "x".repeat(201), ..moons() };
        assert!(refusal(named).contains("name: 201 characters"));
        moons().validate().unwrap();
    }

    #[test]
    fn typed_graph_data_goes_with_the_hetero_model_and_its_task() {
        let builtin = |name: &str| crate::spec::builtin::builtin(name, None, 0).unwrap();
        let refusal = |spec: ExperimentSpec| spec.validate().unwrap_err().to_string();
        let (mag, motifs) = (builtin("mag-mtalbis"), builtin("motifs-mtalbis"));
        mag.validate().unwrap();
        motifs.validate().unwrap();
        let json = serde_json::to_value(&motifs).unwrap();
        assert_eq!(json["task"]["kind"], "graph_classification");
        assert_eq!(json["data"]["kind"], "motifs");
        assert_eq!(json["model"]["readout"], "sum");

        let swapped = ExperimentSpec { task: TaskSpec::Classification, ..motifs.clone() };
        assert!(refusal(swapped).contains("graph classification"));
        let swapped = ExperimentSpec { task: TaskSpec::GraphClassification, ..mag.clone() };
        assert!(refusal(swapped).contains("node classification"));
        let mlp_on_mag = ExperimentSpec { model: builtin("moons-adv").model, ..mag.clone() };
        assert!(refusal(mlp_on_mag).contains("hetero"));
        let hetero_on_moons = ExperimentSpec { model: mag.model.clone(), ..builtin("moons-adv") };
        assert!(refusal(hetero_on_moons).contains("typed graphs"));
        let regularized =
            ExperimentSpec { regularization: builtin("moons-adv").regularization, ..mag.clone() };
        assert!(refusal(regularized).contains("without regularizers"));
        let graphs_of_moons = ExperimentSpec { task: TaskSpec::GraphClassification, ..builtin("moons-adv") };
        assert!(refusal(graphs_of_moons).contains("set of graphs"));

        let mut huge = motifs.clone();
        let DataSpec::Motifs(set) = &mut huge.data else { panic!("motif data") };
        set.graphs_per_class = 1_000_000;
        assert!(refusal(huge).contains("data.graphs_per_class: 1000000 graphs, over the limit of 20000"));
        let mut deep = mag.clone();
        let ModelSpec::Hetero { encoder, .. } = &mut deep.model else { panic!("the hetero model") };
        encoder.rounds = 100;
        assert!(refusal(deep).contains("model.encoder.rounds: 100 rounds"));
        let mut dense = mag;
        let DataSpec::Mag(graph) = &mut dense.data else { panic!("MAG data") };
        graph.citations_per_paper = 1_000_000_000;
        assert!(refusal(dense).contains("data.citations_per_paper: 1000000000 edges"));
    }

    #[test]
    fn link_scores_default_to_the_dot_product() {
        let mut spec = crate::spec::builtin::builtin("cora-linkpred", None, 0).unwrap();
        let mut json = serde_json::to_value(&spec).unwrap();
        assert_eq!(json["task"]["score"], "dot_product");
        json["task"].as_object_mut().unwrap().remove("score");
        assert_eq!(serde_json::from_value::<ExperimentSpec>(json.clone()).unwrap(), spec);
        json["task"]["score"] = "hadamard_product".into();
        let TaskSpec::LinkPrediction { score, .. } = &mut spec.task else { panic!("link prediction") };
        *score = LinkScore::HadamardProduct;
        assert_eq!(serde_json::from_value::<ExperimentSpec>(json.clone()).unwrap(), spec);
        json["task"]["score"] = "cosine".into();
        assert!(serde_json::from_value::<ExperimentSpec>(json).is_err());
    }
}
