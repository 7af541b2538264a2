//! Step-wise sessions — what the playground's worker drives (play, pause, step, speed) — and
//! everything the page reads from them: snapshots read back once per update ([`snapshot`],
//! [`readout`]), decision-boundary heatmaps ([`heatmap`]), perturbation probes ([`probe`]) and
//! node inspection ([`inspect`]). [`rows`] trains MLPs and CNNs on minibatches of rows,
//! [`nodes`] GNNs and Neural Graph Machines full batch over a graph; both are [`StepSession`]s
//! ([`step`]), opened for a spec by [`open`].

pub mod heatmap;
pub mod inspect;
pub mod nodes;
pub mod probe;
pub mod readout;
pub mod rows;
pub mod snapshot;
pub mod step;

pub use nodes::NodeSession;
pub use rows::Session;
pub use snapshot::{
    BurstLosses, NodePredictions, PendingProgress, Progress, SamplePrediction, SnapshotOptions,
};
pub use step::{ATTRIBUTION_STEPS, StepSession, open};
