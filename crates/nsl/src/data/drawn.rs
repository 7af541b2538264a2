//! A graph drawn by hand (the playground's editor): nodes at positions in the unit square, some
//! with a class (given for training, or held out for testing), weighted undirected edges, and
//! node features chosen by the user. It lives inside the experiment spec, so a link carries it.

use crate::error::Result;
use crate::spec::drawn::{DrawnGraph, NodeFeatures, POSITION};
use nsl_graph::typed::{FEATURES, LABEL, SPLIT};
use nsl_graph::{Feature, Graph, NodeSet, SplitKind};

impl DrawnGraph {
    /// Each node's split: labeled nodes train or test (held out), the rest are unlabeled.
    pub fn split(&self) -> Vec<SplitKind> {
        self.nodes
            .iter()
            .map(|n| match (n.class, n.held_out) {
                (None, _) => SplitKind::Unlabeled,
                (Some(_), false) => SplitKind::Train,
                (Some(_), true) => SplitKind::Test,
            })
            .collect()
    }

    /// The feature matrix: `(dim, rows × dim values)`.
    pub fn feature_matrix(&self) -> (usize, Vec<f32>) {
        let n = self.nodes.len();
        match &self.features {
            NodeFeatures::OneHot => {
                let mut values = vec![0.0; n * n];
                for i in 0..n {
                    values[i * n + i] = 1.0;
                }
                (n.max(1), values)
            }
            NodeFeatures::Position => (2, self.nodes.iter().flat_map(|p| [p.x, p.y]).collect()),
            NodeFeatures::Values { rows } => (rows.first().map_or(1, Vec::len), rows.concat()),
        }
    }

    /// As a typed graph: features, labels (unlabeled nodes `None`), split, drawn positions, and
    /// every edge in both directions (what the trainers and the file writers take).
    pub fn graph(&self) -> Result<Graph> {
        self.validate()?;
        let mut nodes = NodeSet::new(self.nodes.len());
        let (dim, values) = self.feature_matrix();
        nodes.features.insert(FEATURES.into(), Feature::Dense { dim, values });
        nodes.features.insert(
            LABEL.into(),
            Feature::Labels {
                classes: (0..self.classes).map(|c| format!("class {c}")).collect(),
                values: self.nodes.iter().map(|n| n.class).collect(),
            },
        );
        nodes.features.insert(SPLIT.into(), Feature::Split { values: self.split() });
        nodes.features.insert(
            POSITION.into(),
            Feature::Dense { dim: 2, values: self.nodes.iter().flat_map(|p| [p.x, p.y]).collect() },
        );
        let both: Vec<(u32, u32, f32)> =
            self.edges.iter().flat_map(|e| [(e.a, e.b, e.weight), (e.b, e.a, e.weight)]).collect();
        Ok(Graph::homogeneous(nodes, &both))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::data::planetoid::Planetoid;
    use crate::spec::drawn::{DrawnEdge, DrawnNode};

    /// Two triangles joined by one edge; one training label per triangle, one held out.
    fn two_triangles() -> DrawnGraph {
        let node = |x: f32, class: Option<u32>, held_out: bool| DrawnNode { x, y: 0.5, class, held_out };
        let edge = |a, b| DrawnEdge { a, b, weight: 1.0 };
        DrawnGraph {
            classes: 2,
            nodes: vec![
                node(0.1, Some(0), false),
                node(0.2, None, false),
                node(0.3, Some(0), true),
                node(0.7, Some(1), true),
                node(0.8, None, false),
                node(0.9, Some(1), false),
            ],
            edges: vec![edge(0, 1), edge(1, 2), edge(0, 2), edge(2, 3), edge(3, 4), edge(4, 5), edge(3, 5)],
            features: NodeFeatures::OneHot,
        }
    }

    #[test]
    fn a_drawing_becomes_node_classification_data() {
        let drawn = two_triangles();
        let data = Planetoid::from_graph(drawn.graph().unwrap()).unwrap();
        assert_eq!((data.nodes.dim, data.nodes.classes, data.edges.len()), (6, 2, 14));
        assert_eq!(data.indices(SplitKind::Train), vec![0, 5]);
        assert_eq!(data.indices(SplitKind::Test), vec![2, 3]);
        assert_eq!(data.indices(SplitKind::Unlabeled), vec![1, 4]);
        assert_eq!((data.nodes.labels[3], data.nodes.labels[5]), (1, 1));
        let json = serde_json::to_string(&drawn).unwrap();
        assert!(!json.contains("held_out\":false"), "defaults stay out of links: {json}");
        assert_eq!(serde_json::from_str::<DrawnGraph>(&json).unwrap(), drawn);

        let positions = DrawnGraph { features: NodeFeatures::Position, ..drawn.clone() };
        assert_eq!(positions.feature_matrix().0, 2);
        let typed = DrawnGraph {
            features: NodeFeatures::Values { rows: vec![vec![1.0, 2.0, 3.0]; 6] },
            ..drawn.clone()
        };
        assert_eq!(typed.feature_matrix(), (3, [1.0, 2.0, 3.0].repeat(6)));
    }

    #[test]
    fn drawings_that_cannot_train_say_why() {
        let mut drawn = two_triangles();
        drawn.nodes[2].held_out = false;
        drawn.nodes[3].held_out = false;
        assert!(drawn.validate().unwrap_err().to_string().contains("hold out"));
        let mut drawn = two_triangles();
        drawn.edges.push(DrawnEdge { a: 1, b: 1, weight: 1.0 });
        assert!(drawn.validate().is_err());
        let mut drawn = two_triangles();
        drawn.edges[0].weight = 0.0;
        assert!(drawn.validate().is_err());
        let mut drawn = two_triangles();
        drawn.nodes[0].class = Some(2);
        assert!(drawn.validate().is_err());
        let drawn =
            DrawnGraph { features: NodeFeatures::Values { rows: vec![vec![1.0]; 5] }, ..two_triangles() };
        assert!(drawn.validate().unwrap_err().to_string().contains("one row"));
    }
}
