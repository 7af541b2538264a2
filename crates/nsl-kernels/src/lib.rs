//! # nsl-kernels
//!
//! Element-wise loops that burn would run as a chain of tensor operations, each a pass over
//! memory with a fresh allocation, written once as one pass over plain slices.
//!
//! - [`adam`]: Adam's update (moments and parameter in one pass), bit for bit as burn's `Adam`
//!   computes it.
//!
//! `nsl` calls these on burn's CPU tensors and keeps the tensor-operation form for every other
//! device. The functions are deliberately not `#[inline]`: they are compiled here, at this
//! crate's opt-level 3, not inlined into callers built for size.

pub mod adam;
