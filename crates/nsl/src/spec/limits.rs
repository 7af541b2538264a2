//! The largest spec anything accepts, wherever it comes from (a link, a file, local storage, a
//! lesson, `nsl train --spec`). A spec arrives from strangers: one with hidden widths of 200,000
//! or 10⁹ points would allocate until the worker dies, one with 10⁹ PGD iterations would never
//! finish a step. [`ExperimentSpec::validate`](super::ExperimentSpec::validate) checks these
//! bounds first, before any consistency check and before anything is built, and the message
//! names the field, its value and the limit.
//!
//! The bounds are generous for what the playground and the CLI train (every built-in and preset
//! is far inside them) and small enough that the largest accepted model fits a browser tab:
//! [`LIMITS`] is the table the README shows (a test keeps the two equal).

use super::data::SynthesizedSpec;
use super::data::{DataSpec, GraphSource};
use super::drawn::{MAX_DRAWN_CLASSES, MAX_DRAWN_NODES, NodeFeatures};
use super::evaluation::EvaluationSpec;
use super::model::{GnnKind, ModelSpec};
use super::synthesized::{EdgeRule, EmbeddingSpec};
use crate::config::tfgnn::HeteroModel;
use crate::config::{AdvNeighborConfig, Regularization};
use crate::error::{NslError, Result};

/// An upper bound on one field of a spec.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limit {
    /// Where the field is in the spec's JSON; `[i]` stands for every element of a list.
    pub field: &'static str,
    /// What is counted (the unit of the message and the table).
    pub counts: &'static str,
    /// The largest accepted value.
    pub max: usize,
}

impl Limit {
    const fn new(field: &'static str, counts: &'static str, max: usize) -> Self {
        Self { field, counts, max }
    }

    /// `value` if it is within the bound; an error naming the field, the value and the limit.
    /// Public for sizes known only once the data is read (a node table's rows).
    pub fn check(&self, value: usize) -> Result<()> {
        self.check_at(self.field, value)
    }

    /// [`Limit::check`] with `field` naming where the value is (a list element).
    fn check_at(&self, field: &str, value: usize) -> Result<()> {
        if value <= self.max {
            return Ok(());
        }
        Err(NslError::Config(format!("{field}: {value} {}, over the limit of {}", self.counts, self.max)))
    }

    /// Checks every element of a list, naming its index (`model.hidden[1]`).
    fn check_each(&self, values: impl IntoIterator<Item = usize>) -> Result<()> {
        for (i, value) in values.into_iter().enumerate() {
            self.check_at(&self.field.replace("[i]", &format!("[{i}]")), value)?;
        }
        Ok(())
    }
}

/// The run's name.
pub const NAME: Limit = Limit::new("name", "characters", 200);
/// Passes over the data.
pub const EPOCHS: Limit = Limit::new("epochs", "epochs", 10_000);
/// Samples per step.
pub const BATCH_SIZE: Limit = Limit::new("optimizer.batch_size", "samples", 4096);
/// Points of a 2D set.
pub const TOY_POINTS: Limit = Limit::new("data.points", "points", 20_000);
/// The learner's own points of the plane (training and test together): every one travels in
/// the link.
pub const PLANE_POINTS: Limit = Limit::new("data.train.len + data.test.len", "points", 1000);
/// MNIST images read (train and test together).
pub const MNIST_IMAGES: Limit = Limit::new("data.train + data.test", "images", 70_000);
/// The MNIST directory's path.
pub const PATH: Limit = Limit::new("data.dir", "bytes", 4096);
/// Nodes of a synthetic citation network (classes × nodes per class): its edges are drawn for
/// every pair.
pub const CITATION_NODES: Limit = Limit::new("data.graph.citation.classes × nodes_per_class", "nodes", 5000);
/// Classes of a synthetic citation network.
pub const CITATION_CLASSES: Limit = Limit::new("data.graph.citation.classes", "classes", 20);
/// Vocabulary of a synthetic citation network (the feature width).
pub const CITATION_VOCABULARY: Limit = Limit::new("data.graph.citation.vocabulary", "words", 2000);
/// Words drawn per node of a synthetic citation network.
pub const CITATION_WORDS: Limit = Limit::new("data.graph.citation.words_per_node", "words", 1000);
/// Nodes of a drawn graph.
pub const DRAWN_NODES: Limit = Limit::new("data.graph.drawn.nodes", "nodes", MAX_DRAWN_NODES);
/// Edges of a drawn graph.
pub const DRAWN_EDGES: Limit = Limit::new("data.graph.drawn.edges", "edges", 10_000);
/// Classes of a drawn graph.
pub const DRAWN_CLASSES: Limit =
    Limit::new("data.graph.drawn.classes", "classes", MAX_DRAWN_CLASSES as usize);
/// Typed feature columns of a drawn graph.
pub const DRAWN_FEATURES: Limit = Limit::new("data.graph.drawn.features.rows[i]", "columns", 64);
/// The name of a loaded graph.
pub const LOADED_NAME: Limit = Limit::new("data.graph.loaded.name", "characters", 200);
/// Nodes of the MAG-like graph (papers, authors, institutions and fields together).
pub const MAG_NODES: Limit = Limit::new("data.papers + authors + institutions + fields", "nodes", 1_000_000);
/// Edges drawn per paper or author of the MAG-like graph (each of the `*_per_*` counts).
pub const MAG_DEGREE: Limit =
    Limit::new("data.{authors,citations,topics}_per_paper, affiliations_per_author", "edges", 50);
/// Feature width of the MAG-like graph.
pub const MAG_FEATURES: Limit = Limit::new("data.feature_dim", "columns", 512);
/// Graphs of each class of the motif set.
pub const MOTIF_GRAPHS: Limit = Limit::new("data.graphs_per_class", "graphs", 20_000);
/// Nodes of one motif graph.
pub const MOTIF_NODES: Limit = Limit::new("data.max_nodes", "nodes", 200);
/// Rows joined into a graph (train + test): every pair is compared, so the work grows with
/// the square (10,000 digits build natively in about a second).
pub const SYNTHESIZED_ROWS: Limit =
    Limit::new("data.rows: train + test, points or a node table's nodes", "rows", 20_000);
/// Principal components of a graph's PCA embedding.
pub const SYNTHESIZED_PCA: Limit = Limit::new("data.embedding.dims", "dimensions", 256);
/// Hidden units of a base-model embedding.
pub const SYNTHESIZED_BASE_HIDDEN: Limit = Limit::new("data.embedding.hidden", "units", 256);
/// Training steps of a base-model embedding (full batch on the kept labels: it runs before the
/// graph exists, so it is kept short).
pub const SYNTHESIZED_BASE_EPOCHS: Limit = Limit::new("data.embedding.epochs", "epochs", 1_000);
/// Neighbors per example of a kNN graph.
pub const SYNTHESIZED_KNN: Limit = Limit::new("data.edges.k", "neighbors", 100);
/// Hyperplanes of one LSH round (`build_graph` supports 30).
pub const SYNTHESIZED_LSH_SPLITS: Limit = Limit::new("data.edges.lsh_splits", "hyperplanes", 30);
/// LSH rounds of a built graph.
pub const SYNTHESIZED_LSH_ROUNDS: Limit = Limit::new("data.edges.lsh_rounds", "rounds", 16);
/// Hidden width of the hetero model (`units` and `message_dim` for MtAlbis).
pub const HETERO_UNITS: Limit =
    Limit::new("model.encoder.hidden, model.encoder.model.mt_albis.{units,message_dim}", "units", 1024);
/// Rounds of message passing of the hetero model.
pub const HETERO_ROUNDS: Limit = Limit::new("model.encoder.rounds", "rounds", 8);
/// Sampling ops of the hetero model's sampled training.
pub const HETERO_SAMPLING_OPS: Limit = Limit::new("model.sampling.spec.sampling_ops", "ops", 16);
/// Edges kept per node by one sampling op.
pub const HETERO_SAMPLE_SIZE: Limit =
    Limit::new("model.sampling.spec.sampling_ops[i].sample_size", "edges", 100);
/// Attention heads of MtAlbis.
pub const HETERO_HEADS: Limit = Limit::new("model.encoder.model.mt_albis.attention_num_heads", "heads", 16);
/// Hidden layers of an MLP or a GNN.
pub const HIDDEN_LAYERS: Limit = Limit::new("model.hidden", "layers", 8);
/// Units of one hidden layer (per head for GAT).
pub const HIDDEN_UNITS: Limit = Limit::new("model.hidden[i]", "units", 2048);
/// Channels of one CNN block.
pub const CNN_CHANNELS: Limit = Limit::new("model.channels[i]", "channels", 128);
/// The CNN's dense layer.
pub const CNN_DENSE: Limit = Limit::new("model.dense", "units", 2048);
/// Attention heads of a GAT layer.
pub const GAT_HEADS: Limit = Limit::new("model.gnn.heads", "heads", 16);
/// Attention heads of a GAT output layer.
pub const GAT_OUTPUT_HEADS: Limit = Limit::new("model.gnn.output_heads", "heads", 16);
/// Hops of subgraph sampling.
pub const SAMPLING_HOPS: Limit = Limit::new("model.sampling.fanouts", "hops", 4);
/// Neighbors sampled per node at one hop.
pub const SAMPLING_FANOUT: Limit = Limit::new("model.sampling.fanouts[i]", "neighbors", 100);
/// Roots of one sampled batch.
pub const SAMPLING_BATCH: Limit = Limit::new("model.sampling.batch_size", "roots", 4096);
/// Neighbors per sample in graph regularization.
pub const MAX_NEIGHBORS: Limit =
    Limit::new("regularization.graph.neighbor_config.max_neighbors", "neighbors", 100);
/// PGD steps of an adversarial neighbor (adversarial and virtual adversarial training).
pub const PGD_ITERATIONS: Limit =
    Limit::new("regularization.*.adv_neighbor_config.pgd_iterations", "iterations", 100);
/// Entries of a feature mask (one per input feature).
pub const FEATURE_MASK: Limit =
    Limit::new("regularization.*.adv_neighbor_config.feature_mask", "entries", 100_000);
/// Power-iteration steps of VAT.
pub const VAT_STEPS: Limit =
    Limit::new("regularization.virtual_adversarial.config.num_approx_steps", "steps", 10);
/// Warm-up of Neural Graph Machines.
pub const NGM_WARMUP: Limit =
    Limit::new("regularization.neural_graph_machine.warmup_epochs", "epochs", 10_000);
/// Points of a robustness curve (one attack of the whole test set each).
pub const ROBUSTNESS_POINTS: Limit = Limit::new("evaluation.robustness.points", "points", 101);
/// PGD steps of a robustness curve's attack.
pub const ROBUSTNESS_PGD: Limit = Limit::new("evaluation.robustness.pgd_iterations", "iterations", 100);
/// Embedding width of link prediction.
pub const LINK_EMBEDDING: Limit = Limit::new("task.embedding", "units", 2048);

/// Every limit, in the order of the README's table.
pub const LIMITS: [Limit; 50] = [
    NAME,
    EPOCHS,
    BATCH_SIZE,
    TOY_POINTS,
    PLANE_POINTS,
    MNIST_IMAGES,
    PATH,
    CITATION_NODES,
    CITATION_CLASSES,
    CITATION_VOCABULARY,
    CITATION_WORDS,
    DRAWN_NODES,
    DRAWN_EDGES,
    DRAWN_CLASSES,
    DRAWN_FEATURES,
    LOADED_NAME,
    MAG_NODES,
    MAG_DEGREE,
    MAG_FEATURES,
    MOTIF_GRAPHS,
    MOTIF_NODES,
    SYNTHESIZED_ROWS,
    SYNTHESIZED_PCA,
    SYNTHESIZED_BASE_HIDDEN,
    SYNTHESIZED_BASE_EPOCHS,
    SYNTHESIZED_KNN,
    SYNTHESIZED_LSH_SPLITS,
    SYNTHESIZED_LSH_ROUNDS,
    HIDDEN_LAYERS,
    HIDDEN_UNITS,
    CNN_CHANNELS,
    CNN_DENSE,
    GAT_HEADS,
    GAT_OUTPUT_HEADS,
    SAMPLING_HOPS,
    SAMPLING_FANOUT,
    SAMPLING_BATCH,
    MAX_NEIGHBORS,
    PGD_ITERATIONS,
    FEATURE_MASK,
    VAT_STEPS,
    NGM_WARMUP,
    ROBUSTNESS_POINTS,
    ROBUSTNESS_PGD,
    LINK_EMBEDDING,
    HETERO_UNITS,
    HETERO_ROUNDS,
    HETERO_HEADS,
    HETERO_SAMPLING_OPS,
    HETERO_SAMPLE_SIZE,
];

/// The run-wide sizes: name, epochs, batch size.
pub(super) fn check_run(name: &str, epochs: usize, batch_size: usize) -> Result<()> {
    NAME.check(name.chars().count())?;
    EPOCHS.check(epochs)?;
    BATCH_SIZE.check(batch_size)
}

/// The data's sizes.
pub(super) fn check_data(data: &DataSpec) -> Result<()> {
    match data {
        DataSpec::Mnist { dir, train, test } => {
            PATH.check(dir.as_os_str().len())?;
            MNIST_IMAGES.check(train.saturating_add(*test))
        }
        DataSpec::Toy(toy) => TOY_POINTS.check(toy.points),
        DataSpec::Points(points) => PLANE_POINTS.check(points.train.len().saturating_add(points.test.len())),
        DataSpec::Planetoid { dir, .. } => PATH.check(dir.as_os_str().len()),
        DataSpec::Graph { graph } => match graph {
            GraphSource::Karate => Ok(()),
            GraphSource::Citation(sbm) => {
                CITATION_CLASSES.check(sbm.classes)?;
                CITATION_NODES.check(sbm.classes.saturating_mul(sbm.nodes_per_class))?;
                CITATION_VOCABULARY.check(sbm.vocabulary)?;
                CITATION_WORDS.check(sbm.words_per_node)
            }
            GraphSource::Drawn(drawn) => {
                DRAWN_NODES.check(drawn.nodes.len())?;
                DRAWN_EDGES.check(drawn.edges.len())?;
                DRAWN_CLASSES.check(drawn.classes as usize)?;
                match &drawn.features {
                    NodeFeatures::Values { rows } => DRAWN_FEATURES.check_each(rows.iter().map(Vec::len)),
                    NodeFeatures::OneHot | NodeFeatures::Position => Ok(()),
                }
            }
            GraphSource::Loaded(loaded) => LOADED_NAME.check(loaded.name.chars().count()),
        },
        DataSpec::Mag(mag) => {
            let nodes = [mag.papers, mag.authors, mag.institutions, mag.fields];
            MAG_NODES.check(nodes.iter().fold(0usize, |a, &n| a.saturating_add(n)))?;
            for (field, count) in [
                ("authors_per_paper", mag.authors_per_paper),
                ("citations_per_paper", mag.citations_per_paper),
                ("topics_per_paper", mag.topics_per_paper),
                ("affiliations_per_author", mag.affiliations_per_author),
            ] {
                MAG_DEGREE.check_at(&format!("data.{field}"), count)?;
            }
            MAG_FEATURES.check(mag.feature_dim)
        }
        DataSpec::Motifs(motifs) => {
            MOTIF_GRAPHS.check(motifs.graphs_per_class)?;
            MOTIF_NODES.check(motifs.max_nodes)
        }
        DataSpec::Synthesized(built) => check_synthesized(built),
    }
}

/// A graph built from rows: the rows' own sizes, how many of them, and the builder's knobs.
fn check_synthesized(built: &SynthesizedSpec) -> Result<()> {
    check_data(&built.rows)?;
    let rows = match *built.rows {
        DataSpec::Mnist { train, test, .. } => train.saturating_add(test),
        DataSpec::Toy(toy) => toy.points,
        _ => 0,
    };
    SYNTHESIZED_ROWS.check(rows)?;
    match built.embedding {
        EmbeddingSpec::Pca { dims } => SYNTHESIZED_PCA.check(dims)?,
        EmbeddingSpec::BaseModel { hidden, epochs } => {
            SYNTHESIZED_BASE_HIDDEN.check(hidden)?;
            SYNTHESIZED_BASE_EPOCHS.check(epochs)?;
        }
        EmbeddingSpec::Raw => {}
    }
    match built.edges {
        EdgeRule::Knn { k } => SYNTHESIZED_KNN.check(k),
        EdgeRule::Cosine { lsh_splits, lsh_rounds, .. } => {
            SYNTHESIZED_LSH_SPLITS.check(lsh_splits as usize)?;
            SYNTHESIZED_LSH_ROUNDS.check(lsh_rounds as usize)
        }
    }
}

/// The model's sizes.
pub(super) fn check_model(model: &ModelSpec) -> Result<()> {
    match model {
        ModelSpec::Mlp { hidden, .. } => {
            HIDDEN_LAYERS.check(hidden.len())?;
            HIDDEN_UNITS.check_each(hidden.iter().copied())
        }
        // The number of blocks is a consistency check (a 28 × 28 image pools to nothing after 4).
        ModelSpec::Cnn { channels, dense, .. } => {
            CNN_CHANNELS.check_each(channels.iter().copied())?;
            CNN_DENSE.check(*dense)
        }
        ModelSpec::Gnn { gnn, hidden, sampling, .. } => {
            HIDDEN_LAYERS.check(hidden.len())?;
            HIDDEN_UNITS.check_each(hidden.iter().copied())?;
            if let GnnKind::Gat { heads, output_heads } = gnn {
                GAT_HEADS.check(*heads)?;
                GAT_OUTPUT_HEADS.check(*output_heads)?;
            }
            if let Some(sampling) = sampling {
                SAMPLING_HOPS.check(sampling.fanouts.len())?;
                SAMPLING_FANOUT.check_each(sampling.fanouts.iter().copied())?;
                SAMPLING_BATCH.check(sampling.batch_size)?;
            }
            Ok(())
        }
        ModelSpec::Hetero { encoder, sampling, .. } => {
            if let Some(sampling) = sampling {
                SAMPLING_BATCH.check(sampling.batch_size)?;
                HETERO_SAMPLING_OPS.check(sampling.spec.sampling_ops.len())?;
                HETERO_SAMPLE_SIZE.check_each(sampling.spec.sampling_ops.iter().map(|op| op.sample_size))?;
            }
            HETERO_UNITS.check_at("model.encoder.hidden", encoder.hidden)?;
            HETERO_ROUNDS.check(encoder.rounds)?;
            if let HeteroModel::MtAlbis(mt) = &encoder.model {
                HETERO_UNITS.check_at("model.encoder.model.mt_albis.units", mt.units)?;
                HETERO_UNITS.check_at("model.encoder.model.mt_albis.message_dim", mt.message_dim)?;
                HETERO_HEADS.check(mt.attention_num_heads)?;
            }
            Ok(())
        }
    }
}

/// The regularizers' sizes.
pub(super) fn check_regularization(r: &Regularization) -> Result<()> {
    let neighbor = |name: &str, c: &AdvNeighborConfig| -> Result<()> {
        let field = PGD_ITERATIONS.field.replace('*', name);
        PGD_ITERATIONS.check_at(&field, c.pgd_iterations)?;
        if let Some(mask) = &c.feature_mask {
            FEATURE_MASK.check_at(&FEATURE_MASK.field.replace('*', name), mask.len())?;
        }
        Ok(())
    };
    if let Some(g) = &r.graph {
        MAX_NEIGHBORS.check(g.neighbor_config.max_neighbors)?;
    }
    if let Some(a) = &r.adversarial {
        neighbor("adversarial", &a.adv_neighbor_config)?;
    }
    if let Some(v) = &r.virtual_adversarial {
        neighbor("virtual_adversarial.config", &v.config.adv_neighbor_config)?;
        VAT_STEPS.check(v.config.num_approx_steps)?;
    }
    if let Some(n) = &r.neural_graph_machine {
        NGM_WARMUP.check(n.warmup_epochs)?;
    }
    Ok(())
}

/// The measurements' sizes.
pub(super) fn check_evaluation(evaluation: &EvaluationSpec) -> Result<()> {
    if let Some(curve) = &evaluation.robustness {
        ROBUSTNESS_POINTS.check(curve.points)?;
        ROBUSTNESS_PGD.check(curve.pgd_iterations)?;
    }
    Ok(())
}

/// Link prediction's embedding width.
pub(super) fn check_embedding(embedding: usize) -> Result<()> {
    LINK_EMBEDDING.check(embedding)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn messages_name_the_field_the_value_and_the_limit() {
        let err = HIDDEN_UNITS.check_each([8, 200_000]).unwrap_err().to_string();
        assert!(err.contains("model.hidden[1]: 200000 units, over the limit of 2048"), "{err}");
        assert!(EPOCHS.check(10_000).is_ok());
        let err = EPOCHS.check(10_001).unwrap_err().to_string();
        assert!(err.contains("epochs: 10001 epochs, over the limit of 10000"), "{err}");
    }

    #[test]
    fn every_limit_is_listed_once() {
        let mut fields: Vec<&str> = LIMITS.iter().map(|l| l.field).collect();
        fields.sort_unstable();
        fields.dedup();
        assert_eq!(fields.len(), LIMITS.len());
    }
}
