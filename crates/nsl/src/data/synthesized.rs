//! NSL's synthesized-graph workflow on rows of digits or a 2D set: embed the rows, join similar
//! ones (`build_graph`'s cosine threshold, or k nearest neighbors), keep a few labels per class,
//! and hand the result on as graph data, so that `pack_nbrs` and graph regularization (or a GNN)
//! train on it as on Cora. The same spec gives the same edges natively and in the browser.

use nsl_graph::build::{Embeddings, GraphBuilderConfig, build_graph};
use nsl_graph::datasets::knn::{EdgeWeight, knn_graph};
use nsl_graph::{GraphSummary, SplitKind};

use super::examples::Examples;
use super::planetoid::Planetoid;
use crate::error::{NslError, Result};
use crate::spec::{DataSpec, EdgeRule, EmbeddingSpec, SynthesizedSpec};
use serde::{Deserialize, Serialize};

/// Most edges a built graph may have. Past it the graph joins nearly everything to everything
/// — no structure left to learn from — and drawing it, packing its neighbors and a GCN's
/// full-batch step all slow to a crawl in the browser.
pub const MAX_EDGES: usize = 50_000;

/// A graph built from rows, with its figures.
#[derive(Debug, Clone)]
pub struct Synthesized {
    /// Training rows then test rows as nodes; the kept labels are the `Train` split, the other
    /// training rows `Unlabeled`, the test rows `Test`.
    pub graph: Planetoid,
    /// Edges, isolated rows, degrees, homophily.
    pub summary: GraphSummary,
}

/// The training rows followed by the test rows: the nodes of a built graph.
pub fn node_rows(train: &Examples, test: &Examples) -> Examples {
    let mut features = train.features.clone();
    features.extend_from_slice(&test.features);
    let mut labels = train.labels.clone();
    labels.extend_from_slice(&test.labels);
    Examples { features, dim: train.dim, labels, classes: train.classes.max(test.classes) }
}

/// The vectors compared: the rows themselves, their PCA projection (seeded by `seed`), or the
/// hidden layer of a base model trained on the rows `labeled` (seeded by `seed`).
///
/// # Shapes
/// - `rows`: `n × dim`
/// - returns `n × width` values and `width`
pub fn embed(
    rows: &Examples,
    labeled: &[usize],
    embedding: EmbeddingSpec,
    seed: u64,
) -> Result<(Vec<f32>, usize)> {
    let graph_error = |e: nsl_graph::GraphError| NslError::Config(e.to_string());
    match embedding {
        EmbeddingSpec::Raw => Ok((rows.features.clone(), rows.dim)),
        EmbeddingSpec::Pca { dims } => {
            if dims > rows.dim {
                return Err(NslError::Config(format!(
                    "a PCA to {dims} dimensions of rows with {} features; keep at most {}",
                    rows.dim, rows.dim
                )));
            }
            let projected =
                nsl_graph::embed::pca(&rows.features, rows.dim, dims, seed).map_err(graph_error)?;
            Ok((projected, dims))
        }
        EmbeddingSpec::BaseModel { hidden, epochs } => {
            let embedded = nsl_graph::embed::penultimate(
                &rows.features,
                rows.dim,
                &rows.labels,
                labeled,
                hidden,
                epochs,
                seed,
            )
            .map_err(graph_error)?;
            Ok((embedded, hidden))
        }
    }
}

/// The rows of a built graph whose label is kept: the first `per_class` training rows of each
/// class (every training row with `None`), as [`split`] marks them.
pub fn labeled_rows(train_labels: &[u32], per_class: Option<usize>) -> Vec<usize> {
    split(train_labels, 0, per_class)
        .iter()
        .enumerate()
        .filter(|(_, s)| **s == SplitKind::Train)
        .map(|(i, _)| i)
        .collect()
}

/// Where a build of a graph from rows is, for a progress bar beside a long one.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "step", rename_all = "snake_case")]
pub enum BuildStep {
    /// The rows are being embedded (a PCA of many rows takes a while).
    Embedding,
    /// Pairs are being compared: `done` of `total` units of work of round `round` of `rounds`.
    Comparing {
        /// Round (0-based; LSH unites several).
        round: u32,
        /// Rounds in all.
        rounds: u32,
        /// Units done.
        done: usize,
        /// Units of this round.
        total: usize,
    },
}

/// Hears a build's steps (from worker threads natively).
pub type OnBuildStep<'a> = &'a (dyn Fn(BuildStep) + Sync);

/// The edges `rule` draws between embedded rows: each undirected edge once, `(i, j, weight)`
/// with `i < j`, sorted. Cosine edges weigh their similarity (as NSL's `build_graph` writes
/// them), kNN edges 1; LSH planes are drawn from `seed`.
pub fn edges(values: &[f32], dim: usize, rule: EdgeRule, seed: u64) -> Result<Vec<(u32, u32, f32)>> {
    edges_reporting(values, dim, rule, seed, &|_| {})
}

/// [`edges`], telling `on_step` how the comparison goes.
pub fn edges_reporting(
    values: &[f32],
    dim: usize,
    rule: EdgeRule,
    seed: u64,
    on_step: OnBuildStep,
) -> Result<Vec<(u32, u32, f32)>> {
    let graph_error = |e: nsl_graph::GraphError| NslError::Config(e.to_string());
    match rule {
        EdgeRule::Cosine { threshold, lsh_splits, lsh_rounds } => {
            let n = values.len() / dim.max(1);
            let embeddings = Embeddings { ids: (0..n).map(node_id).collect(), dim, values: values.to_vec() };
            let config = GraphBuilderConfig {
                similarity_threshold: threshold,
                lsh_splits,
                lsh_rounds,
                random_seed: seed,
            };
            let report = |p: nsl_graph::build::BuildProgress| {
                on_step(BuildStep::Comparing {
                    round: p.round,
                    rounds: p.rounds,
                    done: p.done,
                    total: p.tiles,
                });
            };
            build_graph(&embeddings, &config, &report).map_err(graph_error)
        }
        EdgeRule::Knn { k } => {
            on_step(BuildStep::Comparing { round: 0, rounds: 1, done: 0, total: 1 });
            let directed = knn_graph(values, dim, k, EdgeWeight::Unit).map_err(graph_error)?;
            let mut once: Vec<(u32, u32, f32)> =
                directed.into_iter().map(|(a, b, w)| (a.min(b), a.max(b), w)).collect();
            once.sort_unstable_by_key(|e| (e.0, e.1));
            once.dedup_by_key(|e| (e.0, e.1));
            Ok(once)
        }
    }
}

/// Why a graph of these figures cannot train, and what to change: no edges at all, or more
/// than [`MAX_EDGES`].
pub fn size_problem(summary: &GraphSummary, rule: EdgeRule) -> Option<String> {
    let loosen = match rule {
        EdgeRule::Cosine { .. } => "lower the similarity threshold",
        EdgeRule::Knn { .. } => "raise k",
    };
    let tighten = match rule {
        EdgeRule::Cosine { .. } => "raise the similarity threshold",
        EdgeRule::Knn { .. } => "lower k",
    };
    if summary.edges == 0 {
        return Some(format!("no two of the {} examples are joined: {loosen}", summary.nodes));
    }
    (summary.edges > MAX_EDGES).then(|| {
        format!(
            "{} edges, over the {MAX_EDGES} a graph may have (it would join nearly everything and train slowly): {tighten}",
            summary.edges
        )
    })
}

/// The lowest threshold whose pairs a [`BuildCache`] keeps: the page's slider starts here.
pub const CACHE_FLOOR: f32 = 0.5;

/// What the next build can reuse of the last one while a knob moves: the rows' embedding, and
/// every pair at or above [`CACHE_FLOOR`] — each keyed by all it depends on. Any threshold at or
/// above the floor is then those pairs filtered by weight, which is exactly what building at
/// that threshold gives (the same pairs are compared and decided the same way; only the final
/// cut differs), in a few milliseconds instead of a fresh comparison of every pair.
#[derive(Debug, Default)]
pub struct BuildCache {
    embedded: Option<(EmbeddingKey, Embedded)>,
    similar: Option<(PairKey, Edges)>,
}

/// Undirected edges, each once: `(i, j, weight)` with `i < j`.
type Edges = Vec<(u32, u32, f32)>;

/// Embedded rows: `n × width` values and the width.
type Embedded = (Vec<f32>, usize);

/// What an embedding depends on: the rows, how they are embedded, the seed, and the labels kept
/// (which a base model trains on).
type EmbeddingKey = (DataSpec, EmbeddingSpec, u64, Option<usize>);
/// What the compared pairs depend on besides the threshold: the embedding and the LSH.
type PairKey = (EmbeddingKey, u32, u32);

impl BuildCache {
    /// What the embedding of `spec`'s rows depends on.
    fn embedding_key(spec: &SynthesizedSpec) -> EmbeddingKey {
        // Only a base model reads the labels: other embeddings stay cached as they change.
        let kept = matches!(spec.embedding, EmbeddingSpec::BaseModel { .. })
            .then_some(spec.labels_per_class)
            .flatten();
        ((*spec.rows).clone(), spec.embedding, spec.seed, kept)
    }

    /// The embedding of `rows` (those `spec.rows` names, the first `trained` of them training
    /// rows), from the cache when it has it.
    fn embed(
        &mut self,
        rows: &Examples,
        trained: usize,
        spec: &SynthesizedSpec,
        on_step: OnBuildStep,
    ) -> Result<&Embedded> {
        let key = Self::embedding_key(spec);
        if !matches!(&self.embedded, Some((cached, _)) if *cached == key) {
            on_step(BuildStep::Embedding);
            let labeled = labeled_rows(&rows.labels[..trained], spec.labels_per_class);
            self.embedded = Some((key, embed(rows, &labeled, spec.embedding, spec.seed)?));
        }
        Ok(&self.embedded.as_ref().expect("filled above").1)
    }

    /// The edges of `spec`'s rule over `rows` (the first `trained` training rows) embedded as
    /// `spec` says (as [`edges`] builds them). A cosine threshold at or above [`CACHE_FLOOR`]
    /// filters the pairs kept from the last build of the same embedding, which then need not be
    /// embedded again.
    fn edges(
        &mut self,
        rows: &Examples,
        trained: usize,
        spec: &SynthesizedSpec,
        on_step: OnBuildStep,
    ) -> Result<Edges> {
        let rule = spec.edges;
        let EdgeRule::Cosine { threshold, lsh_splits, lsh_rounds } = rule else {
            return self.fresh_edges(rows, trained, spec, rule, on_step);
        };
        if threshold < CACHE_FLOOR {
            return self.fresh_edges(rows, trained, spec, rule, on_step);
        }
        let key = (Self::embedding_key(spec), lsh_splits, lsh_rounds);
        if !matches!(&self.similar, Some((cached, _)) if *cached == key) {
            let floor = EdgeRule::Cosine { threshold: CACHE_FLOOR, lsh_splits, lsh_rounds };
            let pairs = self.fresh_edges(rows, trained, spec, floor, on_step)?;
            self.similar = Some((key, pairs));
        }
        let (_, pairs) = self.similar.as_ref().expect("filled above");
        Ok(pairs.iter().copied().filter(|&(_, _, w)| w >= threshold).collect())
    }

    /// The edges `rule` draws over `rows` embedded as `spec` says (the embedding cached),
    /// compared anew.
    fn fresh_edges(
        &mut self,
        rows: &Examples,
        trained: usize,
        spec: &SynthesizedSpec,
        rule: EdgeRule,
        on_step: OnBuildStep,
    ) -> Result<Edges> {
        let (values, dim) = self.embed(rows, trained, spec, on_step)?;
        edges_reporting(values, *dim, rule, spec.seed, on_step)
    }
}

/// Builds the graph `spec` describes over `train` then `test` rows. Refuses a graph without
/// edges or with more than [`MAX_EDGES`].
pub fn synthesize(train: &Examples, test: &Examples, spec: &SynthesizedSpec) -> Result<Synthesized> {
    synthesize_reusing(train, test, spec, &mut BuildCache::default(), &|_| {})
}

/// [`synthesize`], reusing what `cache` holds of the last build (and keeping what this one
/// computes), telling `on_step` how it goes: the same graph, sooner when only the threshold or
/// the labels changed.
pub fn synthesize_reusing(
    train: &Examples,
    test: &Examples,
    spec: &SynthesizedSpec,
    cache: &mut BuildCache,
    on_step: OnBuildStep,
) -> Result<Synthesized> {
    let rows = node_rows(train, test);
    let edges = cache.edges(&rows, train.len(), spec, on_step)?;
    assemble(rows, &train.labels, spec, edges)
}

/// The graph of `rows` (training rows then test rows, the first `train_labels.len()` training)
/// joined by `edges` (each once, `i < j`), with the labels `spec` keeps and the figures. Refuses
/// a graph without edges or with more than [`MAX_EDGES`].
pub fn assemble(
    rows: Examples,
    train_labels: &[u32],
    spec: &SynthesizedSpec,
    edges: Vec<(u32, u32, f32)>,
) -> Result<Synthesized> {
    let labels: Vec<usize> = rows.labels.iter().map(|&l| l as usize).collect();
    let summary = GraphSummary::of(&labels, &edges);
    if let Some(problem) = size_problem(&summary, spec.edges) {
        return Err(NslError::Config(problem));
    }
    let split = split(train_labels, rows.len() - train_labels.len(), spec.labels_per_class);
    let class_names = (0..rows.classes).map(|c| c.to_string()).collect();
    let graph = Planetoid {
        ids: (0..rows.len()).map(node_id).collect(),
        nodes: rows,
        class_names,
        edges: edges.into_iter().map(|(a, b, w)| (a as usize, b as usize, w)).collect(),
        split,
    };
    Ok(Synthesized { graph, summary })
}

/// The split of a built graph: the first `per_class` training rows of each class keep their
/// label, the other training rows are unlabeled, the test rows follow.
pub fn split(train_labels: &[u32], tests: usize, per_class: Option<usize>) -> Vec<SplitKind> {
    let mut kept = std::collections::HashMap::<u32, usize>::new();
    let mut split: Vec<SplitKind> = train_labels
        .iter()
        .map(|&label| {
            let count = kept.entry(label).or_default();
            *count += 1;
            if per_class.is_none_or(|limit| *count <= limit) {
                SplitKind::Train
            } else {
                SplitKind::Unlabeled
            }
        })
        .collect();
    split.extend(std::iter::repeat_n(SplitKind::Test, tests));
    split
}

/// Node ids that sort as their index (`pack_nbrs` breaks weight ties toward the larger id).
fn node_id(i: usize) -> String {
    format!("{i:06}")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::spec::{ToyShape, ToySpec};

    /// 200 points of two moons.
    fn moons_spec() -> ToySpec {
        ToySpec { shape: ToyShape::Moons, points: 200, noise: 0.1, train_fraction: 0.5, seed: 3, classes: 2 }
    }

    fn moons() -> (Examples, Examples) {
        crate::data::toy::generate(&moons_spec())
    }

    fn spec(edges: EdgeRule) -> SynthesizedSpec {
        let toy = moons_spec();
        SynthesizedSpec {
            rows: Box::new(DataSpec::Toy(toy)),
            embedding: EmbeddingSpec::Raw,
            edges,
            labels_per_class: Some(5),
            seed: 0,
        }
    }

    #[test]
    fn knn_joins_near_points_and_few_labels_are_kept() {
        let (train, test) = moons();
        let built = synthesize(&train, &test, &spec(EdgeRule::Knn { k: 4 })).unwrap();
        let g = &built.graph;
        assert_eq!(g.nodes.len(), 200);
        assert_eq!(g.indices(SplitKind::Train).len(), 10, "5 per class");
        assert_eq!(g.indices(SplitKind::Test).len(), test.len());
        assert_eq!(g.indices(SplitKind::Unlabeled).len(), train.len() - 10);
        // Every node has at least its own 4 nearest; edges are once, i < j, weight 1.
        assert!(built.summary.isolated == 0 && built.summary.degrees.iter().take(4).all(|&c| c == 0));
        assert!(g.edges.iter().all(|&(a, b, w)| a < b && w == 1.0));
        // Moons with little noise: near points share their moon.
        assert!(built.summary.homophily.unwrap() > 0.9, "{:?}", built.summary.homophily);
        let first =
            |class| (0..train.len()).filter(|&i| train.labels[i] == class).take(5).collect::<Vec<_>>();
        let mut expected = [first(0), first(1)].concat();
        expected.sort_unstable();
        assert_eq!(g.indices(SplitKind::Train), expected, "the first 5 of each class, in row order");
    }

    #[test]
    fn cosine_edges_match_the_definition_and_sizes_are_checked() {
        let (train, test) = moons();
        let rows = node_rows(&train, &test);
        let found =
            edges(&rows.features, 2, EdgeRule::Cosine { threshold: 0.999, lsh_splits: 0, lsh_rounds: 1 }, 0)
                .unwrap();
        let mut expected = Vec::new();
        for i in 0..rows.len() {
            for j in i + 1..rows.len() {
                let (a, b) = (rows.row(i), rows.row(j));
                let cos = (a[0] * b[0] + a[1] * b[1]) / ((a[0].hypot(a[1])) * (b[0].hypot(b[1])));
                if cos >= 0.9995 {
                    expected.push((i as u32, j as u32));
                }
            }
        }
        let pairs: std::collections::HashSet<(u32, u32)> = found.iter().map(|e| (e.0, e.1)).collect();
        assert!(
            !expected.is_empty() && expected.iter().all(|p| pairs.contains(p)),
            "every clearly similar pair"
        );
        assert!(found.iter().all(|e| e.2 >= 0.999 && e.0 < e.1));

        // Three orthogonal rows: no pair is similar at all.
        let apart = Examples {
            features: vec![1., 0., 0., 0., 1., 0., 0., 0., 1.],
            dim: 3,
            labels: vec![0, 1, 0],
            classes: 2,
        };
        let (first, rest) = (apart.subset(&[0, 1]), apart.subset(&[2]));
        let none = synthesize(
            &first,
            &rest,
            &spec(EdgeRule::Cosine { threshold: 0.5, lsh_splits: 0, lsh_rounds: 1 }),
        );
        let message = none.unwrap_err().to_string();
        assert!(
            message.contains("no two of the 3 examples are joined: lower the similarity threshold"),
            "{message}"
        );
        let all = GraphSummary::of(
            &vec![0; MAX_EDGES + 2],
            &(0..MAX_EDGES as u32 + 1).map(|i| (0, i + 1, 1.0)).collect::<Vec<_>>(),
        );
        assert!(size_problem(&all, EdgeRule::Knn { k: 3 }).unwrap().contains("lower k"));
    }

    #[test]
    fn pca_embeddings_and_the_split_rule() {
        let (train, test) = moons();
        let rows = node_rows(&train, &test);
        let (values, dim) = embed(&rows, &[], EmbeddingSpec::Pca { dims: 1 }, 0).unwrap();
        assert_eq!((values.len(), dim), (200, 1));
        assert!(
            embed(&rows, &[], EmbeddingSpec::Pca { dims: 3 }, 0)
                .unwrap_err()
                .to_string()
                .contains("at most 2")
        );
        let labeled = labeled_rows(&train.labels, Some(5));
        assert_eq!(labeled.len(), 10, "5 of each moon");
        let base = EmbeddingSpec::BaseModel { hidden: 6, epochs: 50 };
        let (values, dim) = embed(&rows, &labeled, base, 0).unwrap();
        assert_eq!((values.len(), dim), (200 * 6, 6));
        assert!(embed(&rows, &[], base, 0).is_err(), "a base model needs labels to train on");
        assert_eq!(
            split(&[0, 1, 0, 0, 1], 2, Some(1)),
            vec![
                SplitKind::Train,
                SplitKind::Train,
                SplitKind::Unlabeled,
                SplitKind::Unlabeled,
                SplitKind::Unlabeled,
                SplitKind::Test,
                SplitKind::Test
            ]
        );
        assert!(split(&[0, 0], 0, None).iter().all(|&s| s == SplitKind::Train));
    }

    #[test]
    fn a_cached_build_is_the_fresh_build_at_every_threshold() {
        let (train, test) = moons();
        let mut cache = BuildCache::default();
        for (threshold, lsh_splits) in [(0.999, 0), (0.99, 0), (0.9999, 0), (0.995, 3), (0.999, 3), (0.4, 0)]
        {
            let mut s = spec(EdgeRule::Cosine { threshold, lsh_splits, lsh_rounds: 2 });
            s.labels_per_class = None;
            let fresh = synthesize(&train, &test, &s);
            let reused = synthesize_reusing(&train, &test, &s, &mut cache, &|_| {});
            match (fresh, reused) {
                (Ok(a), Ok(b)) => {
                    assert_eq!(a.graph.edges, b.graph.edges, "threshold {threshold}, {lsh_splits} planes");
                    assert_eq!(a.summary, b.summary);
                }
                (Err(a), Err(b)) => assert_eq!(a.to_string(), b.to_string()),
                (a, b) => panic!("threshold {threshold}: {a:?} vs {b:?}"),
            }
        }
        assert!(cache.similar.is_some() && cache.embedded.is_some(), "the cache kept the last build");
    }

    #[test]
    fn a_build_reports_its_steps_and_a_cached_one_has_none() {
        let (train, test) = moons();
        let steps = std::sync::Mutex::new(Vec::new());
        let heard = |step: BuildStep| steps.lock().unwrap().push(step);
        let mut cache = BuildCache::default();
        let at = |threshold| spec(EdgeRule::Cosine { threshold, lsh_splits: 0, lsh_rounds: 1 });
        synthesize_reusing(&train, &test, &at(0.999), &mut cache, &heard).unwrap();
        let first = std::mem::take(&mut *steps.lock().unwrap());
        assert_eq!(first.first(), Some(&BuildStep::Embedding), "{first:?}");
        let Some(&BuildStep::Comparing { done, total, rounds: 1, .. }) = first.last() else {
            panic!("{first:?}")
        };
        assert!(done == total && total > 0, "the comparison ran to its end: {first:?}");
        synthesize_reusing(&train, &test, &at(0.9995), &mut cache, &heard).unwrap();
        assert!(steps.lock().unwrap().is_empty(), "a moved threshold filters the kept pairs");
        let mut knn = at(0.9);
        knn.edges = EdgeRule::Knn { k: 3 };
        synthesize_reusing(&train, &test, &knn, &mut cache, &heard).unwrap();
        assert_eq!(
            *steps.lock().unwrap(),
            vec![BuildStep::Comparing { round: 0, rounds: 1, done: 0, total: 1 }],
            "the same embedding, compared anew"
        );
        // A base model trains on the kept labels: other labels, another embedding.
        let mut base = at(0.9);
        base.embedding = EmbeddingSpec::BaseModel { hidden: 4, epochs: 20 };
        let embeddings = |s: &SynthesizedSpec, cache: &mut BuildCache| {
            steps.lock().unwrap().clear();
            let _ = synthesize_reusing(&train, &test, s, cache, &heard);
            steps.lock().unwrap().iter().filter(|s| **s == BuildStep::Embedding).count()
        };
        assert_eq!(embeddings(&base, &mut cache), 1);
        base.labels_per_class = Some(7);
        assert_eq!(embeddings(&base, &mut cache), 1, "more labels, a base model trained anew");
        let mut raw = at(0.4);
        raw.labels_per_class = Some(7);
        assert_eq!(embeddings(&raw, &mut cache), 1);
        raw.labels_per_class = Some(3);
        assert_eq!(embeddings(&raw, &mut cache), 0, "the pixels do not depend on the labels");
    }
}
