//! What the graph editor is given: the drawing, the live predictions, and where its edits go.

use nsl::session::NodePredictions;
use nsl::spec::drawn::DrawnGraph;
use yew::prelude::*;

use crate::drawing::DrawingEdit;

/// Props of [`GraphEditor`].
#[derive(Debug, Properties, PartialEq)]
pub struct GraphEditorProps {
    /// The drawing.
    pub drawing: DrawnGraph,
    /// The model's predictions on every node, if trained.
    pub predictions: Option<NodePredictions>,
    /// Whether there is something to undo / redo.
    pub can_undo: bool,
    /// Whether there is something to redo.
    pub can_redo: bool,
    /// Changes.
    pub on_edit: Callback<DrawingEdit>,
    /// Undo.
    pub on_undo: Callback<()>,
    /// Redo.
    pub on_redo: Callback<()>,
    /// A node was selected (the inspector follows it).
    #[prop_or_default]
    pub on_select: Callback<usize>,
}
