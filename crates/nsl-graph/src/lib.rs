//! Graphs for Neural Structured Learning, without tensors: a typed graph in the spirit of
//! TF-GNN's `GraphTensor`, readers and writers of the usual formats, NSL's `build_graph` and
//! `pack_nbrs`, TF-GNN-style subgraph sampling, and seeded synthetic graphs.
//!
//! Everything runs natively (in parallel where it pays) and in wasm (sequentially).

pub mod batch;
pub mod build;
pub mod datasets;
pub mod embed;
pub mod error;
pub mod io;
pub mod layout;
pub mod pack;
mod parallel;
pub mod rng;
pub mod sample;
pub mod summary;
pub mod typed;

pub use batch::GraphBatch;
pub use build::{Embeddings, GraphBuilderConfig, build_graph};
pub use error::{GraphError, Result};
pub use pack::{PackConfig, PackedNeighbors, pack_nbrs};
pub use sample::{Sampler, SamplingSpec, SamplingStrategy};
pub use summary::GraphSummary;
pub use typed::{EdgeSet, Feature, Graph, NodeSet, SplitKind};
