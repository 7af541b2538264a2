//! The NSL core, as TensorFlow NSL 1.4 computes it: distances and reductions
//! ([`distance`]), norms ([`norm`]), adversarial neighbors ([`adversarial`]), virtual adversarial
//! training ([`vat`]), the graph loss ([`graph`]), the supervised loss ([`loss`]) and the
//! [`Regularized`] wrapper that adds any combination of them to a model's loss.

pub mod adversarial;
pub mod distance;
pub mod graph;
pub mod loss;
pub mod norm;
pub mod regularized;
pub mod vat;

pub use regularized::{Batch, LossParts, Neighbors, Regularized, training_loss};
