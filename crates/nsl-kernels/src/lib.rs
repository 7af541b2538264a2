//! # nsl-kernels
//!
//! Element-wise loops that burn would run as a chain of tensor operations, each a pass over
//! memory with a fresh allocation, written once as one pass over plain slices.
//!
//! - [`adam`]: Adam's update (moments and parameter in one pass), bit for bit as burn's `Adam`
//!   computes it.
//! - [`sign_ascent`]: one L∞ step of an adversarial search (FGSM, an iteration of PGD), bit for
//!   bit as the tensor operations of NSL's `gen_adv_neighbor` compute it.
//!
//! `nsl` calls these on burn's CPU tensors and keeps the tensor-operation form for every other
//! device. The public functions are deliberately not `#[inline]`: they are compiled here, at
//! this crate's opt-level 3, not inlined into callers built for size.

pub mod adam;
pub mod sign_ascent;
