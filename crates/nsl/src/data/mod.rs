//! Data sets: labeled feature rows, real data loaders and graph neighbors.

pub mod drawn;
mod examples;
pub mod graphs;
pub mod load;
pub mod mnist;
pub mod neighbors;
pub mod planetoid;
pub mod synthesized;
pub mod toy;

pub use examples::Examples;
pub use load::{GraphNeighbors, TrainingData};
pub use neighbors::NeighborTable;
pub use nsl_graph::datasets::karate;
