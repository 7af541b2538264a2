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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::spec::{DataSpec, GraphSource, LoadedGraph, SynthesizedSpec};

    /// Digits built into a graph with `embedding`, from the builtin's spec.
    fn built(rows: DataSpec, embedding: EmbeddingSpec) -> crate::spec::ExperimentSpec {
        let mut spec = crate::spec::builtin::builtin("digits-graph-reg", None, 0).unwrap();
        spec.data = DataSpec::Synthesized(SynthesizedSpec {
            rows: Box::new(rows),
            embedding,
            edges: EdgeRule::Cosine { threshold: 0.35, lsh_splits: 2, lsh_rounds: 3 },
            labels_per_class: Some(20),
            seed: 4,
        });
        spec
    }

    #[test]
    fn every_embedding_and_node_table_round_trips_and_is_checked() {
        let cora = DataSpec::Planetoid { dir: "assets/cora".into(), undirected: true };
        let opened = DataSpec::Graph {
            graph: GraphSource::Loaded(LoadedGraph { name: "cora".into(), nodes: 2708, edges: 5278 }),
        };
        let digits = DataSpec::Mnist { dir: "assets/mnist".into(), train: 1000, test: 500 };
        for (rows, embedding) in [
            (digits.clone(), EmbeddingSpec::Raw),
            (digits.clone(), EmbeddingSpec::Pca { dims: 16 }),
            (digits.clone(), EmbeddingSpec::BaseModel { hidden: 32, epochs: 100 }),
            (cora, EmbeddingSpec::Raw),
            (opened, EmbeddingSpec::BaseModel { hidden: 8, epochs: 1 }),
        ] {
            let spec = built(rows, embedding);
            spec.validate().unwrap();
            let json = serde_json::to_string(&spec).unwrap();
            assert_eq!(serde_json::from_str::<crate::spec::ExperimentSpec>(&json).unwrap(), spec, "{json}");
        }
        let json = serde_json::to_value(EmbeddingSpec::BaseModel { hidden: 32, epochs: 100 }).unwrap();
        assert_eq!(json, serde_json::json!({ "kind": "base_model", "hidden": 32, "epochs": 100 }));
        let refused = |embedding| built(digits.clone(), embedding).validate().unwrap_err().to_string();
        assert!(
            refused(EmbeddingSpec::BaseModel { hidden: 0, epochs: 10 }).contains("at least 1 hidden unit")
        );
        assert!(
            refused(EmbeddingSpec::BaseModel { hidden: 257, epochs: 10 }).contains("data.embedding.hidden")
        );
        assert!(
            refused(EmbeddingSpec::BaseModel { hidden: 8, epochs: 1001 }).contains("data.embedding.epochs")
        );
        let mut toy_rows = built(digits, EmbeddingSpec::Raw);
        if let DataSpec::Synthesized(b) = &mut toy_rows.data {
            *b.rows = DataSpec::Synthesized(b.clone());
        }
        assert!(toy_rows.validate().unwrap_err().to_string().contains("a graph is built from rows"));
    }
}
