//! The graph explorer's side of the worker: a graph opened from files (or the current data),
//! laid out, sampled as TF-GNN's sampler does, and written back to files. Pure: no DOM.

use nsl::data::planetoid::SplitKind;
use nsl::graph::io::{Limits, files::read_files, json, tsv};
use nsl::graph::sample::Sampler;
use nsl::graph::typed::{LABEL, SPLIT};
use nsl::graph::{Feature, Graph};
use nsl::spec::{DataSpec, ExperimentSpec};

use super::data::{edges_once, graph_layout};
use crate::protocol::{GraphFile, GraphFormat, OpenedGraph, SampleRequest, SampleView, SampledView};

/// What the browser reads from files: a tab stays responsive far beyond Pubmed (19,717 nodes,
/// 44k edges), and these bounds are shown next to the file picker.
pub const BROWSER_LIMITS: Limits = Limits {
    max_line_bytes: 1 << 20,
    max_lines: 2_000_000,
    max_bytes: 64 << 20,
    max_nodes: 100_000,
    max_edges: 1_000_000,
};

/// An opened homogeneous graph.
#[derive(Debug)]
pub struct ExplorerGraph {
    name: String,
    graph: Graph,
    node_set: String,
    edge_set: String,
}

/// Reads the graph `files` hold.
pub fn parse_files(files: &[GraphFile]) -> Result<(String, Graph), String> {
    let named: Vec<(&str, &[u8])> = files.iter().map(|f| (f.name.as_str(), f.text.as_bytes())).collect();
    read_files(&named, &BROWSER_LIMITS).map_err(|e| e.to_string())
}

/// The graph of the current setup (a built-in or drawn graph).
pub fn current_graph(spec: &ExperimentSpec) -> Result<(String, Graph), String> {
    match &spec.data {
        DataSpec::Graph { graph } => {
            Ok((graph.name().to_string(), graph.graph().map_err(|e| e.to_string())?))
        }
        _ => Err("the current data is not a graph: load graph files or pick a graph data set".into()),
    }
}

impl ExplorerGraph {
    /// Takes a graph with one node set and at most one edge set.
    pub fn new(name: String, graph: Graph) -> Result<Self, String> {
        let node_set = graph.single_node_set().map_err(|e| e.to_string())?.0.to_string();
        let edge_set = graph
            .single_edge_set()
            .map_err(|e| e.to_string())?
            .map_or_else(String::new, |(n, _)| n.to_string());
        Ok(Self { name, graph, node_set, edge_set })
    }

    /// The files' name.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// The graph.
    pub fn graph(&self) -> &Graph {
        &self.graph
    }

    /// Number of nodes.
    pub fn nodes(&self) -> usize {
        self.graph.node_sets[&self.node_set].size
    }

    /// Each edge once (the smaller index first), self loops dropped.
    pub fn edges_once(&self) -> Vec<[u32; 2]> {
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
        let (classes, labels) = match nodes.features.get(LABEL) {
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
        OpenedGraph {
            name: self.name.clone(),
            nodes: nodes.size,
            node_set: self.node_set.clone(),
            edge_set: self.edge_set.clone(),
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

    /// Samples one rooted subgraph per seed.
    pub fn sample(&self, request: &SampleRequest) -> Result<SampleView, String> {
        if self.edge_set.is_empty() {
            return Err("the graph has no edges to sample along".into());
        }
        let sampler =
            Sampler::new(&self.graph, &request.spec, request.rng_seed).map_err(|e| e.to_string())?;
        let sampled = sampler.sample(&request.seeds).map_err(|e| e.to_string())?;
        let subgraphs = sampled
            .into_iter()
            .map(|s| {
                let nodes = &s.node_sets[0];
                let edges = s.edge_sets.first().map_or_else(Vec::new, |e| {
                    (0..e.sources.len())
                        .map(|i| {
                            [nodes.nodes[e.sources[i] as usize], nodes.nodes[e.targets[i] as usize], e.ops[i]]
                        })
                        .collect()
                });
                SampledView { seed: s.seed, nodes: nodes.nodes.clone(), hops: nodes.hops.clone(), edges }
            })
            .collect();
        Ok(SampleView { subgraphs })
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
    fn bad_files_name_file_line_and_reason() {
        let mut files = cites();
        files[1].text = "a\tb\nb\tzz\n".into();
        let err = parse_files(&files).unwrap_err();
        assert!(err.contains("tiny.cites: line 2: unknown node id \"zz\""), "{err}");
        let toy = nsl::spec::builtin::builtin("moons-adv", None, 0).unwrap();
        assert!(current_graph(&toy).is_err());
        let drawn = crate::presets::preset(crate::presets::Family::Drawn, 0);
        let (name, graph) = current_graph(&drawn).unwrap();
        assert_eq!((name.as_str(), ExplorerGraph::new(name.clone(), graph).unwrap().nodes()), ("drawn", 8));
    }
}
