//! The data with the model's predictions: the decision-boundary heatmap under the 2D points,
//! the graph with nodes coloured by predicted class, or test digits with their top prediction.

use nsl::gnn::subgraphs::SampledBatch;
use nsl::session::Progress;
use nsl::session::heatmap::Grid;
use nsl::session::inspect::NodeInspection;
use nsl::session::link_scores::LinkScores;
use nsl::session::probe::{ProbeResult, top_class};
use wasm_bindgen::JsCast;
use web_sys::{CanvasRenderingContext2d, HtmlCanvasElement};
use yew::prelude::*;

use super::graph_paint::GraphPainter;

use super::palette::{blend, class_css, hop_colour, link_colour};
use super::raster::{blit, canvas_point, context, ink_rgba};
use crate::plane_points::{PointEdit, PointMode, PointRef, PointTool};
use crate::protocol::{DataInfo, DataView};
use crate::shared::Shared;

/// Props of [`DataViewCanvas`].
#[derive(Debug, Properties, PartialEq)]
pub struct DataViewProps {
    /// The data.
    pub info: Shared<DataInfo>,
    /// The latest snapshot of the model shown.
    pub progress: Option<Shared<Progress>>,
    /// Canvas id.
    pub id: AttrValue,
    /// Which model (shown above the canvas).
    pub title: AttrValue,
    /// The adversary panel's perturbation of this model's test points (2D: drawn as arrows).
    #[prop_or_default]
    pub probe: Option<ProbeResult>,
    /// The inspected graph node on this model: its graph-term neighbors, attribution heat and
    /// attention, drawn over the graph.
    #[prop_or_default]
    pub inspection: Option<NodeInspection>,
    /// A graph node was clicked.
    #[prop_or_default]
    pub on_node: Option<Callback<u32>>,
    /// What a press on the plane does (points of the plane only).
    #[prop_or_default]
    pub tool: PointTool,
    /// A change to the points made on the plane.
    #[prop_or_default]
    pub on_points: Option<Callback<PointEdit>>,
}

/// A point being dragged: which, and where it is now (plane coordinates).
type Drag = Option<(PointRef, f32, f32)>;

const SIZE: u32 = 280;

/// The canvas of the data and its predictions.
#[function_component(DataViewCanvas)]
pub fn data_view_canvas(props: &DataViewProps) -> Html {
    let canvas = use_node_ref();
    // The digits' pictures painted once per data set, each frame copies from it.
    let sheet = use_memo(props.info.clone(), |info| match &info.view {
        DataView::Graph { pictures, .. } if !pictures.is_empty() => picture_sheet(pictures),
        _ => None,
    });
    let drag = use_state(|| None::<(PointRef, f32, f32)>);
    {
        let canvas = canvas.clone();
        use_effect_with(
            (
                props.info.clone(),
                props.progress.clone(),
                props.probe.clone(),
                props.inspection.clone(),
                sheet,
                *drag,
            ),
            move |(info, progress, probe, inspection, sheet, drag)| {
                let view = &info.view;
                if let Some(canvas) = canvas.cast::<HtmlCanvasElement>()
                    && let Some(ctx) = context(&canvas)
                {
                    ctx.clear_rect(0.0, 0.0, f64::from(SIZE), f64::from(SIZE));
                    match view {
                        DataView::Points { train, test } => {
                            draw_points(
                                &ctx,
                                &dragged(train, drag, false),
                                &dragged(test, drag, true),
                                progress.as_deref(),
                            );
                            if let Some(probe) = probe {
                                draw_arrows(&ctx, probe);
                            }
                        }
                        DataView::Graph { positions, edges, labels, train, .. } => {
                            if let Some(inspection) = inspection {
                                draw_inspection_under(&ctx, positions, edges, inspection);
                            }
                            let faint = inspection.as_ref().is_some_and(|i| i.attention.is_some());
                            let nodes = NodeStyle { labels, train, sheet: sheet.as_ref().as_ref() };
                            draw_graph(&ctx, positions, edges, &nodes, progress.as_deref(), faint);
                            if let Some(inspection) = inspection {
                                draw_inspection_over(&ctx, positions, inspection);
                            }
                        }
                        DataView::Digits { images } => draw_digits(&ctx, images, progress.as_deref()),
                        // The page draws a set of graphs as a grid of its own (`graph_grid`), a
                        // heterogeneous graph in a view of its own (`typed_graph`).
                        DataView::Graphs { .. } | DataView::Typed(_) => {}
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
        DataView::Graph { pictures, .. } if !pictures.is_empty() => {
            "Graph of the digits: each digit drawn where the layout puts it, on its predicted class's colour (faded when unsure); digits whose label is kept framed in black"
        }
        DataView::Graph { .. } if props.progress.as_ref().is_some_and(|p| p.links.is_some()) => {
            "Graph: the held-out test edges solid and as many non-edges dashed, each coloured by the model's probability of a link (blue 0, red 1)"
        }
        DataView::Graph { .. } if props.progress.as_ref().is_some_and(|p| p.batch.is_some()) => {
            "Graph: nodes coloured by predicted class (faded when unsure), labeled training nodes ringed in black; the last step's sampled subgraphs ringed and drawn by hop (roots red, then orange, blue)"
        }
        DataView::Graph { .. } => {
            "Graph: nodes coloured by predicted class (faded when unsure), labeled training nodes ringed in black"
        }
        DataView::Digits { .. } => "Test digits with the model's prediction (green: right, red: wrong)",
        DataView::Graphs { .. } => "Test graphs coloured by the model's prediction",
        DataView::Typed(_) => "A heterogeneous graph: node sets by shape, edge sets by line style",
    };
    let onclick = match (&props.on_node, &props.info.view) {
        (Some(on_node), DataView::Graph { positions, .. }) => {
            let (on_node, positions) = (on_node.clone(), positions.clone());
            Some(Callback::from(move |e: MouseEvent| {
                let (x, y) = canvas_point(&e);
                let size = f64::from(SIZE);
                let nearest = positions
                    .iter()
                    .enumerate()
                    .map(|(i, p)| (i, (f64::from(p[0]) * size - x).hypot(f64::from(p[1]) * size - y)))
                    .min_by(|a, b| a.1.total_cmp(&b.1));
                if let Some((node, d)) = nearest
                    && d <= 12.0
                {
                    on_node.emit(node as u32);
                }
            }))
        }
        _ => None,
    };
    let editing = props.on_points.is_some() && props.tool.mode != PointMode::Look;
    let pointer = match (&props.on_points, &props.info.view) {
        (Some(on_points), DataView::Points { .. }) if editing => {
            Some(point_gestures(props.tool, on_points, props.info.clone(), &drag))
        }
        _ => None,
    };
    let (onpointerdown, onpointermove, onpointerup) =
        pointer.map_or((None, None, None), |(d, m, u)| (Some(d), Some(m), Some(u)));
    html! {
        <figure class="data-view">
            <h3>{ props.title.clone() }</h3>
            <canvas ref={canvas} id={props.id.clone()} {onclick} {onpointerdown} {onpointermove} {onpointerup}
                class={classes!(editing.then_some("editing"))} width={SIZE.to_string()} height={SIZE.to_string()}
                role="img" aria-label={label} />
            <figcaption>{ label }</figcaption>
        </figure>
    }
}

/// The plane's coordinates of a canvas pixel.
fn to_plane(px: f64, py: f64) -> (f32, f32) {
    let grid = Grid::default();
    let size = f64::from(SIZE);
    let x = grid.x_min + (px / size) as f32 * (grid.x_max - grid.x_min);
    let y = grid.y_max - (py / size) as f32 * (grid.y_max - grid.y_min);
    (x, y)
}

/// The points with the one being dragged where the pointer is (a copy only while one is).
fn dragged<'a>(points: &'a [[f32; 3]], drag: &Drag, test: bool) -> std::borrow::Cow<'a, [[f32; 3]]> {
    match drag {
        Some((point, x, y)) if point.test == test && point.index < points.len() => {
            let mut moved = points.to_vec();
            (moved[point.index][0], moved[point.index][1]) = (*x, *y);
            std::borrow::Cow::Owned(moved)
        }
        _ => std::borrow::Cow::Borrowed(points),
    }
}

/// Pointer handlers of the point tools: a press adds, erases or picks up a point; a drag moves
/// it; letting go puts it down (one edit, so the models start again once).
fn point_gestures(
    tool: PointTool,
    on_points: &Callback<PointEdit>,
    info: Shared<DataInfo>,
    drag: &UseStateHandle<Drag>,
) -> (Callback<PointerEvent>, Callback<PointerEvent>, Callback<PointerEvent>) {
    // Ten canvas pixels, in the plane's units.
    let reach = 10.0 * (Grid::default().x_max - Grid::default().x_min) / SIZE as f32;
    let down = {
        let (on_points, drag) = (on_points.clone(), drag.clone());
        Callback::from(move |e: PointerEvent| {
            let (x, y) = {
                let (px, py) = canvas_point(&e);
                to_plane(px, py)
            };
            let DataView::Points { train, test } = &info.view else { return };
            let as_points = |list: &[[f32; 3]]| {
                list.iter().map(|p| nsl::spec::PlanePoint(p[0], p[1], p[2] as u32)).collect()
            };
            let points = nsl::spec::PlanePoints { train: as_points(train), test: as_points(test) };
            let near = crate::plane_points::nearest(&points, x, y, reach);
            match (tool.mode, near) {
                (PointMode::Add, _) => {
                    on_points.emit(PointEdit::Add { x, y, class: tool.class, test: tool.test })
                }
                (PointMode::Erase, Some(point)) => on_points.emit(PointEdit::Erase(point)),
                (PointMode::Move, Some(point)) => {
                    if let Some(target) = e.target().and_then(|t| t.dyn_into::<web_sys::Element>().ok()) {
                        let _ = target.set_pointer_capture(e.pointer_id());
                    }
                    drag.set(Some((point, x, y)));
                }
                _ => {}
            }
        })
    };
    let moving = {
        let drag = drag.clone();
        Callback::from(move |e: PointerEvent| {
            if let Some((point, ..)) = *drag {
                let (px, py) = canvas_point(&e);
                let (x, y) = to_plane(px, py);
                drag.set(Some((point, x, y)));
            }
        })
    };
    let up = {
        let (on_points, drag) = (on_points.clone(), drag.clone());
        Callback::from(move |_: PointerEvent| {
            if let Some((point, x, y)) = *drag {
                drag.set(None);
                on_points.emit(PointEdit::Move { point, x, y });
            }
        })
    };
    (down, moving, up)
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
        let flipped = row.flipped();
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

/// Under the graph: a GAT's attention as edge width, the attribution heat as halos (red where
/// a node's features raise the inspected node's score, blue where they lower it).
fn draw_inspection_under(
    ctx: &CanvasRenderingContext2d,
    positions: &[[f32; 2]],
    edges: &[[u32; 2]],
    inspection: &NodeInspection,
) {
    let size = f64::from(SIZE);
    let px =
        |i: u32| (f64::from(positions[i as usize][0]) * size, f64::from(positions[i as usize][1]) * size);
    if let Some(attention) = &inspection.attention {
        // Both directions of an undirected edge: the larger attention.
        let mut by_edge = std::collections::HashMap::new();
        for &(s, d, a) in attention.iter().filter(|(s, d, _)| s != d) {
            let slot = by_edge.entry((s.min(d), s.max(d))).or_insert(0.0_f32);
            *slot = slot.max(a);
        }
        ctx.set_stroke_style_str("rgba(147,52,230,0.55)");
        for &[a, b] in edges {
            if let Some(&alpha) = by_edge.get(&(a.min(b), a.max(b))) {
                ctx.set_line_width(0.5 + 7.0 * f64::from(alpha));
                let ((x0, y0), (x1, y1)) = (px(a), px(b));
                ctx.begin_path();
                ctx.move_to(x0, y0);
                ctx.line_to(x1, y1);
                ctx.stroke();
            }
        }
    }
    if let Some(heat) = &inspection.heat {
        let top = heat.iter().fold(1e-9_f32, |m, h| m.max(h.abs()));
        for (i, &h) in heat.iter().enumerate().filter(|(i, h)| **h != 0.0 && *i < positions.len()) {
            let (x, y) = px(i as u32);
            let strength = f64::from((h.abs() / top).sqrt());
            ctx.begin_path();
            let _ = ctx.arc(x, y, 6.0 + 10.0 * strength, 0.0, std::f64::consts::TAU);
            let rgb = if h > 0.0 { "217,48,37" } else { "26,115,232" };
            ctx.set_fill_style_str(&format!("rgba({rgb},{:.2})", 0.15 + 0.5 * strength));
            ctx.fill();
        }
    }
}

/// Over the graph: the inspected node ringed, the edges to its graph-term neighbors in green.
fn draw_inspection_over(ctx: &CanvasRenderingContext2d, positions: &[[f32; 2]], inspection: &NodeInspection) {
    let size = f64::from(SIZE);
    let Some(&center) = positions.get(inspection.node) else { return };
    let (x0, y0) = (f64::from(center[0]) * size, f64::from(center[1]) * size);
    ctx.set_stroke_style_str("rgba(24,128,56,0.9)");
    ctx.set_line_width(3.0);
    for n in inspection.neighbors.iter().filter(|n| n.node < positions.len()) {
        let (x1, y1) = (f64::from(positions[n.node][0]) * size, f64::from(positions[n.node][1]) * size);
        ctx.begin_path();
        ctx.move_to(x0, y0);
        ctx.line_to(x1, y1);
        ctx.stroke();
    }
    ctx.begin_path();
    let _ = ctx.arc(x0, y0, 11.0, 0.0, std::f64::consts::TAU);
    ctx.set_stroke_style_str("#188038");
    ctx.stroke();
}

/// How a graph's nodes are drawn besides their predictions.
struct NodeStyle<'a> {
    /// True class of each node (`None`: unknown).
    labels: &'a [Option<u32>],
    /// Whether a node's label is used for training.
    train: &'a [bool],
    /// The nodes' pictures (digits), drawn instead of discs.
    sheet: Option<&'a HtmlCanvasElement>,
}

fn draw_graph(
    ctx: &CanvasRenderingContext2d,
    positions: &[[f32; 2]],
    edges: &[[u32; 2]],
    style: &NodeStyle,
    progress: Option<&Progress>,
    faint_edges: bool,
) {
    let size = f64::from(SIZE);
    let screen: Vec<(f64, f64)> =
        positions.iter().map(|p| (f64::from(p[0]) * size, f64::from(p[1]) * size)).collect();
    let painter = GraphPainter::new(ctx, &screen, size, size);
    let edge_colour = if faint_edges { "rgba(90,90,90,0.15)" } else { "rgba(90,90,90,0.35)" };
    painter.edges(edges.iter().map(|e| (e[0], e[1])), edge_colour, 1.0);
    let nodes = progress.and_then(|p| p.nodes.as_ref());
    let fill = |i: usize| match nodes {
        Some(n) if i < n.classes.len() => class_css(n.classes[i] as usize, 0.25 + 0.75 * n.confidence[i]),
        _ => "rgb(200,200,200)".into(),
    };
    let trained =
        || style.train.iter().enumerate().filter(|(_, t)| **t).map(|(i, _)| (i, "black".to_string()));
    if let Some(sheet) = style.sheet {
        // Each digit on an opaque tile of its prediction's colour (faded toward white when
        // unsure, as the discs are), kept labels framed in black on top.
        let tiles = (0..positions.len()).map(|i| (i, fill(i)));
        painter.picture_tiles(tiles, sheet, (SHEET_COLUMNS, PICTURE_SIDE), PICTURE_HALF);
        painter.frames(trained(), PICTURE_HALF + 0.5, 1.5);
        return;
    }
    let radius = if positions.len() > 100 { 4.0 } else { 7.0 };
    // Filled with the prediction (faded when unsure), rimmed with the true class (grey when
    // unknown); labeled training nodes get a black ring.
    painter.discs((0..positions.len()).map(|i| (i, fill(i))), radius);
    let rim =
        |c: Option<u32>| c.map_or_else(|| "rgb(150,150,150)".to_string(), |c| class_css(c as usize, 1.0));
    painter.rings(style.labels.iter().enumerate().map(|(i, &c)| (i, rim(c))), radius, 1.5, false);
    painter.rings(trained(), radius + 2.5, 2.0, false);
    if let Some(batch) = progress.and_then(|p| p.batch.as_ref()) {
        draw_batch(&painter, batch, radius);
    }
    if let Some(links) = progress.and_then(|p| p.links.as_ref()) {
        draw_links(&painter, links);
    }
}

/// A link predictor's held-out test pairs over the graph: the edges solid, the non-edges
/// dashed, each coloured by the model's probability that it is a link (a path per colour).
fn draw_links(painter: &GraphPainter, links: &LinkScores) {
    let by_colour = |pairs: &[(u32, u32)], scores: &[f32]| {
        let mut groups: std::collections::BTreeMap<String, Vec<(u32, u32)>> = Default::default();
        for (&pair, &p) in pairs.iter().zip(scores) {
            groups.entry(link_colour(p)).or_default().push(pair);
        }
        groups
    };
    for (colour, pairs) in by_colour(&links.non_edges, &links.non_edge_scores) {
        painter.dashed_edges(pairs, &colour, 1.5);
    }
    for (colour, pairs) in by_colour(&links.edges, &links.edge_scores) {
        painter.edges(pairs, &colour, 2.0);
    }
}

/// The last step's batch of sampled subgraphs over the graph: each sampled edge in the colour
/// of the hop that reached its far end, each node of the batch ringed in its hop's colour
/// (roots first colour), as the explorer draws a sample.
fn draw_batch(painter: &GraphPainter, batch: &SampledBatch, radius: f64) {
    let hop_of: std::collections::HashMap<u32, u32> = batch.nodes.iter().copied().collect();
    let hops = batch.nodes.iter().map(|n| n.1).max().unwrap_or(0);
    for hop in 1..=hops {
        let edges = batch.edges.iter().copied().filter(|(s, t)| {
            let (a, b) = (hop_of.get(s).copied().unwrap_or(0), hop_of.get(t).copied().unwrap_or(0));
            a.max(b) == hop
        });
        painter.edges(edges, hop_colour(hop), 2.0);
    }
    let ringed = batch.nodes.iter().map(|&(node, hop)| (node as usize, hop_colour(hop).to_string()));
    painter.rings(ringed, radius + 3.0, 1.5, false);
}

/// A digit picture's side in the sheet, pixels.
const PICTURE_SIDE: f64 = 28.0;
/// Pictures per row of the sheet.
const SHEET_COLUMNS: usize = 40;
/// Half the side a digit is drawn at on the graph: 1,500 of them share 280 pixels, so a
/// cluster of one digit reads as a patch of that digit.
const PICTURE_HALF: f64 = 5.0;

/// The 28 × 28 grey pictures as dark ink on a transparent sheet, [`SHEET_COLUMNS`] a row.
fn picture_sheet(pictures: &[u8]) -> Option<HtmlCanvasElement> {
    use wasm_bindgen::{Clamped, JsCast};
    const SIDE: usize = PICTURE_SIDE as usize;
    let count = pictures.len() / (SIDE * SIDE);
    let (width, height) = (SHEET_COLUMNS * SIDE, count.div_ceil(SHEET_COLUMNS).max(1) * SIDE);
    let mut rgba = vec![0u8; width * height * 4];
    for (i, picture) in pictures.chunks_exact(SIDE * SIDE).enumerate() {
        let (x0, y0) = ((i % SHEET_COLUMNS) * SIDE, (i / SHEET_COLUMNS) * SIDE);
        for (k, &ink) in picture.iter().enumerate() {
            let at = ((y0 + k / SIDE) * width + x0 + k % SIDE) * 4;
            rgba[at..at + 4].copy_from_slice(&[20, 20, 20, ink]);
        }
    }
    let sheet: HtmlCanvasElement =
        web_sys::window()?.document()?.create_element("canvas").ok()?.dyn_into().ok()?;
    sheet.set_width(width as u32);
    sheet.set_height(height as u32);
    let image =
        web_sys::ImageData::new_with_u8_clamped_array_and_sh(Clamped(&rgba), width as u32, height as u32)
            .ok()?;
    context(&sheet)?.put_image_data(&image, 0.0, 0.0).ok()?;
    Some(sheet)
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
            let best = top_class(&sample.probabilities);
            let p = sample.probabilities[best];
            ctx.set_fill_style_str(if best as u32 == sample.label { "#137333" } else { "#b3261e" });
            ctx.set_font("13px system-ui, sans-serif");
            let _ = ctx.fill_text(&format!("{best} ({:.0}%)", p * 100.0), x0 + 12.0, y0 + 92.0);
        }
    }
}
