//! What the graph editor's canvas shows: edges (width by weight), the edge being drawn, nodes
//! filled with the model's prediction and ringed with their given class, the selection.

use nsl::session::NodePredictions;
use nsl::spec::drawn::DrawnGraph;
use web_sys::CanvasRenderingContext2d;

use crate::components::graph_paint::GraphPainter;
use crate::components::palette::class_css;
use crate::graph_view::View;

/// What is selected.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(super) enum Selection {
    Node(usize),
    Edge(usize),
}

/// A pointer gesture in progress.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(super) enum Gesture {
    /// Dragging empty space (a click when it did not move: add a node or select an edge).
    Pan { last: (f64, f64), start: (f64, f64), moved: bool },
    /// Dragging a node (a click when it did not move: select it).
    Move { node: usize, at: [f32; 2], start: (f64, f64), moved: bool },
    /// Drawing an edge from a node.
    Connect { from: usize, cursor: (f64, f64) },
}

pub(super) const WIDTH: f64 = 600.0;
pub(super) const HEIGHT: f64 = 400.0;
pub(super) const RADIUS: f64 = 10.0;

/// Everything drawn on the canvas.
#[derive(Debug, Clone, PartialEq)]
pub(super) struct Scene {
    pub(super) drawing: DrawnGraph,
    pub(super) predictions: Option<NodePredictions>,
    pub(super) view: View,
    pub(super) selection: Option<Selection>,
    pub(super) gesture: Option<Gesture>,
}

impl Scene {
    pub(super) fn draw(&self, ctx: &CanvasRenderingContext2d) {
        ctx.set_fill_style_str("#fff");
        ctx.fill_rect(0.0, 0.0, WIDTH, HEIGHT);
        let mut positions: Vec<[f32; 2]> = self.drawing.nodes.iter().map(|n| [n.x, n.y]).collect();
        if let Some(Gesture::Move { node, at, .. }) = self.gesture
            && node < positions.len()
        {
            positions[node] = at;
        }
        let screen: Vec<(f64, f64)> = positions.iter().map(|&p| self.view.to_screen(p)).collect();
        let painter = GraphPainter::new(ctx, &screen, WIDTH, HEIGHT);
        // Edges by weight (the width says it), the selected one in blue.
        for (i, e) in self.drawing.edges.iter().enumerate() {
            let selected = self.selection == Some(Selection::Edge(i));
            let width = 1.0 + 1.5 * f64::from(e.weight).min(4.0) + if selected { 2.0 } else { 0.0 };
            painter.edges([(e.a, e.b)], if selected { "#1a73e8" } else { "rgba(80,80,80,0.6)" }, width);
        }
        if let Some(Gesture::Connect { from, cursor }) = self.gesture
            && from < screen.len()
        {
            ctx.set_stroke_style_str("#1a73e8");
            ctx.set_line_width(2.0);
            ctx.begin_path();
            ctx.move_to(screen[from].0, screen[from].1);
            ctx.line_to(cursor.0, cursor.1);
            ctx.stroke();
        }
        if let Some(Selection::Node(i)) = self.selection {
            painter.discs([(i, "rgba(26,115,232,0.25)".to_string())], RADIUS + 6.0);
        }
        let nodes = &self.drawing.nodes;
        painter.discs(
            (0..nodes.len()).map(|i| {
                let fill = match &self.predictions {
                    Some(p) if i < p.classes.len() => {
                        class_css(p.classes[i] as usize, 0.25 + 0.75 * p.confidence[i])
                    }
                    _ => "rgb(235,235,235)".into(),
                };
                (i, fill)
            }),
            RADIUS,
        );
        // Rims: the given class (thick), dashed when held out; grey and thin when unlabeled.
        let rimmed = |held_out: bool| {
            nodes
                .iter()
                .enumerate()
                .filter(move |(_, n)| n.class.is_some() && n.held_out == held_out)
                .map(|(i, n)| (i, class_css(n.class.unwrap_or_default() as usize, 1.0)))
        };
        painter.rings(rimmed(false), RADIUS, 3.5, false);
        painter.rings(rimmed(true), RADIUS, 3.5, true);
        let unlabeled = nodes.iter().enumerate().filter(|(_, n)| n.class.is_none());
        painter.rings(unlabeled.map(|(i, _)| (i, "rgb(150,150,150)".to_string())), RADIUS, 1.5, false);
        painter.labels((0..nodes.len()).map(|i| (i, i.to_string())), "#202124", "10px system-ui, sans-serif");
    }
}
