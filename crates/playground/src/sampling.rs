//! The subgraph sampling the explorer shows, as TF-GNN's `SamplingSpecBuilder` builds it: roots
//! in one node set, then hops along an edge set, each with a sample size and a strategy. Kept in
//! the URL (`~hops=10r.5t~seeds=12.40~rng=0`), turned into the worker's request, and the
//! receptive field of the roots for a k-layer GNN (every node within k hops). Pure.

use std::collections::VecDeque;

use nsl::graph::sample::{SamplingOp, SamplingSpec, SamplingStrategy, SeedOp};

use crate::protocol::{OpenedGraph, SampleRequest};

/// Most hops the builder offers.
pub const MAX_HOPS: usize = 4;

/// One hop of the spec.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Hop {
    /// Neighbors sampled per node.
    pub size: usize,
    /// How they are picked.
    pub strategy: SamplingStrategy,
}

/// The sampling the user built.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SamplingSetup {
    /// Hops, in order.
    pub hops: Vec<Hop>,
    /// Root nodes.
    pub seeds: Vec<u32>,
    /// Seed of random sampling.
    pub rng_seed: u64,
}

impl Default for SamplingSetup {
    fn default() -> Self {
        let hop = Hop { size: 5, strategy: SamplingStrategy::RandomUniform };
        Self { hops: vec![hop, hop], seeds: Vec::new(), rng_seed: 0 }
    }
}

/// A change in the builder.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SamplingEdit {
    /// Sample size of a hop.
    Size(usize, usize),
    /// Strategy of a hop.
    Strategy(usize, SamplingStrategy),
    /// One more hop (a copy of the last).
    AddHop,
    /// Drop the last hop.
    RemoveHop,
    /// Add or remove a root.
    ToggleSeed(u32),
    /// No roots.
    ClearSeeds,
    /// Seed of random sampling.
    RngSeed(u64),
}

impl SamplingSetup {
    /// The setup after `edit`.
    pub fn apply(&self, edit: &SamplingEdit) -> Self {
        let mut next = self.clone();
        match *edit {
            SamplingEdit::Size(hop, size) if hop < next.hops.len() => {
                next.hops[hop].size = size.clamp(1, 100)
            }
            SamplingEdit::Strategy(hop, strategy) if hop < next.hops.len() => {
                next.hops[hop].strategy = strategy
            }
            SamplingEdit::AddHop if next.hops.len() < MAX_HOPS => {
                let last = next
                    .hops
                    .last()
                    .copied()
                    .unwrap_or(Hop { size: 5, strategy: SamplingStrategy::RandomUniform });
                next.hops.push(last);
            }
            SamplingEdit::RemoveHop if next.hops.len() > 1 => {
                next.hops.pop();
            }
            SamplingEdit::ToggleSeed(node) => match next.seeds.iter().position(|&s| s == node) {
                Some(i) => {
                    next.seeds.remove(i);
                }
                None => next.seeds.push(node),
            },
            SamplingEdit::ClearSeeds => next.seeds.clear(),
            SamplingEdit::RngSeed(seed) => next.rng_seed = seed,
            _ => {}
        }
        next
    }

    /// TF-GNN's spec for `graph`: seed op `seed`, then `hop1`, `hop2`, … each expanding the
    /// previous op along the graph's edge set. On a heterogeneous graph each hop samples every
    /// edge set that leaves a node set the hop before reached (`hop1_cites`, `hop1_written`, …,
    /// each taking as inputs the previous hop's ops that reached its source node set), with
    /// the hop's size and strategy, as TF-GNN's `SamplingSpecBuilder` chains them.
    pub fn spec(&self, graph: &OpenedGraph) -> SamplingSpec {
        let seed_op = SeedOp { op_name: "seed".into(), node_set_name: graph.node_set.clone() };
        let Some(typed) = &graph.typed else {
            let sampling_ops = self
                .hops
                .iter()
                .enumerate()
                .map(|(i, hop)| SamplingOp {
                    op_name: format!("hop{}", i + 1),
                    input_op_names: vec![if i == 0 { "seed".into() } else { format!("hop{i}") }],
                    edge_set_name: graph.edge_set.clone(),
                    sample_size: hop.size,
                    strategy: hop.strategy,
                })
                .collect();
            return SamplingSpec { seed_op, sampling_ops };
        };
        let mut sampling_ops = Vec::new();
        // The ops of the hop before, with the node set each reaches.
        let mut reached = vec![("seed".to_string(), typed.set_index(&graph.node_set).unwrap_or(0))];
        for (h, hop) in self.hops.iter().enumerate() {
            let mut next = Vec::new();
            for edge_set in &typed.edge_sets {
                let inputs: Vec<String> = reached
                    .iter()
                    .filter(|(_, set)| *set == edge_set.source)
                    .map(|(op, _)| op.clone())
                    .collect();
                if inputs.is_empty() {
                    continue;
                }
                let op_name = format!("hop{}_{}", h + 1, edge_set.name);
                next.push((op_name.clone(), edge_set.target));
                sampling_ops.push(SamplingOp {
                    op_name,
                    input_op_names: inputs,
                    edge_set_name: edge_set.name.clone(),
                    sample_size: hop.size,
                    strategy: hop.strategy,
                });
            }
            reached = next;
        }
        SamplingSpec { seed_op, sampling_ops }
    }

    /// The worker's request for `graph`: the roots in the seed node set's own numbering (roots
    /// the graph or that node set lacks are left out).
    pub fn request(&self, graph: &OpenedGraph) -> SampleRequest {
        let (first, size) = match &graph.typed {
            Some(typed) => {
                let set = typed.set_index(&graph.node_set).unwrap_or(0);
                (typed.offset(set), typed.node_sets[set].size)
            }
            None => (0, graph.nodes),
        };
        let seeds = self
            .seeds
            .iter()
            .filter(|&&s| (first..first + size).contains(&(s as usize)))
            .map(|&s| s - first as u32)
            .collect();
        SampleRequest { spec: self.spec(graph), seeds, rng_seed: self.rng_seed }
    }

    /// The URL suffix: `~hops=10r.5t~seeds=12.40~rng=0`.
    pub fn encode(&self) -> String {
        let hops: Vec<String> = self
            .hops
            .iter()
            .map(|h| format!("{}{}", h.size, if h.strategy == SamplingStrategy::TopK { 't' } else { 'r' }))
            .collect();
        let seeds: Vec<String> = self.seeds.iter().map(u32::to_string).collect();
        format!("~hops={}~seeds={}~rng={}", hops.join("."), seeds.join("."), self.rng_seed)
    }

    /// Reads the `key=value` parts of a URL suffix (`hops`, `seeds`, `rng`); other keys are
    /// someone else's.
    pub fn decode<'a>(parts: impl IntoIterator<Item = (&'a str, &'a str)>) -> Result<Option<Self>, String> {
        let mut setup = None::<Self>;
        for (key, value) in parts.into_iter().filter(|(key, _)| ["hops", "seeds", "rng"].contains(key)) {
            let s = setup.get_or_insert_with(|| Self { hops: Vec::new(), ..Self::default() });
            match key {
                "hops" => {
                    s.hops = value
                        .split('.')
                        .filter(|h| !h.is_empty())
                        .map(|h| {
                            let (size, strategy) = h.split_at(h.len().saturating_sub(1));
                            let strategy = match strategy {
                                "t" => SamplingStrategy::TopK,
                                "r" => SamplingStrategy::RandomUniform,
                                _ => return Err(format!("hop {h:?}: end it in r (random) or t (top-k)")),
                            };
                            let size =
                                size.parse::<usize>().map_err(|_| format!("hop {h:?}: a size first"))?;
                            Ok(Hop { size: size.clamp(1, 100), strategy })
                        })
                        .collect::<Result<_, String>>()?;
                }
                "seeds" => {
                    s.seeds = value
                        .split('.')
                        .filter(|v| !v.is_empty())
                        .map(|v| v.parse::<u32>().map_err(|_| format!("root {v:?} is not a node index")))
                        .collect::<Result<_, String>>()?;
                }
                "rng" => s.rng_seed = value.parse().map_err(|_| format!("rng {value:?} is not a number"))?,
                _ => {}
            }
        }
        if let Some(s) = &setup
            && (s.hops.is_empty() || s.hops.len() > MAX_HOPS)
        {
            return Err(format!("a sampling link needs 1 to {MAX_HOPS} hops"));
        }
        Ok(setup)
    }
}

/// The hop each op of `spec` samples: 1 for ops that expand the seed, one more than the
/// furthest of its inputs otherwise.
pub fn op_hops(spec: &SamplingSpec) -> Vec<u32> {
    let mut hops: Vec<(String, u32)> = vec![(spec.seed_op.op_name.clone(), 0)];
    for op in &spec.sampling_ops {
        let input = |name: &String| hops.iter().find(|(n, _)| n == name).map_or(0, |(_, h)| *h);
        let hop = 1 + op.input_op_names.iter().map(input).max().unwrap_or(0);
        hops.push((op.op_name.clone(), hop));
    }
    hops.into_iter().skip(1).map(|(_, h)| h).collect()
}

/// Hop distance (≤ `k`) of every node from the nearest root over all edges (both directions):
/// what a `k`-layer message-passing GNN at the roots can see. `None` beyond `k`.
pub fn receptive_field(nodes: usize, edges: &[[u32; 2]], seeds: &[u32], k: usize) -> Vec<Option<u32>> {
    let mut neighbors = vec![Vec::new(); nodes];
    for &[a, b] in edges {
        if (a as usize) < nodes && (b as usize) < nodes {
            neighbors[a as usize].push(b);
            neighbors[b as usize].push(a);
        }
    }
    let mut hops = vec![None; nodes];
    let mut queue = VecDeque::new();
    for &s in seeds.iter().filter(|&&s| (s as usize) < nodes) {
        hops[s as usize] = Some(0);
        queue.push_back(s);
    }
    while let Some(v) = queue.pop_front() {
        let h = hops[v as usize].unwrap_or(0);
        if h as usize >= k {
            continue;
        }
        for &w in &neighbors[v as usize] {
            if hops[w as usize].is_none() {
                hops[w as usize] = Some(h + 1);
                queue.push_back(w);
            }
        }
    }
    hops
}

#[cfg(test)]
mod tests {
    use super::*;

    fn path_graph() -> OpenedGraph {
        OpenedGraph {
            name: "path".into(),
            nodes: 5,
            node_set: "nodes".into(),
            edge_set: "edges".into(),
            typed: None,
            edges: vec![[0, 1], [1, 2], [2, 3], [3, 4]],
            positions: vec![[0.5, 0.5]; 5],
            labels: vec![None; 5],
            classes: Vec::new(),
            features: 0,
            labeled_for_training: 0,
            parse_ms: 0.0,
            layout_ms: 0.0,
        }
    }

    #[test]
    fn the_builder_makes_tf_gnn_specs_and_round_trips_through_the_url() {
        let setup = SamplingSetup::default()
            .apply(&SamplingEdit::Size(0, 10))
            .apply(&SamplingEdit::Strategy(1, SamplingStrategy::TopK))
            .apply(&SamplingEdit::AddHop)
            .apply(&SamplingEdit::ToggleSeed(2))
            .apply(&SamplingEdit::ToggleSeed(9))
            .apply(&SamplingEdit::ToggleSeed(40))
            .apply(&SamplingEdit::ToggleSeed(9))
            .apply(&SamplingEdit::RngSeed(7));
        assert_eq!(setup.seeds, vec![2, 40]);
        let spec = setup.spec(&path_graph());
        assert_eq!(spec.sampling_ops.len(), 3);
        assert_eq!(spec.sampling_ops[2].input_op_names, vec!["hop2"]);
        assert_eq!(op_hops(&spec), [1, 2, 3]);
        assert_eq!(
            (spec.sampling_ops[0].sample_size, spec.sampling_ops[1].strategy),
            (10, SamplingStrategy::TopK)
        );
        assert_eq!(setup.request(&path_graph()).seeds, vec![2], "roots the graph lacks are left out");
        let url = setup.encode();
        assert_eq!(url, "~hops=10r.5t.5t~seeds=2.40~rng=7");
        let parts = url.split('~').filter_map(|p| p.split_once('='));
        assert_eq!(SamplingSetup::decode(parts).unwrap(), Some(setup));
        assert_eq!(SamplingSetup::decode([("hide", "data")]).unwrap(), None);
        assert!(SamplingSetup::decode([("hops", "5x")]).unwrap_err().contains("r (random)"));
        assert!(SamplingSetup::decode([("hops", "")]).is_err());
        let one = SamplingSetup::default().apply(&SamplingEdit::RemoveHop).apply(&SamplingEdit::RemoveHop);
        assert_eq!(one.hops.len(), 1, "at least one hop");
    }

    #[test]
    fn a_heterogeneous_graph_is_sampled_over_every_edge_set_leaving_what_the_hop_before_reached() {
        use nsl::graph::datasets::mag::{self, MagSpec};
        let graph = mag::generate(&MagSpec {
            papers: 30,
            authors: 20,
            institutions: 3,
            fields: 4,
            ..MagSpec::playground()
        })
        .unwrap();
        let typed = crate::typed_view::TypedView::with_positions(&graph, Some(mag::PAPER), Vec::new());
        let paper = typed.set_index(mag::PAPER).unwrap();
        let opened = OpenedGraph {
            node_set: mag::PAPER.into(),
            edge_set: String::new(),
            nodes: typed.nodes(),
            typed: Some(Box::new(typed.clone())),
            ..path_graph()
        };
        let first_paper = typed.offset(paper) as u32;
        let setup = SamplingSetup::default()
            .apply(&SamplingEdit::ToggleSeed(first_paper + 3))
            .apply(&SamplingEdit::ToggleSeed(0));
        let request = setup.request(&opened);
        assert_eq!(
            request.seeds,
            vec![3],
            "an author is no root of a paper spec; a paper is numbered in its set"
        );
        let names: Vec<&str> = request.spec.sampling_ops.iter().map(|o| o.op_name.as_str()).collect();
        // From papers: cites, has_topic, written; then from papers (cites) and authors (written).
        assert_eq!(
            names,
            [
                "hop1_cites",
                "hop1_has_topic",
                "hop1_written",
                "hop2_affiliated_with",
                "hop2_cites",
                "hop2_has_topic",
                "hop2_writes",
                "hop2_written"
            ]
        );
        assert_eq!(request.spec.sampling_ops[4].input_op_names, ["hop1_cites"]);
        assert_eq!(op_hops(&request.spec), [1, 1, 1, 2, 2, 2, 2, 2]);
        nsl::graph::sample::Sampler::new(&graph, &request.spec, 0).expect("a spec TF-GNN's sampler takes");
    }

    #[test]
    fn receptive_fields_are_k_hop_balls() {
        let g = path_graph();
        assert_eq!(receptive_field(5, &g.edges, &[0], 2), vec![Some(0), Some(1), Some(2), None, None]);
        assert_eq!(receptive_field(5, &g.edges, &[0, 4], 1), vec![Some(0), Some(1), None, Some(1), Some(0)]);
        assert_eq!(receptive_field(5, &g.edges, &[], 3), vec![None; 5]);
    }
}
