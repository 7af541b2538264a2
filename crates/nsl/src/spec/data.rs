//! What a spec trains and tests on: MNIST files, a 2D set drawn from a seed, a Planetoid
//! directory, or a graph made in memory (built in, drawn, or read from the user's files).
//! Plain data: loading and generating are `data`'s.

use std::path::PathBuf;

use nsl_graph::datasets::mag::MagSpec;
use nsl_graph::datasets::motifs::MotifSpec;
use nsl_graph::datasets::sbm::SbmSpec;
use serde::{Deserialize, Serialize};

use super::drawn::DrawnGraph;

/// Data sources.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case", deny_unknown_fields)]
pub enum DataSpec {
    /// MNIST raw bytes (`images-10k.u8`, `labels-10k.u8`): the first `train` images train,
    /// the next `test` images test.
    Mnist {
        /// Directory of the two files.
        dir: PathBuf,
        /// Training images.
        train: usize,
        /// Test images, following the training ones.
        test: usize,
    },
    /// A two-dimensional TensorFlow-Playground set (moons, circles, spiral, xor, blobs), drawn
    /// from its own seed.
    Toy(ToySpec),
    /// A Planetoid citation graph (`NAME.content/.cites/.split`): train on the split's train
    /// nodes, test on its test nodes; graph neighbors come from all nodes.
    Planetoid {
        /// Directory holding one NAME triple.
        dir: PathBuf,
        /// Treat each citation as an edge in both directions.
        #[serde(default = "yes")]
        undirected: bool,
    },
    /// A built-in graph made in memory (karate club, synthetic citation network), used as
    /// Planetoid data is.
    Graph {
        /// Which graph.
        graph: GraphSource,
    },
    /// A heterogeneous graph shaped like OGBN-MAG, drawn from its own seed: papers, authors,
    /// institutions and fields of study; each paper's venue is its class.
    Mag(MagSpec),
    /// A graph-classification set drawn from its own seed: small graphs, each classified by
    /// the motif it contains (cycle, house, grid).
    Motifs(MotifSpec),
}

impl DataSpec {
    /// The range valid inputs lie in, `(min, max)`: pixels in [0, 1]; other features unbounded.
    /// Perturbations of the data are clipped to it.
    pub fn input_range(&self) -> (Option<f32>, Option<f32>) {
        match self {
            Self::Mnist { .. } => (Some(0.0), Some(1.0)),
            _ => (None, None),
        }
    }

    /// Whether the data is one graph of one node set (node classification, graph
    /// regularization, GNNs, NGM).
    pub fn is_graph(&self) -> bool {
        matches!(self, Self::Planetoid { .. } | Self::Graph { .. })
    }

    /// Whether the data is for TF-GNN's models over typed graphs (several node and edge sets,
    /// or many graphs).
    pub fn is_typed_graph(&self) -> bool {
        matches!(self, Self::Mag(_) | Self::Motifs(_))
    }
}

fn yes() -> bool {
    true
}

/// The shapes on offer.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ToyShape {
    /// Two interleaving half circles.
    Moons,
    /// A disc inside a ring.
    Circles,
    /// Two interleaved spiral arms.
    Spiral,
    /// Quadrants: the sign of x·y.
    Xor,
    /// Two Gaussian clouds.
    Blobs,
}

/// How to draw a toy set.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ToySpec {
    /// The shape.
    pub shape: ToyShape,
    /// Points in total (train + test), half of each class.
    pub points: usize,
    /// Noise level in `[0, 1]`: 0 is the clean shape.
    pub noise: f32,
    /// Fraction of the points used for training, in `(0, 1)`.
    pub train_fraction: f32,
    /// Seed of the draw and the split.
    pub seed: u64,
}

/// A graph made in memory: built in, or drawn in the playground.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", deny_unknown_fields)]
pub enum GraphSource {
    /// Zachary's karate club: one-hot identity features, the two factions as classes, and
    /// only the two leaders labeled for training (the classic semi-supervised set-up); every
    /// other member is a test node.
    Karate,
    /// A synthetic citation network (stochastic block model with bag-of-words features and
    /// its own train/val/test split).
    Citation(SbmSpec),
    /// A graph drawn by hand in the playground's editor.
    Drawn(DrawnGraph),
    /// A graph the playground read from the user's files: only the browser that read them has
    /// it (a link to it says which files to open again).
    Loaded(LoadedGraph),
}

/// Which loaded graph a spec trains on.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LoadedGraph {
    /// The files' name (stem).
    pub name: String,
    /// Its nodes (to tell it from another graph of that name).
    pub nodes: usize,
    /// Its edges.
    pub edges: usize,
}

/// Karate club members whose faction is given for training: Mr. Hi (0) and the Officer (33).
pub const KARATE_LEADERS: [usize; 2] = [0, 33];

impl GraphSource {
    /// A file-name stem for exports.
    pub fn name(&self) -> &'static str {
        match self {
            Self::Karate => "karate",
            Self::Citation(_) => "citation",
            Self::Drawn(_) => "drawn",
            Self::Loaded(_) => "loaded",
        }
    }
}
