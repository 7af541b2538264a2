//! A graph drawn by hand (the playground's editor): nodes at positions in the unit square, some
//! with a class (given for training, or held out for testing), weighted undirected edges, and
//! node features chosen by the user. It lives inside the experiment spec, so a link carries it.
//! Plain data and its checks: the typed graph it becomes is `data::drawn`'s.

use serde::{Deserialize, Serialize};

use crate::error::{NslError, Result};

/// Name of the drawn positions among a node set's features (kept by JSON exports).
pub const POSITION: &str = "position";

/// Most nodes a drawn graph may have (the editor is for small, hand-made graphs).
pub const MAX_DRAWN_NODES: usize = 500;

/// Most classes a drawn graph may have (keys 1–9 label a node).
pub const MAX_DRAWN_CLASSES: u32 = 9;

/// One drawn node.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DrawnNode {
    /// Position, `[0, 1]` from the left.
    pub x: f32,
    /// Position, `[0, 1]` from the top.
    pub y: f32,
    /// Its class, if labeled.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub class: Option<u32>,
    /// A labeled node kept from training to measure accuracy on.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub held_out: bool,
}

/// One drawn (undirected) edge.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DrawnEdge {
    /// One end.
    pub a: u32,
    /// The other end.
    pub b: u32,
    /// Weight (> 0).
    pub weight: f32,
}

/// What the model sees of each drawn node.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
#[serde(tag = "kind", rename_all = "snake_case", deny_unknown_fields)]
pub enum NodeFeatures {
    /// A one-hot id (nothing but the graph tells nodes apart).
    #[default]
    OneHot,
    /// The drawn `[x, y]`.
    Position,
    /// Typed or pasted values, one row per node.
    Values {
        /// Row per node, all of one length.
        rows: Vec<Vec<f32>>,
    },
}

/// A hand-drawn graph.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DrawnGraph {
    /// Number of classes (≥ 2).
    pub classes: u32,
    /// The nodes.
    pub nodes: Vec<DrawnNode>,
    /// The edges, each once.
    #[serde(default)]
    pub edges: Vec<DrawnEdge>,
    /// Node features.
    #[serde(default)]
    pub features: NodeFeatures,
}

impl Default for DrawnGraph {
    fn default() -> Self {
        Self { classes: 2, nodes: Vec::new(), edges: Vec::new(), features: NodeFeatures::OneHot }
    }
}

impl DrawnGraph {
    /// Checks what a drawing must be before it trains: nodes within limits, edges between
    /// existing distinct nodes with positive weights, classes in range, feature rows per node,
    /// and at least one training and one held-out label (what accuracy is measured on).
    pub fn validate(&self) -> Result<()> {
        let bad = |m: String| Err(NslError::Config(m));
        let n = self.nodes.len();
        if n > MAX_DRAWN_NODES {
            return bad(format!("a drawn graph has at most {MAX_DRAWN_NODES} nodes ({n} drawn)"));
        }
        if !(2..=MAX_DRAWN_CLASSES).contains(&self.classes) {
            return bad(format!(
                "a drawn graph has 2 to {MAX_DRAWN_CLASSES} classes ({} given)",
                self.classes
            ));
        }
        for (i, node) in self.nodes.iter().enumerate() {
            if node.class.is_some_and(|c| c >= self.classes) {
                return bad(format!("node {i} has class {} of {}", node.class.unwrap_or(0), self.classes));
            }
        }
        for e in &self.edges {
            if e.a as usize >= n || e.b as usize >= n || e.a == e.b {
                return bad(format!("edge {}–{} does not join two drawn nodes", e.a, e.b));
            }
            if !(e.weight.is_finite() && e.weight > 0.0) {
                return bad(format!("edge {}–{} has weight {}; weights are > 0", e.a, e.b, e.weight));
            }
        }
        if let NodeFeatures::Values { rows } = &self.features {
            let dim = rows.first().map_or(0, Vec::len);
            if rows.len() != n
                || dim == 0
                || rows.iter().any(|r| r.len() != dim || r.iter().any(|v| !v.is_finite()))
            {
                return bad(format!(
                    "typed features need one row of equal length per node ({} rows for {n} nodes)",
                    rows.len()
                ));
            }
        }
        if !self.nodes.iter().any(|n| n.class.is_some() && !n.held_out) {
            return bad("label at least one node for training (keys 1–9 on a selected node)".into());
        }
        if !self.nodes.iter().any(|n| n.class.is_some() && n.held_out) {
            return bad("hold out at least one labeled node to measure accuracy on (key H)".into());
        }
        Ok(())
    }
}
