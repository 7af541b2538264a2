//! The data with the model's predictions: the decision-boundary heatmap under the 2D points,
//! the graph with nodes coloured by predicted class, or test digits with their top prediction.

use nsl::heatmap::Grid;
use nsl::session::Progress;
use wasm_bindgen::{Clamped, JsCast};
use web_sys::{CanvasRenderingContext2d, HtmlCanvasElement, ImageData};
use yew::prelude::*;

use super::palette::{blend, class_css};
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
}

const SIZE: u32 = 280;

thread_local! {
    /// A scratch canvas for painting image data before scaling it up (one per page).
    static SCRATCH: Option<HtmlCanvasElement> = web_sys::window()
        .and_then(|w| w.document())
        .and_then(|d| d.create_element("canvas").ok())
        .and_then(|e| e.dyn_into().ok());
}

/// Draws `rgba` (`w × h` pixels) scaled into `(x, y, dw, dh)` of `ctx`.
fn blit(ctx: &CanvasRenderingContext2d, rgba: &[u8], w: u32, h: u32, target: [f64; 4], smooth: bool) {
    let Ok(image) = ImageData::new_with_u8_clamped_array_and_sh(Clamped(rgba), w, h) else { return };
    SCRATCH.with(|scratch| {
        let Some(small) = scratch else { return };
        small.set_width(w);
        small.set_height(h);
        if let Some(small_ctx) = context(small) {
            let _ = small_ctx.put_image_data(&image, 0.0, 0.0);
            ctx.set_image_smoothing_enabled(smooth);
            let [x, y, dw, dh] = target;
            let _ = ctx.draw_image_with_html_canvas_element_and_dw_and_dh(small, x, y, dw, dh);
        }
    });
}

fn context(canvas: &HtmlCanvasElement) -> Option<CanvasRenderingContext2d> {
    canvas.get_context("2d").ok().flatten()?.dyn_into().ok()
}

/// The canvas of the data and its predictions.
#[function_component(DataViewCanvas)]
pub fn data_view_canvas(props: &DataViewProps) -> Html {
    let canvas = use_node_ref();
    {
        let canvas = canvas.clone();
        use_effect_with((props.info.view.clone(), props.progress.clone()), move |(view, progress)| {
            if let Some(canvas) = canvas.cast::<HtmlCanvasElement>()
                && let Some(ctx) = context(&canvas)
            {
                ctx.clear_rect(0.0, 0.0, f64::from(SIZE), f64::from(SIZE));
                match view {
                    DataView::Points { train, test } => draw_points(&ctx, train, test, progress.as_ref()),
                    DataView::Graph { positions, edges, labels, train } => {
                        draw_graph(&ctx, positions, edges, labels, train, progress.as_ref())
                    }
                    DataView::Digits { images } => draw_digits(&ctx, images, progress.as_ref()),
                }
            }
        });
    }
    let label = match &props.info.view {
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

fn draw_graph(
    ctx: &CanvasRenderingContext2d,
    positions: &[[f32; 2]],
    edges: &[[u32; 2]],
    labels: &[u32],
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
        // True class as the rim; labeled training nodes get a thick black ring.
        ctx.set_stroke_style_str(&class_css(labels[i] as usize, 1.0));
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
        let mut rgba = Vec::with_capacity(PIXELS * 4);
        for &v in &images[d * PIXELS..(d + 1) * PIXELS] {
            let ink = 255 - v;
            rgba.extend_from_slice(&[ink, ink, ink, 255]);
        }
        blit(ctx, &rgba, 28, 28, [x0 + 8.0, y0, 70.0, 70.0], false);
        if let Some(sample) = progress.and_then(|p| p.samples.get(d)) {
            let (best, p) = sample
                .probabilities
                .iter()
                .enumerate()
                .fold((0, 0.0_f32), |acc, (c, &p)| if p > acc.1 { (c, p) } else { acc });
            ctx.set_fill_style_str(if best as u32 == sample.label { "#137333" } else { "#b3261e" });
            ctx.set_font("13px system-ui, sans-serif");
            let _ = ctx.fill_text(&format!("{best} ({:.0}%)", p * 100.0), x0 + 12.0, y0 + 92.0);
        }
    }
}
