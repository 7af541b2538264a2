//! The graph explorer's side of the worker: a graph opened from files (or the current data),
//! laid out, sampled as TF-GNN's sampler does, and written back to files. Pure: no DOM.

use nsl::data::planetoid::SplitKind;
use nsl::graph::io::{Limits, files::read_files, json, tsv};
use nsl::graph::sample::Sampler;
use nsl::graph::typed::{LABEL, SPLIT};
use nsl::graph::{Feature, Graph};
use nsl::spec::{DataSpec, ExperimentSpec};

use super::data::graph_layout;
use crate::graph_view::edges_once;
use crate::protocol::{GraphFile, GraphFormat, OpenedGraph, SampleRequest, SampleView, SampledView};
use crate::sampling::op_hops;
use crate::typed_view::TypedView;

/// What the browser reads from files: a tab stays responsive far beyond Pubmed (19,717 nodes,
/// 44k edges), and these bounds are shown next to the file picker.
pub const BROWSER_LIMITS: Limits = Limits {
    max_line_bytes: 1 << 20,
    max_lines: 2_000_000,
    max_bytes: 64 << 20,
    max_nodes: 100_000,
    max_edges: 1_000_000,
};

/// An opened graph: one node set and at most one edge set, or a heterogeneous graph of
/// several, its nodes numbered node set after node set.
#[derive(Debug)]
pub struct ExplorerGraph {
    name: String,
    graph: Graph,
    /// The node set sampling starts from: the only one, or the first with labels.
    node_set: String,
    /// The only edge set (empty without edges, or with several).
    edge_set: String,
    /// The numbering of a heterogeneous graph's nodes and edges (positions come later).
    typed: Option<TypedView>,
}

/// Reads the graph `files` hold.
pub fn parse_files(files: &[GraphFile]) -> Result<(String, Graph), String> {
    let named: Vec<(&str, &[u8])> = files.iter().map(|f| (f.name.as_str(), f.text.as_bytes())).collect();
    read_files(&named, &BROWSER_LIMITS).map_err(|e| e.to_string())
}

/// The graph of the current setup (a built-in, drawn or generated graph).
pub fn current_graph(spec: &ExperimentSpec) -> Result<(String, Graph), String> {
    match &spec.data {
        DataSpec::Graph { graph } => {
            Ok((graph.name().to_string(), graph.graph().map_err(|e| e.to_string())?))
        }
        DataSpec::Mag(mag) => {
            Ok(("mag".into(), nsl::graph::datasets::mag::generate(mag).map_err(|e| e.to_string())?))
        }
        _ => Err("the current data is not a graph: load graph files or pick a graph data set".into()),
    }
}

impl ExplorerGraph {
    /// Takes any graph with a node set.
    pub fn new(name: String, graph: Graph) -> Result<Self, String> {
        if graph.node_sets.len() == 1 && graph.edge_sets.len() <= 1 {
            let node_set = graph.single_node_set().map_err(|e| e.to_string())?.0.to_string();
            let edge_set = graph
                .single_edge_set()
                .map_err(|e| e.to_string())?
                .map_or_else(String::new, |(n, _)| n.to_string());
            return Ok(Self { name, graph, node_set, edge_set, typed: None });
        }
        graph.validate().map_err(|e| e.to_string())?;
        let typed = TypedView::with_positions(&graph, None, Vec::new());
        let node_set = typed
            .labeled
            .map_or_else(|| typed.node_sets[0].name.clone(), |l| typed.node_sets[l].name.clone());
        Ok(Self { name, graph, node_set, edge_set: String::new(), typed: Some(typed) })
    }

    /// The files' name.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// The graph.
    pub fn graph(&self) -> &Graph {
        &self.graph
    }

    /// Number of nodes (of every node set).
    pub fn nodes(&self) -> usize {
        match &self.typed {
            Some(typed) => typed.nodes(),
            None => self.graph.node_sets[&self.node_set].size,
        }
    }

    /// Each edge once (the smaller index first), self loops dropped; every edge set's, in the
    /// heterogeneous numbering, for a heterogeneous graph.
    pub fn edges_once(&self) -> Vec<[u32; 2]> {
        if let Some(typed) = &self.typed {
            return typed.edges_once();
        }
        let Some(set) = self.graph.edge_sets.get(&self.edge_set) else { return Vec::new() };
        edges_once(set.triples().map(|(a, b, _)| (a as usize, b as usize)))
    }

    /// A force-directed layout, as the data views lay graphs out.
    pub fn layout(&self, edges: &[[u32; 2]]) -> Vec<[f32; 2]> {
        graph_layout(self.nodes(), edges, 0)
    }

    /// What the page draws and says about the graph.
    pub fn view(
        &self,
        edges: Vec<[u32; 2]>,
        positions: Vec<[f32; 2]>,
        parse_ms: f64,
        layout_ms: f64,
    ) -> OpenedGraph {
        let nodes = &self.graph.node_sets[&self.node_set];
        let (classes, mut labels) = match nodes.features.get(LABEL) {
            Some(Feature::Labels { classes, values }) => (classes.clone(), values.clone()),
            _ => (Vec::new(), vec![None; nodes.size]),
        };
        let labeled_for_training = match nodes.features.get(SPLIT) {
            Some(Feature::Split { values }) => values.iter().filter(|&&s| s == SplitKind::Train).count(),
            _ => 0,
        };
        let features = nodes
            .features
            .values()
            .filter_map(|f| match f {
                Feature::Dense { dim, .. } => Some(*dim),
                _ => None,
            })
            .sum();
        let typed = self.typed.as_ref().map(|typed| {
            // Labels in the heterogeneous numbering: the roots' node set's, none elsewhere.
            let first = typed.set_index(&self.node_set).map_or(0, |s| typed.offset(s));
            let mut all = vec![None; typed.nodes()];
            all[first..first + labels.len()].copy_from_slice(&labels);
            labels = all;
            Box::new(TypedView { positions: positions.clone(), ..typed.clone() })
        });
        OpenedGraph {
            name: self.name.clone(),
            nodes: self.nodes(),
            node_set: self.node_set.clone(),
            edge_set: self.edge_set.clone(),
            typed,
            edges,
            positions,
            labels,
            classes,
            features,
            labeled_for_training,
            parse_ms,
            layout_ms,
        }
    }

    /// Samples one rooted subgraph per seed (seeds numbered in the seed node set); the
    /// subgraphs come back in the page's numbering (node set after node set).
    pub fn sample(&self, request: &SampleRequest) -> Result<SampleView, String> {
        if self.graph.edge_sets.values().all(|e| e.is_empty()) {
            return Err("the graph has no edges to sample along".into());
        }
        let sampler =
            Sampler::new(&self.graph, &request.spec, request.rng_seed).map_err(|e| e.to_string())?;
        // Where each of the sampler's node sets starts in the page's numbering.
        let first = |name: &str| match &self.typed {
            Some(typed) => typed.set_index(name).map_or(0, |s| typed.offset(s)) as u32,
            None => 0,
        };
        let node_starts: Vec<u32> = sampler.node_set_names().iter().map(|n| first(n)).collect();
        let edge_ends: Vec<(usize, usize)> = sampler
            .edge_set_names()
            .iter()
            .map(|e| {
                let set = &self.graph.edge_sets[e];
                let index = |n: &str| sampler.node_set_names().iter().position(|m| m == n).unwrap_or(0);
                (index(&set.source), index(&set.target))
            })
            .collect();
        let seed_start = first(&request.spec.seed_op.node_set_name);
        let sampled = sampler.sample(&request.seeds).map_err(|e| e.to_string())?;
        let subgraphs = sampled
            .into_iter()
            .map(|s| {
                let (mut nodes, mut hops) = (Vec::new(), Vec::new());
                // The seed's node set first, so that the root leads.
                let seed_set = sampler
                    .node_set_names()
                    .iter()
                    .position(|n| *n == request.spec.seed_op.node_set_name)
                    .unwrap_or(0);
                let order =
                    std::iter::once(seed_set).chain((0..s.node_sets.len()).filter(|&k| k != seed_set));
                for k in order {
                    nodes.extend(s.node_sets[k].nodes.iter().map(|&v| v + node_starts[k]));
                    hops.extend_from_slice(&s.node_sets[k].hops);
                }
                let mut edges = Vec::new();
                for (k, e) in s.edge_sets.iter().enumerate() {
                    let (source, target) = edge_ends[k];
                    let at = |set: usize, i: u32| s.node_sets[set].nodes[i as usize] + node_starts[set];
                    edges.extend(
                        (0..e.sources.len())
                            .map(|i| [at(source, e.sources[i]), at(target, e.targets[i]), e.ops[i]]),
                    );
                }
                SampledView { seed: s.seed + seed_start, nodes, hops, edges }
            })
            .collect();
        let op_edge_sets = request.spec.sampling_ops.iter().map(|o| o.edge_set_name.clone()).collect();
        Ok(SampleView { subgraphs, op_hops: op_hops(&request.spec), op_edge_sets })
    }

    /// The graph as a file: `(file name, contents)`.
    pub fn export(&self, format: GraphFormat) -> Result<(String, String), String> {
        match format {
            GraphFormat::Json => Ok((format!("{}.json", self.name), json::to_string(&self.graph))),
            GraphFormat::Tsv => {
                let name = format!("{}.tsv", self.name);
                let mut out = Vec::new();
                tsv::write(&self.graph, &name, &mut out).map_err(|e| e.to_string())?;
                Ok((name, String::from_utf8(out).map_err(|e| e.to_string())?))
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use nsl::graph::sample::{SamplingSpec, SamplingStrategy};

    fn cites() -> Vec<GraphFile> {
        let file = |name: &str, text: &str| GraphFile { name: name.into(), text: text.into() };
        vec![
            file("tiny.content", "a\t1\t0\tx\nb\t0\t1\ty\nc\t1\t1\tx\nd\t0\t0\ty\n"),
            file("tiny.cites", "a\tb\nb\tc\nc\td\nb\ta\n"),
            file("tiny.split", "a\ttrain\nb\ttest\n"),
        ]
    }

    #[test]
    fn files_open_lay_out_sample_and_export() {
        let (name, graph) = parse_files(&cites()).unwrap();
        let explorer = ExplorerGraph::new(name, graph).unwrap();
        let edges = explorer.edges_once();
        assert_eq!(edges, vec![[0, 1], [1, 2], [2, 3]], "each edge once");
        let positions = explorer.layout(&edges);
        let view = explorer.view(edges, positions, 1.0, 2.0);
        assert_eq!(
            (view.name.as_str(), view.nodes, view.features, view.labeled_for_training),
            ("tiny", 4, 2, 1)
        );
        assert_eq!(view.classes, vec!["x", "y"]);
        assert!(view.positions.iter().all(|p| (0.0..=1.0).contains(&p[0]) && (0.0..=1.0).contains(&p[1])));

        let spec = SamplingSpec::hops(&view.node_set, &view.edge_set, &[5, 5], SamplingStrategy::TopK);
        let sampled = explorer.sample(&SampleRequest { spec, seeds: vec![0], rng_seed: 1 }).unwrap();
        let root = &sampled.subgraphs[0];
        assert_eq!((root.seed, root.nodes[0], root.hops[0]), (0, 0, 0));
        assert_eq!(root.nodes.len(), 3, "two hops from a along the cites reach b and c");
        assert!(root.edges.iter().all(|e| e[2] < 2));

        let (file, text) = explorer.export(GraphFormat::Tsv).unwrap();
        assert_eq!(file, "tiny.tsv");
        assert!(text.lines().any(|l| l.starts_with("a\tb")), "{text}");
        let (file, text) = explorer.export(GraphFormat::Json).unwrap();
        assert_eq!(parse_files(&[GraphFile { name: file, text }]).unwrap().1.node_sets.len(), 1);
    }

    #[test]
    fn a_heterogeneous_json_graph_opens_and_samples_over_several_edge_sets() {
        use nsl::graph::datasets::mag::{self, MagSpec};
        let small = MagSpec { papers: 40, authors: 24, institutions: 3, fields: 5, ..MagSpec::playground() };
        let text = json::to_string(&mag::generate(&small).unwrap());
        let (name, graph) = parse_files(&[GraphFile { name: "mag.json".into(), text }]).unwrap();
        let explorer = ExplorerGraph::new(name, graph).unwrap();
        assert_eq!(explorer.nodes(), 40 + 24 + 3 + 5);
        let edges = explorer.edges_once();
        let positions = explorer.layout(&edges);
        let view = explorer.view(edges, positions, 0.0, 0.0);
        let typed = view.typed.as_ref().expect("drawn as a heterogeneous graph");
        assert_eq!(
            (view.node_set.as_str(), typed.node_sets.len(), typed.edge_sets.len()),
            (mag::PAPER, 4, 5)
        );
        let first_paper = typed.offset(typed.set_index(mag::PAPER).unwrap());
        assert_eq!(view.labels.len(), view.nodes);
        assert!(view.labels[..first_paper].iter().all(Option::is_none), "only papers have venues");
        assert!(view.labels[first_paper..].iter().all(Option::is_some));
        let setup = crate::sampling::SamplingSetup::default()
            .apply(&crate::sampling::SamplingEdit::ToggleSeed(first_paper as u32 + 2));
        let request = setup.request(&view);
        let sampled = explorer.sample(&request).unwrap();
        let root = &sampled.subgraphs[0];
        assert_eq!(
            (root.seed, root.nodes[0], root.hops[0]),
            (first_paper as u32 + 2, first_paper as u32 + 2, 0)
        );
        let set_of = typed.set_of_nodes();
        let mut edge_sets_used = std::collections::BTreeSet::new();
        for e in &root.edges {
            let edge_set = &sampled.op_edge_sets[e[2] as usize];
            let set = typed.edge_sets.iter().find(|s| s.name == *edge_set).unwrap();
            assert_eq!(
                (set_of[e[0] as usize], set_of[e[1] as usize]),
                (set.source, set.target),
                "{edge_set}: {e:?}"
            );
            assert!(set.edges.contains(&[e[0], e[1]]), "{edge_set}: a sampled edge is an edge of the graph");
            edge_sets_used.insert(edge_set.as_str());
        }
        assert!(edge_sets_used.len() >= 3, "sampled over several edge sets: {edge_sets_used:?}");
        assert_eq!(*root.hops.iter().max().unwrap(), 2);
    }

    #[test]
    fn bad_files_name_file_line_and_reason() {
        let mut files = cites();
        files[1].text = "a\tb\nb\tzz\n".into();
        let err = parse_files(&files).unwrap_err();
        assert!(err.contains("tiny.cites: line 2: unknown node id \"zz\""), "{err}");
        let toy = nsl::spec::builtin::builtin("moons-adv", None, 0).unwrap();
        assert!(current_graph(&toy).is_err());
        let mag = crate::presets::preset(crate::presets::Family::Mag, 0);
        assert_eq!(
            current_graph(&mag).unwrap().1.node_sets.len(),
            4,
            "the MAG-like graph opens in the explorer"
        );
        let drawn = crate::presets::preset(crate::presets::Family::Drawn, 0);
        let (name, graph) = current_graph(&drawn).unwrap();
        assert_eq!((name.as_str(), ExplorerGraph::new(name.clone(), graph).unwrap().nodes()), ("drawn", 8));
    }
}
