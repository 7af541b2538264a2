//! A typed graph in the spirit of TF-GNN's `GraphTensor`: named node sets and edge sets, each
//! with named features, plus graph-level context features. Heterogeneous graphs are allowed;
//! the common homogeneous case (one node set `nodes`, one edge set `edges`) has helpers.
//!
//! The serde form of [`Graph`] is the playground's save format; see `docs/graph-json.md`.

use std::borrow::Cow;
use std::collections::{BTreeMap, HashSet};

use serde::{Deserialize, Serialize};

use crate::error::{GraphError, Result};

/// Node set name of homogeneous graphs.
pub const NODES: &str = "nodes";
/// Edge set name of homogeneous graphs.
pub const EDGES: &str = "edges";
/// Conventional name of the dense node features.
pub const FEATURES: &str = "features";
/// Conventional name of the class labels.
pub const LABEL: &str = "label";
/// Conventional name of the train/val/test/unlabeled split.
pub const SPLIT: &str = "split";

/// Where a node belongs in an experiment.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SplitKind {
    /// Labeled training node.
    Train,
    /// Validation node.
    Val,
    /// Test node.
    Test,
    /// In the graph, label unused.
    Unlabeled,
}

impl SplitKind {
    /// The word used in `.split` files and CSV tables.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Train => "train",
            Self::Val => "val",
            Self::Test => "test",
            Self::Unlabeled => "unlabeled",
        }
    }

    /// Parses the word of [`SplitKind::as_str`].
    pub fn parse(word: &str) -> Option<Self> {
        Some(match word {
            "train" => Self::Train,
            "val" => Self::Val,
            "test" => Self::Test,
            "unlabeled" => Self::Unlabeled,
            _ => return None,
        })
    }
}

/// One named feature: a value per node (or edge, or one for the context).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case", deny_unknown_fields)]
pub enum Feature {
    /// A dense `rows × dim` f32 matrix, row-major.
    Dense {
        /// Columns per row (≥ 1).
        dim: usize,
        /// `rows × dim` values.
        values: Vec<f32>,
    },
    /// Class labels; `None` marks an unlabeled item.
    Labels {
        /// Class names, index = class (may be empty when classes have no names).
        #[serde(default)]
        classes: Vec<String>,
        /// One optional class per row.
        values: Vec<Option<u32>>,
    },
    /// Train/val/test/unlabeled membership per row.
    Split {
        /// One kind per row.
        values: Vec<SplitKind>,
    },
    /// Integers per row (hop numbers, sampling-op indices, counts).
    Int {
        /// One value per row.
        values: Vec<i64>,
    },
}

impl Feature {
    /// Rows held, or an error for a dense matrix whose length is not a multiple of `dim`.
    pub fn rows(&self) -> Result<usize> {
        match self {
            Self::Dense { dim, values } => {
                if *dim == 0 {
                    return Err(GraphError::Invalid("a dense feature has dim 0".into()));
                }
                if !values.len().is_multiple_of(*dim) {
                    return Err(GraphError::Invalid(format!(
                        "a dense feature holds {} values, not a multiple of its dim {dim}",
                        values.len()
                    )));
                }
                Ok(values.len() / dim)
            }
            Self::Labels { values, .. } => Ok(values.len()),
            Self::Split { values } => Ok(values.len()),
            Self::Int { values } => Ok(values.len()),
        }
    }

    /// The same feature restricted to `rows` (in that order).
    pub fn gather(&self, rows: &[u32]) -> Feature {
        fn pick<T: Clone>(values: &[T], rows: &[u32]) -> Vec<T> {
            rows.iter().map(|&r| values[r as usize].clone()).collect()
        }
        match self {
            Self::Dense { dim, values } => Self::Dense {
                dim: *dim,
                values: rows
                    .iter()
                    .flat_map(|&r| &values[r as usize * dim..(r as usize + 1) * dim])
                    .copied()
                    .collect(),
            },
            Self::Labels { classes, values } => {
                Self::Labels { classes: classes.clone(), values: pick(values, rows) }
            }
            Self::Split { values } => Self::Split { values: pick(values, rows) },
            Self::Int { values } => Self::Int { values: pick(values, rows) },
        }
    }

    fn check(&self, owner: &str, name: &str, expected_rows: usize) -> Result<()> {
        let rows = self.rows().map_err(|e| GraphError::Invalid(format!("{owner}, feature {name:?}: {e}")))?;
        if rows != expected_rows {
            return Err(GraphError::Invalid(format!(
                "{owner}, feature {name:?}: {rows} rows, expected {expected_rows}"
            )));
        }
        match self {
            Self::Dense { values, .. } => {
                if let Some(at) = values.iter().position(|v| !v.is_finite()) {
                    return Err(GraphError::Invalid(format!(
                        "{owner}, feature {name:?}: value {at} is not finite"
                    )));
                }
            }
            Self::Labels { classes, values } if !classes.is_empty() => {
                if let Some((row, class)) = values
                    .iter()
                    .enumerate()
                    .find_map(|(i, v)| v.filter(|&c| c as usize >= classes.len()).map(|c| (i, c)))
                {
                    return Err(GraphError::Invalid(format!(
                        "{owner}, feature {name:?}: row {row} has class {class} but only {} classes are named",
                        classes.len()
                    )));
                }
            }
            _ => {}
        }
        Ok(())
    }
}

/// Named features of a set.
pub type Features = BTreeMap<String, Feature>;

/// A set of nodes of one type.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NodeSet {
    /// Number of nodes.
    pub size: usize,
    /// External ids (file ids, paper ids); empty means the ids are `"0"`, `"1"`, ….
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub ids: Vec<String>,
    /// Features, `size` rows each.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub features: Features,
}

impl NodeSet {
    /// A node set of `size` nodes with implicit ids and no features.
    pub fn new(size: usize) -> Self {
        Self { size, ..Self::default() }
    }

    /// A node set named by external ids.
    pub fn with_ids(ids: Vec<String>) -> Self {
        Self { size: ids.len(), ids, features: Features::new() }
    }

    /// The external id of node `i`.
    pub fn id(&self, i: usize) -> Cow<'_, str> {
        match self.ids.get(i) {
            Some(id) => Cow::Borrowed(id),
            None => Cow::Owned(i.to_string()),
        }
    }

    /// The dense feature `name` as `(dim, values)`.
    pub fn dense(&self, name: &str) -> Option<(usize, &[f32])> {
        match self.features.get(name) {
            Some(Feature::Dense { dim, values }) => Some((*dim, values)),
            _ => None,
        }
    }

    /// The labels feature `name` as `(classes, values)`.
    pub fn labels(&self, name: &str) -> Option<(&[String], &[Option<u32>])> {
        match self.features.get(name) {
            Some(Feature::Labels { classes, values }) => Some((classes, values)),
            _ => None,
        }
    }

    /// The split feature `name`.
    pub fn split(&self, name: &str) -> Option<&[SplitKind]> {
        match self.features.get(name) {
            Some(Feature::Split { values }) => Some(values),
            _ => None,
        }
    }
}

/// A set of directed edges from one node set to another (or the same).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct EdgeSet {
    /// Name of the node set the edges leave.
    pub source: String,
    /// Name of the node set the edges enter.
    pub target: String,
    /// Source node index of each edge.
    pub sources: Vec<u32>,
    /// Target node index of each edge.
    pub targets: Vec<u32>,
    /// Edge weights; absent means every weight is 1.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub weights: Option<Vec<f32>>,
    /// Features, one row per edge.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub features: Features,
}

impl EdgeSet {
    /// Weighted edges from `source` to `target`.
    pub fn from_triples(source: &str, target: &str, edges: &[(u32, u32, f32)]) -> Self {
        let all_unit = edges.iter().all(|e| e.2 == 1.0);
        Self {
            source: source.into(),
            target: target.into(),
            sources: edges.iter().map(|e| e.0).collect(),
            targets: edges.iter().map(|e| e.1).collect(),
            weights: (!all_unit).then(|| edges.iter().map(|e| e.2).collect()),
            features: Features::new(),
        }
    }

    /// Number of edges.
    pub fn len(&self) -> usize {
        self.sources.len()
    }

    /// Whether there are no edges.
    pub fn is_empty(&self) -> bool {
        self.sources.is_empty()
    }

    /// The weight of edge `e` (1 when the set is unweighted).
    pub fn weight(&self, e: usize) -> f32 {
        self.weights.as_ref().map_or(1.0, |w| w[e])
    }

    /// `(source, target, weight)` of every edge.
    pub fn triples(&self) -> impl Iterator<Item = (u32, u32, f32)> + '_ {
        (0..self.len()).map(|e| (self.sources[e], self.targets[e], self.weight(e)))
    }
}

/// A typed graph: node sets, edge sets and context features, all by name.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Graph {
    /// Graph-level features, one row each.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub context: Features,
    /// Node sets by name.
    pub node_sets: BTreeMap<String, NodeSet>,
    /// Edge sets by name.
    #[serde(default)]
    pub edge_sets: BTreeMap<String, EdgeSet>,
}

impl Graph {
    /// A homogeneous graph: node set [`NODES`] and edge set [`EDGES`] (from it, to it).
    pub fn homogeneous(nodes: NodeSet, edges: &[(u32, u32, f32)]) -> Self {
        let mut graph = Graph::default();
        graph.node_sets.insert(NODES.into(), nodes);
        graph.edge_sets.insert(EDGES.into(), EdgeSet::from_triples(NODES, NODES, edges));
        graph
    }

    /// The node set `name`.
    pub fn node_set(&self, name: &str) -> Result<&NodeSet> {
        self.node_sets.get(name).ok_or_else(|| {
            GraphError::Invalid(format!(
                "no node set {name:?} (have {:?})",
                self.node_sets.keys().collect::<Vec<_>>()
            ))
        })
    }

    /// The edge set `name`.
    pub fn edge_set(&self, name: &str) -> Result<&EdgeSet> {
        self.edge_sets.get(name).ok_or_else(|| {
            GraphError::Invalid(format!(
                "no edge set {name:?} (have {:?})",
                self.edge_sets.keys().collect::<Vec<_>>()
            ))
        })
    }

    /// The one node set of a graph that has exactly one, with its name.
    pub fn single_node_set(&self) -> Result<(&str, &NodeSet)> {
        match self.node_sets.len() {
            1 => Ok(self.node_sets.iter().next().map(|(k, v)| (k.as_str(), v)).expect("one entry")),
            n => Err(GraphError::Invalid(format!("expected one node set, the graph has {n}"))),
        }
    }

    /// The one edge set of a graph with at most one (`None` when it has none), with its name.
    pub fn single_edge_set(&self) -> Result<Option<(&str, &EdgeSet)>> {
        match self.edge_sets.len() {
            0 => Ok(None),
            1 => Ok(self.edge_sets.iter().next().map(|(k, v)| (k.as_str(), v))),
            n => Err(GraphError::Invalid(format!("expected at most one edge set, the graph has {n}"))),
        }
    }

    /// Checks every invariant: known set names, indices in range, one feature row per item,
    /// unique ids, finite values, labels within their named classes.
    pub fn validate(&self) -> Result<()> {
        for (name, feature) in &self.context {
            feature.check("context", name, 1)?;
        }
        for (set_name, set) in &self.node_sets {
            let owner = format!("node set {set_name:?}");
            if !set.ids.is_empty() {
                if set.ids.len() != set.size {
                    return Err(GraphError::Invalid(format!(
                        "{owner}: {} ids for {} nodes",
                        set.ids.len(),
                        set.size
                    )));
                }
                let mut seen = HashSet::with_capacity(set.ids.len());
                if let Some(dup) = set.ids.iter().find(|id| !seen.insert(id.as_str())) {
                    return Err(GraphError::Invalid(format!("{owner}: duplicate id {dup:?}")));
                }
            }
            if set.size > u32::MAX as usize {
                return Err(GraphError::Invalid(format!("{owner}: more than {} nodes", u32::MAX)));
            }
            for (name, feature) in &set.features {
                feature.check(&owner, name, set.size)?;
            }
        }
        for (set_name, set) in &self.edge_sets {
            let owner = format!("edge set {set_name:?}");
            let size_of = |side: &str, name: &str| {
                self.node_sets.get(name).map(|n| n.size).ok_or_else(|| {
                    GraphError::Invalid(format!("{owner}: its {side} node set {name:?} does not exist"))
                })
            };
            let sources = size_of("source", &set.source)?;
            let targets = size_of("target", &set.target)?;
            if set.targets.len() != set.sources.len() {
                return Err(GraphError::Invalid(format!(
                    "{owner}: {} sources but {} targets",
                    set.sources.len(),
                    set.targets.len()
                )));
            }
            for (side, indices, size) in
                [("source", &set.sources, sources), ("target", &set.targets, targets)]
            {
                if let Some(e) = indices.iter().position(|&i| i as usize >= size) {
                    return Err(GraphError::Invalid(format!(
                        "{owner}: edge {e} has {side} index {}, out of range for {size} nodes",
                        indices[e]
                    )));
                }
            }
            if let Some(weights) = &set.weights {
                if weights.len() != set.len() {
                    return Err(GraphError::Invalid(format!(
                        "{owner}: {} weights for {} edges",
                        weights.len(),
                        set.len()
                    )));
                }
                if let Some(e) = weights.iter().position(|w| !w.is_finite()) {
                    return Err(GraphError::Invalid(format!("{owner}: weight of edge {e} is not finite")));
                }
            }
            for (name, feature) in &set.features {
                feature.check(&owner, name, set.len())?;
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn small() -> Graph {
        let mut nodes = NodeSet::with_ids(vec!["a".into(), "b".into(), "c".into()]);
        nodes
            .features
            .insert(FEATURES.into(), Feature::Dense { dim: 2, values: vec![0.0, 1.0, 2.0, 3.0, 4.0, 5.0] });
        nodes.features.insert(
            LABEL.into(),
            Feature::Labels { classes: vec!["x".into(), "y".into()], values: vec![Some(0), None, Some(1)] },
        );
        Graph::homogeneous(nodes, &[(0, 1, 1.0), (1, 2, 0.5)])
    }

    #[test]
    fn a_valid_graph_validates_and_gathers() {
        let g = small();
        g.validate().unwrap();
        let nodes = g.node_set(NODES).unwrap();
        assert_eq!(nodes.id(2), "c");
        assert_eq!(NodeSet::new(3).id(2), "2");
        let picked = nodes.features[FEATURES].gather(&[2, 0]);
        assert_eq!(picked, Feature::Dense { dim: 2, values: vec![4.0, 5.0, 0.0, 1.0] });
        let edges: Vec<_> = g.edge_set(EDGES).unwrap().triples().collect();
        assert_eq!(edges, vec![(0, 1, 1.0), (1, 2, 0.5)]);
    }

    #[test]
    fn validation_names_what_is_wrong() {
        let mut g = small();
        g.edge_sets.get_mut(EDGES).unwrap().targets[1] = 7;
        let err = g.validate().unwrap_err().to_string();
        assert!(err.contains("edge 1") && err.contains("target index 7") && err.contains("3 nodes"), "{err}");

        let mut g = small();
        g.edge_sets.get_mut(EDGES).unwrap().source = "papers".into();
        assert!(g.validate().unwrap_err().to_string().contains("\"papers\" does not exist"));

        let mut g = small();
        g.node_sets.get_mut(NODES).unwrap().features.insert("x".into(), Feature::Int { values: vec![1] });
        assert!(g.validate().unwrap_err().to_string().contains("1 rows, expected 3"));

        let mut g = small();
        g.node_sets.get_mut(NODES).unwrap().ids[2] = "a".into();
        assert!(g.validate().unwrap_err().to_string().contains("duplicate id \"a\""));

        let mut g = small();
        if let Some(Feature::Labels { values, .. }) =
            g.node_sets.get_mut(NODES).unwrap().features.get_mut(LABEL)
        {
            values[1] = Some(5);
        }
        assert!(g.validate().unwrap_err().to_string().contains("class 5"));

        assert!(g.node_set("papers").unwrap_err().to_string().contains("no node set \"papers\""));
    }

    #[test]
    fn json_form_is_stable() {
        let g = small();
        let text = serde_json::to_string(&g).unwrap();
        assert!(text.contains(r#""kind":"labels""#) && text.contains(r#""values":[0,null,1]"#), "{text}");
        let back: Graph = serde_json::from_str(&text).unwrap();
        assert_eq!(back, g);
        let unknown = text.replacen("\"node_sets\"", "\"nodesets\"", 1);
        assert!(serde_json::from_str::<Graph>(&unknown).is_err());
    }
}
