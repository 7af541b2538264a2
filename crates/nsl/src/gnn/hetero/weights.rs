//! Where a layer's weights come from: drawn as Keras draws them (Glorot-uniform kernels, zero
//! biases, unit scales) from a seed, or given by role — the place TF-GNN gives each variable in
//! its layer tree — as TF-GNN exported them. Building a layer asks for every weight by role, so
//! a missing weight, a wrong shape or a weight nobody asked for is an error that names it.

use std::collections::{BTreeMap, BTreeSet};

use burn::module::Param;
use burn::tensor::{Device, Tensor, TensorData};
use nsl_graph::rng::{SeededRng, seeded};

use crate::error::{NslError, Result};
use crate::model::init::glorot_uniform;

/// How a vector weight starts when it is drawn.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Start {
    /// Zeros (biases, shifts).
    Zeros,
    /// Ones (scales).
    Ones,
}

/// A weight given by role: its shape and row-major values.
#[derive(Debug, Clone, PartialEq)]
pub struct GivenWeight {
    /// The shape (`[inputs, outputs]` for a kernel).
    pub shape: Vec<usize>,
    /// Row-major values.
    pub values: Vec<f32>,
}

/// Where the weights come from.
#[derive(Debug)]
enum Origin {
    /// Drawn from a seeded generator.
    Drawn(Box<SeededRng>),
    /// Given by role; `used` records the roles asked for.
    Given { weights: BTreeMap<String, GivenWeight>, used: BTreeSet<String> },
}

/// The source of every weight a layer is built with, asked by role within a scope (the path of
/// the layer being built, so that two rounds of the same layer name their weights apart).
#[derive(Debug)]
pub struct WeightSource {
    origin: Origin,
    scope: String,
}

impl WeightSource {
    /// Weights drawn from `seed`.
    pub fn seeded(seed: u64) -> Self {
        Self { origin: Origin::Drawn(Box::new(seeded(seed))), scope: String::new() }
    }

    /// Weights given by role.
    pub fn given(weights: BTreeMap<String, GivenWeight>) -> Self {
        Self { origin: Origin::Given { weights, used: BTreeSet::new() }, scope: String::new() }
    }

    /// Runs `build` with every role asked for under `prefix` (within the current scope).
    pub fn within<T>(&mut self, prefix: &str, build: impl FnOnce(&mut Self) -> T) -> T {
        let outer = std::mem::take(&mut self.scope);
        self.scope = role(&outer, prefix);
        let built = build(self);
        self.scope = outer;
        built
    }

    /// The `[rows, cols]` kernel at `role`.
    pub fn kernel(
        &mut self,
        role: &str,
        rows: usize,
        cols: usize,
        device: &Device,
    ) -> Result<Param<Tensor<2>>> {
        let values = match &mut self.origin {
            Origin::Drawn(rng) => glorot_uniform(rng, rows * cols, rows, cols),
            Origin::Given { .. } => self.take(role, &[rows, cols])?,
        };
        Ok(Param::from_tensor(Tensor::from_data(TensorData::new(values, [rows, cols]), device)))
    }

    /// The `[len]` vector at `role`.
    pub fn vector(
        &mut self,
        role: &str,
        len: usize,
        start: Start,
        device: &Device,
    ) -> Result<Param<Tensor<1>>> {
        let values = match (&self.origin, start) {
            (Origin::Drawn(_), Start::Zeros) => vec![0.0; len],
            (Origin::Drawn(_), Start::Ones) => vec![1.0; len],
            (Origin::Given { .. }, _) => self.take(role, &[len])?,
        };
        Ok(Param::from_tensor(Tensor::from_data(TensorData::new(values, [len]), device)))
    }

    fn take(&mut self, name: &str, shape: &[usize]) -> Result<Vec<f32>> {
        let full = role(&self.scope, name);
        let Origin::Given { weights, used } = &mut self.origin else {
            unreachable!("only given weights are taken")
        };
        let weight = weights.get(&full).ok_or_else(|| NslError::Config(format!("no weight for “{full}”")))?;
        if weight.shape != shape || weight.values.len() != shape.iter().product::<usize>() {
            return Err(NslError::Config(format!(
                "weight “{full}” has shape {:?} ({} values); the layer needs {shape:?}",
                weight.shape,
                weight.values.len()
            )));
        }
        used.insert(full);
        Ok(weight.values.clone())
    }

    /// Checks that every given weight was asked for (a weight left over means the layer built
    /// is not the one the weights were made for).
    pub fn finish(self) -> Result<()> {
        match self.origin {
            Origin::Drawn(_) => Ok(()),
            Origin::Given { weights, used } => {
                let unused: Vec<&str> =
                    weights.keys().filter(|r| !used.contains(*r)).map(String::as_str).collect();
                if unused.is_empty() {
                    Ok(())
                } else {
                    Err(NslError::Config(format!("weights no layer asked for: {}", unused.join(", "))))
                }
            }
        }
    }
}

/// `prefix/name`, or `name` at the root.
pub fn role(prefix: &str, name: &str) -> String {
    if prefix.is_empty() { name.to_owned() } else { format!("{prefix}/{name}") }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::tensor::to_vec;

    #[test]
    fn given_weights_are_checked_by_role_shape_and_use() {
        let device = Device::flex();
        let weights = BTreeMap::from([
            ("a/kernel".to_owned(), GivenWeight { shape: vec![2, 1], values: vec![1.0, 2.0] }),
            ("a/bias".to_owned(), GivenWeight { shape: vec![1], values: vec![3.0] }),
        ]);
        let mut source = WeightSource::given(weights.clone());
        assert_eq!(to_vec(source.kernel("a/kernel", 2, 1, &device).unwrap().val()), vec![1.0, 2.0]);
        let err = WeightSource::given(weights.clone()).kernel("a/kernel", 1, 2, &device).unwrap_err();
        assert!(err.to_string().contains("[1, 2]"), "{err}");
        assert!(
            source.vector("b/bias", 1, Start::Zeros, &device).unwrap_err().to_string().contains("b/bias")
        );
        let err = source.finish().unwrap_err().to_string();
        assert!(err.contains("a/bias") && !err.contains("a/kernel"), "{err}");
    }

    #[test]
    fn drawn_weights_follow_keras_initialisers() {
        let device = Device::flex();
        let mut source = WeightSource::seeded(1);
        let kernel = to_vec(source.kernel("k", 4, 3, &device).unwrap().val());
        assert!(kernel.iter().all(|v| v.abs() < (6.0f32 / 7.0).sqrt()) && kernel.iter().any(|v| *v != 0.0));
        assert_eq!(to_vec(source.vector("g", 2, Start::Ones, &device).unwrap().val()), vec![1.0, 1.0]);
        assert_eq!(role("", "kernel"), "kernel");
        assert_eq!(role("a/b", "kernel"), "a/b/kernel");
        source.finish().unwrap();
    }

    #[test]
    fn scopes_prefix_roles_and_end_with_their_build() {
        let device = Device::flex();
        let weights = BTreeMap::from([
            ("round/0/k".to_owned(), GivenWeight { shape: vec![1, 1], values: vec![1.0] }),
            ("k".to_owned(), GivenWeight { shape: vec![1, 1], values: vec![2.0] }),
        ]);
        let mut source = WeightSource::given(weights);
        let inner = source.within("round", |s| s.within("0", |s| s.kernel("k", 1, 1, &device))).unwrap();
        assert_eq!(to_vec(inner.val()), vec![1.0]);
        assert_eq!(to_vec(source.kernel("k", 1, 1, &device).unwrap().val()), vec![2.0]);
        source.finish().unwrap();
    }
}
