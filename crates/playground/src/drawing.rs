//! Edits of a hand-drawn graph, as the editor makes them: pure functions from one drawing to
//! the next (the reducer keeps the previous ones for undo).

use nsl::spec::drawn::{DrawnEdge, DrawnGraph, DrawnNode, MAX_DRAWN_CLASSES, MAX_DRAWN_NODES, NodeFeatures};

/// One change to a drawing.
#[derive(Debug, Clone, PartialEq)]
pub enum DrawingEdit {
    /// A node at `(x, y)` in the unit square, unlabeled.
    AddNode {
        /// From the left.
        x: f32,
        /// From the top.
        y: f32,
    },
    /// An edge of weight 1 between two nodes (nothing if it exists or `a == b`).
    Connect {
        /// One end.
        a: usize,
        /// The other end.
        b: usize,
    },
    /// Moves a node.
    Move {
        /// The node.
        node: usize,
        /// New position.
        x: f32,
        /// New position.
        y: f32,
    },
    /// Removes a node (and its edges; later nodes move down one index).
    DeleteNode(usize),
    /// Removes an edge.
    DeleteEdge(usize),
    /// Gives a node a class (`None`: unlabeled).
    SetClass {
        /// The node.
        node: usize,
        /// Its class.
        class: Option<u32>,
    },
    /// Holds a labeled node out of training (or gives it back).
    ToggleHeldOut(usize),
    /// An edge's weight.
    SetWeight {
        /// The edge.
        edge: usize,
        /// Its weight (> 0).
        weight: f32,
    },
    /// How many classes there are (labels beyond are removed).
    SetClasses(u32),
    /// What the model sees of each node.
    Features(NodeFeatures),
    /// An empty drawing.
    Clear,
}

/// The drawing after `edit`. Edits that cannot apply (unknown node, a full drawing) leave it as
/// it is.
pub fn apply(drawing: &DrawnGraph, edit: &DrawingEdit) -> DrawnGraph {
    let mut next = drawing.clone();
    let n = next.nodes.len();
    match *edit {
        DrawingEdit::AddNode { x, y } if n < MAX_DRAWN_NODES => {
            next.nodes.push(DrawnNode {
                x: x.clamp(0.0, 1.0),
                y: y.clamp(0.0, 1.0),
                class: None,
                held_out: false,
            });
            if let NodeFeatures::Values { rows } = &mut next.features {
                let dim = rows.first().map_or(1, Vec::len);
                rows.push(vec![0.0; dim]);
            }
        }
        DrawingEdit::Connect { a, b } if a != b && a < n && b < n => {
            let exists = next
                .edges
                .iter()
                .any(|e| (e.a as usize, e.b as usize) == (a, b) || (e.a as usize, e.b as usize) == (b, a));
            if !exists {
                next.edges.push(DrawnEdge { a: a as u32, b: b as u32, weight: 1.0 });
            }
        }
        DrawingEdit::Move { node, x, y } if node < n => {
            next.nodes[node].x = x.clamp(0.0, 1.0);
            next.nodes[node].y = y.clamp(0.0, 1.0);
        }
        DrawingEdit::DeleteNode(node) if node < n => {
            next.nodes.remove(node);
            let v = node as u32;
            next.edges.retain(|e| e.a != v && e.b != v);
            for e in &mut next.edges {
                e.a -= u32::from(e.a > v);
                e.b -= u32::from(e.b > v);
            }
            if let NodeFeatures::Values { rows } = &mut next.features
                && node < rows.len()
            {
                rows.remove(node);
            }
        }
        DrawingEdit::DeleteEdge(edge) if edge < next.edges.len() => {
            next.edges.remove(edge);
        }
        DrawingEdit::SetClass { node, class } if node < n => {
            next.nodes[node].class = class.filter(|&c| c < next.classes);
            if next.nodes[node].class.is_none() {
                next.nodes[node].held_out = false;
            }
        }
        DrawingEdit::ToggleHeldOut(node) if node < n && next.nodes[node].class.is_some() => {
            next.nodes[node].held_out = !next.nodes[node].held_out;
        }
        DrawingEdit::SetWeight { edge, weight }
            if edge < next.edges.len() && weight.is_finite() && weight > 0.0 =>
        {
            next.edges[edge].weight = weight;
        }
        DrawingEdit::SetClasses(classes) => {
            next.classes = classes.clamp(2, MAX_DRAWN_CLASSES);
            for node in &mut next.nodes {
                if node.class.is_some_and(|c| c >= next.classes) {
                    node.class = None;
                    node.held_out = false;
                }
            }
        }
        DrawingEdit::Features(ref features) => next.features = features.clone(),
        DrawingEdit::Clear => next = DrawnGraph { classes: next.classes, ..DrawnGraph::default() },
        _ => {}
    }
    next
}

/// Parses typed or pasted node features: one row per line, numbers separated by commas, tabs
/// or spaces; every row the same length, one per node.
pub fn parse_rows(text: &str, nodes: usize) -> Result<Vec<Vec<f32>>, String> {
    let mut rows = Vec::new();
    for (i, line) in text.lines().enumerate().filter(|(_, l)| !l.trim().is_empty()) {
        let row = line
            .split(|c: char| c == ',' || c.is_whitespace())
            .filter(|t| !t.is_empty())
            .map(|t| {
                t.parse::<f32>()
                    .ok()
                    .filter(|v| v.is_finite())
                    .ok_or_else(|| format!("line {}: \"{t}\" is not a number", i + 1))
            })
            .collect::<Result<Vec<f32>, String>>()?;
        if let Some(first) = rows.first().map(Vec::len)
            && row.len() != first
        {
            return Err(format!("line {}: {} values, the first row has {first}", i + 1, row.len()));
        }
        rows.push(row);
    }
    if rows.len() != nodes {
        return Err(format!("{} rows for {nodes} nodes: give one row per node, in node order", rows.len()));
    }
    Ok(rows)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::presets::starter_drawing;

    #[test]
    fn nodes_and_edges_come_and_go() {
        let empty = DrawnGraph::default();
        let one = apply(&empty, &DrawingEdit::AddNode { x: 0.2, y: 1.4 });
        assert_eq!((one.nodes[0].x, one.nodes[0].y, one.nodes[0].class), (0.2, 1.0, None));
        let two = apply(&one, &DrawingEdit::AddNode { x: 0.5, y: 0.5 });
        let joined = apply(&two, &DrawingEdit::Connect { a: 0, b: 1 });
        assert_eq!(joined.edges.len(), 1);
        assert_eq!(apply(&joined, &DrawingEdit::Connect { a: 1, b: 0 }).edges.len(), 1, "no duplicate");
        assert_eq!(apply(&joined, &DrawingEdit::Connect { a: 1, b: 1 }).edges.len(), 1, "no self loop");
        let weighted = apply(&joined, &DrawingEdit::SetWeight { edge: 0, weight: 2.5 });
        assert_eq!(weighted.edges[0].weight, 2.5);
        assert_eq!(apply(&weighted, &DrawingEdit::SetWeight { edge: 0, weight: 0.0 }), weighted);

        let drawing = starter_drawing();
        let without = apply(&drawing, &DrawingEdit::DeleteNode(2));
        assert_eq!(without.nodes.len(), 7);
        assert!(without.edges.iter().all(|e| e.a < 7 && e.b < 7), "edges renumbered");
        assert_eq!(without.edges.len(), drawing.edges.len() - 4, "node 2's four edges are gone");
        assert_eq!(apply(&drawing, &DrawingEdit::DeleteEdge(0)).edges.len(), drawing.edges.len() - 1);
        assert_eq!(apply(&drawing, &DrawingEdit::Clear).nodes.len(), 0);
    }

    #[test]
    fn labels_hold_outs_classes_and_features() {
        let drawing = starter_drawing();
        let labeled = apply(&drawing, &DrawingEdit::SetClass { node: 1, class: Some(1) });
        assert_eq!(labeled.nodes[1].class, Some(1));
        let held = apply(&labeled, &DrawingEdit::ToggleHeldOut(1));
        assert!(held.nodes[1].held_out);
        let cleared = apply(&held, &DrawingEdit::SetClass { node: 1, class: None });
        assert!(!cleared.nodes[1].held_out, "an unlabeled node is not held out");
        assert!(!apply(&drawing, &DrawingEdit::ToggleHeldOut(1)).nodes[1].held_out, "only labeled nodes");
        let fewer = apply(
            &apply(&drawing, &DrawingEdit::SetClasses(3)),
            &DrawingEdit::SetClass { node: 1, class: Some(2) },
        );
        assert_eq!(apply(&fewer, &DrawingEdit::SetClasses(2)).nodes[1].class, None);

        let rows = parse_rows("1, 2\n3 4\n\n5\t6\n", 3).unwrap();
        assert_eq!(rows, vec![vec![1.0, 2.0], vec![3.0, 4.0], vec![5.0, 6.0]]);
        assert!(parse_rows("1, x", 1).unwrap_err().contains("line 1: \"x\""));
        assert!(parse_rows("1, 2\n3", 2).unwrap_err().contains("line 2: 1 values"));
        assert!(parse_rows("1\n2", 3).unwrap_err().contains("2 rows for 3 nodes"));
        let typed =
            apply(&drawing, &DrawingEdit::Features(NodeFeatures::Values { rows: vec![vec![1.0]; 8] }));
        let grown = apply(&typed, &DrawingEdit::AddNode { x: 0.5, y: 0.5 });
        assert_eq!(
            grown.feature_matrix(),
            (1, [vec![1.0; 8], vec![0.0]].concat()),
            "new nodes get a zero row"
        );
        let shrunk = apply(&grown, &DrawingEdit::DeleteNode(0));
        assert_eq!(shrunk.feature_matrix().1.len(), 8);
    }
}
