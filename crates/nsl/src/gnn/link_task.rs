//! Link prediction: hold out a fraction of the edges, train a GNN encoder on the rest so that
//! two nodes' embeddings score their link — by their dot product, or by a dense layer on their
//! Hadamard product, as TF-GNN's runner offers — (binary cross-entropy against freshly sampled
//! non-edges each epoch), and measure ROC AUC on held-out edges vs non-edges.

use std::collections::HashSet;

use burn::module::Module;
use burn::optim::{GradientsParams, ModuleOptimizer};
use burn::tensor::{Device, Tensor};
use nsl_graph::rng::{SeededRng, seeded};
use rand::RngExt;
use rand::seq::SliceRandom;
use serde::Serialize;
use web_time::Instant;

use super::adjacency::Adjacency;
use super::hetero::link_task::{LinkScorer, LinkTensors, link_tensors, softplus};
use super::hetero::weights::WeightSource;
use super::model::{Gnn, GnnConfig, GraphContext};
use super::node_task::{NodeData, NodeTrainOptions};
use crate::error::{NslError, Result};
use crate::model::NodeInput;
use crate::optim::{Stepped, adam};
use crate::spec::LinkScore;
use crate::tensor::to_vec;

/// Held-out edges and as many sampled non-edges, each `(a, b)` with `a < b`.
#[derive(Debug, Clone, PartialEq)]
pub struct HeldOut {
    /// Edges of the graph, hidden from training.
    pub edges: Vec<(u32, u32)>,
    /// Pairs that are not edges.
    pub non_edges: Vec<(u32, u32)>,
}

/// Edges held out for validation and testing, with as many sampled non-edges.
#[derive(Debug, Clone)]
pub struct LinkSplit {
    /// The message-passing graph of training (held-out edges removed, both directions).
    pub train: Adjacency,
    /// Training pairs `(a, b)`, `a < b`.
    pub train_pairs: Vec<(u32, u32)>,
    /// Validation edges and non-edges.
    pub val: HeldOut,
    /// Test edges and non-edges.
    pub test: HeldOut,
    /// Every edge of the full graph, `a < b` (negatives avoid them).
    pub all: HashSet<(u32, u32)>,
}

/// Splits the undirected pairs of `adjacency` (self loops ignored): `val_fraction` and
/// `test_fraction` of them are held out, each paired with as many random non-edges.
pub fn split_edges(
    adjacency: &Adjacency,
    val_fraction: f64,
    test_fraction: f64,
    seed: u64,
) -> Result<LinkSplit> {
    let mut pairs: Vec<(u32, u32)> =
        adjacency.triples().filter(|(a, b, _)| a != b).map(|(a, b, _)| (a.min(b), a.max(b))).collect();
    pairs.sort_unstable();
    pairs.dedup();
    let all: HashSet<(u32, u32)> = pairs.iter().copied().collect();
    let mut rng = seeded(seed);
    pairs.shuffle(&mut rng);
    let n_test = (pairs.len() as f64 * test_fraction).round() as usize;
    let n_val = (pairs.len() as f64 * val_fraction).round() as usize;
    if n_test == 0 || n_val == 0 || n_test + n_val >= pairs.len() {
        return Err(NslError::Config(format!("cannot hold out {n_val} + {n_test} of {} edges", pairs.len())));
    }
    let test_pos = pairs[..n_test].to_vec();
    let val_pos = pairs[n_test..n_test + n_val].to_vec();
    let train_pairs = pairs[n_test + n_val..].to_vec();
    let mut taken = all.clone();
    let mut negatives = |count: usize, rng: &mut SeededRng| {
        let mut out = Vec::with_capacity(count);
        while out.len() < count {
            let (a, b) =
                (rng.random_range(0..adjacency.nodes as u32), rng.random_range(0..adjacency.nodes as u32));
            let pair = (a.min(b), a.max(b));
            if a != b && taken.insert(pair) {
                out.push(pair);
            }
        }
        out
    };
    let test_neg = negatives(n_test, &mut rng);
    let val_neg = negatives(n_val, &mut rng);
    let edges: Vec<(u32, u32, f32)> =
        train_pairs.iter().flat_map(|&(a, b)| [(a, b, 1.0), (b, a, 1.0)]).collect();
    Ok(LinkSplit {
        train: Adjacency::new(adjacency.nodes, &edges)?,
        train_pairs,
        val: HeldOut { edges: val_pos, non_edges: val_neg },
        test: HeldOut { edges: test_pos, non_edges: test_neg },
        all,
    })
}

/// `count` pairs `(a, b)` of distinct nodes below `nodes` drawn at random that are not edges
/// (`all` holds every edge as `(min, max)`); a pair may come twice.
pub fn random_non_edges(
    rng: &mut SeededRng,
    nodes: u32,
    all: &HashSet<(u32, u32)>,
    count: usize,
) -> Vec<(u32, u32)> {
    let mut out = Vec::with_capacity(count);
    while out.len() < count {
        let (a, b) = (rng.random_range(0..nodes), rng.random_range(0..nodes));
        if a != b && !all.contains(&(a.min(b), a.max(b))) {
            out.push((a, b));
        }
    }
    out
}

/// ROC AUC of scores of positives against negatives (ties count half).
pub fn roc_auc(positive: &[f32], negative: &[f32]) -> f64 {
    let mut all: Vec<(f32, bool)> =
        positive.iter().map(|&s| (s, true)).chain(negative.iter().map(|&s| (s, false))).collect();
    all.sort_by(|a, b| a.0.total_cmp(&b.0));
    // Sum of the (tie-averaged, 1-based) ranks of the positives.
    let mut rank_sum = 0.0;
    let mut i = 0;
    while i < all.len() {
        let mut j = i;
        while j < all.len() && all[j].0 == all[i].0 {
            j += 1;
        }
        let rank = (i + 1 + j) as f64 / 2.0;
        rank_sum += rank * all[i..j].iter().filter(|x| x.1).count() as f64;
        i = j;
    }
    let (p, n) = (positive.len() as f64, negative.len() as f64);
    (rank_sum - p * (p + 1.0) / 2.0) / (p * n)
}

/// Result of a link-prediction run.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct LinkRun {
    /// Test AUC of the encoder with the best validation AUC.
    pub test_auc: f64,
    /// Its validation AUC.
    pub val_auc: f64,
    /// Its epoch.
    pub best_epoch: usize,
    /// Test AUC of the encoder as trained to the last epoch (what the playground shows).
    pub last_test_auc: f64,
    /// Training seconds.
    pub train_seconds: f64,
}

/// An encoder and how its embeddings score a link.
#[derive(Module, Debug)]
pub struct LinkModel {
    /// The GNN whose output is each node's embedding.
    pub encoder: Gnn,
    /// The dot product, or a dense layer on the Hadamard product.
    pub scorer: LinkScorer,
}

/// A link predictor trained one full-batch step at a time: the encoder and scorer, their
/// optimizer, the training graph and its positive pairs (built once), and fresh non-edges each
/// step. `nsl train` and the playground both train with it.
pub struct LinkTrainer {
    model: Stepped<LinkModel>,
    optimizer: ModuleOptimizer,
    input: NodeInput,
    context: GraphContext,
    eval_input: NodeInput,
    eval_context: GraphContext,
    positives: LinkTensors,
    train_pairs: usize,
    all: HashSet<(u32, u32)>,
    nodes: u32,
    learning_rate: f64,
    rng: SeededRng,
    device: Device,
    steps: usize,
}

impl std::fmt::Debug for LinkTrainer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // burn's optimizer has no Debug.
        f.debug_struct("LinkTrainer").field("steps", &self.steps).finish_non_exhaustive()
    }
}

impl LinkTrainer {
    /// A fresh encoder `config` (its `output` is the embedding width) and scorer on
    /// `split.train` (autodiff is enabled on `device` here).
    pub fn new(
        data: &NodeData,
        split: &LinkSplit,
        config: &GnnConfig,
        score: LinkScore,
        options: &NodeTrainOptions,
        device: &Device,
    ) -> Result<Self> {
        let train_device = device.clone().autodiff();
        train_device.seed(options.seed);
        let eval_device = device.clone().inner();
        // Keras' Dense(1) for the Hadamard score: a Glorot kernel and a zero bias.
        let mut scorer_weights = WeightSource::seeded(options.seed ^ 0x4a_da);
        let scorer = LinkScorer::new(score, config.output, &mut scorer_weights, &train_device)?;
        let model = LinkModel { encoder: config.init(options.seed, &train_device)?, scorer };
        let input = NodeInput::from_rows(&data.features, data.dim, &train_device);
        let context = GraphContext::new(config.kind, &split.train, &train_device)?;
        model.encoder.check(&input, &context)?;
        Ok(Self {
            model: Stepped::new(model),
            optimizer: adam(options.weight_decay),
            input,
            context,
            eval_input: NodeInput::from_rows(&data.features, data.dim, &eval_device),
            eval_context: GraphContext::new(config.kind, &split.train, &eval_device)?,
            positives: link_tensors(&split.train_pairs, &train_device),
            train_pairs: split.train_pairs.len(),
            all: split.all.clone(),
            nodes: data.adjacency.nodes as u32,
            learning_rate: options.learning_rate,
            rng: seeded(options.seed ^ 0x11_4e),
            device: train_device,
            steps: 0,
        })
    }

    /// One step: every training link against as many freshly sampled non-edges (binary
    /// cross-entropy on the scores). Returns the loss on the device.
    pub fn step(&mut self) -> Tensor<1> {
        let negatives = random_non_edges(&mut self.rng, self.nodes, &self.all, self.train_pairs);
        let negatives = link_tensors(&negatives, &self.device);
        let z = self.model.encoder.forward(&self.input, &self.context, Some(&mut self.rng)).logits;
        let (positive, negative) = (
            self.model.scorer.scores(z.clone(), z.clone(), &self.positives),
            self.model.scorer.scores(z.clone(), z, &negatives),
        );
        // The mean over links plus the mean over non-edges (as many of each).
        let loss = softplus(positive.neg()).mean() + softplus(negative).mean();
        let grads = GradientsParams::from_grads(loss.backward(), self.model.get());
        self.model.step(&mut self.optimizer, self.learning_rate, grads);
        self.steps += 1;
        loss.inner()
    }

    /// Steps taken.
    pub fn steps_done(&self) -> usize {
        self.steps
    }

    /// The learning rate from the next step on.
    pub fn set_learning_rate(&mut self, learning_rate: f64) {
        self.learning_rate = learning_rate;
    }

    /// The scores (logits) of `held`'s edges and non-edges by the inference copy of the model,
    /// on the device: `([edges], [non-edges])`.
    pub fn scores(&self, held: &[&HeldOut]) -> Vec<(Tensor<1>, Tensor<1>)> {
        let eval = self.model.valid();
        let z = eval.encoder.forward(&self.eval_input, &self.eval_context, None).logits;
        let device = z.device();
        let score =
            |pairs: &[(u32, u32)]| eval.scorer.scores(z.clone(), z.clone(), &link_tensors(pairs, &device));
        held.iter().map(|h| (score(&h.edges), score(&h.non_edges))).collect()
    }
}

/// Trains an encoder `config` (its `output` is the embedding width) on `split.train`.
pub fn train_link_predictor(
    data: &NodeData,
    split: &LinkSplit,
    config: &GnnConfig,
    score: LinkScore,
    options: &NodeTrainOptions,
    device: &Device,
) -> Result<LinkRun> {
    let mut trainer = LinkTrainer::new(data, split, config, score, options, device)?;
    let mut best = (-1.0, 0.0, 0);
    let mut last_test_auc = 0.0;
    let mut train_seconds = 0.0;
    for epoch in 1..=options.epochs {
        let start = Instant::now();
        let _ = trainer.step();
        train_seconds += start.elapsed().as_secs_f64();
        let auc = |(pos, neg): (Tensor<1>, Tensor<1>)| roc_auc(&to_vec(pos), &to_vec(neg));
        let mut scored = trainer.scores(&[&split.val, &split.test]).into_iter();
        let (val_auc, test_auc) = (auc(scored.next().expect("val")), auc(scored.next().expect("test")));
        if val_auc > best.0 {
            best = (val_auc, test_auc, epoch);
        }
        last_test_auc = test_auc;
    }
    Ok(LinkRun { test_auc: best.1, val_auc: best.0, best_epoch: best.2, last_test_auc, train_seconds })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn auc_counts_ordered_pairs_and_ties() {
        assert_eq!(roc_auc(&[3.0, 4.0], &[1.0, 2.0]), 1.0);
        assert_eq!(roc_auc(&[1.0], &[2.0]), 0.0);
        assert_eq!(roc_auc(&[1.0, 3.0], &[2.0, 2.0]), 0.5);
        assert_eq!(roc_auc(&[2.0], &[2.0]), 0.5);
    }

    #[test]
    fn splits_hold_out_disjoint_edges_and_true_non_edges() {
        let edges: Vec<(u32, u32, f32)> = (0..40u32).map(|i| (i, (i + 1) % 40, 1.0)).collect();
        let adjacency = Adjacency::new(40, &edges).unwrap().symmetrized();
        let split = split_edges(&adjacency, 0.1, 0.2, 3).unwrap();
        assert_eq!((split.test.edges.len(), split.val.edges.len(), split.train_pairs.len()), (8, 4, 28));
        assert_eq!(split.train.len(), 56);
        for pair in split.test.non_edges.iter().chain(&split.val.non_edges) {
            assert!(!split.all.contains(pair) && pair.0 < pair.1);
        }
        let train: HashSet<_> = split.train_pairs.iter().collect();
        assert!(split.test.edges.iter().all(|p| !train.contains(p)));
    }

    /// Two communities joined densely inside and sparsely across: held-out links are
    /// predictable from the structure, by either score.
    #[test]
    fn dot_and_hadamard_scores_both_learn_the_links() {
        let spec = nsl_graph::datasets::sbm::SbmSpec {
            classes: 4,
            nodes_per_class: 150,
            p_in: 0.08,
            p_out: 0.002,
            topic_strength: 0.8,
            seed: 5,
            ..Default::default()
        };
        let graph = crate::spec::GraphSource::Citation(spec).planetoid().unwrap();
        let data = NodeData::from_planetoid(&graph).unwrap();
        let split = split_edges(&data.adjacency, 0.1, 0.2, 1).unwrap();
        let config = GnnConfig {
            kind: crate::spec::GnnKind::Gcn,
            input: data.dim,
            hidden: vec![32],
            output: 16,
            dropout: 0.0,
        };
        let options = NodeTrainOptions { epochs: 100, learning_rate: 0.01, weight_decay: 0.0, seed: 0 };
        let device = Device::flex();
        for score in [LinkScore::DotProduct, LinkScore::HadamardProduct] {
            let run = train_link_predictor(&data, &split, &config, score, &options, &device).unwrap();
            assert!(run.test_auc > 0.75, "{score:?}: {run:?}");
        }
    }
}
