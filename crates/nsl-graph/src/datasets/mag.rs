//! A heterogeneous citation graph shaped like OGBN-MAG, drawn from a seed: papers, authors,
//! institutions and fields of study; authors write papers, papers cite papers and have topics,
//! authors are affiliated with institutions; the task is a paper's venue. Every node belongs to
//! a community (a paper's is its venue); each edge joins two nodes of one community with
//! probability `homophily`, any two otherwise — a block model per edge type — and every node
//! set's features are its community's centroid plus noise, weaker on papers than elsewhere, so
//! that what the neighbors say matters.

use rand::RngExt;
use rand::seq::SliceRandom;
use serde::{Deserialize, Serialize};

use super::standard_normal;
use crate::error::{GraphError, Result};
use crate::rng::{SeededRng, seeded};
use crate::typed::{EdgeSet, FEATURES, Feature, Graph, LABEL, NodeSet, SPLIT, SplitKind};

/// Node set names, as TF-GNN's OGBN-MAG example spells them.
pub const PAPER: &str = "paper";
/// Authors.
pub const AUTHOR: &str = "author";
/// Institutions.
pub const INSTITUTION: &str = "institution";
/// Fields of study.
pub const FIELD: &str = "field_of_study";
/// Edge sets: author → paper.
pub const WRITES: &str = "writes";
/// paper → author (the reverse of `writes`, so that authors receive messages too).
pub const WRITTEN: &str = "written";
/// paper → paper.
pub const CITES: &str = "cites";
/// author → institution.
pub const AFFILIATED_WITH: &str = "affiliated_with";
/// paper → field of study.
pub const HAS_TOPIC: &str = "has_topic";

/// The parameters of the drawn graph.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MagSpec {
    /// Venues: the classes (≥ 2).
    pub venues: usize,
    /// Papers.
    pub papers: usize,
    /// Authors.
    pub authors: usize,
    /// Institutions.
    pub institutions: usize,
    /// Fields of study.
    pub fields: usize,
    /// Mean authors per paper (drawn from 1 to twice the mean minus one).
    pub authors_per_paper: usize,
    /// Citations per paper.
    pub citations_per_paper: usize,
    /// Topics per paper.
    pub topics_per_paper: usize,
    /// Institutions per author.
    pub affiliations_per_author: usize,
    /// Probability that an edge stays within a community.
    pub homophily: f64,
    /// Feature width of every node set.
    pub feature_dim: usize,
    /// Scale of the community centroid in a paper's features (noise has scale 1).
    pub paper_signal: f64,
    /// The same for authors, institutions and fields.
    pub other_signal: f64,
    /// Share of papers in the training split.
    pub train_fraction: f64,
    /// Share of papers in the validation split (the rest is test).
    pub val_fraction: f64,
    /// Seed of the draw.
    pub seed: u64,
}

impl MagSpec {
    /// A few thousand nodes, for the playground.
    pub fn playground() -> Self {
        Self {
            venues: 8,
            papers: 2_000,
            authors: 1_200,
            institutions: 60,
            fields: 150,
            authors_per_paper: 3,
            citations_per_paper: 4,
            topics_per_paper: 2,
            affiliations_per_author: 1,
            homophily: 0.7,
            feature_dim: 32,
            paper_signal: 0.25,
            other_signal: 0.6,
            train_fraction: 0.3,
            val_fraction: 0.2,
            seed: 0,
        }
    }

    /// Over a million edges, for `nsl train` and `nsl bench`.
    pub fn native() -> Self {
        Self { papers: 200_000, authors: 120_000, institutions: 2_000, fields: 5_000, ..Self::playground() }
    }

    fn validate(&self) -> Result<()> {
        let bad = |why: String| Err(GraphError::Config(format!("MAG-like graph: {why}")));
        if self.venues < 2 {
            return bad("needs ≥ 2 venues".into());
        }
        for (name, n) in [
            ("papers", self.papers),
            ("authors", self.authors),
            ("institutions", self.institutions),
            ("fields", self.fields),
            ("feature_dim", self.feature_dim),
            ("authors_per_paper", self.authors_per_paper),
        ] {
            if n == 0 {
                return bad(format!("{name} must be ≥ 1"));
            }
        }
        if self.papers > 2_000_000 || self.authors > 2_000_000 {
            return bad("at most 2,000,000 papers and authors".into());
        }
        if self.feature_dim > 1024 {
            return bad(format!("feature_dim {} is over 1024", self.feature_dim));
        }
        if !(0.0..=1.0).contains(&self.homophily) {
            return bad(format!("homophily {} is not a probability", self.homophily));
        }
        let (t, v) = (self.train_fraction, self.val_fraction);
        if !(t > 0.0 && v >= 0.0 && t + v < 1.0) {
            return bad(format!("train {t} and val {v} fractions must leave test papers"));
        }
        Ok(())
    }
}

/// Nodes of one type grouped by community, to draw partners from.
struct Communities {
    of: Vec<usize>,
    members: Vec<Vec<u32>>,
}

impl Communities {
    fn new(of: Vec<usize>, communities: usize) -> Self {
        let mut members = vec![Vec::new(); communities];
        for (i, &c) in of.iter().enumerate() {
            members[c].push(i as u32);
        }
        Self { of, members }
    }

    fn random(rng: &mut SeededRng, size: usize, communities: usize) -> Self {
        Self::new((0..size).map(|_| rng.random_range(0..communities)).collect(), communities)
    }

    /// A partner for a node of `community`: within it with probability `homophily`.
    fn draw(&self, rng: &mut SeededRng, community: usize, homophily: f64) -> u32 {
        let within = &self.members[community];
        if !within.is_empty() && rng.random_bool(homophily) {
            within[rng.random_range(0..within.len())]
        } else {
            rng.random_range(0..self.of.len()) as u32
        }
    }
}

/// Features: a centroid per community (scaled by `signal`) plus standard-normal noise.
fn features(rng: &mut SeededRng, communities: &Communities, dim: usize, signal: f64) -> Feature {
    let centroids: Vec<f32> = (0..communities.members.len() * dim).map(|_| standard_normal(rng)).collect();
    let mut values = Vec::with_capacity(communities.of.len() * dim);
    for &c in &communities.of {
        for d in 0..dim {
            values.push(signal as f32 * centroids[c * dim + d] + standard_normal(rng));
        }
    }
    Feature::Dense { dim, values }
}

fn node_set(size: usize, features: Feature) -> NodeSet {
    let mut set = NodeSet::new(size);
    set.features.insert(FEATURES.into(), features);
    set
}

/// Draws the graph: four node sets with [`FEATURES`], papers also with [`LABEL`] (the venue)
/// and [`SPLIT`]; five edge sets ([`WRITES`], [`WRITTEN`], [`CITES`], [`AFFILIATED_WITH`],
/// [`HAS_TOPIC`]).
pub fn generate(spec: &MagSpec) -> Result<Graph> {
    spec.validate()?;
    let mut rng = seeded(spec.seed);
    let venues = spec.venues;
    let papers = Communities::new((0..spec.papers).map(|_| rng.random_range(0..venues)).collect(), venues);
    let authors = Communities::random(&mut rng, spec.authors, venues);
    let institutions = Communities::random(&mut rng, spec.institutions, venues);
    let fields = Communities::random(&mut rng, spec.fields, venues);
    let h = spec.homophily;

    let (mut writes, mut cites, mut topics, mut affiliations) =
        (Vec::new(), Vec::new(), Vec::new(), Vec::new());
    for (p, &venue) in papers.of.iter().enumerate() {
        let p = p as u32;
        let count = rng.random_range(1..=2 * spec.authors_per_paper - 1);
        for _ in 0..count {
            writes.push((authors.draw(&mut rng, venue, h), p, 1.0));
        }
        for _ in 0..spec.citations_per_paper {
            let cited = papers.draw(&mut rng, venue, h);
            if cited != p {
                cites.push((p, cited, 1.0));
            }
        }
        for _ in 0..spec.topics_per_paper {
            topics.push((p, fields.draw(&mut rng, venue, h), 1.0));
        }
    }
    for (a, &community) in authors.of.iter().enumerate() {
        for _ in 0..spec.affiliations_per_author {
            affiliations.push((a as u32, institutions.draw(&mut rng, community, h), 1.0));
        }
    }
    let written: Vec<(u32, u32, f32)> = writes.iter().map(|&(a, p, w)| (p, a, w)).collect();

    let dim = spec.feature_dim;
    let mut paper = node_set(spec.papers, features(&mut rng, &papers, dim, spec.paper_signal));
    paper.features.insert(
        LABEL.into(),
        Feature::Labels {
            classes: (0..venues).map(|v| format!("venue {v}")).collect(),
            values: papers.of.iter().map(|&v| Some(v as u32)).collect(),
        },
    );
    let mut order: Vec<usize> = (0..spec.papers).collect();
    order.shuffle(&mut rng);
    let train = ((spec.papers as f64 * spec.train_fraction).round() as usize).max(1);
    let val = (spec.papers as f64 * spec.val_fraction).round() as usize;
    let mut split = vec![SplitKind::Test; spec.papers];
    for (rank, &p) in order.iter().enumerate() {
        if rank < train {
            split[p] = SplitKind::Train;
        } else if rank < train + val {
            split[p] = SplitKind::Val;
        }
    }
    paper.features.insert(SPLIT.into(), Feature::Split { values: split });

    let mut graph = Graph::default();
    graph.node_sets.insert(PAPER.into(), paper);
    graph
        .node_sets
        .insert(AUTHOR.into(), node_set(spec.authors, features(&mut rng, &authors, dim, spec.other_signal)));
    graph.node_sets.insert(
        INSTITUTION.into(),
        node_set(spec.institutions, features(&mut rng, &institutions, dim, spec.other_signal)),
    );
    graph
        .node_sets
        .insert(FIELD.into(), node_set(spec.fields, features(&mut rng, &fields, dim, spec.other_signal)));
    for (name, source, target, edges) in [
        (WRITES, AUTHOR, PAPER, &writes),
        (WRITTEN, PAPER, AUTHOR, &written),
        (CITES, PAPER, PAPER, &cites),
        (AFFILIATED_WITH, AUTHOR, INSTITUTION, &affiliations),
        (HAS_TOPIC, PAPER, FIELD, &topics),
    ] {
        graph.edge_sets.insert(name.into(), EdgeSet::from_triples(source, target, edges));
    }
    Ok(graph)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The share of `edge_set`'s edges whose ends share a community.
    fn homophily(graph: &Graph, edge_set: &str, source: &[usize], target: &[usize]) -> f64 {
        let edges = graph.edge_set(edge_set).unwrap();
        let same = edges.triples().filter(|&(s, t, _)| source[s as usize] == target[t as usize]).count();
        same as f64 / edges.len() as f64
    }

    #[test]
    fn typed_seeded_and_homophilous_per_edge_type() {
        let spec = MagSpec::playground();
        let graph = generate(&spec).unwrap();
        graph.validate().unwrap();
        assert_eq!(graph, generate(&spec).unwrap(), "the same seed draws the same graph");
        assert_ne!(graph, generate(&MagSpec { seed: 1, ..spec }).unwrap());
        let sizes: Vec<usize> =
            [PAPER, AUTHOR, INSTITUTION, FIELD].iter().map(|n| graph.node_sets[*n].size).collect();
        assert_eq!(sizes, [2_000, 1_200, 60, 150]);
        let (_, venues) = graph.node_sets[PAPER].labels(LABEL).unwrap();
        let venue: Vec<usize> = venues.iter().map(|v| v.unwrap() as usize).collect();
        // Citations stay within a venue with probability 0.7, plus 1/8 of the rest by chance.
        let cites = homophily(&graph, CITES, &venue, &venue);
        assert!((0.70..0.80).contains(&cites), "cites homophily {cites}");
        assert_eq!(graph.edge_sets[WRITES].len(), graph.edge_sets[WRITTEN].len());
        let total: usize = graph.edge_sets.values().map(EdgeSet::len).sum();
        assert!((20_000..30_000).contains(&total), "{total} edges");
        let split = graph.node_sets[PAPER].split(SPLIT).unwrap();
        assert_eq!(split.iter().filter(|s| **s == SplitKind::Train).count(), 600);
        assert_eq!(split.iter().filter(|s| **s == SplitKind::Val).count(), 400);
        assert!(generate(&MagSpec { homophily: 2.0, ..spec }).is_err());
        assert!(generate(&MagSpec { train_fraction: 0.9, val_fraction: 0.1, ..spec }).is_err());
    }

    #[test]
    fn the_native_size_has_over_a_million_edges() {
        let graph = generate(&MagSpec::native()).unwrap();
        let total: usize = graph.edge_sets.values().map(EdgeSet::len).sum();
        assert!(total > 1_000_000, "{total} edges");
    }
}
