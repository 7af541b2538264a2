//! Seeded synthetic graphs and the real karate club.

pub mod karate;
pub mod knn;
pub mod mag;
pub mod motifs;
pub mod sbm;

use rand::{Rng, RngExt};
use rand_distr::StandardNormal;

/// One standard-normal sample.
pub fn standard_normal(rng: &mut impl Rng) -> f32 {
    rng.sample(StandardNormal)
}
