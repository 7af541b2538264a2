//! What the graph editor's canvas shows: edges (width by weight), the edge being drawn, nodes
//! filled with the model's prediction and ringed with their given class, the selection.

use nsl::data::drawn::DrawnGraph;
use nsl::session::NodePredictions;
use web_sys::CanvasRenderingContext2d;

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
        for (i, e) in self.drawing.edges.iter().enumerate() {
            let ((x0, y0), (x1, y1)) = (screen[e.a as usize], screen[e.b as usize]);
            let selected = self.selection == Some(Selection::Edge(i));
            ctx.set_stroke_style_str(if selected { "#1a73e8" } else { "rgba(80,80,80,0.6)" });
            ctx.set_line_width(1.0 + 1.5 * f64::from(e.weight).min(4.0) + if selected { 2.0 } else { 0.0 });
            ctx.begin_path();
            ctx.move_to(x0, y0);
            ctx.line_to(x1, y1);
            ctx.stroke();
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
        ctx.set_font("10px system-ui, sans-serif");
        ctx.set_text_align("center");
        ctx.set_text_baseline("middle");
        for (i, (node, &(x, y))) in self.drawing.nodes.iter().zip(&screen).enumerate() {
            let fill = match &self.predictions {
                Some(p) if i < p.classes.len() => {
                    class_css(p.classes[i] as usize, 0.25 + 0.75 * p.confidence[i])
                }
                _ => "rgb(235,235,235)".into(),
            };
            if self.selection == Some(Selection::Node(i)) {
                ctx.begin_path();
                let _ = ctx.arc(x, y, RADIUS + 6.0, 0.0, std::f64::consts::TAU);
                ctx.set_fill_style_str("rgba(26,115,232,0.25)");
                ctx.fill();
            }
            ctx.begin_path();
            let _ = ctx.arc(x, y, RADIUS, 0.0, std::f64::consts::TAU);
            ctx.set_fill_style_str(&fill);
            ctx.fill();
            let dashes = js_sys::Array::new();
            if node.held_out {
                dashes.push(&3.0.into());
                dashes.push(&2.0.into());
            }
            let _ = ctx.set_line_dash(&dashes);
            match node.class {
                Some(c) => {
                    ctx.set_stroke_style_str(&class_css(c as usize, 1.0));
                    ctx.set_line_width(3.5);
                }
                None => {
                    ctx.set_stroke_style_str("rgb(150,150,150)");
                    ctx.set_line_width(1.5);
                }
            }
            ctx.stroke();
            let _ = ctx.set_line_dash(&js_sys::Array::new());
            ctx.set_fill_style_str("#202124");
            let _ = ctx.fill_text(&i.to_string(), x, y);
        }
    }
}
