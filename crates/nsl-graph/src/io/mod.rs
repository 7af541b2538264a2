//! Readers and writers of every graph format, and format detection from file names.
//!
//! | Format | Named | Holds |
//! |---|---|---|
//! | NSL graph TSV | `*.tsv` | edges and ids |
//! | project JSON | `*.json` | everything |
//! | LINQS | `NAME.content` (+ `.cites`, `.split`) | features, labels, split, edges |
//! | CSV tables | `NAME.nodes.csv` + `NAME.edges.csv` | ids, label, split, features, edges |
//! | MNIST bytes | `images-NAME.u8` + `labels-NAME.u8` | pixels and labels |
//! | compact (deflated, sparse features) | `NAME.nslg` | features, labels, split, edges |
//! | TF-GNN unigraph (written only) | `graph_schema.pbtxt` + `nodes-SET.tfrecords`, `edges-SET.tfrecords` | every set, features, edges |
//!
//! Every reader streams (or reads at most `Limits::max_bytes`), enforces [`Limits`], reports the
//! file, line and reason of the first bad input, and returns an error rather than panicking.

pub mod compact;
pub mod csv;
pub mod embeddings;
pub mod files;
pub mod json;
pub mod lines;
pub mod linqs;
pub mod mnist;
pub mod tfgnn;
pub mod tfrecord;
pub mod tsv;

use std::path::Path;

pub use lines::Limits;

use crate::error::{GraphError, Result};
use crate::typed::Graph;

/// A graph file format.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// NSL's `source<TAB>target[<TAB>weight]`.
    Tsv,
    /// The project's JSON document.
    Json,
    /// LINQS `.content`/`.cites`/`.split`.
    Linqs,
    /// `NAME.nodes.csv` and `NAME.edges.csv`.
    Csv,
    /// `images-NAME.u8` and `labels-NAME.u8`.
    Mnist,
    /// `NAME.nslg`: the compact form the page bundles Cora in.
    Compact,
}

impl Format {
    /// The format a path's name implies; a directory holding one LINQS triple counts as LINQS.
    pub fn of(path: &Path) -> Result<Format> {
        let name = path.file_name().and_then(|n| n.to_str()).unwrap_or_default();
        let format = if name.ends_with(".nodes.csv") || name.ends_with(".edges.csv") {
            Format::Csv
        } else if name.ends_with(".u8") && (name.starts_with("images-") || name.starts_with("labels-")) {
            Format::Mnist
        } else {
            match path.extension().and_then(|e| e.to_str()) {
                Some("tsv") => Format::Tsv,
                Some("json") => Format::Json,
                Some("nslg") => Format::Compact,
                Some("content" | "cites" | "split") => Format::Linqs,
                _ => {
                    return Err(GraphError::parse(
                        path.display().to_string(),
                        "unknown format: name files *.tsv, *.json, NAME.content (LINQS), NAME.nslg (compact), NAME.nodes.csv / NAME.edges.csv, or images-NAME.u8 / labels-NAME.u8",
                    ));
                }
            }
        };
        Ok(format)
    }
}

/// Reads a graph in the format its name implies.
pub fn read_graph(path: &Path, limits: &Limits) -> Result<Graph> {
    let graph = match Format::of(path)? {
        Format::Tsv => tsv::read_path(path, limits)?.into_graph(),
        Format::Json => json::read_path(path, limits)?,
        Format::Linqs => linqs::read_path(&path.with_extension("content"), limits)?,
        Format::Csv => csv::read_path(path, limits)?,
        Format::Mnist => mnist::read_path(path, limits)?.into_graph(),
        Format::Compact => compact::read_path(path, limits)?,
    };
    graph.validate().map_err(|e| GraphError::parse(path.display().to_string(), e.to_string()))?;
    Ok(graph)
}

/// What a format drops when it is written (for a warning), empty when it keeps everything.
pub fn dropped_by(format: Format, graph: &Graph) -> Vec<String> {
    let mut dropped = Vec::new();
    let has_features = graph.node_sets.values().any(|n| !n.features.is_empty());
    match format {
        Format::Tsv if has_features => dropped.push("node features, labels and split".into()),
        Format::Tsv => {}
        Format::Mnist if !graph.edge_sets.is_empty() => dropped.push("edges".into()),
        _ => {}
    }
    if format != Format::Json && !graph.context.is_empty() {
        dropped.push("context features".into());
    }
    if format != Format::Json && graph.edge_sets.values().any(|e| !e.features.is_empty()) {
        dropped.push("edge features".into());
    }
    dropped
}

/// Writes a graph in the format `path`'s name implies.
pub fn write_graph(graph: &Graph, path: &Path) -> Result<()> {
    match Format::of(path)? {
        Format::Tsv => tsv::write(graph, &path.display().to_string(), lines::create(path)?),
        Format::Json => json::write_path(graph, path),
        Format::Linqs => linqs::write_path(graph, &path.with_extension("content")),
        Format::Csv => csv::write_path(graph, path),
        Format::Mnist => mnist::write_path(graph, path),
        Format::Compact => compact::write_path(graph, path),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::typed::{EDGES, FEATURES, Feature, LABEL, NODES, NodeSet, SPLIT, SplitKind};

    fn labeled_graph() -> Graph {
        let mut nodes = NodeSet::with_ids(vec!["n1".into(), "n2".into(), "n3".into()]);
        nodes
            .features
            .insert(FEATURES.into(), Feature::Dense { dim: 2, values: vec![0.0, 1.0, 0.5, 0.25, 1.0, 0.0] });
        nodes.features.insert(
            LABEL.into(),
            Feature::Labels {
                classes: vec!["a".into(), "b".into()],
                values: vec![Some(0), Some(1), Some(1)],
            },
        );
        nodes.features.insert(
            SPLIT.into(),
            Feature::Split { values: vec![SplitKind::Train, SplitKind::Test, SplitKind::Unlabeled] },
        );
        Graph::homogeneous(nodes, &[(0, 1, 0.5), (1, 2, 1.0), (2, 0, 2.0)])
    }

    #[test]
    fn every_format_round_trips_through_files() {
        let dir = std::env::temp_dir().join(format!("nsl-graph-io-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let graph = labeled_graph();
        for name in ["g.json", "g.content", "g.nodes.csv"] {
            let path = dir.join(name);
            write_graph(&graph, &path).unwrap();
            assert_eq!(read_graph(&path, &Limits::default()).unwrap(), graph, "{name}");
        }
        // TSV keeps ids and edges only.
        let path = dir.join("g.tsv");
        write_graph(&graph, &path).unwrap();
        let back = read_graph(&path, &Limits::default()).unwrap();
        assert_eq!(back.edge_set(EDGES).unwrap(), graph.edge_set(EDGES).unwrap());
        assert_eq!(back.node_set(NODES).unwrap().ids, graph.node_set(NODES).unwrap().ids);
        assert_eq!(dropped_by(Format::Tsv, &graph), ["node features, labels and split"]);
        assert!(dropped_by(Format::Json, &graph).is_empty());
        // MNIST keeps pixels and digit labels.
        let digits = mnist::decode("m", &[7u8; mnist::PIXELS * 3], &[1, 2, 9]).unwrap().into_graph();
        let path = dir.join("images-t.u8");
        write_graph(&digits, &path).unwrap();
        assert_eq!(read_graph(&dir.join("labels-t.u8"), &Limits::default()).unwrap(), digits);
        let _ = std::fs::remove_dir_all(&dir);
    }

    #[test]
    fn formats_come_from_names() {
        let of = |p: &str| Format::of(Path::new(p));
        assert_eq!(of("a/cora.cites").unwrap(), Format::Linqs);
        assert_eq!(of("x.edges.csv").unwrap(), Format::Csv);
        assert_eq!(of("labels-10k.u8").unwrap(), Format::Mnist);
        assert_eq!(of("g.tsv").unwrap(), Format::Tsv);
        assert!(of("g.txt").unwrap_err().to_string().contains("unknown format"));
        let missing = read_graph(Path::new("/nonexistent/g.tsv"), &Limits::default()).unwrap_err();
        assert!(missing.to_string().starts_with("/nonexistent/g.tsv: "), "{missing}");
    }
}
