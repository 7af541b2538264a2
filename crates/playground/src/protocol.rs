//! Messages between the page and the training worker (serde, JSON on the wire). The worker owns
//! the device and the sessions; the page sends [`Command`]s and renders the [`Event`]s it gets.

use nsl::session::Progress;
use nsl::session::inspect::NodeInspection;
use nsl::session::probe::{ProbeResult, ProbeSpec};
use nsl::spec::ExperimentSpec;
use nsl::train::robustness::RobustnessPoint;
use serde::{Deserialize, Serialize};

use nsl::gnn::hetero::encoder::RoundUpdate;

pub use crate::typed_view::TypedView;

/// A compute backend the user can ask for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "snake_case")]
pub enum BackendChoice {
    /// Whichever of the CPU and WebGPU trains the setup's models faster, timed when they load.
    #[default]
    Auto,
    /// burn's WebGPU backend.
    WebGpu,
    /// burn's `flex` CPU backend (in the worker, off the UI thread).
    Cpu,
}

/// The backend computing now, and whether WebGPU could.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct BackendInfo {
    /// `true`: WebGPU computes; `false`: the CPU does.
    pub webgpu: bool,
    /// Why WebGPU is not available (`None` when it is).
    pub webgpu_unavailable: Option<String>,
    /// Whether the worker is timing the setup's models on each backend now.
    #[serde(default)]
    pub timing: bool,
    /// What the choice rests on: the setup's step timed on each backend (with the choice left
    /// to the worker and WebGPU available; `None` otherwise).
    #[serde(default)]
    pub times: Option<StepTimes>,
}

/// A setup's step (every model it trains) timed on each backend.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct StepTimes {
    /// Milliseconds per step on burn's CPU backend.
    pub cpu_ms: f64,
    /// Milliseconds per step on burn's WebGPU backend.
    pub webgpu_ms: f64,
}

/// What the page asks of the worker.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub enum Command {
    /// Start over with this setup: new data view, fresh models (regularized, and the base model
    /// beside it when `spec.compare_with_base`).
    Load {
        /// The experiment.
        spec: ExperimentSpec,
        /// Absolute URL the bundled assets are served under (the worker runs from a blob URL).
        assets: String,
    },
    /// A changed setup: applied from the next step when only knobs changed, otherwise the
    /// worker starts over (and says so with [`Event::Ready`]).
    Update(ExperimentSpec),
    /// Train continuously.
    Play,
    /// Stop after the current burst.
    Pause,
    /// One optimizer step, then a snapshot.
    Step,
    /// Fresh models, same setup.
    Reset,
    /// Steps per snapshot (the speed control).
    Speed(usize),
    /// Whether a second worker may train the base model of a what-if pair beside this one's
    /// (by default it does where the browser reports two cores or more; the page's `?workers=1`
    /// turns it off, to compare). From the next setup on: a load, a reset.
    SecondWorker(bool),
    /// The page could not start the second worker numbered `twin`, or it failed since (an
    /// uncaught error): `reason`. Heard as soon as it arrives, not in turn with the commands
    /// (the worker may be waiting for that twin).
    TwinFailed {
        /// The twin's number, from [`crate::wire::FromWorker::WantTwin`].
        twin: u32,
        /// What the browser said.
        reason: String,
    },
    /// Compute on another backend (starts over).
    Backend(BackendChoice),
    /// Probe every model with this perturbation now and after each update while training
    /// (`None`: stop probing).
    Probe(Option<ProbeSpec>),
    /// Measure the spec's robustness curve for every model (training pauses meanwhile; a new
    /// setup, reset or backend switch cancels it).
    Robustness,
    /// Open a graph in the explorer: from files the user gave, or the current data's graph.
    OpenGraph(GraphInput),
    /// Sample rooted subgraphs of the explorer's graph.
    Sample(SampleRequest),
    /// Write the explorer's graph as a file.
    ExportGraph(GraphFormat),
    /// Inspect a graph node on every model now and after each update (`None`: stop).
    InspectNode(Option<u32>),
    /// Show a CNN's feature maps of this test digit (of those the data view shows), now and
    /// after each update.
    ShowDigit(usize),
    /// Answer [`Event::Alive`] with this number once the commands before it are handled: the
    /// page's watchdog (a worker that stops answering is replaced).
    Ping(u32),
}

/// Where the explorer's graph comes from.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub enum GraphInput {
    /// Files dropped or picked (their names say the format).
    Files(Vec<GraphFile>),
    /// The graph the current setup trains on.
    Current,
}

/// One file, as the browser read it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct GraphFile {
    /// Its name (no path).
    pub name: String,
    /// Its contents (graph files are text).
    pub text: String,
}

/// A file format the explorer writes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum GraphFormat {
    /// NSL's graph TSV (edges and weights).
    Tsv,
    /// The project's JSON (everything).
    Json,
}

/// What the page draws of an opened graph. A heterogeneous graph's nodes are numbered node
/// set after node set ([`TypedView`]); its labels are those of the roots' node set.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct OpenedGraph {
    /// A name (the files' stem).
    pub name: String,
    /// Number of nodes (of every node set).
    pub nodes: usize,
    /// The node set sampling starts from (the only one, or the one with labels).
    pub node_set: String,
    /// The edge set's name (empty without edges, or with several).
    pub edge_set: String,
    /// A graph of several node sets or edge sets: its sets, drawn apart.
    #[serde(default)]
    pub typed: Option<Box<TypedView>>,
    /// Each edge once (of every edge set).
    pub edges: Vec<[u32; 2]>,
    /// Layout in the unit square.
    pub positions: Vec<[f32; 2]>,
    /// Each node's class, if labeled.
    pub labels: Vec<Option<u32>>,
    /// Class names.
    pub classes: Vec<String>,
    /// Feature values per node (all dense features).
    pub features: usize,
    /// Nodes the split marks for training.
    pub labeled_for_training: usize,
    /// Time to read the files, ms.
    pub parse_ms: f64,
    /// Time to lay the graph out, ms.
    pub layout_ms: f64,
}

/// Which subgraphs to sample.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SampleRequest {
    /// TF-GNN's sampling spec.
    pub spec: nsl::graph::sample::SamplingSpec,
    /// Root nodes.
    pub seeds: Vec<u32>,
    /// Seed of random sampling.
    pub rng_seed: u64,
}

/// Sampled subgraphs, one per root.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SampleView {
    /// In the order of the roots.
    pub subgraphs: Vec<SampledView>,
    /// Each sampling op of the spec: the hop it samples (1 for those that expand the roots).
    pub op_hops: Vec<u32>,
    /// Each sampling op's edge set.
    pub op_edge_sets: Vec<String>,
}

impl SampleView {
    /// The hop that sampled edge `e` (`[source, target, op]`).
    pub fn hop_of(&self, e: &[u32; 3]) -> u32 {
        self.op_hops.get(e[2] as usize).copied().unwrap_or(e[2] + 1)
    }
}

/// One rooted subgraph in the full graph's node indices.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SampledView {
    /// The root.
    pub seed: u32,
    /// Sampled nodes, the root first.
    pub nodes: Vec<u32>,
    /// Hop at which each was reached.
    pub hops: Vec<u32>,
    /// Sampled edges: `[source, target, sampling op index]`, in the full graph's numbering.
    pub edges: Vec<[u32; 3]>,
}

/// Which model of a run a message is about (the spec's variants).
pub use nsl::spec::Variant;

/// What the data looks like, for drawing it (sent once per setup).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum DataView {
    /// 2D points: `[x, y, class]` rows.
    Points {
        /// Training points.
        train: Vec<[f32; 3]>,
        /// Test points.
        test: Vec<[f32; 3]>,
    },
    /// The first test digits, 28 × 28 grey levels each, row-major.
    Digits {
        /// `images.len() / 784` digits.
        images: Vec<u8>,
    },
    /// A graph laid out in the unit square.
    Graph {
        /// `[x, y]` of each node.
        positions: Vec<[f32; 2]>,
        /// Edges as node index pairs (each undirected edge once).
        edges: Vec<[u32; 2]>,
        /// True class of each node (`None`: an unlabeled node of a drawing).
        labels: Vec<Option<u32>>,
        /// Whether a node's label is used for training.
        train: Vec<bool>,
        /// Each node's 28 × 28 grey picture, row-major bytes, when the nodes are digits (a graph
        /// built from them): drawn in place of the discs. Empty otherwise.
        #[serde(default)]
        pictures: Vec<u8>,
    },
    /// A heterogeneous graph: node sets and edge sets laid out together.
    Typed(Box<TypedView>),
    /// The test graphs of a graph-classification set, each laid out in its own unit square.
    Graphs {
        /// The graphs, in the order of the model's test predictions.
        graphs: Vec<SmallGraph>,
    },
}

/// One small graph of a graph-classification set, as drawn.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SmallGraph {
    /// `[x, y]` of each node in the unit square.
    pub positions: Vec<[f32; 2]>,
    /// Edges as node index pairs (each undirected edge once).
    pub edges: Vec<[u32; 2]>,
    /// The graph's class.
    pub label: u32,
}

/// Facts about the loaded data.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DataInfo {
    /// Class names, index = class.
    pub class_names: Vec<String>,
    /// Training rows (or labeled nodes).
    pub train_rows: usize,
    /// Test rows (or test nodes).
    pub test_rows: usize,
    /// Optimizer steps in one epoch.
    pub steps_per_epoch: usize,
    /// Steps the spec's epochs amount to (training stops there).
    pub total_steps: usize,
    /// What to draw.
    pub view: DataView,
    /// A graph built from the rows: its figures and how long building it took.
    #[serde(default)]
    pub built: Option<Box<BuiltGraph>>,
    /// For TF-GNN's model on a heterogeneous graph: which node sets each round updates, over
    /// which edge sets.
    #[serde(default)]
    pub rounds: Option<Vec<Vec<RoundUpdate>>>,
    /// The base model of the what-if pair trains in a second worker, on another core, beside
    /// the spec's model.
    #[serde(default)]
    pub second_worker: bool,
}

/// A graph the worker built from the rows.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct BuiltGraph {
    /// Edges, isolated rows, degrees, homophily, fingerprint.
    pub summary: nsl::graph::GraphSummary,
    /// Milliseconds the embedding and the edges took in the worker.
    pub build_ms: f64,
}

/// Why the worker stopped on its own.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Stop {
    /// All epochs done.
    Finished,
    /// A loss became NaN or infinite.
    Diverged {
        /// What happened.
        message: String,
        /// What to try.
        advice: String,
    },
    /// Anything else that went wrong (bad setup, device lost).
    Failed {
        /// What happened.
        message: String,
    },
}

/// What the worker tells the page.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub enum Event {
    /// The backend in use (after start-up or a switch).
    Backend(BackendInfo),
    /// A setup is loaded and fresh models wait at step 0.
    Ready {
        /// The setup in force.
        spec: ExperimentSpec,
        /// The data (boxed: the largest message by far).
        info: Box<DataInfo>,
    },
    /// The base model of the what-if pair trains in a second worker from now on (the first step
    /// brought it in; a new setup's [`Event::Ready`] says whether it still does).
    SecondWorker,
    /// A changed setup applies from the next step (same models).
    Updated(ExperimentSpec),
    /// New measurements of every model (one message per tick, so that the page renders once).
    Progress(Vec<(Variant, Progress)>),
    /// Training runs.
    Running,
    /// Training paused (by the user).
    Paused,
    /// Training stopped by itself.
    Stopped(Stop),
    /// The probe in force, measured on every model (MLPs and CNNs).
    Probed(Vec<(Variant, ProbeResult)>),
    /// Robustness curves measured so far (sent after each point).
    Robustness(RobustnessProgress),
    /// The explorer's graph, or why it could not be opened (the previous one stays).
    GraphOpened(Result<OpenedGraph, String>),
    /// Sampled subgraphs, or why sampling failed.
    Sampled(Result<SampleView, String>),
    /// The inspected node, measured on every model at an optimizer step.
    Inspected {
        /// The models' step.
        step: usize,
        /// Per model.
        models: Vec<(Variant, NodeInspection)>,
    },
    /// The explorer's graph as a file, to save.
    GraphExport {
        /// File name.
        name: String,
        /// Contents.
        text: String,
    },
    /// The answer to [`Command::Ping`]: the worker's training loop still runs.
    Alive(u32),
    /// The worker panicked with this message and closed itself: the page starts another.
    Crashed(String),
    /// A graph is being built from the rows: how far it is (the setup's `Ready` follows).
    Building(nsl::data::synthesized::BuildStep),
}

/// Robustness curves being measured.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
pub struct RobustnessProgress {
    /// The models' optimizer step when the measuring started.
    pub step: usize,
    /// Points measured.
    pub done: usize,
    /// Points to measure (every model's FGSM and PGD curves).
    pub total: usize,
    /// Each model's points so far, in [`nsl::spec::RobustnessSpec::points`] order.
    pub curves: Vec<(Variant, Vec<RobustnessPoint>)>,
    /// Why measuring failed, if it did.
    pub error: Option<String>,
}

impl RobustnessProgress {
    /// Whether every point is measured.
    pub fn finished(&self) -> bool {
        self.total > 0 && self.done == self.total
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn messages_round_trip_as_json() {
        let spec = nsl::spec::builtin::builtin("moons-adv", None, 0).unwrap();
        let command = Command::Load { spec: spec.clone(), assets: "http://127.0.0.1:8080/".into() };
        let back: Command = serde_json::from_str(&serde_json::to_string(&command).unwrap()).unwrap();
        assert_eq!(back, command);
        let event = Event::Stopped(Stop::Diverged { message: "NaN".into(), advice: "lower".into() });
        let back: Event = serde_json::from_str(&serde_json::to_string(&event).unwrap()).unwrap();
        assert_eq!(back, event);
        let probe = Command::Probe(Some(ProbeSpec { rows: vec![3, 4], ..Default::default() }));
        let back: Command = serde_json::from_str(&serde_json::to_string(&probe).unwrap()).unwrap();
        assert_eq!(back, probe);
    }
}
