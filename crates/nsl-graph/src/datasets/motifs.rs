//! A graph-classification set drawn from a seed: each graph is a random tree with one motif
//! attached — a 6-cycle, a house (a square with a roof) or a 3 × 3 grid — and its class is the
//! motif. Nothing but the structure tells the classes apart: every graph's number of nodes is
//! drawn independently of its class, and random extra edges in the tree make the number of
//! edges independent of it too (a grid brings three more edges than nodes, a house one, a
//! cycle none; the tree gets the difference). Node features are the one-hot degree.

use std::collections::HashSet;

use rand::RngExt;
use rand::seq::SliceRandom;
use serde::{Deserialize, Serialize};

use crate::error::{GraphError, Result};
use crate::rng::{SeededRng, seeded};
use crate::typed::{FEATURES, Feature, Graph, NodeSet, SplitKind};

/// The motifs, in class order.
pub const CLASSES: [&str; 3] = ["cycle", "house", "grid"];

/// Degrees told apart by the features: one column for each of 1 … `DEGREE_COLUMNS`, the last
/// also holding every larger degree.
pub const DEGREE_COLUMNS: usize = 6;

/// The parameters of the draw.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MotifSpec {
    /// Graphs of each class.
    pub graphs_per_class: usize,
    /// Fewest nodes of a graph (≥ 11: the largest motif and two tree nodes).
    pub min_nodes: usize,
    /// Most nodes of a graph.
    pub max_nodes: usize,
    /// Independent cycles of a graph (edges − nodes + 1) beyond the grid's four: each graph
    /// has `4 + k` of them, `k` drawn from `0 ..= extra_edges` whatever its class.
    pub extra_edges: usize,
    /// Share of graphs for training.
    pub train_fraction: f64,
    /// Share of graphs for validation (the rest is test).
    pub val_fraction: f64,
    /// Seed of the draw.
    pub seed: u64,
}

impl Default for MotifSpec {
    fn default() -> Self {
        Self {
            graphs_per_class: 200,
            min_nodes: 14,
            max_nodes: 22,
            extra_edges: 2,
            train_fraction: 0.6,
            val_fraction: 0.2,
            seed: 0,
        }
    }
}

impl MotifSpec {
    fn validate(&self) -> Result<()> {
        let bad = |why: String| Err(GraphError::Config(format!("motif graphs: {why}")));
        if self.graphs_per_class < 3 || self.graphs_per_class > 100_000 {
            return bad(format!("graphs_per_class {} is not in 3 ..= 100000", self.graphs_per_class));
        }
        if self.min_nodes < 11 || self.max_nodes < self.min_nodes || self.max_nodes > 1_000 {
            return bad(format!("nodes {} ..= {} must lie in 11 ..= 1000", self.min_nodes, self.max_nodes));
        }
        if self.extra_edges > 20 {
            return bad(format!("extra_edges {} is over 20", self.extra_edges));
        }
        let (t, v) = (self.train_fraction, self.val_fraction);
        if !(t > 0.0 && v > 0.0 && t + v < 1.0) {
            return bad(format!("train {t} and val {v} fractions must leave test graphs"));
        }
        Ok(())
    }
}

/// Labelled graphs and their split.
#[derive(Debug, Clone, PartialEq)]
pub struct GraphSet {
    /// The graphs: node set [`NODES`](crate::typed::NODES) with [`FEATURES`], edge set
    /// [`EDGES`](crate::typed::EDGES) holding every edge in both directions.
    pub graphs: Vec<Graph>,
    /// Each graph's class.
    pub labels: Vec<u32>,
    /// Class names.
    pub classes: Vec<String>,
    /// Each graph's split.
    pub split: Vec<SplitKind>,
}

impl GraphSet {
    /// The graphs of `kind`, by index.
    pub fn indices(&self, kind: SplitKind) -> Vec<u32> {
        (0..self.graphs.len() as u32).filter(|&i| self.split[i as usize] == kind).collect()
    }
}

/// A motif's nodes and edges (undirected, each once).
fn motif(class: usize) -> (usize, Vec<(u32, u32)>) {
    match class {
        0 => (6, (0..6).map(|i| (i, (i + 1) % 6)).collect()),
        // The square 0-1-2-3 and the roof 4 on 0 and 1.
        1 => (5, vec![(0, 1), (1, 2), (2, 3), (3, 0), (0, 4), (1, 4)]),
        _ => {
            let at = |r: u32, c: u32| r * 3 + c;
            let mut edges = Vec::new();
            for r in 0..3 {
                for c in 0..3 {
                    if c < 2 {
                        edges.push((at(r, c), at(r, c + 1)));
                    }
                    if r < 2 {
                        edges.push((at(r, c), at(r + 1, c)));
                    }
                }
            }
            (9, edges)
        }
    }
}

/// Independent cycles a motif brings (its edges − nodes + 1).
fn motif_cycles(class: usize) -> usize {
    let (nodes, edges) = motif(class);
    edges.len() + 1 - nodes
}

/// One graph of `class` with `nodes` nodes and `nodes + cycles − 1` edges.
fn draw_graph(rng: &mut SeededRng, class: usize, nodes: usize, cycles: usize) -> Graph {
    let (motif_nodes, motif_edges) = motif(class);
    let tree = nodes - motif_nodes;
    let mut edges: Vec<(u32, u32)> = (1..tree as u32).map(|i| (rng.random_range(0..i), i)).collect();
    let offset = tree as u32;
    edges.extend(motif_edges.iter().map(|&(a, b)| (a + offset, b + offset)));
    edges.push((rng.random_range(0..offset), offset + rng.random_range(0..motif_nodes as u32)));
    // The tree takes the extra edges the motif does not bring, between nodes not yet joined.
    let mut joined: HashSet<(u32, u32)> = edges.iter().map(|&(a, b)| (a.min(b), a.max(b))).collect();
    let mut extra = cycles - motif_cycles(class);
    while extra > 0 {
        let (a, b) = (rng.random_range(0..offset), rng.random_range(0..offset));
        if a != b && joined.insert((a.min(b), a.max(b))) {
            edges.push((a, b));
            extra -= 1;
        }
    }
    // Shuffled node order, so that no position says where the motif is.
    let mut order: Vec<u32> = (0..nodes as u32).collect();
    order.shuffle(rng);
    let mut degree = vec![0usize; nodes];
    let mut directed = Vec::with_capacity(2 * edges.len());
    for &(a, b) in &edges {
        let (a, b) = (order[a as usize], order[b as usize]);
        degree[a as usize] += 1;
        degree[b as usize] += 1;
        directed.push((a, b, 1.0));
        directed.push((b, a, 1.0));
    }
    let mut values = vec![0.0; nodes * DEGREE_COLUMNS];
    for (node, &d) in degree.iter().enumerate() {
        values[node * DEGREE_COLUMNS + d.clamp(1, DEGREE_COLUMNS) - 1] = 1.0;
    }
    let mut set = NodeSet::new(nodes);
    set.features.insert(FEATURES.into(), Feature::Dense { dim: DEGREE_COLUMNS, values });
    Graph::homogeneous(set, &directed)
}

/// Draws the set: classes interleaved (graph `i` has class `i mod 3`), splits at random.
pub fn generate(spec: &MotifSpec) -> Result<GraphSet> {
    spec.validate()?;
    let mut rng = seeded(spec.seed);
    let classes = CLASSES.len();
    let total = spec.graphs_per_class * classes;
    let mut graphs = Vec::with_capacity(total);
    let mut labels = Vec::with_capacity(total);
    for i in 0..total {
        let class = i % classes;
        let cycles = motif_cycles(2) + rng.random_range(0..=spec.extra_edges);
        let (motif_nodes, _) = motif(class);
        // A tree of t nodes has room for (t − 1)(t − 2) / 2 more edges: the smallest graph of
        // this class grows until its tree holds the extra edges.
        let extra = cycles - motif_cycles(class);
        let fits = (motif_nodes + 2..).find(|&n| (n - motif_nodes - 1) * (n - motif_nodes - 2) / 2 >= extra);
        let low = spec.min_nodes.max(fits.expect("some tree is large enough"));
        let nodes = rng.random_range(low..=spec.max_nodes.max(low));
        graphs.push(draw_graph(&mut rng, class, nodes, cycles));
        labels.push(class as u32);
    }
    let mut order: Vec<usize> = (0..total).collect();
    order.shuffle(&mut rng);
    let train = (spec.train_fraction * total as f64).round() as usize;
    let val = (spec.val_fraction * total as f64).round() as usize;
    let mut split = vec![SplitKind::Test; total];
    for (rank, &i) in order.iter().enumerate() {
        if rank < train {
            split[i] = SplitKind::Train;
        } else if rank < train + val {
            split[i] = SplitKind::Val;
        }
    }
    Ok(GraphSet { graphs, labels, classes: CLASSES.iter().map(|&c| c.to_owned()).collect(), split })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::typed::{EDGES, NODES};

    #[test]
    fn sizes_carry_no_class() {
        let set = generate(&MotifSpec::default()).unwrap();
        assert_eq!(set.graphs.len(), 600);
        let mut by_class = vec![Vec::new(); 3];
        for (graph, &label) in set.graphs.iter().zip(&set.labels) {
            graph.validate().unwrap();
            let nodes = graph.node_sets[NODES].size;
            let edges = graph.edge_sets[EDGES].len() / 2;
            assert!((14..=22).contains(&nodes), "{nodes}");
            let cycles = edges + 1 - nodes;
            assert!((4..=6).contains(&cycles), "edges − nodes + 1 = {cycles}");
            by_class[label as usize].push((nodes as f64, cycles as f64));
        }
        let mean =
            |v: &[(f64, f64)], f: fn(&(f64, f64)) -> f64| v.iter().map(f).sum::<f64>() / v.len() as f64;
        for class in &by_class[1..] {
            assert!((mean(class, |p| p.0) - mean(&by_class[0], |p| p.0)).abs() < 0.6);
            assert!((mean(class, |p| p.1) - mean(&by_class[0], |p| p.1)).abs() < 0.25);
        }
    }

    #[test]
    fn each_graph_is_connected_and_its_degrees_are_its_features() {
        let set = generate(&MotifSpec { graphs_per_class: 10, ..MotifSpec::default() }).unwrap();
        for graph in &set.graphs {
            let nodes = graph.node_sets[NODES].size;
            let edges = &graph.edge_sets[EDGES];
            let mut neighbors = vec![Vec::new(); nodes];
            for (s, t, _) in edges.triples() {
                neighbors[s as usize].push(t as usize);
            }
            let (mut seen, mut stack) = (vec![false; nodes], vec![0]);
            while let Some(n) = stack.pop() {
                if !std::mem::replace(&mut seen[n], true) {
                    stack.extend(&neighbors[n]);
                }
            }
            assert!(seen.iter().all(|&s| s), "a graph is not connected");
            let (dim, values) = graph.node_sets[NODES].dense(FEATURES).unwrap();
            for (n, list) in neighbors.iter().enumerate() {
                let row = &values[n * dim..(n + 1) * dim];
                assert_eq!(row.iter().sum::<f32>(), 1.0);
                assert_eq!(row[list.len().min(DEGREE_COLUMNS) - 1], 1.0);
            }
        }
    }

    #[test]
    fn the_split_and_the_draw_follow_the_seed() {
        let spec = MotifSpec { graphs_per_class: 20, ..MotifSpec::default() };
        let (a, b) = (generate(&spec).unwrap(), generate(&spec).unwrap());
        assert_eq!(a, b);
        assert_ne!(a.graphs, generate(&MotifSpec { seed: 1, ..spec }).unwrap().graphs);
        assert_eq!(a.indices(SplitKind::Train).len(), 36);
        assert_eq!(a.indices(SplitKind::Val).len(), 12);
        assert_eq!(a.indices(SplitKind::Test).len(), 12);
        assert!(generate(&MotifSpec { min_nodes: 8, ..spec }).is_err());
        assert!(generate(&MotifSpec { train_fraction: 0.9, val_fraction: 0.1, ..spec }).is_err());
    }
}
