//! Edits the controls make to the experiment spec: one variant per knob, applied by a pure
//! function. The reducer keeps the last configuration of each regularizer, so switching one off
//! and on again restores its knobs.

use nsl::config::{
    AdvNeighborConfig, AdvRegConfig, DistanceType, GraphRegConfig, NormType, Reduction, TransformType,
};
use nsl::config::{NgmConfig, NgmDistance};
use nsl::config::{Regularization, VatRegConfig};
use nsl::graph::SamplingStrategy;
use nsl::spec::Activation;
use nsl::spec::GnnKind;
use nsl::spec::GraphSource;
use nsl::spec::PlaneFeature;
use nsl::spec::RobustnessSpec;
use nsl::spec::SageAggregator;
use nsl::spec::SubgraphSampling;
use nsl::spec::ToySpec;
use nsl::spec::{DataSpec, ExperimentSpec, FgsmSpec, LinkScore, ModelSpec, TaskSpec};
use nsl::spec::{EdgeRule, EmbeddingSpec, SynthesizedSpec};
use serde::{Deserialize, Serialize};

use crate::drawing::DrawingEdit;
use crate::plane_points::PointEdit;
use crate::presets::{Family, preset};

/// Which regularizers are on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum RegKind {
    /// Plain supervised training.
    None,
    /// NSL graph regularization.
    Graph,
    /// NSL adversarial regularization.
    Adversarial,
    /// Both.
    GraphAdversarial,
    /// Virtual adversarial training.
    Virtual,
    /// Neural Graph Machines (full batch, MLP on graph data).
    Ngm,
}

/// Every kind with its label, in picker order.
pub const REG_KINDS: [(RegKind, &str); 6] = [
    (RegKind::None, "none"),
    (RegKind::Graph, "graph (NSL)"),
    (RegKind::Adversarial, "adversarial (NSL)"),
    (RegKind::GraphAdversarial, "graph + adversarial"),
    (RegKind::Virtual, "virtual adversarial (VAT)"),
    (RegKind::Ngm, "Neural Graph Machine (NGM)"),
];

impl RegKind {
    /// The kind in force in `r`.
    pub fn of(r: &Regularization) -> RegKind {
        if r.neural_graph_machine.is_some() {
            return RegKind::Ngm;
        }
        match (r.graph.is_some(), r.adversarial.is_some(), r.virtual_adversarial.is_some()) {
            (true, true, _) => RegKind::GraphAdversarial,
            (true, false, _) => RegKind::Graph,
            (false, true, _) => RegKind::Adversarial,
            (false, false, true) => RegKind::Virtual,
            (false, false, false) => RegKind::None,
        }
    }

    /// Whether the kind needs graph data.
    pub fn needs_graph(self) -> bool {
        matches!(self, RegKind::Graph | RegKind::GraphAdversarial | RegKind::Ngm)
    }
}

/// The model families of the model picker.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum ModelChoice {
    /// Dense layers on each row's features.
    Mlp,
    /// Graph convolution (Kipf & Welling).
    Gcn,
    /// GraphSAGE, mean aggregator.
    Sage,
    /// GATv2 attention.
    Gat,
    /// Convolution blocks (square images).
    Cnn,
}

/// Every model with its label, in picker order.
pub const MODELS: [(ModelChoice, &str); 5] = [
    (ModelChoice::Mlp, "MLP"),
    (ModelChoice::Cnn, "CNN (digits)"),
    (ModelChoice::Gcn, "GCN (graph convolution)"),
    (ModelChoice::Sage, "GraphSAGE (mean)"),
    (ModelChoice::Gat, "GAT (GATv2 attention)"),
];

impl ModelChoice {
    /// The choice `model` is; none for TF-GNN's hetero model, which the page does not train
    /// ([`page_trains`](crate::fragment::page_trains)).
    pub fn of(model: &ModelSpec) -> Option<ModelChoice> {
        match model {
            ModelSpec::Mlp { .. } => Some(ModelChoice::Mlp),
            ModelSpec::Cnn { .. } => Some(ModelChoice::Cnn),
            ModelSpec::Gnn { gnn: GnnKind::Gcn, .. } => Some(ModelChoice::Gcn),
            ModelSpec::Gnn { gnn: GnnKind::Sage { .. }, .. } => Some(ModelChoice::Sage),
            ModelSpec::Gnn { gnn: GnnKind::Gat { .. }, .. } => Some(ModelChoice::Gat),
            ModelSpec::Hetero { .. } => None,
        }
    }

    /// Whether the model can train on `data`: GNNs need a graph, the CNN images.
    pub fn fits(self, data: &DataSpec) -> bool {
        match self {
            ModelChoice::Mlp => true,
            ModelChoice::Cnn => matches!(data, DataSpec::Mnist { .. }),
            ModelChoice::Gcn | ModelChoice::Sage | ModelChoice::Gat => data.is_graph(),
        }
    }
}

/// The templates of TF-GNN's model the page offers on the MAG-like graph.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum HeteroTemplate {
    /// Dense layers on each paper alone (no messages: the baseline).
    Mlp,
    /// GCN over the paper → paper citations only.
    GcnOnCitations,
    /// MtAlbis over every edge set.
    MtAlbis,
}

impl HeteroTemplate {
    /// Every template with its label, in the model card's order.
    pub const ALL: [(HeteroTemplate, &'static str); 3] = [
        (HeteroTemplate::MtAlbis, "MtAlbis over every edge set"),
        (HeteroTemplate::GcnOnCitations, "GCN over the citations only (paper → paper)"),
        (HeteroTemplate::Mlp, "MLP: each paper alone, no messages"),
    ];

    /// The template of `model`.
    pub fn of(model: &nsl::config::tfgnn::HeteroModel) -> Self {
        match model {
            nsl::config::tfgnn::HeteroModel::Mlp => Self::Mlp,
            nsl::config::tfgnn::HeteroModel::Gcn { .. } => Self::GcnOnCitations,
            nsl::config::tfgnn::HeteroModel::MtAlbis(_) => Self::MtAlbis,
        }
    }
}

/// One change made by a control.
#[derive(Debug, Clone, PartialEq)]
pub enum Edit {
    /// Another data family (its preset setup, same seed).
    Family(Family),
    /// 2D set: noise level.
    Noise(f64),
    /// 2D set: fraction used for training.
    TrainFraction(f64),
    /// 2D set: number of points.
    Points(usize),
    /// 2D set: classes (blobs and spiral arms).
    Classes(usize),
    /// The learner's own points: a change (a 2D set drawn from a seed becomes the learner's
    /// own points first).
    OwnPoints(PointEdit),
    /// An MLP on the plane: an input feature on or off (x₁ and x₂ alone: the points as they
    /// are).
    InputFeature(PlaneFeature, bool),
    /// Another model family (widths and dropout kept).
    Model(ModelChoice),
    /// Hidden layer widths.
    Hidden(Vec<usize>),
    /// CNN: channels of each convolution block.
    Channels(Vec<usize>),
    /// CNN: width of the dense layer.
    Dense(usize),
    /// Hidden non-linearity.
    Activation(Activation),
    /// Dropout after hidden layers.
    Dropout(f64),
    /// Which regularizers are on.
    Kind(RegKind),
    /// Graph multiplier.
    GraphMultiplier(f64),
    /// Graph neighbors per sample.
    MaxNeighbors(usize),
    /// Graph distance.
    Distance(DistanceType),
    /// Graph distance reduction.
    Reduction(Reduction),
    /// Graph distance transform.
    Transform(TransformType),
    /// Adversarial (or VAT) multiplier.
    AdvMultiplier(f64),
    /// Adversarial step size.
    StepSize(f64),
    /// Gradient norm.
    Norm(NormType),
    /// PGD iterations.
    PgdIterations(usize),
    /// PGD ε-ball (`None`: unbounded).
    PgdEpsilon(Option<f64>),
    /// Clip range of perturbed inputs (`None`: no clipping).
    Clip(Option<(f64, f64)>),
    /// NGM weight of one edge type: 0 labeled–labeled, 1 labeled–unlabeled, 2 unlabeled–unlabeled.
    NgmAlpha(usize, f64),
    /// NGM warm-up epochs.
    NgmWarmup(usize),
    /// NGM edge term.
    NgmDistance(NgmDistance),
    /// Adam's learning rate.
    LearningRate(f64),
    /// Batch size.
    BatchSize(usize),
    /// L2 penalty on the weights.
    WeightDecay(f64),
    /// Epochs.
    Epochs(usize),
    /// Seed of everything.
    Seed(u64),
    /// FGSM ε of the evaluation (`None`: no attack measured).
    AttackEpsilon(Option<f64>),
    /// The robustness curve to measure (the clip range follows the data).
    Robustness(RobustnessSpec),
    /// A change to the drawn graph (when the data is a drawing).
    Drawing(DrawingEdit),
    /// Train on the graph the explorer read from files.
    TrainOnLoaded(nsl::spec::LoadedGraph),
    /// Train the base model beside the regularized one.
    Compare(bool),
    /// A GNN: train on sampled subgraphs (TF-GNN's way), the same GNN full batch beside it
    /// (on), or full batch (off).
    Sampled(bool),
    /// Sampled training: the fanout of hop `.0` (neighbors kept per node).
    Fanout(usize, usize),
    /// Sampled training: roots per step.
    SampledRoots(usize),
    /// Sampled training: how every hop picks its neighbors.
    SampledStrategy(SamplingStrategy),
    /// A GNN on a graph: predict held-out links (on) or classify nodes (off).
    LinkPrediction(bool),
    /// Link prediction: the embedding width (the encoder's output).
    LinkEmbedding(usize),
    /// Link prediction: how two embeddings score a link.
    LinkScore(LinkScore),
    /// Graph classification: how the node states pool into each graph's context vector.
    Readout(nsl::config::tfgnn::ReduceType),
    /// TF-GNN's model: rounds of message passing.
    Rounds(usize),
    /// TF-GNN's model on the MAG-like graph: its template.
    HeteroTemplate(HeteroTemplate),
    /// The MAG-like graph: Deep Graph Infomax trained beside the classification with this loss
    /// weight (`None`: the classification alone).
    Dgi(Option<f64>),
    /// MtAlbis: one of its knobs.
    MtAlbis(MtAlbisEdit),
    /// Digits or a 2D set: join the rows into a graph built from them (on), or train on the
    /// rows alone (off).
    BuildGraph(bool),
    /// A built graph: what is compared.
    GraphEmbedding(EmbeddingSpec),
    /// A built graph: which pairs become edges.
    GraphRule(EdgeRule),
    /// A built graph: labels kept per class (`None`: all).
    LabelsPerClass(Option<usize>),
}

/// The rule a graph built from `rows` starts with: NSL's cosine threshold on digits (pixel
/// vectors are all positive, so their angle says how alike two digits are); nearest neighbors
/// on a 2D set, where the angle of a point from the origin says little.
pub fn default_rule(rows: &DataSpec) -> EdgeRule {
    match rows {
        DataSpec::Mnist { .. } => EdgeRule::Cosine { threshold: 0.8, lsh_splits: 0, lsh_rounds: 1 },
        // Cora's bags of words: 2,653 pairs of papers share this much vocabulary, 64% of them
        // within a topic (the citations: 81%).
        DataSpec::Planetoid { .. } | DataSpec::Graph { .. } => {
            EdgeRule::Cosine { threshold: 0.35, lsh_splits: 0, lsh_rounds: 1 }
        }
        _ => EdgeRule::Knn { k: 5 },
    }
}

/// An MLP's input features with `feature` on or off, in TensorFlow Playground's order; x₁
/// and x₂ alone are the points as they are (`None`). No feature at all is refused by the
/// spec's check.
pub fn toggled_inputs(
    inputs: Option<&[PlaneFeature]>,
    feature: PlaneFeature,
    on: bool,
) -> Option<Vec<PlaneFeature>> {
    let current = PlaneFeature::read(inputs);
    let chosen: Vec<PlaneFeature> = PlaneFeature::ALL
        .into_iter()
        .filter(|f| if *f == feature { on } else { current.contains(f) })
        .collect();
    (chosen != PlaneFeature::POINT).then_some(chosen)
}

/// The rows a spec's data consists of: the data itself, or the rows a graph is built from.
pub fn rows_of(data: &DataSpec) -> &DataSpec {
    match data {
        DataSpec::Synthesized(built) => &built.rows,
        data => data,
    }
}

/// Last configurations of each regularizer, restored when it is switched back on.
#[derive(Debug, Clone, PartialEq)]
pub struct Remembered {
    /// Graph regularization.
    pub graph: GraphRegConfig,
    /// Adversarial regularization.
    pub adversarial: AdvRegConfig,
    /// VAT.
    pub virtual_adversarial: VatRegConfig,
    /// Neural Graph Machines.
    pub neural_graph_machine: NgmConfig,
}

impl Default for Remembered {
    fn default() -> Self {
        let mut graph = GraphRegConfig { multiplier: 0.5, ..Default::default() };
        graph.neighbor_config.max_neighbors = 5;
        Self {
            graph,
            adversarial: AdvRegConfig {
                multiplier: 0.2,
                adv_neighbor_config: AdvNeighborConfig { adv_step_size: 0.1, ..Default::default() },
            },
            virtual_adversarial: VatRegConfig { multiplier: 0.5, ..Default::default() },
            neural_graph_machine: NgmConfig::default(),
        }
    }
}

impl Remembered {
    /// Takes note of the configurations in force in `r`.
    pub fn note(&mut self, r: &Regularization) {
        if let Some(g) = r.graph {
            self.graph = g;
        }
        if let Some(a) = &r.adversarial {
            self.adversarial = a.clone();
        }
        if let Some(v) = &r.virtual_adversarial {
            self.virtual_adversarial = v.clone();
        }
        if let Some(n) = r.neural_graph_machine {
            self.neural_graph_machine = n;
        }
    }
}

/// `spec` after `edit` (knobs that do not apply to the current setup leave it unchanged).
pub fn apply(spec: &ExperimentSpec, edit: &Edit, remembered: &Remembered) -> ExperimentSpec {
    let mut next = spec.clone();
    let r = &mut next.regularization;
    let toy = |next: &mut ExperimentSpec, f: &dyn Fn(&mut ToySpec)| match &mut next.data {
        DataSpec::Toy(t) => f(t),
        DataSpec::Synthesized(built) => {
            if let DataSpec::Toy(t) = built.rows.as_mut() {
                f(t);
            }
        }
        _ => {}
    };
    let built = |next: &mut ExperimentSpec, f: &dyn Fn(&mut SynthesizedSpec)| {
        if let DataSpec::Synthesized(b) = &mut next.data {
            f(b);
        }
    };
    match edit {
        Edit::Family(family) => {
            next = preset(*family, spec.seed);
            next.compare_with_base = spec.compare_with_base;
        }
        Edit::Noise(v) => toy(&mut next, &|t| t.noise = *v as f32),
        Edit::TrainFraction(v) => toy(&mut next, &|t| t.train_fraction = *v as f32),
        Edit::Points(v) => toy(&mut next, &|t| t.points = *v),
        Edit::Classes(k) => toy(&mut next, &|t| t.classes = *k),
        Edit::OwnPoints(change) => {
            let points = match &next.data {
                DataSpec::Toy(toy) => {
                    let (train, test) = nsl::data::toy::generate(toy);
                    Some(crate::plane_points::from_examples(&train, &test))
                }
                DataSpec::Points(points) => Some(points.clone()),
                _ => None,
            };
            if let Some(points) = points {
                next.data = DataSpec::Points(crate::plane_points::apply(&points, change));
            }
        }
        Edit::InputFeature(feature, on) => {
            if let ModelSpec::Mlp { inputs, .. } = &mut next.model {
                *inputs = toggled_inputs(inputs.as_deref(), *feature, *on);
            }
        }
        Edit::Model(choice) => {
            let (hidden, dropout) = match &next.model {
                ModelSpec::Mlp { hidden, dropout, .. } | ModelSpec::Gnn { hidden, dropout, .. } => {
                    (hidden.clone(), *dropout)
                }
                ModelSpec::Cnn { dense, dropout, .. } => (vec![*dense], *dropout),
                ModelSpec::Hetero { encoder, .. } => (vec![encoder.hidden; encoder.rounds], 0.0),
            };
            let gnn = |gnn| ModelSpec::Gnn { gnn, hidden: hidden.clone(), dropout, sampling: None };
            if choice.fits(&next.data) {
                next.model = match choice {
                    ModelChoice::Mlp => {
                        ModelSpec::Mlp { hidden, activation: Activation::Relu, dropout, inputs: None }
                    }
                    ModelChoice::Cnn => ModelSpec::Cnn {
                        channels: vec![8, 16],
                        dense: hidden.first().copied().unwrap_or(64),
                        dropout,
                    },
                    ModelChoice::Gcn => gnn(GnnKind::Gcn),
                    ModelChoice::Sage => gnn(GnnKind::Sage { aggregator: SageAggregator::Mean }),
                    ModelChoice::Gat => gnn(GnnKind::Gat { heads: 4, output_heads: 1 }),
                };
                if matches!(next.model, ModelSpec::Gnn { .. }) {
                    // GNNs take graph and adversarial regularization, not VAT or NGM.
                    next.regularization.virtual_adversarial = None;
                    next.regularization.neural_graph_machine = None;
                }
            }
        }
        Edit::Hidden(widths) => match &mut next.model {
            ModelSpec::Mlp { hidden, .. } => hidden.clone_from(widths),
            ModelSpec::Gnn { hidden, sampling, .. } => {
                hidden.clone_from(widths);
                // A hop per layer: a layer more needs a hop more (as far as the last one).
                if let Some(s) = sampling {
                    let last = s.fanouts.last().copied().unwrap_or(SAMPLED_FANOUT);
                    s.fanouts.resize(widths.len() + 1, last);
                }
            }
            _ => {}
        },
        Edit::Channels(widths) => {
            if let ModelSpec::Cnn { channels, .. } = &mut next.model {
                channels.clone_from(widths);
            }
        }
        Edit::Dense(width) => {
            if let ModelSpec::Cnn { dense, .. } = &mut next.model {
                *dense = *width;
            }
        }
        Edit::Activation(a) => {
            if let ModelSpec::Mlp { activation, .. } = &mut next.model {
                *activation = *a;
            }
        }
        Edit::Dropout(d) => {
            if let ModelSpec::Mlp { dropout, .. }
            | ModelSpec::Gnn { dropout, .. }
            | ModelSpec::Cnn { dropout, .. } = &mut next.model
            {
                *dropout = *d;
            }
        }
        Edit::Kind(kind) => {
            let mut memory = remembered.clone();
            memory.note(r);
            let graph_ok = next.data.is_graph();
            r.graph = (matches!(kind, RegKind::Graph | RegKind::GraphAdversarial) && graph_ok)
                .then_some(memory.graph);
            r.adversarial = matches!(kind, RegKind::Adversarial | RegKind::GraphAdversarial)
                .then(|| memory.adversarial.clone());
            r.virtual_adversarial = (*kind == RegKind::Virtual).then(|| memory.virtual_adversarial.clone());
            let is_mlp = matches!(next.model, ModelSpec::Mlp { .. });
            r.neural_graph_machine =
                (*kind == RegKind::Ngm && graph_ok && is_mlp).then_some(memory.neural_graph_machine);
        }
        Edit::NgmAlpha(which, v) => r.neural_graph_machine.iter_mut().for_each(|n| {
            let alpha = match which {
                0 => &mut n.alpha_labeled_labeled,
                1 => &mut n.alpha_labeled_unlabeled,
                _ => &mut n.alpha_unlabeled_unlabeled,
            };
            *alpha = *v as f32;
        }),
        Edit::NgmWarmup(v) => r.neural_graph_machine.iter_mut().for_each(|n| n.warmup_epochs = *v),
        Edit::NgmDistance(d) => r.neural_graph_machine.iter_mut().for_each(|n| n.distance = *d),
        Edit::GraphMultiplier(v) => r.graph.iter_mut().for_each(|g| g.multiplier = *v as f32),
        Edit::MaxNeighbors(v) => r.graph.iter_mut().for_each(|g| g.neighbor_config.max_neighbors = *v),
        Edit::Distance(d) => r.graph.iter_mut().for_each(|g| g.distance_config.distance_type = *d),
        Edit::Reduction(d) => r.graph.iter_mut().for_each(|g| g.distance_config.reduction = *d),
        Edit::Transform(t) => r.graph.iter_mut().for_each(|g| g.distance_config.transform_fn = *t),
        Edit::AdvMultiplier(v) => {
            r.adversarial.iter_mut().for_each(|a| a.multiplier = *v as f32);
            r.virtual_adversarial.iter_mut().for_each(|a| a.multiplier = *v as f32);
        }
        Edit::StepSize(v) => neighbor_configs(r).for_each(|c| c.adv_step_size = *v as f32),
        Edit::Norm(n) => neighbor_configs(r).for_each(|c| c.adv_grad_norm = *n),
        Edit::PgdIterations(n) => neighbor_configs(r).for_each(|c| c.pgd_iterations = *n),
        Edit::PgdEpsilon(e) => neighbor_configs(r).for_each(|c| c.pgd_epsilon = e.map(|e| e as f32)),
        Edit::Clip(range) => neighbor_configs(r).for_each(|c| {
            c.clip_value_min = range.map(|(lo, _)| lo as f32);
            c.clip_value_max = range.map(|(_, hi)| hi as f32);
        }),
        Edit::LearningRate(v) => next.optimizer.learning_rate = *v,
        Edit::BatchSize(v) => next.optimizer.batch_size = *v,
        Edit::WeightDecay(v) => next.optimizer.weight_decay = *v,
        Edit::Epochs(v) => next.epochs = *v,
        Edit::Seed(seed) => {
            next.seed = *seed;
            toy(&mut next, &|t| t.seed = *seed);
            if let DataSpec::Graph { graph: GraphSource::Citation(sbm) } = &mut next.data {
                sbm.seed = *seed;
            }
        }
        Edit::AttackEpsilon(eps) => {
            let clip = next.data.input_range();
            next.evaluation.fgsm =
                eps.map(|e| FgsmSpec { epsilon: e as f32, clip_min: clip.0, clip_max: clip.1 });
        }
        Edit::Robustness(curve) => {
            let (clip_min, clip_max) = next.data.input_range();
            next.evaluation.robustness = Some(RobustnessSpec { clip_min, clip_max, ..*curve });
        }
        Edit::Drawing(change) => {
            if let DataSpec::Graph { graph: GraphSource::Drawn(drawing) } = &mut next.data {
                *drawing = crate::drawing::apply(drawing, change);
            }
        }
        Edit::TrainOnLoaded(graph) => next = crate::presets::loaded_graph(graph.clone(), spec.seed),
        Edit::Compare(on) => next.compare_with_base = *on,
        Edit::Sampled(on) => {
            if let ModelSpec::Gnn { hidden, sampling, .. } = &mut next.model {
                *sampling = on.then(|| SubgraphSampling {
                    fanouts: vec![SAMPLED_FANOUT; hidden.len() + 1],
                    batch_size: SAMPLED_ROOTS,
                    strategy: SamplingStrategy::RandomUniform,
                });
                if *on {
                    // Sampled training is unregularized; beside it, the same GNN full batch.
                    *r = Regularization::default();
                    next.compare_with_base = true;
                }
            }
        }
        Edit::Fanout(hop, v) => sampling_of(&mut next.model, &mut |s| {
            if let Some(f) = s.fanouts.get_mut(*hop) {
                *f = (*v).max(1);
            }
        }),
        Edit::SampledRoots(v) => sampling_of(&mut next.model, &mut |s| s.batch_size = (*v).max(1)),
        Edit::SampledStrategy(strategy) => sampling_of(&mut next.model, &mut |s| s.strategy = *strategy),
        Edit::LinkPrediction(on) => {
            if let ModelSpec::Gnn { sampling, .. } = &mut next.model {
                next.task = if *on {
                    // Link prediction trains alone, unregularized and full batch.
                    *sampling = None;
                    *r = Regularization::default();
                    next.compare_with_base = false;
                    TaskSpec::LinkPrediction {
                        embedding: LINK_EMBEDDING,
                        validation_fraction: 0.05,
                        test_fraction: 0.1,
                        score: LinkScore::DotProduct,
                    }
                } else {
                    TaskSpec::Classification
                };
            }
        }
        Edit::LinkEmbedding(width) => {
            if let TaskSpec::LinkPrediction { embedding, .. } = &mut next.task {
                *embedding = (*width).max(1);
            }
        }
        Edit::HeteroTemplate(template) => {
            if let ModelSpec::Hetero { encoder, .. } = &mut next.model {
                encoder.model = match template {
                    HeteroTemplate::Mlp => nsl::config::tfgnn::HeteroModel::Mlp,
                    HeteroTemplate::GcnOnCitations => nsl::config::tfgnn::HeteroModel::Gcn {
                        edge_set: nsl::graph::datasets::mag::CITES.into(),
                    },
                    HeteroTemplate::MtAlbis => {
                        nsl::config::tfgnn::HeteroModel::MtAlbis(nsl::config::tfgnn::MtAlbisConfig {
                            units: encoder.hidden,
                            message_dim: encoder.hidden,
                            ..Default::default()
                        })
                    }
                };
            }
        }
        Edit::Dgi(weight) => {
            if matches!(next.data, DataSpec::Mag(_)) {
                next.task = match weight {
                    Some(weight) => TaskSpec::Joint {
                        classification_weight: 1.0,
                        with: vec![nsl::spec::AuxiliaryTask::Dgi { weight: weight.clamp(0.001, 10.0) }],
                    },
                    None => TaskSpec::Classification,
                };
            }
        }
        Edit::Rounds(rounds) => {
            if let ModelSpec::Hetero { encoder, .. } = &mut next.model {
                encoder.rounds = (*rounds).max(1);
            }
        }
        Edit::MtAlbis(change) => {
            if let ModelSpec::Hetero { encoder, .. } = &mut next.model
                && let nsl::config::tfgnn::HeteroModel::MtAlbis(mt) = &mut encoder.model
            {
                match change {
                    MtAlbisEdit::Units(units) => {
                        mt.units = (*units).max(1);
                        encoder.hidden = mt.units;
                    }
                    MtAlbisEdit::MessageDim(dim) => mt.message_dim = (*dim).max(1),
                    MtAlbisEdit::Attention(attention) => mt.attention_type = *attention,
                    MtAlbisEdit::Reduce(reduce) => mt.simple_conv_reduce_type.clone_from(reduce),
                    MtAlbisEdit::Normalization(normalization) => mt.normalization_type = *normalization,
                    MtAlbisEdit::NextState(next_state) => mt.next_state_type = *next_state,
                    MtAlbisEdit::Combine(combine) => mt.edge_set_combine_type = *combine,
                    MtAlbisEdit::StateDropout(rate) => mt.state_dropout_rate = rate.clamp(0.0, 0.9),
                    MtAlbisEdit::EdgeDropout(rate) => mt.edge_dropout_rate = rate.clamp(0.0, 0.9),
                }
            }
        }
        Edit::Readout(reduce) => {
            if let ModelSpec::Hetero { readout, .. } = &mut next.model {
                readout.clone_from(reduce);
            }
        }
        Edit::LinkScore(choice) => {
            if let TaskSpec::LinkPrediction { score, .. } = &mut next.task {
                *score = *choice;
            }
        }
        Edit::BuildGraph(on) => build_graph(&mut next, *on, remembered),
        Edit::GraphEmbedding(embedding) => built(&mut next, &|b| b.embedding = *embedding),
        Edit::GraphRule(rule) => built(&mut next, &|b| b.edges = *rule),
        Edit::LabelsPerClass(kept) => built(&mut next, &|b| b.labels_per_class = *kept),
    }
    // A regularized GNN trains full batch (sampled training takes no regularization), and
    // classifies nodes (link prediction takes none either); only a GNN predicts links.
    if !next.regularization.is_none()
        && let ModelSpec::Gnn { sampling, .. } = &mut next.model
    {
        *sampling = None;
    }
    let gnn = matches!(next.model, ModelSpec::Gnn { .. });
    if matches!(next.task, TaskSpec::LinkPrediction { .. }) && (!gnn || !next.regularization.is_none()) {
        next.task = TaskSpec::Classification;
    }
    next
}

/// A change to one of MtAlbis' knobs (TF-GNN's `MtAlbisGraphUpdate` arguments).
#[derive(Debug, Clone, PartialEq)]
pub enum MtAlbisEdit {
    /// Width of the node states (`units`; the encoder's hidden width too).
    Units(usize),
    /// Width of the messages (`message_dim`).
    MessageDim(usize),
    /// The convolution on each edge set.
    Attention(nsl::config::tfgnn::AttentionType),
    /// How the simple convolution pools its messages.
    Reduce(nsl::config::tfgnn::ReduceType),
    /// Normalisation of the new states.
    Normalization(nsl::config::tfgnn::Normalization),
    /// Dense or residual next state.
    NextState(nsl::config::tfgnn::NextStateType),
    /// How several edge sets' messages combine.
    Combine(nsl::config::tfgnn::Combine),
    /// Dropout on the next state's inputs and output.
    StateDropout(f64),
    /// Dropout of whole edges.
    EdgeDropout(f64),
}

/// Embedding width when link prediction is turned on.
pub const LINK_EMBEDDING: usize = 16;

/// Neighbors kept per node and hop when sampled training is turned on (TF-GNN's examples use
/// 5 to 15).
pub const SAMPLED_FANOUT: usize = 5;
/// Roots per step when sampled training is turned on.
pub const SAMPLED_ROOTS: usize = 16;

/// Changes the sampling of a GNN trained on sampled subgraphs (other models: nothing).
fn sampling_of(model: &mut ModelSpec, change: &mut dyn FnMut(&mut SubgraphSampling)) {
    if let ModelSpec::Gnn { sampling: Some(s), .. } = model {
        change(s);
    }
}

/// Turns a graph built from the rows on (with graph regularization, and 10 labels per class
/// on digits, 5 on a 2D set — the semi-supervised setting where the graph pays) or off (back to
/// the rows, graph regularization and GNNs off). The epochs follow the number of labeled rows,
/// so that the run keeps about as many steps.
fn build_graph(next: &mut ExperimentSpec, on: bool, remembered: &Remembered) {
    let labeled_share = |rows: &DataSpec, per_class: usize| -> f64 {
        match rows {
            DataSpec::Mnist { train, .. } => (10 * per_class) as f64 / (*train).max(1) as f64,
            DataSpec::Toy(toy) => {
                (toy.drawn_classes() * per_class) as f64
                    / (toy.points as f64 * f64::from(toy.train_fraction)).max(1.0)
            }
            _ => 1.0,
        }
        .min(1.0)
    };
    let scaled = |epochs: usize, factor: f64| ((epochs as f64 * factor).round() as usize).clamp(1, 10_000);
    match (&next.data, on) {
        (
            DataSpec::Mnist { .. }
            | DataSpec::Toy(_)
            | DataSpec::Planetoid { .. }
            | DataSpec::Graph { graph: GraphSource::Loaded(_) },
            true,
        ) => {
            let rows = next.data.clone();
            // A node table keeps as many labels as Cora's public split has (20 a topic).
            let per_class = match rows {
                DataSpec::Mnist { .. } => 10,
                DataSpec::Toy(_) => 5,
                _ => 20,
            };
            next.epochs = scaled(next.epochs, 1.0 / labeled_share(&rows, per_class));
            let labels_per_class = Some(per_class);
            next.data = DataSpec::Synthesized(SynthesizedSpec {
                edges: default_rule(&rows),
                rows: Box::new(rows),
                embedding: EmbeddingSpec::Raw,
                labels_per_class,
                seed: 0,
            });
            // One idea at a time: the graph's regularizer alone (the adversarial one of the
            // digits' preset would blur what the graph adds).
            if next.regularization.neural_graph_machine.is_none() {
                next.regularization.graph = Some(next.regularization.graph.unwrap_or(remembered.graph));
            }
            next.regularization.adversarial = None;
            next.regularization.virtual_adversarial = None;
            if matches!(next.model, ModelSpec::Cnn { .. }) {
                next.model = ModelSpec::Mlp {
                    hidden: vec![64],
                    activation: Activation::Relu,
                    dropout: 0.0,
                    inputs: None,
                };
            }
        }
        (DataSpec::Synthesized(built), false) => {
            if let Some(per_class) = built.labels_per_class {
                next.epochs = scaled(next.epochs, labeled_share(&built.rows, per_class));
            }
            next.data = (*built.rows).clone();
            if matches!(next.data, DataSpec::Planetoid { .. } | DataSpec::Graph { .. }) {
                // Back to the node table's own edges, which keep the graph's regularizer and
                // models.
                return;
            }
            next.regularization.graph = None;
            next.regularization.neural_graph_machine = None;
            if let ModelSpec::Gnn { hidden, dropout, .. } = &next.model {
                next.model = ModelSpec::Mlp {
                    hidden: hidden.clone(),
                    activation: Activation::Relu,
                    dropout: *dropout,
                    inputs: None,
                };
            }
        }
        _ => {}
    }
}

/// The drawing `spec` trains on, if its data is drawn.
pub fn drawing_of(spec: &ExperimentSpec) -> Option<&nsl::spec::drawn::DrawnGraph> {
    match &spec.data {
        DataSpec::Graph { graph: GraphSource::Drawn(drawing) } => Some(drawing),
        _ => None,
    }
}

/// The adversarial neighbor configurations in force (adversarial regularization and VAT).
fn neighbor_configs(r: &mut Regularization) -> impl Iterator<Item = &mut AdvNeighborConfig> {
    r.adversarial
        .iter_mut()
        .map(|a| &mut a.adv_neighbor_config)
        .chain(r.virtual_adversarial.iter_mut().map(|v| &mut v.config.adv_neighbor_config))
}

/// Parses hidden widths typed as `8, 8` (empty: no hidden layer).
pub fn parse_hidden(text: &str) -> Result<Vec<usize>, String> {
    text.split([',', ' '])
        .filter(|w| !w.trim().is_empty())
        .map(|w| match w.trim().parse::<usize>() {
            Ok(n) if (1..=512).contains(&n) => Ok(n),
            _ => Err(format!("{w:?} is not a width between 1 and 512")),
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::presets::opening_scene;
    use nsl::spec::ToyShape;

    #[test]
    fn input_features_toggle_in_tensorflow_playgrounds_order() {
        let memory = Remembered::default();
        let spec = opening_scene();
        let squared = apply(&spec, &Edit::InputFeature(PlaneFeature::X2Squared, true), &memory);
        let squared = apply(&squared, &Edit::InputFeature(PlaneFeature::X1Squared, true), &memory);
        let ModelSpec::Mlp { inputs, .. } = &squared.model else { panic!("an MLP") };
        let expected = [PlaneFeature::X1, PlaneFeature::X2, PlaneFeature::X1Squared, PlaneFeature::X2Squared];
        assert_eq!(inputs.as_deref(), Some(&expected[..]));
        squared.validate().unwrap();
        let only_squares = apply(&squared, &Edit::InputFeature(PlaneFeature::X1, false), &memory);
        let only_squares = apply(&only_squares, &Edit::InputFeature(PlaneFeature::X2, false), &memory);
        let ModelSpec::Mlp { inputs, .. } = &only_squares.model else { panic!("an MLP") };
        assert_eq!(inputs.as_deref(), Some(&expected[2..]));
        let plain = apply(&squared, &Edit::InputFeature(PlaneFeature::X1Squared, false), &memory);
        let plain = apply(&plain, &Edit::InputFeature(PlaneFeature::X2Squared, false), &memory);
        assert_eq!(plain.model, spec.model, "x₁ and x₂ alone: the points as they are");
        let none = apply(
            &apply(&spec, &Edit::InputFeature(PlaneFeature::X1, false), &memory),
            &Edit::InputFeature(PlaneFeature::X2, false),
            &memory,
        );
        assert!(none.validate().is_err(), "a model reads at least one feature");
    }

    #[test]
    fn the_first_point_edit_makes_a_2d_set_the_learners_own() {
        let memory = Remembered::default();
        let spec = opening_scene();
        let DataSpec::Toy(toy) = &spec.data else { panic!("a 2D set") };
        let (train, test) = nsl::data::toy::generate(toy);
        let added =
            apply(&spec, &Edit::OwnPoints(PointEdit::Add { x: 0.3, y: 0.2, class: 2, test: false }), &memory);
        let DataSpec::Points(points) = &added.data else { panic!("own points") };
        assert_eq!((points.train.len(), points.test.len()), (train.len() + 1, test.len()));
        assert_eq!(points.train[0], nsl::spec::PlanePoint(train.row(0)[0], train.row(0)[1], train.labels[0]));
        assert_eq!(points.classes(), 3, "a third class starts with its first point");
        added.validate().unwrap();
        assert_eq!(Family::of(&added.data), Some(Family::OwnPoints));
        // The seed no longer draws the points; the model's seed still changes.
        let reseeded = apply(&added, &Edit::Seed(9), &memory);
        assert_eq!((reseeded.data.clone(), reseeded.seed), (added.data.clone(), 9));
        let digits = apply(&spec, &Edit::Family(Family::Digits), &memory);
        let untouched = apply(
            &digits,
            &Edit::OwnPoints(PointEdit::Add { x: 0.0, y: 0.0, class: 0, test: false }),
            &memory,
        );
        assert_eq!(untouched, digits, "digits are not points of the plane");
        let own = preset(Family::OwnPoints, 0);
        own.validate().unwrap();
        let blobs = apply(
            &apply(&spec, &Edit::Family(Family::Plane(ToyShape::Blobs)), &memory),
            &Edit::Classes(4),
            &memory,
        );
        let DataSpec::Toy(toy) = &blobs.data else { panic!("blobs") };
        assert_eq!(toy.classes, 4);
        blobs.validate().unwrap();
    }

    #[test]
    fn knobs_change_the_spec_and_regularizers_remember_their_settings() {
        let memory = Remembered::default();
        let spec = opening_scene();
        let spec = apply(&spec, &Edit::AdvMultiplier(0.9), &memory);
        let spec = apply(&spec, &Edit::StepSize(0.05), &memory);
        let spec = apply(&spec, &Edit::Norm(NormType::L1), &memory);
        let adv = spec.regularization.adversarial.clone().unwrap();
        assert_eq!((adv.multiplier, adv.adv_neighbor_config.adv_step_size), (0.9, 0.05));
        assert_eq!(adv.adv_neighbor_config.adv_grad_norm, NormType::L1);

        let mut memory = Remembered::default();
        memory.note(&spec.regularization);
        let off = apply(&spec, &Edit::Kind(RegKind::None), &memory);
        assert!(off.regularization.is_none());
        let on = apply(&off, &Edit::Kind(RegKind::Adversarial), &memory);
        assert_eq!(on.regularization.adversarial, Some(adv), "restored");
        // Graph regularization needs graph data: on a 2D set only the adversarial part turns on.
        let both = apply(&on, &Edit::Kind(RegKind::GraphAdversarial), &memory);
        assert!(both.regularization.graph.is_none() && both.regularization.adversarial.is_some());
        both.validate().unwrap();
    }

    #[test]
    fn family_seed_and_data_edits() {
        let memory = Remembered::default();
        let spec = apply(&opening_scene(), &Edit::Seed(7), &memory);
        let DataSpec::Toy(toy) = &spec.data else { panic!("toy") };
        assert_eq!((spec.seed, toy.seed), (7, 7));
        let spec = apply(&spec, &Edit::Noise(0.4), &memory);
        let spec = apply(&spec, &Edit::Family(Family::Plane(ToyShape::Spiral)), &memory);
        let DataSpec::Toy(toy) = &spec.data else { panic!("toy") };
        assert_eq!((toy.shape, toy.seed, spec.compare_with_base), (ToyShape::Spiral, 7, true));
        let karate = apply(&spec, &Edit::Family(Family::Karate), &memory);
        let karate = apply(&karate, &Edit::MaxNeighbors(3), &memory);
        assert_eq!(karate.regularization.graph.unwrap().neighbor_config.max_neighbors, 3);
        let digits = apply(&spec, &Edit::Family(Family::Digits), &memory);
        let digits = apply(&digits, &Edit::AttackEpsilon(Some(0.2)), &memory);
        assert_eq!(digits.evaluation.fgsm.unwrap().clip_max, Some(1.0));
        let wider = RobustnessSpec { max_epsilon: 0.5, clip_max: None, ..Default::default() };
        let digits = apply(&digits, &Edit::Robustness(wider), &memory);
        let curve = digits.evaluation.robustness.unwrap();
        assert_eq!((curve.max_epsilon, curve.clip_max), (0.5, Some(1.0)), "pixels stay in [0, 1]");
        assert_eq!(parse_hidden("8, 16").unwrap(), vec![8, 16]);
        assert!(parse_hidden("8, x").is_err() && parse_hidden("0").is_err());
        assert!(parse_hidden("").unwrap().is_empty());

        let gcn = apply(&karate, &Edit::Model(ModelChoice::Gcn), &memory);
        assert_eq!(ModelChoice::of(&gcn.model), Some(ModelChoice::Gcn));
        gcn.validate().unwrap();
        let gat =
            apply(&apply(&gcn, &Edit::Model(ModelChoice::Gat), &memory), &Edit::Hidden(vec![4]), &memory);
        let ModelSpec::Gnn { hidden, .. } = &gat.model else { panic!("gnn") };
        assert_eq!(hidden, &vec![4]);
        let back = apply(&gat, &Edit::Model(ModelChoice::Mlp), &memory);
        assert_eq!(ModelChoice::of(&back.model), Some(ModelChoice::Mlp));
        let ngm = apply(&karate, &Edit::Kind(RegKind::Ngm), &memory);
        let ngm = apply(&ngm, &Edit::NgmAlpha(2, 1.5), &memory);
        ngm.validate().unwrap();
        assert_eq!(RegKind::of(&ngm.regularization), RegKind::Ngm);
        assert_eq!(ngm.regularization.neural_graph_machine.unwrap().alpha_unlabeled_unlabeled, 1.5);
        assert!(ngm.regularization.graph.is_none(), "NGM runs alone");
        let cnn = apply(&digits, &Edit::Model(ModelChoice::Cnn), &memory);
        let cnn = apply(&apply(&cnn, &Edit::Channels(vec![4]), &memory), &Edit::Dense(32), &memory);
        assert_eq!(cnn.model, ModelSpec::Cnn { channels: vec![4], dense: 32, dropout: 0.0 });
        cnn.validate().unwrap();
        assert_eq!(
            ModelChoice::of(&apply(&karate, &Edit::Model(ModelChoice::Cnn), &memory).model),
            Some(ModelChoice::Mlp)
        );
        let plane = apply(&opening_scene(), &Edit::Model(ModelChoice::Gcn), &memory);
        assert_eq!(ModelChoice::of(&plane.model), Some(ModelChoice::Mlp), "no GNN without a graph");
    }

    #[test]
    fn a_graph_built_from_the_rows_is_switched_on_tuned_and_off() {
        let memory = Remembered::default();
        let digits = apply(&opening_scene(), &Edit::Family(Family::Digits), &memory);
        let cnn = apply(&digits, &Edit::Model(ModelChoice::Cnn), &memory);
        let built = apply(&cnn, &Edit::BuildGraph(true), &memory);
        let DataSpec::Synthesized(b) = &built.data else { panic!("a graph from the digits") };
        assert_eq!((b.labels_per_class, b.edges), (Some(10), default_rule(&digits.data)));
        assert_eq!(rows_of(&built.data), &digits.data, "the same digits underneath");
        assert!(built.regularization.graph.is_some(), "graph regularization comes with the graph");
        assert_eq!(RegKind::of(&built.regularization), RegKind::Graph, "and alone");
        assert_eq!(
            ModelChoice::of(&built.model),
            Some(ModelChoice::Mlp),
            "a CNN does not train on graph rows"
        );
        built.validate().unwrap();
        let rule = EdgeRule::Cosine { threshold: 0.95, lsh_splits: 4, lsh_rounds: 2 };
        let tuned = apply(&built, &Edit::GraphRule(rule), &memory);
        let tuned = apply(&tuned, &Edit::GraphEmbedding(EmbeddingSpec::Pca { dims: 16 }), &memory);
        let tuned = apply(&tuned, &Edit::LabelsPerClass(Some(3)), &memory);
        let DataSpec::Synthesized(b) = &tuned.data else { panic!("still built") };
        assert_eq!(
            (b.edges, b.embedding, b.labels_per_class),
            (rule, EmbeddingSpec::Pca { dims: 16 }, Some(3))
        );
        let gcn = apply(&tuned, &Edit::Model(ModelChoice::Gcn), &memory);
        assert_eq!(ModelChoice::of(&gcn.model), Some(ModelChoice::Gcn), "a GNN trains on the built graph");
        let off = apply(&gcn, &Edit::BuildGraph(false), &memory);
        assert_eq!(off.data, digits.data);
        let back = apply(&built, &Edit::BuildGraph(false), &memory);
        assert_eq!((built.epochs, back.epochs), (10 * digits.epochs, digits.epochs), "about as many steps");
        assert!(off.regularization.graph.is_none() && ModelChoice::of(&off.model) == Some(ModelChoice::Mlp));
        off.validate().unwrap();

        let plane = apply(&opening_scene(), &Edit::BuildGraph(true), &memory);
        let plane = apply(&apply(&plane, &Edit::Noise(0.3), &memory), &Edit::Seed(4), &memory);
        let DataSpec::Synthesized(b) = &plane.data else { panic!("a graph over the points") };
        let DataSpec::Toy(toy) = b.rows.as_ref() else { panic!("toy rows") };
        assert_eq!(
            (toy.noise, toy.seed, b.edges),
            (0.3, 4, EdgeRule::Knn { k: 5 }),
            "the 2D knobs reach the rows"
        );
        plane.validate().unwrap();

        // Cora's papers joined by their words instead of their citations, and back.
        let cora = apply(&opening_scene(), &Edit::Family(Family::Cora), &memory);
        let words = apply(&cora, &Edit::BuildGraph(true), &memory);
        let DataSpec::Synthesized(b) = &words.data else { panic!("a graph from the node table") };
        assert_eq!((b.labels_per_class, b.rows.as_ref()), (Some(20), &cora.data), "the public split's count");
        assert_eq!((words.epochs, words.model.clone()), (cora.epochs, cora.model.clone()), "the same run");
        words.validate().unwrap();
        let citations = apply(&words, &Edit::BuildGraph(false), &memory);
        assert_eq!(citations, cora, "back to the citations, with their regularizer");

        // A graph opened in the explorer is a node table too.
        let opened = nsl::spec::LoadedGraph { name: "cora".into(), nodes: 2708, edges: 5278 };
        let loaded = apply(&opening_scene(), &Edit::TrainOnLoaded(opened), &memory);
        let joined = apply(&loaded, &Edit::BuildGraph(true), &memory);
        let DataSpec::Synthesized(b) = &joined.data else { panic!("a graph from the opened table") };
        assert_eq!((b.rows.as_ref(), b.labels_per_class), (&loaded.data, Some(20)));
        joined.validate().unwrap();
        assert_eq!(apply(&joined, &Edit::BuildGraph(false), &memory), loaded, "and back to its own edges");
    }

    #[test]
    fn sampled_training_turns_on_beside_full_batch_and_off_with_a_regularizer() {
        let memory = Remembered::default();
        let mut spec = preset(Family::Citation, 0);
        spec.compare_with_base = false;
        let gcn = apply(&spec, &Edit::Model(ModelChoice::Gcn), &memory);
        assert!(!gcn.regularization.is_none(), "the citation preset regularizes");
        let sampled = apply(&gcn, &Edit::Sampled(true), &memory);
        sampled.validate().unwrap();
        assert!(sampled.regularization.is_none() && sampled.compares_with_base());
        let ModelSpec::Gnn { hidden, sampling: Some(s), .. } = &sampled.model else { panic!("sampled") };
        assert_eq!(s.fanouts.len(), hidden.len() + 1, "a hop per layer");
        let deeper = apply(&sampled, &Edit::Hidden(vec![16, 16]), &memory);
        let deeper = apply(&deeper, &Edit::Fanout(2, 3), &memory);
        let deeper = apply(&deeper, &Edit::SampledRoots(4), &memory);
        let deeper = apply(&deeper, &Edit::SampledStrategy(SamplingStrategy::TopK), &memory);
        let ModelSpec::Gnn { sampling: Some(s), .. } = &deeper.model else { panic!("sampled") };
        assert_eq!((s.fanouts.clone(), s.batch_size, s.strategy), (vec![5, 5, 3], 4, SamplingStrategy::TopK));
        let graph = apply(&deeper, &Edit::Kind(RegKind::Graph), &memory);
        graph.validate().unwrap();
        assert!(matches!(graph.model, ModelSpec::Gnn { sampling: None, .. }), "regularized: full batch");
        let off = apply(&sampled, &Edit::Sampled(false), &memory);
        assert!(matches!(off.model, ModelSpec::Gnn { sampling: None, .. }));
    }

    #[test]
    fn link_prediction_turns_on_for_a_gnn_alone_and_off_with_a_regularizer_or_an_mlp() {
        let memory = Remembered::default();
        let gcn = apply(&preset(Family::Citation, 0), &Edit::Model(ModelChoice::Gcn), &memory);
        let links = apply(&gcn, &Edit::LinkPrediction(true), &memory);
        links.validate().unwrap();
        assert!(links.regularization.is_none() && !links.compares_with_base());
        let links = apply(&links, &Edit::LinkEmbedding(8), &memory);
        let links = apply(&links, &Edit::LinkScore(LinkScore::HadamardProduct), &memory);
        assert!(matches!(
            links.task,
            TaskSpec::LinkPrediction { embedding: 8, score: LinkScore::HadamardProduct, .. }
        ));
        assert_eq!(links.plan(), nsl::spec::Plan::LinkPrediction);
        let graph = apply(&links, &Edit::Kind(RegKind::Graph), &memory);
        assert_eq!(graph.task, TaskSpec::Classification, "a regularizer: back to classifying nodes");
        graph.validate().unwrap();
        let mlp = apply(&links, &Edit::Model(ModelChoice::Mlp), &memory);
        assert_eq!(mlp.task, TaskSpec::Classification, "only a GNN predicts links");
        mlp.validate().unwrap();
    }

    #[test]
    fn the_mag_model_and_deep_graph_infomax_are_edits_that_keep_it_valid() {
        use nsl::config::tfgnn::HeteroModel;
        let memory = Remembered::default();
        let mag = preset(Family::Mag, 0);
        let joint = apply(&mag, &Edit::Dgi(Some(0.2)), &memory);
        joint.validate().unwrap();
        assert_eq!(joint.task.dgi_weight(), Some(0.2));
        assert_eq!(apply(&joint, &Edit::Dgi(None), &memory).task, TaskSpec::Classification);
        for template in [HeteroTemplate::Mlp, HeteroTemplate::GcnOnCitations, HeteroTemplate::MtAlbis] {
            let spec = apply(&joint, &Edit::HeteroTemplate(template), &memory);
            spec.validate().unwrap();
            let ModelSpec::Hetero { encoder, .. } = &spec.model else { panic!("the hetero model") };
            assert_eq!(
                matches!(encoder.model, HeteroModel::Mlp),
                template == HeteroTemplate::Mlp,
                "{template:?}"
            );
        }
        let motifs = preset(Family::Motifs, 0);
        assert_eq!(
            apply(&motifs, &Edit::Dgi(Some(0.1)), &memory).task,
            motifs.task,
            "DGI is for the MAG-like graph"
        );
    }

    #[test]
    fn mtalbis_knobs_change_the_motifs_model_and_keep_it_valid() {
        use nsl::config::tfgnn::{AttentionType, HeteroModel, NextStateType};
        let memory = Remembered::default();
        let motifs = preset(Family::Motifs, 0);
        let mut spec = apply(&motifs, &Edit::Rounds(2), &memory);
        for change in [
            MtAlbisEdit::Units(16),
            MtAlbisEdit::MessageDim(8),
            MtAlbisEdit::Attention(AttentionType::GatV2),
            MtAlbisEdit::NextState(NextStateType::Residual),
            MtAlbisEdit::StateDropout(0.1),
        ] {
            spec = apply(&spec, &Edit::MtAlbis(change), &memory);
            spec.validate().unwrap();
        }
        let ModelSpec::Hetero { encoder, .. } = &spec.model else { panic!("the hetero model") };
        let HeteroModel::MtAlbis(mt) = &encoder.model else { panic!("MtAlbis") };
        assert_eq!((encoder.rounds, encoder.hidden, mt.units, mt.message_dim), (2, 16, 16, 8));
        assert_eq!(
            (mt.attention_type, mt.next_state_type, mt.state_dropout_rate),
            (AttentionType::GatV2, NextStateType::Residual, 0.1)
        );
    }
}
