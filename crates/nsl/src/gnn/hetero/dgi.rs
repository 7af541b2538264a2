//! Deep Graph Infomax as TF-GNN's `DeepGraphInfomaxTask` computes it: the encoder reads the
//! graph once as it is and once with every node set's features shuffled between its nodes
//! (`ShuffleFeaturesGlobally`); the summary is the mean clean state; a bilinear layer scores
//! each state against it (`DeepGraphInfomaxLogits`), and binary cross-entropy on the logits
//! labels the clean states 0 and the corrupted ones 1, as TF-GNN's task does.

use std::collections::BTreeMap;

use burn::module::Module;
use burn::tensor::{Device, Tensor, activation};
use nsl_graph::rng::SeededRng;
use rand::seq::SliceRandom;

use super::dense::Dense;
use super::graph::GraphTensor;
use super::weights::WeightSource;
use crate::config::tfgnn::Activation;
use crate::error::Result;
use crate::tensor::labels;

/// The bilinear discriminator.
#[derive(Module, Debug)]
pub struct Dgi {
    /// `W` of `hᵀ W s`, no bias: `[units, units]`.
    pub bilinear: Dense,
}

/// Clean and corrupted logits, one per node: `[nodes, 1]` each.
#[derive(Debug, Clone)]
pub struct DgiLogits {
    /// The graph as it is.
    pub clean: Tensor<2>,
    /// The graph with shuffled features.
    pub corrupted: Tensor<2>,
}

impl Dgi {
    /// The discriminator for states of width `units`, weights under `dgi/bilinear`.
    pub fn new(units: usize, weights: &mut WeightSource, device: &Device) -> Result<Self> {
        Ok(Self {
            bilinear: Dense::new(weights, "dgi/bilinear", [units, units], false, Activation::Linear, device)?,
        })
    }

    /// Each clean and corrupted state scored against the clean summary.
    ///
    /// # Shapes
    /// - `clean`, `corrupted`: `[nodes, units]`.
    pub fn logits(&self, clean: Tensor<2>, corrupted: Tensor<2>) -> DgiLogits {
        let scored = self.bilinear.forward(clean.clone().mean_dim(0)).transpose();
        DgiLogits { clean: clean.matmul(scored.clone()), corrupted: corrupted.matmul(scored) }
    }
}

impl DgiLogits {
    /// Keras' `BinaryCrossentropy(from_logits=True)` over both columns: clean labelled 0,
    /// corrupted 1.
    ///
    /// # Shapes
    /// - returns `[1]`.
    pub fn loss(&self) -> Tensor<1> {
        let clean = activation::log_sigmoid(self.clean.clone().neg()).neg().mean();
        let corrupted = activation::log_sigmoid(self.corrupted.clone()).neg().mean();
        (clean + corrupted) / 2.0
    }

    /// The share of logits on the right side of 0 (Keras' `BinaryAccuracy` at 0.5).
    pub fn accuracy(&self) -> f64 {
        let right = self.clean.clone().lower_elem(0.0).int().sum()
            + self.corrupted.clone().greater_elem(0.0).int().sum();
        let total = self.clean.dims()[0] + self.corrupted.dims()[0];
        right.into_scalar::<i64>() as f64 / total.max(1) as f64
    }
}

/// `graph` with the rows of every node set's state permuted at random.
pub fn shuffle_features(graph: &GraphTensor, rng: &mut SeededRng) -> GraphTensor {
    let shuffled: BTreeMap<String, Tensor<2>> = graph
        .states
        .iter()
        .map(|(name, state)| {
            let state = state.to_dense();
            let mut order: Vec<u32> = (0..state.dims()[0] as u32).collect();
            order.shuffle(rng);
            let device = state.device();
            (name.clone(), state.select(0, labels(&order, &device)))
        })
        .collect();
    graph.with_states(shuffled)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::tensor::{matrix, to_vec};

    #[test]
    fn logits_score_against_the_clean_summary_and_the_loss_is_keras() {
        let device = Device::flex();
        let mut weights = WeightSource::seeded(0);
        let dgi = Dgi::new(2, &mut weights, &device).unwrap();
        let w = to_vec(dgi.bilinear.kernel.val());
        let clean = matrix(vec![1.0, 0.0, 3.0, 2.0], 2, 2, &device);
        let corrupted = matrix(vec![-1.0, 1.0, 0.0, 0.0], 2, 2, &device);
        let logits = dgi.logits(clean, corrupted);
        // Summary s = (2, 1); s W = (2 w00 + w10, 2 w01 + w11), W row-major.
        let ws = [2.0 * w[0] + w[2], 2.0 * w[1] + w[3]];
        let expect_clean = [ws[0], 3.0 * ws[0] + 2.0 * ws[1]];
        let expect_corrupted = [-ws[0] + ws[1], 0.0];
        for (got, want) in to_vec(logits.clean.clone()).iter().zip(expect_clean) {
            assert!((got - want).abs() < 1e-5, "{got} vs {want}");
        }
        for (got, want) in to_vec(logits.corrupted.clone()).iter().zip(expect_corrupted) {
            assert!((got - want).abs() < 1e-5, "{got} vs {want}");
        }
        let softplus = |x: f32| (1.0 + x.exp()).ln();
        let keras = (softplus(expect_clean[0]) + softplus(expect_clean[1]))
            + (softplus(-expect_corrupted[0]) + softplus(-expect_corrupted[1]));
        let loss = to_vec(logits.loss())[0];
        assert!((loss - keras / 4.0).abs() < 1e-5, "{loss} vs {}", keras / 4.0);
        let right = expect_clean.iter().filter(|&&z| z < 0.0).count()
            + expect_corrupted.iter().filter(|&&z| z > 0.0).count();
        assert_eq!(logits.accuracy(), right as f64 / 4.0);
    }

    #[test]
    fn shuffling_permutes_rows_within_each_node_set() {
        let device = Device::flex();
        let states = BTreeMap::from([
            ("a".to_owned(), matrix((0..20).map(|v| v as f32).collect(), 10, 2, &device)),
            ("b".to_owned(), matrix(vec![7.0, 8.0, 9.0], 3, 1, &device)),
        ]);
        let graph = GraphTensor::new(states, &BTreeMap::new(), &device).unwrap();
        let shuffled = shuffle_features(&graph, &mut nsl_graph::rng::seeded(1));
        let a = to_vec(shuffled.state("a").unwrap());
        assert_ne!(a, to_vec(graph.state("a").unwrap()));
        let mut rows: Vec<(i32, i32)> = a.chunks(2).map(|r| (r[0] as i32, r[1] as i32)).collect();
        rows.sort_unstable();
        assert_eq!(rows, (0..10).map(|i| (2 * i, 2 * i + 1)).collect::<Vec<_>>());
        let mut b = to_vec(shuffled.state("b").unwrap());
        b.sort_by(f32::total_cmp);
        assert_eq!(b, vec![7.0, 8.0, 9.0]);
    }
}
