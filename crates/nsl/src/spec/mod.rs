//! The experiment spec: one serde document that says everything about a run (data, model,
//! regularization, optimizer, epochs, seed, evaluation). The CLI runs it, the playground
//! encodes it in its URL and exports it, the trainers train from it.
//!
//! Plain data: this module and its children import no algorithm (only [`crate::config`], the
//! error type and serde), so every layer of the crate may read a spec. [`plan`] is the one place
//! that says what a spec means for training. The children import each other by file (this
//! module only declares and re-exports them).

pub mod builtin;
mod data;
pub mod drawn;
mod evaluation;
mod experiment;
pub mod limits;
mod model;
pub mod plan;
mod synthesized;

pub use data::{
    DataSpec, GraphSource, KARATE_LEADERS, LoadedGraph, MAX_PLANE_CLASSES, PlanePoint, PlanePoints,
    SynthesizedSpec, ToyShape, ToySpec,
};
pub use evaluation::{Attack, EvaluationSpec, FgsmSpec, RobustnessSpec};
pub use experiment::{AuxiliaryTask, ExperimentSpec, LinkPredictionSpec, LinkScore, OptimizerSpec, TaskSpec};
pub use model::{
    Activation, GnnKind, HeteroSampling, ModelSpec, PlaneFeature, SageAggregator, SubgraphSampling,
};
pub use plan::{Plan, Variant};
pub use synthesized::{EdgeRule, EmbeddingSpec};
