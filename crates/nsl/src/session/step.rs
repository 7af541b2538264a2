//! One contract for every step-wise session, whatever the model family: the playground's
//! worker holds `Box<dyn StepSession>`s and drives them alike (bursts of steps, one snapshot
//! read-back, knob changes from the next step, measurements). [`open`] picks the session a
//! spec's [`Plan`] needs.

use burn::tensor::{Device, Int, Tensor};

use super::graphs::GraphSession;
use super::hetero::HeteroSession;
use super::inspect::PendingInspection;
use super::links::LinkSession;
use super::nodes::NodeSession;
use super::probe::{PendingProbe, ProbeSpec};
use super::rows::Session;
use super::snapshot::{PendingProgress, SnapshotOptions};
use crate::config::AdvNeighborConfig;
use crate::data::TrainingData;
use crate::data::planetoid::Planetoid;
use crate::error::{NslError, Result};
use crate::gnn::hetero::encoder::RoundUpdate;
use crate::spec::{ExperimentSpec, Plan};

/// Integrated-gradients steps of a graph node's attribution (each a forward and backward pass
/// over the whole graph; a heat map needs no more precision).
pub const ATTRIBUTION_STEPS: usize = 16;

/// A model trained step by step.
pub trait StepSession: std::fmt::Debug {
    /// The spec in force.
    fn spec(&self) -> &ExperimentSpec;

    /// Whether a change to `spec` can apply from the next step (only knobs changed).
    fn accepts(&self, spec: &ExperimentSpec) -> bool;

    /// Applies a changed spec from the next step; an error when it needs a new session.
    fn apply(&mut self, spec: &ExperimentSpec) -> Result<()>;

    /// Optimizer steps taken.
    fn steps_done(&self) -> usize;

    /// Optimizer steps in one epoch.
    fn steps_per_epoch(&self) -> usize;

    /// Training and test rows (or nodes).
    fn split_sizes(&self) -> (usize, usize);

    /// Runs `steps` optimizer steps; losses stay on the device until the next snapshot.
    fn run_steps(&mut self, steps: usize) -> Result<()>;

    /// Everything the view shows of the model now, in one buffer to read back.
    fn snapshot(&mut self, options: &SnapshotOptions) -> Result<PendingProgress>;

    /// Graph node `node`: its graph-regularization neighbors and their terms, and for GNNs the
    /// attribution of its prediction and a GAT's attention.
    fn inspect_node(&self, node: usize) -> Result<PendingInspection>;

    /// Which node sets each round of message passing updates, over which edge sets (TF-GNN's
    /// models on a heterogeneous graph; `None` for others).
    fn round_updates(&self) -> Option<Vec<Vec<RoundUpdate>>> {
        None
    }

    /// One perturbation of some test rows and the model's answers (row models only).
    fn probe(&self, _spec: &ProbeSpec) -> Result<PendingProbe> {
        Err(rows_only())
    }

    /// How many test rows stay correct under `attack` (one robustness point; row models only).
    fn correct_under_attack(&self, _attack: &AdvNeighborConfig) -> Result<Tensor<1, Int>> {
        Err(rows_only())
    }
}

/// Why a model trained over a whole graph takes no row perturbations or robustness curves.
pub fn rows_only() -> NslError {
    NslError::Config(
        "perturbations and robustness curves are shown for MLPs and CNNs on rows, not for models trained over a whole graph"
            .into(),
    )
}

/// A fresh session for `spec` on `device`, trained as `plan` says: minibatches of `data`'s rows,
/// or over `graph` (loaded from the spec's data when not given), full batch or on sampled
/// subgraphs as `spec`'s model says. The plan is the setup's (its regularized spec's), so that
/// a base model trains the way the model beside it does: the base of a Neural Graph Machine is
/// the same MLP full batch without graph terms, the base of a sampled GNN the GNN full batch.
///
/// A link-prediction spec trains its GNN encoder over `graph`, one full-batch step per epoch.
///
/// A graph-classification spec trains on the set of small graphs its data generates.
///
/// A node task on a heterogeneous graph trains TF-GNN's model over the MAG-like graph its data
/// generates, full batch.
///
/// # Errors
/// When the rows a minibatch session needs were not loaded, and for what no session steps
/// (sampled training of a heterogeneous graph: `nsl train` runs it).
pub fn open(
    spec: &ExperimentSpec,
    plan: Plan,
    data: Option<&TrainingData>,
    graph: Option<&Planetoid>,
    device: &Device,
) -> Result<Box<dyn StepSession>> {
    match (plan, data) {
        (Plan::Minibatch, Some(data)) => Ok(Box::new(Session::with_data(spec, data.clone(), device)?)),
        (Plan::Minibatch, None) => Err(NslError::Config("no training rows were loaded".into())),
        (Plan::FullBatch | Plan::SampledSubgraphs, _) => Ok(Box::new(match graph {
            Some(graph) => NodeSession::with_graph(spec, graph, device)?,
            None => NodeSession::new(spec, device)?,
        })),
        (Plan::LinkPrediction, _) => Ok(Box::new(match graph {
            Some(graph) => LinkSession::with_graph(spec, graph, device)?,
            None => LinkSession::new(spec, device)?,
        })),
        (Plan::GraphClassification, _) => Ok(Box::new(GraphSession::new(spec, device)?)),
        (Plan::HeteroNodes, _) => Ok(Box::new(HeteroSession::new(spec, device)?)),
    }
}

impl StepSession for Session {
    fn spec(&self) -> &ExperimentSpec {
        Session::spec(self)
    }
    fn accepts(&self, spec: &ExperimentSpec) -> bool {
        Session::accepts(self, spec)
    }
    fn apply(&mut self, spec: &ExperimentSpec) -> Result<()> {
        Session::apply(self, spec)
    }
    fn steps_done(&self) -> usize {
        Session::steps_done(self)
    }
    fn steps_per_epoch(&self) -> usize {
        Session::steps_per_epoch(self)
    }
    fn split_sizes(&self) -> (usize, usize) {
        (self.data().train.len(), self.data().test.len())
    }
    fn run_steps(&mut self, steps: usize) -> Result<()> {
        Session::run_steps(self, steps)
    }
    fn snapshot(&mut self, options: &SnapshotOptions) -> Result<PendingProgress> {
        Session::snapshot(self, options)
    }
    fn inspect_node(&self, node: usize) -> Result<PendingInspection> {
        Session::inspect_node(self, node)
    }
    fn probe(&self, spec: &ProbeSpec) -> Result<PendingProbe> {
        Session::probe(self, spec)
    }
    fn correct_under_attack(&self, attack: &AdvNeighborConfig) -> Result<Tensor<1, Int>> {
        Session::correct_under_attack(self, attack)
    }
}

impl StepSession for NodeSession {
    fn spec(&self) -> &ExperimentSpec {
        NodeSession::spec(self)
    }
    fn accepts(&self, spec: &ExperimentSpec) -> bool {
        NodeSession::accepts(self, spec)
    }
    fn apply(&mut self, spec: &ExperimentSpec) -> Result<()> {
        NodeSession::apply(self, spec)
    }
    fn steps_done(&self) -> usize {
        NodeSession::steps_done(self)
    }
    fn steps_per_epoch(&self) -> usize {
        NodeSession::steps_per_epoch(self)
    }
    fn split_sizes(&self) -> (usize, usize) {
        NodeSession::split_sizes(self)
    }
    fn run_steps(&mut self, steps: usize) -> Result<()> {
        NodeSession::run_steps(self, steps)
    }
    /// Full-batch snapshots have no heatmap or sample rows; they take the options' embeddings.
    fn snapshot(&mut self, options: &SnapshotOptions) -> Result<PendingProgress> {
        NodeSession::snapshot(self, options)
    }
    fn inspect_node(&self, node: usize) -> Result<PendingInspection> {
        NodeSession::inspect_node(self, node, ATTRIBUTION_STEPS)
    }
}

impl StepSession for LinkSession {
    fn spec(&self) -> &ExperimentSpec {
        LinkSession::spec(self)
    }
    fn accepts(&self, spec: &ExperimentSpec) -> bool {
        LinkSession::accepts(self, spec)
    }
    fn apply(&mut self, spec: &ExperimentSpec) -> Result<()> {
        LinkSession::apply(self, spec)
    }
    fn steps_done(&self) -> usize {
        LinkSession::steps_done(self)
    }
    /// One full-batch step per epoch.
    fn steps_per_epoch(&self) -> usize {
        1
    }
    fn split_sizes(&self) -> (usize, usize) {
        LinkSession::split_sizes(self)
    }
    fn run_steps(&mut self, steps: usize) -> Result<()> {
        LinkSession::run_steps(self, steps)
    }
    fn snapshot(&mut self, options: &SnapshotOptions) -> Result<PendingProgress> {
        LinkSession::snapshot(self, options)
    }
    fn inspect_node(&self, node: usize) -> Result<PendingInspection> {
        LinkSession::inspect_node(self, node)
    }
}

impl StepSession for GraphSession {
    fn spec(&self) -> &ExperimentSpec {
        GraphSession::spec(self)
    }
    fn accepts(&self, spec: &ExperimentSpec) -> bool {
        GraphSession::accepts(self, spec)
    }
    fn apply(&mut self, spec: &ExperimentSpec) -> Result<()> {
        GraphSession::apply(self, spec)
    }
    fn steps_done(&self) -> usize {
        GraphSession::steps_done(self)
    }
    fn steps_per_epoch(&self) -> usize {
        GraphSession::steps_per_epoch(self)
    }
    fn split_sizes(&self) -> (usize, usize) {
        GraphSession::split_sizes(self)
    }
    fn run_steps(&mut self, steps: usize) -> Result<()> {
        GraphSession::run_steps(self, steps)
    }
    fn snapshot(&mut self, options: &SnapshotOptions) -> Result<PendingProgress> {
        GraphSession::snapshot(self, options)
    }
    fn inspect_node(&self, node: usize) -> Result<PendingInspection> {
        GraphSession::inspect_node(self, node)
    }
}

impl StepSession for HeteroSession {
    fn spec(&self) -> &ExperimentSpec {
        HeteroSession::spec(self)
    }
    fn accepts(&self, spec: &ExperimentSpec) -> bool {
        HeteroSession::accepts(self, spec)
    }
    fn apply(&mut self, spec: &ExperimentSpec) -> Result<()> {
        HeteroSession::apply(self, spec)
    }
    fn steps_done(&self) -> usize {
        HeteroSession::steps_done(self)
    }
    /// One full-batch step per epoch.
    fn steps_per_epoch(&self) -> usize {
        1
    }
    fn split_sizes(&self) -> (usize, usize) {
        HeteroSession::split_sizes(self)
    }
    fn run_steps(&mut self, steps: usize) -> Result<()> {
        HeteroSession::run_steps(self, steps)
    }
    fn snapshot(&mut self, options: &SnapshotOptions) -> Result<PendingProgress> {
        HeteroSession::snapshot(self, options)
    }
    fn inspect_node(&self, node: usize) -> Result<PendingInspection> {
        HeteroSession::inspect_node(self, node)
    }
    fn round_updates(&self) -> Option<Vec<Vec<RoundUpdate>>> {
        Some(HeteroSession::round_updates(self))
    }
}
