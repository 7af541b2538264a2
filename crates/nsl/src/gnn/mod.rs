//! Graph neural networks on burn, the TF-GNN side of the playground. [`hetero`] holds TF-GNN's
//! layers over named node sets and edge sets (message passing by gather and scatter-add over
//! host-validated indices), checked against TF-GNN's own outputs; [`model`] stacks them over a
//! homogeneous graph (one node set, one edge set) as GCN, GraphSAGE and GATv2; the tasks train
//! them (node classification full-batch or on sampled subgraphs, link prediction, NGM);
//! [`step_through`] shows one GCN layer at one node term by term.

pub mod adjacency;
pub mod explain;
pub mod hetero;
pub mod link_task;
pub mod model;
pub mod ngm;
pub mod node_task;
pub mod sampled;
pub mod step_through;
pub mod subgraphs;
pub mod trainers;

pub use adjacency::Adjacency;
pub use model::{Gnn, GnnConfig, GraphContext};
