//! How a graph is built from the data itself — NSL's synthesized-graph workflow (`build_graph`,
//! then `pack_nbrs`): what is compared and which pairs become edges. The spec keeps how the graph
//! is built, not its edges ([`super::data::SynthesizedSpec`]), so that a link or an exported
//! spec builds the same edges again, natively or in the browser. Plain data: building is
//! `data::synthesized`'s.

use serde::{Deserialize, Serialize};

/// The vectors whose similarity makes the edges.
#[derive(Debug, Clone, Copy, Default, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case", deny_unknown_fields)]
pub enum EmbeddingSpec {
    /// The rows' own features (pixels, coordinates).
    #[default]
    Raw,
    /// The rows centred and projected on their leading principal components.
    Pca {
        /// Components kept.
        dims: usize,
    },
    /// The penultimate layer of a base model: the ReLU hidden layer of a one-hidden-layer
    /// network trained (full batch, Adam 0.01, `seed`) on the labels the graph keeps, as NSL's
    /// tutorials embed with a trained model. Trained with one order of operations, so native
    /// and wasm embed to the same bits.
    BaseModel {
        /// Hidden units: the embedding's width.
        hidden: usize,
        /// Training steps.
        epochs: usize,
    },
}

/// How pairs are chosen.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case", deny_unknown_fields)]
pub enum EdgeRule {
    /// NSL's `build_graph`: an edge, weighted by the similarity, between two examples whose
    /// embeddings have cosine similarity ≥ `threshold`, compared only within LSH buckets when
    /// `lsh_splits > 0`.
    Cosine {
        /// Smallest cosine similarity that makes an edge.
        threshold: f32,
        /// Random hyperplanes per LSH round (0: compare every pair).
        #[serde(default)]
        lsh_splits: u32,
        /// LSH rounds whose edges are united.
        #[serde(default = "one")]
        lsh_rounds: u32,
    },
    /// Each example joined to its `k` nearest others (Euclidean distance between embeddings),
    /// every edge of weight 1, taken in both directions.
    Knn {
        /// Neighbors per example.
        k: usize,
    },
}

fn one() -> u32 {
    1
}
