//! Models that the NSL wrappers regularize: the [`NslModel`] contract, the MLP and the CNN,
//! their initial weights ([`init`]) and the rows their first layer reads ([`NodeInput`]).

mod classifier;
mod cnn;
pub mod init;
mod input;
mod mlp;
mod nsl_model;
mod plane;

pub use classifier::Classifier;
pub use cnn::{Cnn, CnnConfig};
pub use input::{NodeInput, SparseRows};
pub use mlp::{Mlp, MlpConfig};
pub use nsl_model::NslModel;
pub use plane::plane_features;
