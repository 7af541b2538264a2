//! # nsl
//!
//! Neural Structured Learning on [burn]: training with structured signals besides features,
//! computed as TensorFlow NSL 1.4 computes them.
//!
//! - **Graph regularization** ([`graph_reg`], [`regularized`]): `multiplier × Σ w·d(f(x), f(nbr))`.
//! - **Adversarial regularization** ([`adversarial`]): FGSM/PGD neighbors under L∞, L2 or L1.
//! - **Virtual adversarial training** ([`vat`]).
//! - Distances and reductions ([`distance`]), norms ([`norm`]), configs ([`config`]).
//! - Models ([`model`]), data ([`data`]), the experiment spec ([`spec`]), training ([`train`]),
//!   evaluation ([`eval`]), end-to-end runs ([`experiment`], [`builtin`]) and the conformance
//!   check against TensorFlow NSL's own numbers ([`conformance`]).
//!
//! The crate is pure: no DOM, no I/O beyond the data loaders. It runs natively and in wasm32
//! on any burn device: the `flex` CPU backend everywhere, wgpu where an adapter exists.

pub mod adversarial;
pub mod attribution;
pub mod builtin;
pub mod config;
pub mod conformance;
pub mod data;
pub mod device;
pub mod distance;
mod error;
pub mod eval;
pub mod experiment;
pub mod export;
pub mod gnn;
pub mod graph_reg;
pub mod heatmap;
pub mod inspect;
pub mod loss;
pub mod model;
pub mod ngm;
pub mod norm;
pub mod probe;
pub mod readout;
pub mod regularized;
pub mod robustness;
pub mod session;
pub mod share;
pub mod snapshot;
pub mod spec;
pub mod tensor;
pub mod train;
pub mod vat;

/// The burn version this crate computes with, for callers that create devices and tensors.
pub use burn;
pub use error::{NslError, Result};
/// Typed graphs and graph tools (loaders, `build_graph`, `pack_nbrs`, sampling), re-exported.
pub use nsl_graph as graph;

/// The types most programs need.
pub mod prelude {
    pub use crate::config::*;
    pub use crate::model::{Mlp, MlpConfig, NslModel};
    pub use crate::regularized::{Batch, LossParts, Neighbors, Regularization, Regularized, VatRegConfig};
    pub use crate::spec::ExperimentSpec;
    pub use crate::{NslError, Result};
}
