//! Batches of small graphs merged into one graph whose components they are, as TF-GNN's
//! `GraphTensor.merge_batch_to_components` does: the node sets of every graph are laid end to
//! end, edge indices are shifted by the nodes before them, and each node remembers its
//! component so that pooling to the context gives one row per graph.

use std::collections::BTreeMap;

use crate::error::{GraphError, Result};
use crate::typed::{EdgeSet, Feature, Features, Graph, NodeSet};

/// Graphs merged as components of one graph.
#[derive(Debug, Clone, PartialEq)]
pub struct GraphBatch {
    /// The merged graph (no ids, no context: the context is one row per component).
    pub graph: Graph,
    /// Number of components (the graphs merged).
    pub components: usize,
    /// The component of every node, per node set.
    pub node_components: BTreeMap<String, Vec<u32>>,
}

impl GraphBatch {
    /// Merges `graphs` in order. They must share one schema: the same node sets with the same
    /// features (names, kinds, dense widths), and the same edge sets between the same node sets.
    pub fn merge(graphs: &[&Graph]) -> Result<Self> {
        let first = graphs.first().ok_or_else(|| GraphError::Invalid("a batch needs ≥ 1 graph".into()))?;
        for (i, graph) in graphs.iter().enumerate().skip(1) {
            same_schema(first, graph)
                .map_err(|why| GraphError::Invalid(format!("graph {i} of the batch: {why}")))?;
        }
        let mut merged = Graph::default();
        let mut node_components = BTreeMap::new();
        for (name, set) in &first.node_sets {
            let sets: Vec<&NodeSet> = graphs.iter().map(|g| &g.node_sets[name]).collect();
            let mut out = NodeSet::new(sets.iter().map(|s| s.size).sum());
            for feature in set.features.keys() {
                let parts: Vec<&Feature> = sets.iter().map(|s| &s.features[feature]).collect();
                out.features.insert(feature.clone(), concat(&parts));
            }
            let component =
                sets.iter().enumerate().flat_map(|(c, s)| std::iter::repeat_n(c as u32, s.size)).collect();
            node_components.insert(name.clone(), component);
            merged.node_sets.insert(name.clone(), out);
        }
        for (name, set) in &first.edge_sets {
            let mut out =
                EdgeSet { source: set.source.clone(), target: set.target.clone(), ..EdgeSet::default() };
            let (mut source_offset, mut target_offset) = (0u32, 0u32);
            let mut weights = Vec::new();
            let weighted = graphs.iter().any(|g| g.edge_sets[name].weights.is_some());
            for graph in graphs {
                let edges = &graph.edge_sets[name];
                out.sources.extend(edges.sources.iter().map(|&s| s + source_offset));
                out.targets.extend(edges.targets.iter().map(|&t| t + target_offset));
                if weighted {
                    weights.extend((0..edges.len()).map(|e| edges.weight(e)));
                }
                source_offset += graph.node_sets[&set.source].size as u32;
                target_offset += graph.node_sets[&set.target].size as u32;
            }
            out.weights = weighted.then_some(weights);
            for feature in set.features.keys() {
                let parts: Vec<&Feature> =
                    graphs.iter().map(|g| &g.edge_sets[name].features[feature]).collect();
                out.features.insert(feature.clone(), concat(&parts));
            }
            merged.edge_sets.insert(name.clone(), out);
        }
        Ok(Self { graph: merged, components: graphs.len(), node_components })
    }
}

/// Why `graph` does not share `first`'s schema.
fn same_schema(first: &Graph, graph: &Graph) -> std::result::Result<(), String> {
    if first.node_sets.keys().ne(graph.node_sets.keys()) {
        return Err(format!(
            "node sets {:?}, not {:?}",
            graph.node_sets.keys().collect::<Vec<_>>(),
            first.node_sets.keys().collect::<Vec<_>>()
        ));
    }
    for (name, set) in &first.node_sets {
        same_features(&set.features, &graph.node_sets[name].features)
            .map_err(|why| format!("node set {name:?}: {why}"))?;
    }
    if first.edge_sets.keys().ne(graph.edge_sets.keys()) {
        return Err(format!(
            "edge sets {:?}, not {:?}",
            graph.edge_sets.keys().collect::<Vec<_>>(),
            first.edge_sets.keys().collect::<Vec<_>>()
        ));
    }
    for (name, set) in &first.edge_sets {
        let other = &graph.edge_sets[name];
        if (&other.source, &other.target) != (&set.source, &set.target) {
            return Err(format!(
                "edge set {name:?} joins {:?} → {:?}, not {:?} → {:?}",
                other.source, other.target, set.source, set.target
            ));
        }
        same_features(&set.features, &other.features).map_err(|why| format!("edge set {name:?}: {why}"))?;
    }
    Ok(())
}

fn same_features(first: &Features, other: &Features) -> std::result::Result<(), String> {
    if first.keys().ne(other.keys()) {
        return Err(format!(
            "features {:?}, not {:?}",
            other.keys().collect::<Vec<_>>(),
            first.keys().collect::<Vec<_>>()
        ));
    }
    for (name, feature) in first {
        let fits = match (feature, &other[name]) {
            (Feature::Dense { dim: a, .. }, Feature::Dense { dim: b, .. }) => a == b,
            (Feature::Labels { classes: a, .. }, Feature::Labels { classes: b, .. }) => a == b,
            (Feature::Split { .. }, Feature::Split { .. }) | (Feature::Int { .. }, Feature::Int { .. }) => {
                true
            }
            _ => false,
        };
        if !fits {
            return Err(format!("feature {name:?} differs in kind, width or classes"));
        }
    }
    Ok(())
}

/// The rows of `parts` (one feature of one schema) one after the other.
fn concat(parts: &[&Feature]) -> Feature {
    match parts[0] {
        Feature::Dense { dim, .. } => Feature::Dense {
            dim: *dim,
            values: rows(parts, |p| match p {
                Feature::Dense { values, .. } => values,
                _ => unreachable!("the schema was checked"),
            }),
        },
        Feature::Labels { classes, .. } => Feature::Labels {
            classes: classes.clone(),
            values: rows(parts, |p| match p {
                Feature::Labels { values, .. } => values,
                _ => unreachable!("the schema was checked"),
            }),
        },
        Feature::Split { .. } => Feature::Split {
            values: rows(parts, |p| match p {
                Feature::Split { values } => values,
                _ => unreachable!("the schema was checked"),
            }),
        },
        Feature::Int { .. } => Feature::Int {
            values: rows(parts, |p| match p {
                Feature::Int { values } => values,
                _ => unreachable!("the schema was checked"),
            }),
        },
    }
}

/// The values `of` each part, one part after the other.
fn rows<T: Copy>(parts: &[&Feature], of: impl Fn(&Feature) -> &Vec<T>) -> Vec<T> {
    parts.iter().flat_map(|p| of(p)).copied().collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::typed::{EDGES, FEATURES, NODES};

    fn path(nodes: usize, value: f32) -> Graph {
        let edges: Vec<(u32, u32, f32)> = (1..nodes as u32).map(|i| (i - 1, i, 1.0)).collect();
        let mut set = NodeSet::new(nodes);
        set.features.insert(FEATURES.into(), Feature::Dense { dim: 1, values: vec![value; nodes] });
        Graph::homogeneous(set, &edges)
    }

    #[test]
    fn components_are_laid_end_to_end() {
        let (a, b, c) = (path(2, 1.0), path(3, 2.0), path(1, 3.0));
        let batch = GraphBatch::merge(&[&a, &b, &c]).unwrap();
        batch.graph.validate().unwrap();
        assert_eq!(batch.components, 3);
        assert_eq!(batch.node_components[NODES], vec![0, 0, 1, 1, 1, 2]);
        let edges = &batch.graph.edge_sets[EDGES];
        assert_eq!(edges.sources, vec![0, 2, 3]);
        assert_eq!(edges.targets, vec![1, 3, 4]);
        assert_eq!(edges.weights, None);
        assert_eq!(batch.graph.node_sets[NODES].dense(FEATURES).unwrap().1, &[1.0, 1.0, 2.0, 2.0, 2.0, 3.0]);
    }

    #[test]
    fn weights_and_edge_features_follow_their_edges() {
        let mut a = path(2, 0.0);
        let mut b = path(3, 0.0);
        a.edge_sets.get_mut(EDGES).unwrap().features.insert("w".into(), Feature::Int { values: vec![7] });
        let eb = b.edge_sets.get_mut(EDGES).unwrap();
        eb.weights = Some(vec![0.5, 0.25]);
        eb.features.insert("w".into(), Feature::Int { values: vec![8, 9] });
        let batch = GraphBatch::merge(&[&a, &b]).unwrap();
        let edges = &batch.graph.edge_sets[EDGES];
        assert_eq!(edges.weights, Some(vec![1.0, 0.5, 0.25]));
        assert_eq!(edges.features["w"], Feature::Int { values: vec![7, 8, 9] });
    }

    #[test]
    fn graphs_of_another_schema_are_refused_by_position() {
        let a = path(2, 0.0);
        let mut b = path(2, 0.0);
        b.node_sets
            .get_mut(NODES)
            .unwrap()
            .features
            .insert(FEATURES.into(), Feature::Dense { dim: 2, values: vec![0.0; 4] });
        let err = GraphBatch::merge(&[&a, &a, &b]).unwrap_err().to_string();
        assert!(err.contains("graph 2") && err.contains("features"), "{err}");
        assert!(GraphBatch::merge(&[]).is_err());
    }
}
