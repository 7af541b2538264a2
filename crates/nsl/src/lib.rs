//! # nsl
//!
//! Neural Structured Learning on [burn]: training with structured signals besides features,
//! computed as TensorFlow NSL 1.4 computes them. Read it in layers, each using only those
//! above it:
//!
//! - [`config`], [`spec`]: plain data — NSL's configurations (with the regularization, NGM and
//!   VAT settings) and the experiment spec (data, model, optimizer, evaluation, task), the
//!   built-in experiments, and [`spec::plan`], the one place that says how a spec trains and
//!   which models it trains side by side. They import no algorithm.
//! - [`reg`]: the NSL core — distances and reductions, norms, adversarial neighbors (FGSM/PGD),
//!   virtual adversarial training, the graph loss and the [`reg::Regularized`] wrapper around
//!   any model.
//! - [`model`]: the models the wrapper regularizes (MLP, CNN), their initialisation and inputs.
//! - [`gnn`]: message passing (GCN, GraphSAGE, GATv2), Neural Graph Machines, node and link
//!   tasks, sampled-subgraph training, explanations.
//! - [`data`]: examples, loaders (MNIST, Planetoid), 2D sets, built-in and drawn graphs, graph
//!   neighbors.
//! - [`optim`]: the one optimizer every trainer builds (Adam as Keras builds it).
//! - [`train`]: trainers, evaluation, robustness curves and whole runs of a spec.
//! - [`session`]: step-wise sessions and everything the playground reads from them (snapshots,
//!   heatmaps, probes, node inspection).
//! - [`tensorflow`] (a spec as the equivalent TensorFlow NSL Keras script) and [`attribution`]
//!   (integrated gradients).
//!
//! The crate is pure: no DOM, no I/O beyond the data loaders. It runs natively and in wasm32
//! on any burn device: the `flex` CPU backend everywhere, wgpu where an adapter exists.

pub mod attribution;
pub mod config;
pub mod data;
pub mod device;
mod error;
pub mod gnn;
pub mod model;
pub mod optim;
pub mod reg;
pub mod session;
pub mod spec;
pub mod tensor;
pub mod tensorflow;
pub mod tensorflow_gnn;
pub mod train;

/// The burn version this crate computes with, for callers that create devices and tensors.
pub use burn;
pub use error::{NslError, Result};
/// Typed graphs and graph tools (loaders, `build_graph`, `pack_nbrs`, sampling), re-exported.
pub use nsl_graph as graph;

/// The types most programs need.
pub mod prelude {
    pub use crate::config::*;
    pub use crate::model::{Mlp, MlpConfig, NslModel};
    pub use crate::reg::{Batch, LossParts, Neighbors, Regularized};
    pub use crate::spec::ExperimentSpec;
    pub use crate::{NslError, Result};
}
