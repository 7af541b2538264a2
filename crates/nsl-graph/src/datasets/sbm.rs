//! A stochastic block model with class-conditional bag-of-words features: a small synthetic
//! citation network. Nodes of a class link with probability `p_in`, across classes with
//! `p_out`; each node's words come from its class's topic (a block of the vocabulary) with
//! probability `topic_strength`, otherwise from the whole vocabulary.

use crate::rng::seeded;
use rand::RngExt;
use rand::seq::SliceRandom;
use serde::{Deserialize, Serialize};

use crate::error::{GraphError, Result};
use crate::typed::{FEATURES, Feature, Graph, LABEL, NodeSet, SPLIT, SplitKind};

/// The parameters of a synthetic citation network.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SbmSpec {
    /// Number of classes (≥ 2).
    pub classes: usize,
    /// Nodes of each class.
    pub nodes_per_class: usize,
    /// Edge probability within a class.
    pub p_in: f64,
    /// Edge probability across classes.
    pub p_out: f64,
    /// Vocabulary size (≥ classes).
    pub vocabulary: usize,
    /// Words drawn per node (with repetition; features are 0/1 presence).
    pub words_per_node: usize,
    /// Probability that a word comes from the node's class topic.
    pub topic_strength: f64,
    /// Training labels per class (the rest is split into val and test).
    pub train_per_class: usize,
    /// Validation nodes in all.
    pub val: usize,
    /// Seed of the draw.
    pub seed: u64,
}

impl Default for SbmSpec {
    /// A Cora-like miniature: 3 classes × 100 nodes, average degree ≈ 6, weak features.
    fn default() -> Self {
        Self {
            classes: 3,
            nodes_per_class: 100,
            p_in: 0.05,
            p_out: 0.005,
            vocabulary: 120,
            words_per_node: 12,
            topic_strength: 0.35,
            train_per_class: 5,
            val: 30,
            seed: 0,
        }
    }
}

impl SbmSpec {
    fn validate(&self) -> Result<()> {
        let n = self.classes * self.nodes_per_class;
        let bad = |why: String| Err(GraphError::Config(format!("stochastic block model: {why}")));
        if self.classes < 2 || self.nodes_per_class == 0 {
            return bad("needs ≥ 2 classes and ≥ 1 node per class".into());
        }
        if n > 20_000 {
            return bad(format!("{n} nodes; at most 20000 are generated (pairs are drawn one by one)"));
        }
        for (name, p) in [("p_in", self.p_in), ("p_out", self.p_out), ("topic_strength", self.topic_strength)]
        {
            if !(0.0..=1.0).contains(&p) {
                return bad(format!("{name} = {p} is not a probability"));
            }
        }
        if self.vocabulary < self.classes {
            return bad("the vocabulary must have at least one word per class".into());
        }
        if self.train_per_class > self.nodes_per_class || self.classes * self.train_per_class + self.val > n {
            return bad("more train and val nodes than nodes".into());
        }
        Ok(())
    }
}

/// Draws the network: a homogeneous graph with [`FEATURES`], [`LABEL`] and [`SPLIT`], each
/// undirected edge stored in both directions.
pub fn generate(spec: &SbmSpec) -> Result<Graph> {
    spec.validate()?;
    let mut rng = seeded(spec.seed);
    let n = spec.classes * spec.nodes_per_class;
    let class_of = |i: usize| i / spec.nodes_per_class;
    let mut edges = Vec::new();
    for i in 0..n {
        for j in i + 1..n {
            let p = if class_of(i) == class_of(j) { spec.p_in } else { spec.p_out };
            if rng.random_bool(p) {
                edges.extend([(i as u32, j as u32, 1.0), (j as u32, i as u32, 1.0)]);
            }
        }
    }
    let block = spec.vocabulary / spec.classes;
    let mut features = vec![0.0f32; n * spec.vocabulary];
    for i in 0..n {
        for _ in 0..spec.words_per_node {
            let word = if rng.random_bool(spec.topic_strength) {
                class_of(i) * block + rng.random_range(0..block)
            } else {
                rng.random_range(0..spec.vocabulary)
            };
            features[i * spec.vocabulary + word] = 1.0;
        }
    }
    let mut split = vec![SplitKind::Test; n];
    let mut rest = Vec::new();
    for c in 0..spec.classes {
        let mut members: Vec<usize> = (c * spec.nodes_per_class..(c + 1) * spec.nodes_per_class).collect();
        members.shuffle(&mut rng);
        for &m in &members[..spec.train_per_class] {
            split[m] = SplitKind::Train;
        }
        rest.extend_from_slice(&members[spec.train_per_class..]);
    }
    rest.shuffle(&mut rng);
    for &m in &rest[..spec.val] {
        split[m] = SplitKind::Val;
    }
    let mut nodes = NodeSet::new(n);
    nodes.features.insert(FEATURES.into(), Feature::Dense { dim: spec.vocabulary, values: features });
    nodes.features.insert(
        LABEL.into(),
        Feature::Labels {
            classes: (0..spec.classes).map(|c| format!("topic {c}")).collect(),
            values: (0..n).map(|i| Some(class_of(i) as u32)).collect(),
        },
    );
    nodes.features.insert(SPLIT.into(), Feature::Split { values: split });
    Ok(Graph::homogeneous(nodes, &edges))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::typed::{EDGES, NODES};

    #[test]
    fn homophilous_seeded_and_split() {
        let spec = SbmSpec::default();
        let g = generate(&spec).unwrap();
        g.validate().unwrap();
        assert_eq!(g, generate(&spec).unwrap());
        assert_ne!(g, generate(&SbmSpec { seed: 1, ..spec }).unwrap());
        let nodes = g.node_set(NODES).unwrap();
        let (_, labels) = nodes.labels(LABEL).unwrap();
        let edges = g.edge_set(EDGES).unwrap();
        let within = edges.triples().filter(|&(a, b, _)| labels[a as usize] == labels[b as usize]).count();
        // Expected: within 3·C(100,2)·0.05 ≈ 743 pairs, across 3·100²·0.005 = 150 pairs.
        let fraction = within as f64 / edges.len() as f64;
        assert!((0.75..0.95).contains(&fraction), "homophily {fraction}");
        let mean_degree = edges.len() as f64 / nodes.size as f64;
        assert!((4.0..8.0).contains(&mean_degree), "mean degree {mean_degree}");
        let split = nodes.split(SPLIT).unwrap();
        assert_eq!(split.iter().filter(|&&s| s == SplitKind::Train).count(), 15);
        assert_eq!(split.iter().filter(|&&s| s == SplitKind::Val).count(), 30);
        // Features carry the class: a node's words fall in its topic block more often than chance.
        let (dim, features) = nodes.dense(FEATURES).unwrap();
        let on_topic: f32 = (0..nodes.size)
            .map(|i| {
                let c = labels[i].unwrap() as usize;
                features[i * dim + c * 40..i * dim + (c + 1) * 40].iter().sum::<f32>()
                    / features[i * dim..(i + 1) * dim].iter().sum::<f32>()
            })
            .sum::<f32>()
            / nodes.size as f32;
        assert!(on_topic > 0.45, "on-topic word share {on_topic}");
        assert!(generate(&SbmSpec { p_in: 1.5, ..spec }).is_err());
    }
}
