//! Heterogeneous message passing as TensorFlow GNN 1.0 computes it: a graph of named node
//! sets and edge sets on the device ([`GraphTensor`]), per edge set a convolution into its
//! receiver node set ([`conv`]), per node set a next state that combines the pooled messages of
//! all its incoming edge sets ([`next_state`]), and TF-GNN's model templates built from them
//! ([`update`]: `VanillaMPNNGraphUpdate`, `MtAlbisGraphUpdate`, `GraphSAGEGraphUpdate`).
//!
//! Every weight is created through a [`weights::WeightSource`] under its role, the place TF-GNN
//! gives it in the layer tree (`node_set_updates/paper/edge_set_inputs/cites/message_fn/kernel`),
//! so weights exported by TF-GNN load by name and `nsl conformance` replays TF-GNN's own
//! vectors. Settings are plain data in [`crate::config::tfgnn`]; nothing there imports a layer.

pub mod conv;
pub mod dense;
pub mod dgi;
pub mod encoder;
pub mod graph;
pub mod graph_task;
pub mod link_task;
pub mod next_state;
pub mod node_task;
pub mod pool;
pub mod sampled;
mod step;
pub mod update;
pub mod weights;

pub use crate::config::tfgnn::{
    AttentionType, Combine, DegreeNormalization, GatV2ConvConfig, GcnConvConfig, GraphSageConfig, HeadsMerge,
    HeteroEncoderConfig, HeteroGraphConfig, HeteroModel, MtAlbisConfig, NextStateType, Normalization,
    ReduceType, Reducer, Tag, VanillaMpnnConfig,
};
pub use graph::{GraphTensor, Schema};
pub use update::{Attention, GraphUpdate};
pub use weights::WeightSource;

/// What a training run of these models reports as it goes.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Progress {
    /// An optimizer step finished (both 1-based).
    Step {
        /// Epoch.
        epoch: usize,
        /// Step within it.
        step: usize,
    },
    /// An epoch finished.
    Epoch {
        /// Epoch (1-based).
        epoch: usize,
        /// Its mean training loss.
        loss: f32,
    },
}
