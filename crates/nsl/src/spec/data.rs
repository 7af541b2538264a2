//! What a spec trains and tests on: MNIST files, a 2D set drawn from a seed, a Planetoid
//! directory, or a graph made in memory (built in, drawn, or read from the user's files).
//! Plain data: loading and generating are `data`'s.

use std::path::PathBuf;

use nsl_graph::datasets::mag::MagSpec;
use nsl_graph::datasets::motifs::MotifSpec;
use nsl_graph::datasets::sbm::SbmSpec;
use serde::{Deserialize, Serialize};

use super::drawn::DrawnGraph;
use super::synthesized::{EdgeRule, EmbeddingSpec};

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
    /// Points of the plane placed by the learner (added, moved, erased in the playground, or
    /// read from a CSV of `x,y,label`), with their split.
    Points(PlanePoints),
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
    /// Digits or a 2D set joined into a graph by the similarity of their embeddings (NSL's
    /// synthesized-graph workflow), trained on as graph data with a few labels per class.
    Synthesized(SynthesizedSpec),
}

impl DataSpec {
    /// The range valid inputs lie in, `(min, max)`: pixels in [0, 1]; other features unbounded.
    /// Perturbations of the data are clipped to it.
    pub fn input_range(&self) -> (Option<f32>, Option<f32>) {
        match self {
            Self::Mnist { .. } => (Some(0.0), Some(1.0)),
            Self::Synthesized(built) => built.rows.input_range(),
            _ => (None, None),
        }
    }

    /// Whether the data is one graph of one node set (node classification, graph
    /// regularization, GNNs, NGM).
    pub fn is_graph(&self) -> bool {
        matches!(self, Self::Planetoid { .. } | Self::Graph { .. } | Self::Synthesized(_))
    }

    /// Whether the rows are points of the plane (a 2D set), whose features a model may
    /// compute from `(x₁, x₂)`.
    pub fn is_plane(&self) -> bool {
        matches!(self, Self::Toy(_) | Self::Points(_))
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
    /// Classes: 2, or up to [`MAX_PLANE_CLASSES`] for the shapes that have more (blobs and
    /// spiral arms).
    #[serde(default = "two", skip_serializing_if = "is_two")]
    pub classes: usize,
}

/// The most classes of points of the plane (a set drawn from a seed, or the learner's own).
pub const MAX_PLANE_CLASSES: usize = 5;

fn two() -> usize {
    2
}

fn is_two(n: &usize) -> bool {
    *n == 2
}

impl ToyShape {
    /// Whether the shape can be drawn with more than two classes.
    pub fn takes_classes(self) -> bool {
        matches!(self, Self::Blobs | Self::Spiral)
    }
}

impl ToySpec {
    /// The classes drawn: `classes` for blobs and spirals, two for the other shapes.
    pub fn drawn_classes(&self) -> usize {
        if self.shape.takes_classes() { self.classes.max(2) } else { 2 }
    }
}

/// A point of the plane and its class: `[x, y, label]` in JSON.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct PlanePoint(pub f32, pub f32, pub u32);

/// The learner's own points of the plane, split into training and test points.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PlanePoints {
    /// Points the model trains on.
    pub train: Vec<PlanePoint>,
    /// Points it is tested on.
    pub test: Vec<PlanePoint>,
}

impl PlanePoints {
    /// Classes: one more than the largest label, and at least two.
    pub fn classes(&self) -> usize {
        self.train.iter().chain(&self.test).map(|p| p.2 as usize + 1).max().unwrap_or(0).max(2)
    }
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

/// Rows (digits or a 2D set) joined into a graph by the similarity of their embeddings; the
/// graph's nodes are the training rows followed by the test rows.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SynthesizedSpec {
    /// The rows and their train/test split: `mnist` or `toy` data, or the nodes of a node table
    /// without its edges — a `planetoid` directory, a `graph` (the page's loaded files) —, every
    /// node outside the test split a training row.
    pub rows: Box<DataSpec>,
    /// What is compared.
    #[serde(default)]
    pub embedding: EmbeddingSpec,
    /// Which pairs become edges.
    pub edges: EdgeRule,
    /// Training rows that keep their label, per class (the first ones of each class, in row
    /// order); the other training rows stay in the graph unlabeled, as neighbors. `None`: every
    /// training row is labeled.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub labels_per_class: Option<usize>,
    /// Seed of the PCA's starting subspace and of the LSH hyperplanes (the graph stays the same
    /// when only the training seed changes).
    #[serde(default)]
    pub seed: u64,
}

impl SynthesizedSpec {
    /// Checks what serde cannot: rows of digits, a 2D set or a node table, and knobs in range.
    pub fn validate(&self) -> crate::Result<()> {
        let bad = |m: String| Err(crate::NslError::Config(m));
        if !matches!(
            *self.rows,
            DataSpec::Mnist { .. } | DataSpec::Toy(_) | DataSpec::Planetoid { .. } | DataSpec::Graph { .. }
        ) {
            return bad(
                "a graph is built from rows of digits (mnist), of a 2D set (toy) or of a node table (planetoid, graph)"
                    .into(),
            );
        }
        match self.embedding {
            EmbeddingSpec::Pca { dims: 0 } => return bad("a PCA embedding keeps at least 1 dimension".into()),
            EmbeddingSpec::BaseModel { hidden: 0, .. } => {
                return bad("a base-model embedding needs at least 1 hidden unit".into());
            }
            _ => {}
        }
        match self.edges {
            EdgeRule::Cosine { threshold, lsh_splits, lsh_rounds } => {
                if !(-1.0..=1.0).contains(&threshold) {
                    return bad(format!("the cosine threshold must be in [-1, 1], got {threshold}"));
                }
                if lsh_splits > 0 && lsh_rounds == 0 {
                    return bad("LSH needs at least one round".into());
                }
            }
            EdgeRule::Knn { k: 0 } => return bad("kNN needs k ≥ 1".into()),
            EdgeRule::Knn { .. } => {}
        }
        if self.labels_per_class == Some(0) {
            return bad("keep at least 1 label per class".into());
        }
        Ok(())
    }
}
