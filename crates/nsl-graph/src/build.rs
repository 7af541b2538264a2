//! NSL's `build_graph`: an edge between two examples whose L2-normalised embeddings have cosine
//! similarity ≥ a threshold, optionally only among examples sharing an LSH bucket.
//!
//! LSH as NSL describes it: each round draws an `lsh_splits × dim` matrix uniform in [-1, 1]
//! from one seeded generator; an embedding's bucket is the bitmask of the rows whose dot product
//! with it is positive (bit i for row i); pairs are compared only within a bucket; the graph is
//! the union over `lsh_rounds` rounds. With `lsh_splits = 0` every pair is compared.
//!
//! All pairs of a bucket are compared in 256 × 256 tiles with a cache-blocked SGEMM
//! (`ndarray`/`matrixmultiply`), tiles spread over threads natively; the pairs near or above the
//! threshold are then decided in f64, so that the browser and the CLI build the same edges with
//! the same weights. A bucket of sparse embeddings (raw pixels) whose non-zeros make far fewer
//! products than the dense comparison is compared through them instead ([`sparse`]), with the
//! same f64 decision: the same edges either way, sooner.

mod sparse;

use std::sync::atomic::{AtomicUsize, Ordering};

use crate::rng::seeded;
use rand::RngExt;
use serde::{Deserialize, Serialize};

use crate::error::{GraphError, Result};
use crate::parallel::map_items;

/// Embeddings, one row per example.
#[derive(Debug, Clone, PartialEq)]
pub struct Embeddings {
    /// Example ids.
    pub ids: Vec<String>,
    /// Width of every embedding.
    pub dim: usize,
    /// `ids.len() × dim` values, row-major.
    pub values: Vec<f32>,
}

impl Embeddings {
    /// Number of embeddings.
    pub fn len(&self) -> usize {
        self.ids.len()
    }

    /// Whether there are none.
    pub fn is_empty(&self) -> bool {
        self.ids.is_empty()
    }

    /// Rows divided by their L2 norm (by 1e-6 when the norm is smaller, as NSL does).
    pub fn normalized(&self) -> Vec<f32> {
        let mut out = self.values.clone();
        for row in out.chunks_exact_mut(self.dim) {
            let norm = row.iter().map(|v| f64::from(*v).powi(2)).sum::<f64>().sqrt().max(1e-6);
            row.iter_mut().for_each(|v| *v = (f64::from(*v) / norm) as f32);
        }
        out
    }
}

/// NSL's `GraphBuilderConfig` (the fields that shape the graph), with NSL's defaults.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct GraphBuilderConfig {
    /// Smallest cosine similarity that makes an edge.
    pub similarity_threshold: f32,
    /// Random hyperplanes per LSH round (0 = compare all pairs); at most 30.
    pub lsh_splits: u32,
    /// LSH rounds whose edges are united (ignored when `lsh_splits` is 0).
    pub lsh_rounds: u32,
    /// Seed of the hyperplanes.
    pub random_seed: u64,
}

impl Default for GraphBuilderConfig {
    fn default() -> Self {
        Self { similarity_threshold: 0.8, lsh_splits: 0, lsh_rounds: 1, random_seed: 0 }
    }
}

/// Progress of a build: units of work (SGEMM tile pairs, or blocks of sparse rows) compared so
/// far out of all of the current round.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct BuildProgress {
    /// Round (0-based).
    pub round: u32,
    /// Rounds in all.
    pub rounds: u32,
    /// Units of work of this round.
    pub tiles: usize,
    /// Units of this round done so far (0 when the round starts).
    pub done: usize,
}

/// Tile side: two 256 × 100 f32 tiles and their 256 × 256 product sit in L2.
const TILE: usize = 256;

/// Builds the similarity graph: each undirected edge once as `(i, j, similarity)` with `i < j`,
/// sorted. NSL writes each edge in both directions; so does [`crate::io::tsv`] via
/// [`both_directions`]. `on_progress` hears when each round starts and after every tile
/// (from worker threads natively).
pub fn build_graph(
    embeddings: &Embeddings,
    config: &GraphBuilderConfig,
    on_progress: &(dyn Fn(BuildProgress) + Sync),
) -> Result<Vec<(u32, u32, f32)>> {
    if config.lsh_splits > 30 {
        return Err(GraphError::Config(format!(
            "lsh_splits is {}, at most 30 are supported",
            config.lsh_splits
        )));
    }
    if config.lsh_splits > 0 && config.lsh_rounds < 1 {
        return Err(GraphError::Config("lsh_splits > 0 but lsh_rounds < 1".into()));
    }
    if !config.similarity_threshold.is_finite() {
        return Err(GraphError::Config("similarity_threshold is not finite".into()));
    }
    if embeddings.dim == 0 || embeddings.values.len() != embeddings.len() * embeddings.dim {
        return Err(GraphError::Config("embeddings must be ids.len() × dim values with dim ≥ 1".into()));
    }
    let n = embeddings.len();
    let dim = embeddings.dim;
    let unit = embeddings.normalized();
    let rounds = if config.lsh_splits == 0 { 1 } else { config.lsh_rounds };
    let mut rng = seeded(config.random_seed);
    let mut edges = Vec::new();
    for round in 0..rounds {
        let buckets = if config.lsh_splits == 0 {
            vec![(0..n as u32).collect::<Vec<u32>>()]
        } else {
            let planes: Vec<f32> =
                (0..config.lsh_splits as usize * dim).map(|_| rng.random_range(-1.0f32..=1.0)).collect();
            lsh_buckets(&unit, dim, &planes)
        };
        let threshold = config.similarity_threshold;
        let plans: Vec<Comparison> =
            map_items(&buckets, |members| Comparison::plan(&unit, dim, members, threshold));
        let work: Vec<(usize, usize, usize)> = plans
            .iter()
            .enumerate()
            .flat_map(|(b, plan)| plan.units(buckets[b].len()).into_iter().map(move |(i, j)| (b, i, j)))
            .collect();
        let tiles = work.len();
        on_progress(BuildProgress { round, rounds, tiles, done: 0 });
        let done = AtomicUsize::new(0);
        let found = map_items(&work, |&(b, i, j)| {
            let pairs = plans[b].compare(&buckets[b], dim, i, j, threshold);
            let done = done.fetch_add(1, Ordering::Relaxed) + 1;
            on_progress(BuildProgress { round, rounds, tiles, done });
            pairs
        });
        edges.extend(found.into_iter().flatten());
    }
    edges.sort_unstable_by_key(|e| (e.0, e.1));
    edges.dedup_by_key(|e| (e.0, e.1));
    Ok(edges)
}

/// Each undirected edge as two directed ones, as NSL's `build_graph` writes them.
pub fn both_directions(edges: &[(u32, u32, f32)]) -> Vec<(u32, u32, f32)> {
    edges.iter().flat_map(|&(a, b, w)| [(a, b, w), (b, a, w)]).collect()
}

/// Members of each non-empty LSH bucket, ascending.
fn lsh_buckets(unit: &[f32], dim: usize, planes: &[f32]) -> Vec<Vec<u32>> {
    let mut keyed: Vec<(u32, u32)> = unit
        .chunks_exact(dim)
        .enumerate()
        .map(|(i, row)| {
            let bucket = planes
                .chunks_exact(dim)
                .enumerate()
                .filter(|(_, plane)| plane.iter().zip(row).map(|(p, x)| p * x).sum::<f32>() > 0.0)
                .fold(0u32, |mask, (bit, _)| mask | (1 << bit));
            (bucket, i as u32)
        })
        .collect();
    keyed.sort_unstable();
    keyed.chunk_by(|a, b| a.0 == b.0).map(|run| run.iter().map(|&(_, i)| i).collect()).collect()
}

fn gather_rows(unit: &[f32], dim: usize, members: &[u32]) -> Vec<f32> {
    members.iter().flat_map(|&m| &unit[m as usize * dim..(m as usize + 1) * dim]).copied().collect()
}

/// How many dense multiply-adds one sparse product is worth. Natively the SGEMM runs SIMD FMA
/// kernels (~0.05 ns a multiply-add on one core here) while a sparse product is a scattered f64
/// add (~1.1 ns): the 1,500 digits (81 M sparse products against 882 M dense) stay dense there,
/// and only sparser rows (bags of words) go sparse. wasm32 has no SIMD in this build, so there a
/// sparse product costs about two multiply-adds of the SGEMM and the digits go sparse.
#[cfg(not(target_arch = "wasm32"))]
const SPARSE_PRODUCT_COST: u64 = 12;
#[cfg(target_arch = "wasm32")]
const SPARSE_PRODUCT_COST: u64 = 2;

/// How one bucket's pairs are compared.
enum Comparison {
    /// In SGEMM tiles of the gathered rows.
    Dense(Vec<f32>),
    /// Through the rows' non-zeros.
    Sparse(sparse::SparseRows),
}

impl Comparison {
    /// The cheaper way for the rows `members` of `unit`. Pairs sharing no non-zero have cosine
    /// 0, which only a threshold ≤ 0 keeps: those compare densely.
    fn plan(unit: &[f32], dim: usize, members: &[u32], threshold: f32) -> Self {
        if threshold > 0.0 {
            let rows = sparse::SparseRows::gather(unit, dim, members);
            let m = members.len() as u64;
            let dense_products = m * m.saturating_sub(1) / 2 * dim as u64;
            if rows.products().saturating_mul(SPARSE_PRODUCT_COST) < dense_products {
                return Self::Sparse(rows);
            }
        }
        Self::Dense(gather_rows(unit, dim, members))
    }

    /// The units of work over a bucket of `len` rows: tile pairs `(i, j)` with `i ≤ j`, or row
    /// blocks `(block, 0)`.
    fn units(&self, len: usize) -> Vec<(usize, usize)> {
        match self {
            Self::Dense(_) => {
                let tiles = len.div_ceil(TILE);
                (0..tiles).flat_map(|i| (i..tiles).map(move |j| (i, j))).collect()
            }
            Self::Sparse(rows) => (0..rows.blocks()).map(|block| (block, 0)).collect(),
        }
    }

    /// The pairs at or above `threshold` of one unit of work.
    fn compare(
        &self,
        members: &[u32],
        dim: usize,
        i: usize,
        j: usize,
        threshold: f32,
    ) -> Vec<(u32, u32, f32)> {
        match self {
            Self::Dense(rows) => compare_tiles(rows, members, dim, i, j, threshold),
            Self::Sparse(rows) => rows.compare_block(members, i, threshold),
        }
    }
}

/// Pairs at or above `threshold` between tile `i` and tile `j` (`i ≤ j`) of a bucket whose rows
/// are `rows` (gathered) and whose global indices are `members`.
fn compare_tiles(
    rows: &[f32],
    members: &[u32],
    dim: usize,
    i: usize,
    j: usize,
    threshold: f32,
) -> Vec<(u32, u32, f32)> {
    use ndarray::{Array2, ArrayView2, linalg::general_mat_mul};
    let span = |t: usize| t * TILE..((t + 1) * TILE).min(members.len());
    let (ri, rj) = (span(i), span(j));
    let a = ArrayView2::from_shape((ri.len(), dim), &rows[ri.start * dim..ri.end * dim]).expect("tile shape");
    let b = ArrayView2::from_shape((rj.len(), dim), &rows[rj.start * dim..rj.end * dim]).expect("tile shape");
    let mut sims = Array2::<f32>::zeros((ri.len(), rj.len()));
    general_mat_mul(1.0, &a, &b.t(), 0.0, &mut sims);
    // The product's rounding depends on the GEMM kernel (FMA natively, none in wasm), so it
    // only nominates candidates: each pair within the dot product's error bound of the threshold
    // or above is decided — and weighed — by the same f64 sum on every target.
    let margin = 2.0 * dim as f32 * f32::EPSILON + 1e-6;
    let row = |r: usize| &rows[r * dim..(r + 1) * dim];
    let mut found = Vec::new();
    for (x, sims) in sims.outer_iter().enumerate() {
        let start = if i == j { x + 1 } else { 0 };
        for (y, &s) in sims.iter().enumerate().skip(start) {
            if s < threshold - margin {
                continue;
            }
            let exact: f64 = row(ri.start + x)
                .iter()
                .zip(row(rj.start + y))
                .map(|(&a, &b)| f64::from(a) * f64::from(b))
                .sum();
            if exact as f32 >= threshold {
                let (p, q) = (members[ri.start + x], members[rj.start + y]);
                found.push((p.min(q), p.max(q), exact as f32));
            }
        }
    }
    found
}

/// Random embeddings in clusters, for benchmarks and recall checks: `n` points in `dim`
/// dimensions, grouped in clusters of 1–8 around random-normal centres with a per-cluster noise
/// level, so that many pairs sit near a 0.9 cosine threshold (as in NSL's 50k × 100 study).
pub fn clustered_embeddings(n: usize, dim: usize, seed: u64) -> Embeddings {
    let mut rng = seeded(seed);
    let mut values = Vec::with_capacity(n * dim);
    let normal = crate::datasets::standard_normal;
    while values.len() < n * dim {
        let centre: Vec<f32> = (0..dim).map(|_| normal(&mut rng)).collect();
        let size = rng.random_range(1..=8usize);
        let noise = rng.random_range(0.2f32..0.45);
        for _ in 0..size {
            if values.len() == n * dim {
                break;
            }
            values.extend(centre.iter().map(|c| c + noise * normal(&mut rng)));
        }
    }
    Embeddings { ids: (0..n).map(|i| format!("e{i}")).collect(), dim, values }
}

/// Independent random-normal embeddings.
pub fn random_normal_embeddings(n: usize, dim: usize, seed: u64) -> Embeddings {
    let mut rng = seeded(seed);
    let values = (0..n * dim).map(|_| crate::datasets::standard_normal(&mut rng)).collect();
    Embeddings { ids: (0..n).map(|i| format!("e{i}")).collect(), dim, values }
}

/// Fraction of `reference` edges that `found` contains (1 when the reference is empty).
pub fn recall(found: &[(u32, u32, f32)], reference: &[(u32, u32, f32)]) -> f64 {
    if reference.is_empty() {
        return 1.0;
    }
    let found: std::collections::HashSet<(u32, u32)> = found.iter().map(|e| (e.0, e.1)).collect();
    reference.iter().filter(|e| found.contains(&(e.0, e.1))).count() as f64 / reference.len() as f64
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The definition, pair by pair, in f64.
    fn reference(e: &Embeddings, threshold: f32) -> Vec<(u32, u32, f32)> {
        let unit = e.normalized();
        let mut out = Vec::new();
        for i in 0..e.len() {
            for j in i + 1..e.len() {
                let dot: f64 =
                    (0..e.dim).map(|k| f64::from(unit[i * e.dim + k]) * f64::from(unit[j * e.dim + k])).sum();
                if dot as f32 >= threshold {
                    out.push((i as u32, j as u32, dot as f32));
                }
            }
        }
        out
    }

    #[test]
    fn brute_force_matches_the_pairwise_definition_across_tiles() {
        // 600 points span three tiles, so diagonal and off-diagonal tiles are both exercised.
        let e = clustered_embeddings(600, 12, 7);
        let config = GraphBuilderConfig { similarity_threshold: 0.9, ..GraphBuilderConfig::default() };
        let built = build_graph(&e, &config, &|_| {}).unwrap();
        let expected = reference(&e, 0.9);
        assert!(expected.len() > 300, "the test set should have many edges, has {}", expected.len());
        let key = |v: &[(u32, u32, f32)]| v.iter().map(|x| (x.0, x.1)).collect::<Vec<_>>();
        // Equal up to pairs within float rounding of the threshold.
        let borderline = |x: &(u32, u32, f32)| (x.2 - 0.9).abs() < 1e-5;
        let a: Vec<_> = built.iter().filter(|x| !borderline(x)).copied().collect();
        let b: Vec<_> = expected.iter().filter(|x| !borderline(x)).copied().collect();
        assert_eq!(key(&a), key(&b));
        for (x, y) in a.iter().zip(&b) {
            assert!((x.2 - y.2).abs() < 1e-5);
        }
    }

    /// Every unit of work of `comparison` over all rows of `e`, sorted.
    fn compared(comparison: &Comparison, e: &Embeddings, threshold: f32) -> Vec<(u32, u32, f32)> {
        let members: Vec<u32> = (0..e.len() as u32).collect();
        let mut found: Vec<_> = comparison
            .units(e.len())
            .into_iter()
            .flat_map(|(i, j)| comparison.compare(&members, e.dim, i, j, threshold))
            .collect();
        found.sort_unstable_by_key(|e| (e.0, e.1));
        found
    }

    #[test]
    fn sparse_and_dense_comparisons_build_the_same_edges() {
        // Non-negative and mostly zero, in clusters that share their zeros, like pixels.
        let mut e = clustered_embeddings(700, 40, 9);
        e.values.iter_mut().for_each(|v| *v = if v.abs() > 1.6 { v.abs() } else { 0.0 });
        let zeros = e.values.iter().filter(|v| **v == 0.0).count() as f64 / e.values.len() as f64;
        assert!(zeros > 0.8, "mostly zeros: {zeros}");
        let unit = e.normalized();
        let members: Vec<u32> = (0..e.len() as u32).collect();
        let threshold = 0.7;
        let dense = compared(&Comparison::Dense(gather_rows(&unit, e.dim, &members)), &e, threshold);
        let sparse =
            compared(&Comparison::Sparse(sparse::SparseRows::gather(&unit, e.dim, &members)), &e, threshold);
        assert!(dense.len() > 300, "many edges: {}", dense.len());
        // Bit for bit: the same pairs with the same weights.
        let bits = |v: &[(u32, u32, f32)]| v.iter().map(|x| (x.0, x.1, x.2.to_bits())).collect::<Vec<_>>();
        assert_eq!(bits(&sparse), bits(&dense));
        assert!(
            matches!(Comparison::plan(&unit, e.dim, &members, threshold), Comparison::Sparse(_)),
            "these rows are sparse enough to compare through their non-zeros"
        );
        let config = GraphBuilderConfig { similarity_threshold: threshold, ..GraphBuilderConfig::default() };
        assert_eq!(bits(&build_graph(&e, &config, &|_| {}).unwrap()), bits(&dense));
        // A threshold ≤ 0 keeps orthogonal pairs too, which only the dense comparison visits.
        assert!(matches!(Comparison::plan(&unit, e.dim, &members, 0.0), Comparison::Dense(_)));
    }

    #[test]
    fn lsh_finds_a_subset_with_high_recall_and_is_seeded() {
        let e = clustered_embeddings(2000, 16, 3);
        let brute =
            build_graph(&e, &GraphBuilderConfig { similarity_threshold: 0.9, ..Default::default() }, &|_| {})
                .unwrap();
        let config =
            GraphBuilderConfig { similarity_threshold: 0.9, lsh_splits: 4, lsh_rounds: 8, random_seed: 5 };
        let rounds = std::sync::Mutex::new(Vec::new());
        let lsh = build_graph(&e, &config, &|p| {
            if p.done == 0 {
                rounds.lock().unwrap().push(p.round);
            }
        })
        .unwrap();
        assert_eq!(rounds.into_inner().unwrap(), (0..8).collect::<Vec<_>>());
        let brute_keys: std::collections::HashSet<_> = brute.iter().map(|x| (x.0, x.1)).collect();
        assert!(lsh.iter().all(|x| brute_keys.contains(&(x.0, x.1))));
        let r = recall(&lsh, &brute);
        assert!(r > 0.97 && r <= 1.0, "recall {r}");
        let one_round = build_graph(&e, &GraphBuilderConfig { lsh_rounds: 1, ..config }, &|_| {}).unwrap();
        assert!(one_round.len() < lsh.len(), "more rounds find more edges");
        assert_eq!(build_graph(&e, &config, &|_| {}).unwrap(), lsh, "same seed, same graph");
    }

    #[test]
    fn zero_norm_rows_and_bad_configs() {
        let e = Embeddings { ids: vec!["a".into(), "b".into()], dim: 2, values: vec![0.0, 0.0, 1.0, 0.0] };
        assert!(build_graph(&e, &GraphBuilderConfig::default(), &|_| {}).unwrap().is_empty());
        let bad = GraphBuilderConfig { lsh_splits: 2, lsh_rounds: 0, ..Default::default() };
        assert!(build_graph(&e, &bad, &|_| {}).unwrap_err().to_string().contains("lsh_rounds < 1"));
        assert_eq!(both_directions(&[(0, 1, 0.5)]), vec![(0, 1, 0.5), (1, 0, 0.5)]);
    }

    /// Golden values: an LSH graph over seeded random embeddings. They change only if the
    /// generator, rand's uniform sampling or rand_distr's normals change.
    #[test]
    fn a_seeded_lsh_graph_is_value_stable() {
        let e = random_normal_embeddings(300, 8, 11);
        let config =
            GraphBuilderConfig { similarity_threshold: 0.8, lsh_splits: 3, lsh_rounds: 2, random_seed: 4 };
        let edges = build_graph(&e, &config, &|_| {}).unwrap();
        let head: Vec<(u32, u32)> = edges.iter().take(5).map(|e| (e.0, e.1)).collect();
        assert_eq!((edges.len(), head), (GOLDEN_EDGES, GOLDEN_HEAD.to_vec()));
    }

    const GOLDEN_EDGES: usize = 154;
    const GOLDEN_HEAD: [(u32, u32); 5] = [(0, 3), (0, 148), (0, 287), (1, 154), (2, 220)];
}
