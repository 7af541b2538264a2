//! The data with the model's predictions: the decision-boundary heatmap under the 2D points,
//! the graph with nodes coloured by predicted class, or test digits with their top prediction.

use nsl::heatmap::Grid;
use nsl::probe::ProbeResult;
use nsl::session::Progress;
use web_sys::{CanvasRenderingContext2d, HtmlCanvasElement};
use yew::prelude::*;

use super::palette::{blend, class_css};
use super::raster::{blit, context, ink_rgba};
use crate::protocol::{DataInfo, DataView};

/// Props of [`DataViewCanvas`].
#[derive(Debug, Properties, PartialEq)]
pub struct DataViewProps {
    /// The data.
    pub info: DataInfo,
    /// The latest snapshot of the model shown.
    pub progress: Option<Progress>,
    /// Canvas id.
    pub id: AttrValue,
    /// Which model (shown above the canvas).
    pub title: AttrValue,
    /// The adversary panel's perturbation of this model's test points (2D: drawn as arrows).
    #[prop_or_default]
    pub probe: Option<ProbeResult>,
}

const SIZE: u32 = 280;

/// The canvas of the data and its predictions.
#[function_component(DataViewCanvas)]
pub fn data_view_canvas(props: &DataViewProps) -> Html {
    let canvas = use_node_ref();
    {
        let canvas = canvas.clone();
        use_effect_with(
            (props.info.view.clone(), props.progress.clone(), props.probe.clone()),
            move |(view, progress, probe)| {
                if let Some(canvas) = canvas.cast::<HtmlCanvasElement>()
                    && let Some(ctx) = context(&canvas)
                {
                    ctx.clear_rect(0.0, 0.0, f64::from(SIZE), f64::from(SIZE));
                    match view {
                        DataView::Points { train, test } => {
                            draw_points(&ctx, train, test, progress.as_ref());
                            if let Some(probe) = probe {
                                draw_arrows(&ctx, probe);
                            }
                        }
                        DataView::Graph { positions, edges, labels, train } => {
                            draw_graph(&ctx, positions, edges, labels, train, progress.as_ref())
                        }
                        DataView::Digits { images } => draw_digits(&ctx, images, progress.as_ref()),
                    }
                }
            },
        );
    }
    let label = match &props.info.view {
        DataView::Points { .. } if props.probe.is_some() => {
            "Decision boundary with each test point's adversarial version: red arrows cross to another class"
        }
        DataView::Points { .. } => {
            "Decision boundary: class probabilities over the plane, training points filled, test points outlined"
        }
        DataView::Graph { .. } => {
            "Graph: nodes coloured by predicted class (faded when unsure), labeled training nodes ringed in black"
        }
        DataView::Digits { .. } => "Test digits with the model's prediction (green: right, red: wrong)",
    };
    html! {
        <figure class="data-view">
            <h3>{ props.title.clone() }</h3>
            <canvas ref={canvas} id={props.id.clone()} width={SIZE.to_string()} height={SIZE.to_string()}
                role="img" aria-label={label} />
            <figcaption>{ label }</figcaption>
        </figure>
    }
}

/// Heatmap cells first (the grid's top row first, as [`Grid::points`] orders them), points on top.
fn draw_points(
    ctx: &CanvasRenderingContext2d,
    train: &[[f32; 3]],
    test: &[[f32; 3]],
    progress: Option<&Progress>,
) {
    let grid = Grid::default();
    let size = f64::from(SIZE);
    if let Some(p) = progress
        && let Some(heatmap) = &p.heatmap
    {
        let n = grid.resolution;
        let k = p.classes.max(1);
        let mut rgba = Vec::with_capacity(n * n * 4);
        for cell in heatmap.chunks(k).take(n * n) {
            let [r, g, b] = blend(cell);
            rgba.extend_from_slice(&[r, g, b, 255]);
        }
        if rgba.len() == n * n * 4 {
            // The n × n cells, scaled up smoothly.
            blit(ctx, &rgba, n as u32, n as u32, [0.0, 0.0, size, size], true);
        }
    }
    let to_px = |x: f32, lo: f32, hi: f32| f64::from((x - lo) / (hi - lo)) * size;
    for (points, filled) in [(train, true), (test, false)] {
        for &[x, y, class] in points {
            let (px, py) = (to_px(x, grid.x_min, grid.x_max), size - to_px(y, grid.y_min, grid.y_max));
            ctx.begin_path();
            let _ = ctx.arc(px, py, 3.5, 0.0, std::f64::consts::TAU);
            let colour = class_css(class as usize, 1.0);
            if filled {
                ctx.set_fill_style_str(&colour);
                ctx.fill();
                ctx.set_stroke_style_str("white");
            } else {
                ctx.set_fill_style_str("white");
                ctx.fill();
                ctx.set_stroke_style_str(&colour);
            }
            ctx.set_line_width(1.5);
            ctx.stroke();
        }
    }
}

/// The top class of `probabilities`.
pub fn argmax(probabilities: &[f32]) -> usize {
    probabilities
        .iter()
        .enumerate()
        .fold((0, f32::MIN), |best, (c, &p)| if p > best.1 { (c, p) } else { best })
        .0
}

/// An arrow from each probed test point to its perturbed version; red where the model's class
/// changes, grey where it holds.
fn draw_arrows(ctx: &CanvasRenderingContext2d, probe: &ProbeResult) {
    let grid = Grid::default();
    let size = f64::from(SIZE);
    let to_px = |p: &[f32]| {
        let x = f64::from((p[0] - grid.x_min) / (grid.x_max - grid.x_min)) * size;
        let y = size - f64::from((p[1] - grid.y_min) / (grid.y_max - grid.y_min)) * size;
        (x, y)
    };
    ctx.set_line_width(1.2);
    for row in probe.rows.iter().filter(|r| r.original.len() == 2) {
        let ((x0, y0), (x1, y1)) = (to_px(&row.original), to_px(&row.perturbed));
        let (dx, dy) = (x1 - x0, y1 - y0);
        let length = dx.hypot(dy);
        if length < 0.5 {
            continue;
        }
        let flipped = argmax(&row.clean) != argmax(&row.attacked);
        ctx.set_stroke_style_str(if flipped { "rgba(200,20,20,0.95)" } else { "rgba(40,40,40,0.45)" });
        ctx.begin_path();
        ctx.move_to(x0, y0);
        ctx.line_to(x1, y1);
        // The head: two short strokes back from the tip.
        let head = length.min(5.0);
        let (ux, uy) = (dx / length, dy / length);
        for side in [-1.0, 1.0] {
            ctx.move_to(x1, y1);
            ctx.line_to(x1 - head * (ux - side * 0.5 * uy), y1 - head * (uy + side * 0.5 * ux));
        }
        ctx.stroke();
    }
}

fn draw_graph(
    ctx: &CanvasRenderingContext2d,
    positions: &[[f32; 2]],
    edges: &[[u32; 2]],
    labels: &[Option<u32>],
    train: &[bool],
    progress: Option<&Progress>,
) {
    let size = f64::from(SIZE);
    let px = |p: [f32; 2]| (f64::from(p[0]) * size, f64::from(p[1]) * size);
    ctx.set_stroke_style_str("rgba(90,90,90,0.35)");
    ctx.set_line_width(1.0);
    ctx.begin_path();
    for &[a, b] in edges {
        let ((x0, y0), (x1, y1)) = (px(positions[a as usize]), px(positions[b as usize]));
        ctx.move_to(x0, y0);
        ctx.line_to(x1, y1);
    }
    ctx.stroke();
    let nodes = progress.and_then(|p| p.nodes.as_ref());
    let radius = if positions.len() > 100 { 4.0 } else { 7.0 };
    for (i, &p) in positions.iter().enumerate() {
        let (x, y) = px(p);
        let fill = match nodes {
            Some(n) => class_css(n.classes[i] as usize, 0.25 + 0.75 * n.confidence[i]),
            None => "rgb(200,200,200)".into(),
        };
        ctx.begin_path();
        let _ = ctx.arc(x, y, radius, 0.0, std::f64::consts::TAU);
        ctx.set_fill_style_str(&fill);
        ctx.fill();
        // True class as the rim (grey when unknown); labeled training nodes get a black ring.
        let rim = labels[i].map_or_else(|| "rgb(150,150,150)".to_string(), |c| class_css(c as usize, 1.0));
        ctx.set_stroke_style_str(&rim);
        ctx.set_line_width(1.5);
        ctx.stroke();
        if train[i] {
            ctx.begin_path();
            let _ = ctx.arc(x, y, radius + 2.5, 0.0, std::f64::consts::TAU);
            ctx.set_stroke_style_str("black");
            ctx.set_line_width(2.0);
            ctx.stroke();
        }
    }
}

fn draw_digits(ctx: &CanvasRenderingContext2d, images: &[u8], progress: Option<&Progress>) {
    const PIXELS: usize = 28 * 28;
    let count = images.len() / PIXELS;
    let (cols, cell) = (3usize, 92.0_f64);
    for d in 0..count {
        if d >= 6 {
            break;
        }
        let (x0, y0) = ((d % cols) as f64 * cell, (d / cols) as f64 * (cell + 40.0) + 8.0);
        let grey: Vec<f32> =
            images[d * PIXELS..(d + 1) * PIXELS].iter().map(|&v| f32::from(v) / 255.0).collect();
        let rgba = ink_rgba(&grey);
        blit(ctx, &rgba, 28, 28, [x0 + 8.0, y0, 70.0, 70.0], false);
        if let Some(sample) = progress.and_then(|p| p.samples.get(d)) {
            let best = argmax(&sample.probabilities);
            let p = sample.probabilities[best];
            ctx.set_fill_style_str(if best as u32 == sample.label { "#137333" } else { "#b3261e" });
            ctx.set_font("13px system-ui, sans-serif");
            let _ = ctx.fill_text(&format!("{best} ({:.0}%)", p * 100.0), x0 + 12.0, y0 + 92.0);
        }
    }
}
