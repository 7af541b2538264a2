//! Graph neural networks on burn, the TF-GNN side of the playground: message passing by
//! gather (`select`) and scatter-add (`select_assign` with `Add`) over host-validated edge
//! indices, GCN / GraphSAGE / GATv2 layers, and the node-classification task; [`hetero`]: TF-GNN's
//! layers over named node sets and edge sets, checked against TF-GNN's own outputs.

pub mod adjacency;
pub mod explain;
pub mod full_batch;
pub mod hetero;
pub mod input;
pub mod layers;
pub mod link_task;
pub mod model;
pub mod ngm;
pub mod node_task;
pub mod sampled;

pub use adjacency::Adjacency;
pub use input::MessageGraph;
pub use model::{Gnn, GnnConfig, GraphContext};
