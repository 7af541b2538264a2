//! Link prediction on one edge set of a heterogeneous graph, trained beside node
//! classification on the same encoder (TF-GNN's `DotProductLinkPrediction` and
//! `HadamardProductLinkPrediction`): a fraction of the edge set's links is held out — taken out
//! of message passing — and the encoder's states of a link's two ends score it, against as
//! many sampled non-edges; the measure is ROC AUC of held-out links against non-edges.

use std::collections::HashSet;

use burn::module::Module;
use burn::tensor::{Device, Int, Tensor};
use nsl_graph::rng::{SeededRng, seeded};
use nsl_graph::typed::{EdgeSet, Graph};
use rand::RngExt;
use rand::seq::SliceRandom;

use super::dense::Dense;
use super::weights::WeightSource;
use crate::config::tfgnn::Activation;
use crate::error::{NslError, Result};
use crate::spec::LinkScore;
use crate::tensor::labels;

/// One edge set's links split for training and testing, and the graph messages pass over.
#[derive(Debug, Clone)]
pub struct LinkHoldout {
    /// The edge set.
    pub edge_set: String,
    /// Its source node set.
    pub source: String,
    /// Its target node set.
    pub target: String,
    /// The graph without the held-out links: they are removed from every edge set between
    /// the same two node sets, in both directions (so `written` does not tell what `writes`
    /// hid).
    pub graph: Graph,
    /// Links trained on, `(source node, target node)`.
    pub train: Vec<(u32, u32)>,
    /// Held-out links.
    pub test: Vec<(u32, u32)>,
    /// As many pairs that are not links, for testing.
    pub test_negatives: Vec<(u32, u32)>,
    /// Every link of the edge set (sampled non-edges avoid them).
    links: HashSet<(u32, u32)>,
    /// Nodes at the source and at the target end.
    sizes: (u32, u32),
}

impl LinkHoldout {
    /// Holds out `test_fraction` of `edge_set`'s distinct links (self loops kept for
    /// training), drawn from `seed`, with as many non-edges.
    pub fn new(graph: &Graph, edge_set: &str, test_fraction: f64, seed: u64) -> Result<Self> {
        let set = graph.edge_set(edge_set).map_err(|e| NslError::Config(e.to_string()))?;
        let size = |name: &str| {
            graph.node_set(name).map(|s| s.size as u32).map_err(|e| NslError::Config(e.to_string()))
        };
        let sizes = (size(&set.source)?, size(&set.target)?);
        let mut pairs: Vec<(u32, u32)> =
            set.sources.iter().copied().zip(set.targets.iter().copied()).collect();
        pairs.sort_unstable();
        pairs.dedup();
        let links: HashSet<(u32, u32)> = pairs.iter().copied().collect();
        let mut rng = seeded(seed ^ 0x11_4e);
        pairs.shuffle(&mut rng);
        let held = (pairs.len() as f64 * test_fraction).round() as usize;
        let candidates = pairs.iter().filter(|(s, t)| set.source != set.target || s != t).count();
        if held == 0 || held >= candidates {
            return Err(NslError::Config(format!(
                "cannot hold out {held} of the {} links of “{edge_set}”",
                pairs.len()
            )));
        }
        let (mut test, mut train) = (Vec::with_capacity(held), Vec::with_capacity(pairs.len() - held));
        for pair in pairs {
            let self_loop = set.source == set.target && pair.0 == pair.1;
            if test.len() < held && !self_loop { test.push(pair) } else { train.push(pair) }
        }
        let mut holdout = Self {
            edge_set: edge_set.to_owned(),
            source: set.source.clone(),
            target: set.target.clone(),
            graph: without(graph, &set.source, &set.target, &test),
            train,
            test: test.clone(),
            test_negatives: Vec::new(),
            links,
            sizes,
        };
        holdout.test_negatives = holdout.negatives(test.len(), &mut rng);
        Ok(holdout)
    }

    /// `count` distinct pairs that are not links of the edge set (nor self loops), uniformly.
    pub fn negatives(&self, count: usize, rng: &mut SeededRng) -> Vec<(u32, u32)> {
        let possible = self.sizes.0 as usize * self.sizes.1 as usize;
        let count =
            count.min(possible.saturating_sub(self.links.len() + self.sizes.0.min(self.sizes.1) as usize));
        let mut drawn = HashSet::with_capacity(count);
        let mut out = Vec::with_capacity(count);
        while out.len() < count {
            let pair = (rng.random_range(0..self.sizes.0), rng.random_range(0..self.sizes.1));
            let self_loop = self.source == self.target && pair.0 == pair.1;
            if !self_loop && !self.links.contains(&pair) && drawn.insert(pair) {
                out.push(pair);
            }
        }
        out
    }
}

/// `graph` with `removed` links `(a in source, b in target)` taken out of every edge set
/// between `source` and `target`, in either orientation.
fn without(graph: &Graph, source: &str, target: &str, removed: &[(u32, u32)]) -> Graph {
    let removed: HashSet<(u32, u32)> = removed.iter().copied().collect();
    let mut out = graph.clone();
    for set in out.edge_sets.values_mut() {
        let forward = set.source == source && set.target == target;
        let backward = set.source == target && set.target == source;
        if !forward && !backward {
            continue;
        }
        let hidden = |s: u32, t: u32| {
            (forward && removed.contains(&(s, t))) || (backward && removed.contains(&(t, s)))
        };
        let kept: Vec<u32> = (0..set.len() as u32)
            .filter(|&e| !hidden(set.sources[e as usize], set.targets[e as usize]))
            .collect();
        *set = keep_edges(set, &kept);
    }
    out
}

/// The edges `kept` of `set`, with their weights and features.
fn keep_edges(set: &EdgeSet, kept: &[u32]) -> EdgeSet {
    let pick = |values: &[u32]| kept.iter().map(|&e| values[e as usize]).collect();
    EdgeSet {
        source: set.source.clone(),
        target: set.target.clone(),
        sources: pick(&set.sources),
        targets: pick(&set.targets),
        weights: set.weights.as_ref().map(|w| kept.iter().map(|&e| w[e as usize]).collect()),
        features: set.features.iter().map(|(name, f)| (name.clone(), f.gather(kept))).collect(),
    }
}

/// Both ends of a list of links, on the device.
pub type LinkTensors = (Tensor<1, Int>, Tensor<1, Int>);

/// `pairs` uploaded.
pub fn link_tensors(pairs: &[(u32, u32)], device: &Device) -> LinkTensors {
    let (a, b): (Vec<u32>, Vec<u32>) = pairs.iter().copied().unzip();
    (labels(&a, device), labels(&b, device))
}

/// How two states score a link: their dot product, or a dense layer on their Hadamard
/// product (TF-GNN's `HadamardProductLinkPrediction`: `Dense(1)` with a bias).
#[derive(Module, Debug)]
pub struct LinkScorer {
    /// The dense layer on the Hadamard product (none: the dot product).
    pub hadamard: Option<Dense>,
}

impl LinkScorer {
    /// A scorer for states of width `units`, its weights under `links/hadamard`.
    pub fn new(score: LinkScore, units: usize, weights: &mut WeightSource, device: &Device) -> Result<Self> {
        let hadamard = match score {
            LinkScore::DotProduct => None,
            LinkScore::HadamardProduct => {
                Some(Dense::new(weights, "links/hadamard", [units, 1], true, Activation::Linear, device)?)
            }
        };
        Ok(Self { hadamard })
    }

    /// The logit of each link `(a, b)`: `a` indexes `source`'s rows, `b` `target`'s.
    ///
    /// # Shapes
    /// - `source`: `[sources, units]`; `target`: `[targets, units]`; returns `[links]`.
    pub fn scores(&self, source: Tensor<2>, target: Tensor<2>, links: &LinkTensors) -> Tensor<1> {
        let product = source.select(0, links.0.clone()) * target.select(0, links.1.clone());
        let n = product.dims()[0];
        match &self.hadamard {
            Some(dense) => dense.forward(product).reshape([n]),
            None => product.sum_dim(1).reshape([n]),
        }
    }
}

/// Binary cross-entropy of logits, links labelled 1 and non-edges 0 (Keras'
/// `BinaryCrossentropy(from_logits=True)` over the two lists together).
///
/// # Shapes
/// - `positive`: `[p]`; `negative`: `[n]`; returns `[1]`.
pub fn link_loss(positive: Tensor<1>, negative: Tensor<1>) -> Tensor<1> {
    let count = (positive.dims()[0] + negative.dims()[0]) as f64;
    (softplus(positive.neg()).sum() + softplus(negative).sum()) / count
}

/// `log(1 + eˣ)`, stable for large |x|.
pub(crate) fn softplus(x: Tensor<1>) -> Tensor<1> {
    x.clone().clamp_min(0.0) + (x.abs().neg().exp() + 1.0).log()
}

#[cfg(test)]
mod tests {
    use nsl_graph::datasets::mag::{self, MagSpec};

    use super::*;
    use crate::tensor::{matrix, to_vec};

    fn small() -> Graph {
        mag::generate(&MagSpec {
            papers: 300,
            authors: 200,
            institutions: 10,
            fields: 20,
            ..MagSpec::playground()
        })
        .unwrap()
    }

    #[test]
    fn held_out_links_leave_message_passing_in_both_directions() {
        let graph = small();
        let holdout = LinkHoldout::new(&graph, mag::WRITES, 0.2, 4).unwrap();
        let writes = graph.edge_set(mag::WRITES).unwrap();
        let distinct: HashSet<(u32, u32)> =
            writes.sources.iter().copied().zip(writes.targets.iter().copied()).collect();
        assert_eq!(holdout.test.len(), (distinct.len() as f64 * 0.2).round() as usize);
        assert_eq!(holdout.train.len() + holdout.test.len(), distinct.len());
        let remaining = holdout.graph.edge_set(mag::WRITES).unwrap();
        let remaining: HashSet<(u32, u32)> =
            remaining.sources.iter().copied().zip(remaining.targets.iter().copied()).collect();
        let written = holdout.graph.edge_set(mag::WRITTEN).unwrap();
        let reversed: HashSet<(u32, u32)> =
            written.targets.iter().copied().zip(written.sources.iter().copied()).collect();
        for link in &holdout.test {
            assert!(!remaining.contains(link) && !reversed.contains(link), "{link:?} still passes messages");
        }
        assert!(holdout.train.iter().all(|l| remaining.contains(l)));
        assert_eq!(holdout.graph.edge_set(mag::CITES).unwrap(), graph.edge_set(mag::CITES).unwrap());
        assert_eq!(holdout.test_negatives.len(), holdout.test.len());
        assert!(holdout.test_negatives.iter().all(|n| !distinct.contains(n)));
        holdout.graph.validate().unwrap();
        let again = LinkHoldout::new(&graph, mag::WRITES, 0.2, 4).unwrap();
        assert_eq!((again.test, again.test_negatives), (holdout.test, holdout.test_negatives), "seeded");
    }

    #[test]
    fn a_fraction_that_holds_out_nothing_or_everything_is_refused() {
        let graph = small();
        assert!(LinkHoldout::new(&graph, mag::CITES, 0.000_001, 0).is_err());
        assert!(LinkHoldout::new(&graph, mag::CITES, 1.0, 0).is_err());
        assert!(LinkHoldout::new(&graph, "reviews", 0.1, 0).is_err());
    }

    #[test]
    fn scores_are_dot_products_or_a_dense_layer_of_the_hadamard_product() {
        let device = Device::flex();
        let source = matrix(vec![1.0, 2.0, -1.0, 0.5], 2, 2, &device);
        let target = matrix(vec![3.0, -1.0, 2.0, 2.0, 0.0, 1.0], 3, 2, &device);
        let links = link_tensors(&[(0, 1), (1, 2)], &device);
        let dot = LinkScorer::new(LinkScore::DotProduct, 2, &mut WeightSource::seeded(0), &device).unwrap();
        assert_eq!(to_vec(dot.scores(source.clone(), target.clone(), &links)), vec![6.0, 0.5]);
        let hadamard =
            LinkScorer::new(LinkScore::HadamardProduct, 2, &mut WeightSource::seeded(0), &device).unwrap();
        let w = to_vec(hadamard.hadamard.as_ref().unwrap().kernel.val());
        let scores = to_vec(hadamard.scores(source, target, &links));
        assert!(
            (scores[0] - (2.0 * w[0] + 4.0 * w[1])).abs() < 1e-6 && (scores[1] - 0.5 * w[1]).abs() < 1e-6
        );
        // Keras' binary cross-entropy: −mean(log σ(pos)) − mean(log(1 − σ(neg))) over both.
        let loss = to_vec(link_loss(
            Tensor::from_data(burn::tensor::TensorData::new(vec![0.0f32, 2.0], [2]), &device),
            Tensor::from_data(burn::tensor::TensorData::new(vec![-1.0f32], [1]), &device),
        ))[0];
        let sigmoid = |x: f32| 1.0 / (1.0 + (-x).exp());
        let expected = -((sigmoid(0.0)).ln() + sigmoid(2.0).ln() + (1.0 - sigmoid(-1.0)).ln()) / 3.0;
        assert!((loss - expected).abs() < 1e-6, "{loss} vs {expected}");
    }
}
