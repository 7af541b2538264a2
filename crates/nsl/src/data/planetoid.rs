//! Planetoid citation data in the LINQS layout (`shared/data/cora`), read by
//! [`nsl_graph::io::linqs`] and held as training needs it: features and labels as
//! [`Examples`], edges as index triples, and the split.

use std::path::{Path, PathBuf};

pub use nsl_graph::SplitKind;
use nsl_graph::io::{Limits, linqs};
use nsl_graph::typed::{EDGES, FEATURES, LABEL, NODES, SPLIT};

use super::examples::Examples;
use crate::error::{NslError, Result};

/// A citation graph with node features, labels and a split.
#[derive(Debug, Clone)]
pub struct Planetoid {
    /// Node ids as written in the files.
    pub ids: Vec<String>,
    /// Features and labels of every node.
    pub nodes: Examples,
    /// Label names, index = class.
    pub class_names: Vec<String>,
    /// Edges as node indices, each once as in the file.
    pub edges: Vec<(usize, usize, f32)>,
    /// Split of every node (all `Unlabeled` without a split file).
    pub split: Vec<SplitKind>,
}

impl Planetoid {
    /// Indices of the nodes in `kind`, ascending.
    pub fn indices(&self, kind: SplitKind) -> Vec<usize> {
        (0..self.split.len()).filter(|&i| self.split[i] == kind).collect()
    }

    /// The nodes as rows to build a graph from, its edges left aside: every node outside the
    /// test split as a training row, then the test nodes, each part in node order. Any node's
    /// label may then be kept; on Cora the first 20 of each class are the public split's 140.
    pub fn rows(&self) -> (Examples, Examples) {
        let test = self.indices(SplitKind::Test);
        let train: Vec<usize> = (0..self.split.len()).filter(|&i| self.split[i] != SplitKind::Test).collect();
        (self.nodes.subset(&train), self.nodes.subset(&test))
    }

    /// Loads the single `NAME.content` / `NAME.cites` / `NAME.split` triple in `dir`,
    /// whatever NAME is (`.split` is optional), or, in a directory without one, its single
    /// compact `NAME.nslg` (the form `assets/cora` holds Cora in).
    pub fn load_dir(dir: &Path) -> Result<Planetoid> {
        match single_with_extension(dir, "content") {
            Ok(content) => Self::load(&content),
            Err(no_triple) => match single_with_extension(dir, "nslg") {
                Ok(compact) => {
                    Self::from_graph(nsl_graph::io::compact::read_path(&compact, &Limits::default())?)
                }
                Err(_) => Err(no_triple),
            },
        }
    }

    /// Loads the triple whose `.content` file is `content`.
    pub fn load(content: &Path) -> Result<Planetoid> {
        Self::from_graph(linqs::read_path(content, &Limits::default())?)
    }

    /// Takes a homogeneous typed graph apart: dense features and labels on every node (what
    /// the LINQS reader and the built-in graphs produce), an optional split, the edges.
    pub fn from_graph(mut graph: nsl_graph::Graph) -> Result<Planetoid> {
        let invalid = |reason: &str| NslError::Data { path: "graph".into(), reason: reason.into() };
        let mut nodes = graph.node_sets.remove(NODES).ok_or_else(|| invalid("no node set \"nodes\""))?;
        let Some(nsl_graph::Feature::Dense { dim, values }) = nodes.features.remove(FEATURES) else {
            return Err(invalid("nodes need dense \"features\""));
        };
        let Some(nsl_graph::Feature::Labels { classes, values: labels }) = nodes.features.remove(LABEL)
        else {
            return Err(invalid("nodes need a \"label\" feature"));
        };
        let split = match nodes.features.remove(SPLIT) {
            Some(nsl_graph::Feature::Split { values }) => values,
            _ => vec![SplitKind::Unlabeled; nodes.size],
        };
        // Unlabeled nodes are never scored: their class is a placeholder.
        let labels = labels
            .into_iter()
            .zip(&split)
            .map(|(l, kind)| match (l, kind) {
                (Some(l), _) => Ok(l),
                (None, SplitKind::Unlabeled) => Ok(0),
                (None, _) => Err(invalid("every node of the train/val/test split needs a label")),
            })
            .collect::<Result<Vec<u32>>>()?;
        let edges = graph
            .edge_sets
            .get(EDGES)
            .map(|set| set.triples().map(|(a, b, w)| (a as usize, b as usize, w)).collect())
            .unwrap_or_default();
        let ids =
            if nodes.ids.is_empty() { (0..nodes.size).map(|i| i.to_string()).collect() } else { nodes.ids };
        Ok(Planetoid {
            ids,
            nodes: Examples { features: values, dim, labels, classes: classes.len() },
            class_names: classes,
            edges,
            split,
        })
    }

    /// The graph as a homogeneous typed graph (features, labels, split, edges): what the LINQS
    /// writer and the exports take. The inverse of [`Planetoid::from_graph`].
    pub fn to_graph(&self) -> nsl_graph::Graph {
        let mut nodes =
            nsl_graph::NodeSet { size: self.ids.len(), ids: self.ids.clone(), ..Default::default() };
        let dense = nsl_graph::Feature::Dense { dim: self.nodes.dim, values: self.nodes.features.clone() };
        let labels = nsl_graph::Feature::Labels {
            classes: self.class_names.clone(),
            values: self.nodes.labels.iter().map(|&l| Some(l)).collect(),
        };
        nodes.features.insert(FEATURES.into(), dense);
        nodes.features.insert(LABEL.into(), labels);
        nodes.features.insert(SPLIT.into(), nsl_graph::Feature::Split { values: self.split.clone() });
        let edges: Vec<(u32, u32, f32)> =
            self.edges.iter().map(|&(a, b, w)| (a as u32, b as u32, w)).collect();
        nsl_graph::Graph::homogeneous(nodes, &edges)
    }
}

/// The one file in `dir` with the given extension.
fn single_with_extension(dir: &Path, extension: &str) -> Result<PathBuf> {
    let err = |reason: String| NslError::Data { path: dir.display().to_string(), reason };
    let entries = std::fs::read_dir(dir).map_err(|e| err(e.to_string()))?;
    let mut found: Vec<PathBuf> = entries
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|e| e == extension))
        .collect();
    match found.len() {
        1 => Ok(found.remove(0)),
        0 => Err(err(format!("no *.{extension} file (expected a NAME.content/.cites/.split triple)"))),
        n => Err(err(format!(
            "{n} *.{extension} files; keep one NAME.content/.cites/.split triple per directory"
        ))),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nodes_become_training_rows_then_test_rows() {
        let nodes = Examples { features: vec![0., 1., 2., 3.], dim: 1, labels: vec![0, 1, 1, 0], classes: 2 };
        let split = vec![SplitKind::Test, SplitKind::Train, SplitKind::Unlabeled, SplitKind::Val];
        let graph = Planetoid {
            ids: (0..4).map(|i| i.to_string()).collect(),
            nodes,
            class_names: vec!["a".into(), "b".into()],
            edges: vec![(0, 1, 1.0)],
            split,
        };
        let (train, test) = graph.rows();
        assert_eq!((train.features, train.labels), (vec![1., 2., 3.], vec![1, 1, 0]));
        assert_eq!((test.features, test.labels), (vec![0.], vec![0]));
    }

    #[test]
    fn loads_a_triple_from_a_directory() {
        let dir = std::env::temp_dir().join(format!("nsl-planetoid-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        std::fs::write(dir.join("tiny.content"), "p1\t1\t0\tc1\np2\t0\t1\tc0\np3\t1\t1\tc1\n").unwrap();
        std::fs::write(dir.join("tiny.cites"), "p1\tp2\np3\tp1\t0.5\n").unwrap();
        std::fs::write(dir.join("tiny.split"), "p1\ttrain\np2\ttest\n").unwrap();
        let g = Planetoid::load_dir(&dir).unwrap();
        assert_eq!(g.ids, vec!["p1", "p2", "p3"]);
        assert_eq!(g.class_names, vec!["c0", "c1"]);
        assert_eq!(g.nodes.labels, vec![1, 0, 1]);
        assert_eq!(g.nodes.row(2), &[1.0, 1.0]);
        assert_eq!(g.edges, vec![(0, 1, 1.0), (2, 0, 0.5)]);
        assert_eq!((g.indices(SplitKind::Train), g.indices(SplitKind::Unlabeled)), (vec![0], vec![2]));
        std::fs::write(dir.join("tiny.cites"), "p1\tzz\n").unwrap();
        let err = Planetoid::load_dir(&dir).unwrap_err().to_string();
        assert!(err.contains("tiny.cites: line 1: unknown node id \"zz\""), "{err}");
        std::fs::write(dir.join("other.content"), "").unwrap();
        assert!(Planetoid::load_dir(&dir).unwrap_err().to_string().contains("2 *.content files"));
        let _ = std::fs::remove_dir_all(&dir);
    }
}
