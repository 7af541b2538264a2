//! Step-wise sessions — what the playground's worker drives (play, pause, step, speed) — and
//! everything the page reads from them: snapshots read back once per update ([`snapshot`],
//! [`readout`]), decision-boundary heatmaps ([`heatmap`]), an MLP's neurons over the plane
//! ([`network`]), a digit model's feature maps or first-layer weights ([`digit_views`]), perturbation probes ([`probe`]) and
//! node inspection ([`inspect`]), a link predictor's scores ([`link_scores`]). [`rows`] trains
//! MLPs and CNNs on minibatches of rows, [`nodes`] GNNs (full batch or on sampled subgraphs) and
//! Neural Graph Machines over a graph, [`links`] a GNN predicting links, [`graphs`] TF-GNN's
//! model classifying small graphs, [`hetero`] TF-GNN's model classifying the nodes of one node
//! set of a heterogeneous graph (with Deep Graph Infomax beside); all are
//! [`StepSession`]s ([`step`]), opened for a spec by [`open`].

pub mod digit_views;
pub mod graphs;
pub mod heatmap;
pub mod hetero;
pub mod inspect;
mod knobs;
pub mod link_scores;
pub mod links;
pub mod network;
pub mod nodes;
pub mod probe;
pub mod readout;
pub mod rows;
pub mod snapshot;
pub mod step;
mod tally;

pub use graphs::GraphSession;
pub use hetero::HeteroSession;
pub use links::LinkSession;
pub use nodes::NodeSession;
pub use rows::Session;
pub use snapshot::{
    Accuracies, BurstLosses, GraphPredictions, LayerEmbedding, NodePredictions, PendingProgress, Progress,
    SamplePrediction, SnapshotOptions,
};
pub use step::{ATTRIBUTION_STEPS, StepSession, open};
