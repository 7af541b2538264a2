//! Drawing a graph of any size for the explorer: the whole graph with pan and zoom (click a node
//! to make it a root), sampled nodes coloured by the hop that reached them up to the hop being
//! shown, sampled edges highlighted, the roots' receptive field as a halo; and the extracted
//! subgraph on its own. Drawing batches by colour (one path per colour, one for all edges), so
//! Cora's 2,708 nodes and 5,278 edges draw in a few milliseconds.

use std::rc::Rc;

use nsl::graph::layout::{LayoutConfig, force_layout};
use wasm_bindgen::JsCast;
use web_sys::{CanvasRenderingContext2d, HtmlCanvasElement};
use yew::prelude::*;

use super::graph_paint::{GraphPainter, Shape};

use super::palette::{DASHES, class_css, edge_css, hop_colour, set_css};
use super::raster::{canvas_point, context};
use crate::graph_view::{View, node_at};
use crate::protocol::{OpenedGraph, SampleView};

/// Props of [`GraphViewer`].
#[derive(Debug, Properties, PartialEq)]
pub struct GraphViewerProps {
    /// The graph.
    pub graph: Rc<OpenedGraph>,
    /// Roots.
    pub seeds: Vec<u32>,
    /// The sampled subgraphs.
    pub sample: Option<Rc<SampleView>>,
    /// Sampled hops shown (0: roots only).
    pub hop: u32,
    /// Hop distance of each node within the roots' receptive field (empty: not shown).
    pub field: Rc<Vec<Option<u32>>>,
    /// A node was clicked.
    pub on_node: Callback<u32>,
}

const WIDTH: f64 = 640.0;
const HEIGHT: f64 = 480.0;

/// The explorer's graph canvas.
#[function_component(GraphViewer)]
pub fn graph_viewer(props: &GraphViewerProps) -> Html {
    let canvas = use_node_ref();
    let view = use_state(|| View::fit(WIDTH, HEIGHT));
    let drag = use_state(|| None::<((f64, f64), (f64, f64))>);
    {
        let canvas = canvas.clone();
        let deps = (
            props.graph.clone(),
            props.seeds.clone(),
            props.sample.clone(),
            props.hop,
            props.field.clone(),
            *view,
        );
        use_effect_with(deps, move |(graph, seeds, sample, hop, field, view)| {
            if let Some(canvas) = canvas.cast::<HtmlCanvasElement>()
                && let Some(ctx) = context(&canvas)
            {
                let started = now();
                draw_graph(&ctx, graph, seeds, sample.as_deref(), *hop, field, view);
                // What the browser test reads to measure drawing time per frame.
                let draws =
                    canvas.get_attribute("data-draws").and_then(|d| d.parse::<u64>().ok()).unwrap_or(0);
                let _ = canvas.set_attribute("data-draws", &(draws + 1).to_string());
                let _ = canvas.set_attribute("data-draw-ms", &format!("{:.2}", now() - started));
            }
        });
    }
    let onpointerdown = {
        let drag = drag.clone();
        Callback::from(move |e: PointerEvent| {
            if let Some(target) = e.target().and_then(|t| t.dyn_into::<web_sys::Element>().ok()) {
                let _ = target.set_pointer_capture(e.pointer_id());
            }
            let s = canvas_point(&e);
            drag.set(Some((s, s)));
        })
    };
    let onpointermove = {
        let (drag, view) = (drag.clone(), view.clone());
        Callback::from(move |e: PointerEvent| {
            if let Some((start, last)) = *drag {
                let s = canvas_point(&e);
                view.set(view.panned(s.0 - last.0, s.1 - last.1));
                drag.set(Some((start, s)));
            }
        })
    };
    let onpointerup = {
        let (drag, view, graph, on_node) =
            (drag.clone(), view.clone(), props.graph.clone(), props.on_node.clone());
        Callback::from(move |e: PointerEvent| {
            let s = canvas_point(&e);
            if let Some((start, _)) = *drag
                && (s.0 - start.0).hypot(s.1 - start.1) < 3.0
                && let Some(node) = node_at(&graph.positions, &view, s, 8.0)
            {
                on_node.emit(node as u32);
            }
            drag.set(None);
        })
    };
    let onwheel = {
        let view = view.clone();
        Callback::from(move |e: WheelEvent| {
            e.prevent_default();
            view.set(view.zoomed_at(canvas_point(&e), (-e.delta_y() * 0.0015).exp()));
        })
    };
    html! {
        <div class="viewer">
            <canvas ref={canvas} id="graph-viewer" width={WIDTH.to_string()} height={HEIGHT.to_string()} role="img"
                aria-label="The graph: drag to pan, wheel to zoom, click a node to make it a root (or not)"
                {onpointerdown} {onpointermove} {onpointerup} {onwheel} />
            <div class="row">
                <button id="viewer-fit" onclick={{ let view = view.clone(); Callback::from(move |_: MouseEvent| view.set(View::fit(WIDTH, HEIGHT))) }}>{ "Fit" }</button>
                <span class="muted">{ "Drag to pan, wheel to zoom, click nodes to pick roots." }</span>
            </div>
        </div>
    }
}

fn now() -> f64 {
    web_sys::window().and_then(|w| w.performance()).map_or(0.0, |p| p.now())
}

/// Sampled edges (`[source, target, op]`) with the hop that sampled them (1 for the ops that
/// expand the roots).
type HopEdges = Vec<([u32; 3], u32)>;

/// The hop at which each node was sampled (over all roots; `None`: not sampled), and the
/// sampled edges, up to hop `shown`.
fn sampled_up_to(nodes: usize, sample: Option<&SampleView>, shown: u32) -> (Vec<Option<u32>>, HopEdges) {
    let mut hops = vec![None; nodes];
    let mut edges = Vec::new();
    for sub in sample.map(|s| s.subgraphs.as_slice()).unwrap_or_default() {
        for (&node, &hop) in sub.nodes.iter().zip(&sub.hops) {
            if hop <= shown && (node as usize) < nodes {
                let slot = &mut hops[node as usize];
                *slot = Some(slot.map_or(hop, |h: u32| h.min(hop)));
            }
        }
        let sample = sample.expect("iterating its subgraphs");
        edges.extend(
            sub.edges
                .iter()
                .filter(|e| sample.hop_of(e) <= shown)
                .map(|e| ([e[0], e[1], e[2]], sample.hop_of(e))),
        );
    }
    (hops, edges)
}

fn draw_graph(
    ctx: &CanvasRenderingContext2d,
    graph: &OpenedGraph,
    seeds: &[u32],
    sample: Option<&SampleView>,
    shown: u32,
    field: &[Option<u32>],
    view: &View,
) {
    ctx.set_fill_style_str("#fff");
    ctx.fill_rect(0.0, 0.0, WIDTH, HEIGHT);
    let screen: Vec<(f64, f64)> = graph.positions.iter().map(|&p| view.to_screen(p)).collect();
    let painter = GraphPainter::new(ctx, &screen, WIDTH, HEIGHT);
    let small = graph.nodes > 500;
    let radius = if small { 2.5 * view.zoom.sqrt() } else { 6.0 };
    // Receptive field: a halo under every node a k-layer GNN at the roots sees.
    let halo = "rgba(26,115,232,0.12)";
    painter.discs(
        field.iter().enumerate().filter(|(_, f)| f.is_some()).map(|(i, _)| (i, halo.to_string())),
        radius + 5.0,
    );
    let (hops, sampled_edges) = sampled_up_to(graph.nodes, sample, shown);
    let any_sample = sample.is_some();
    // Nodes: by hop when sampled, else by class (faded), else grey (a heterogeneous graph's
    // other node sets: their set's colour).
    let colour = |i: usize, set: Option<usize>| match (hops[i], graph.labels[i]) {
        (Some(h), _) => hop_colour(h).to_string(),
        (None, _) if any_sample => "rgba(150,150,150,0.5)".to_string(),
        (None, Some(c)) => class_css(c as usize, 0.75),
        (None, None) => set.map_or_else(|| "rgb(170,170,170)".to_string(), |s| set_css(s, 0.7)),
    };
    match &graph.typed {
        None => {
            let edge_colour = if small { "rgba(60,64,67,0.18)" } else { "rgba(60,64,67,0.45)" };
            painter.edges(graph.edges.iter().map(|e| (e[0], e[1])), edge_colour, 1.0);
            for hop in 1..=shown {
                let edges = sampled_edges.iter().filter(|e| e.1 == hop).map(|&([a, b, _], _)| (a, b));
                painter.edges(edges, hop_colour(hop), 2.5);
            }
            painter.discs((0..graph.nodes).map(|i| (i, colour(i, None))), radius);
        }
        Some(typed) => {
            // Each edge set in its own style, faint; sampled edges in their edge set's colour.
            for (k, set) in typed.edge_sets.iter().enumerate() {
                let alpha = if any_sample { 0.08 } else { 0.22 };
                painter.styled_edges(
                    set.edges.iter().map(|&[a, b]| (a, b)),
                    &edge_css(k, alpha),
                    1.0,
                    DASHES[k % DASHES.len()],
                );
            }
            if let Some(sample) = sample {
                for (k, set) in typed.edge_sets.iter().enumerate() {
                    let edges = sampled_edges
                        .iter()
                        .filter(|(e, _)| sample.op_edge_sets.get(e[2] as usize) == Some(&set.name))
                        .map(|&([a, b, _], _)| (a, b));
                    painter.edges(edges, &edge_css(k, 0.95), 2.5);
                }
            }
            for (k, set) in typed.node_sets.iter().enumerate() {
                let first = typed.offset(k);
                let nodes = (first..first + set.size).map(|i| (i, colour(i, Some(k))));
                painter.shapes(nodes, Shape::of_set(k, typed.labeled), radius);
            }
        }
    }
    // Roots: a black ring.
    let roots =
        seeds.iter().filter(|&&s| (s as usize) < graph.nodes).map(|&s| (s as usize, "#202124".to_string()));
    painter.rings(roots, radius + 3.0, 2.0, false);
}

/// Props of [`SubgraphView`].
#[derive(Debug, Properties, PartialEq)]
pub struct SubgraphProps {
    /// The sampled subgraphs.
    pub sample: Rc<SampleView>,
    /// Sampled hops shown.
    pub hop: u32,
    /// A heterogeneous graph's edge sets, in order: sampled edges take their edge set's colour
    /// (empty: their hop's).
    #[prop_or_default]
    pub edge_sets: Rc<Vec<String>>,
}

const SUB: f64 = 300.0;

/// The extracted subgraph (all roots' samples together), laid out on its own.
#[function_component(SubgraphView)]
pub fn subgraph_view(props: &SubgraphProps) -> Html {
    let canvas = use_node_ref();
    // Layout once per sample: every sampled node, so that nodes keep their place as hops appear.
    let layout = use_memo(props.sample.clone(), |sample| {
        let mut nodes: Vec<u32> = sample.subgraphs.iter().flat_map(|s| s.nodes.iter().copied()).collect();
        nodes.sort_unstable();
        nodes.dedup();
        let index = |v: u32| nodes.binary_search(&v).unwrap_or(0) as u32;
        let edges: Vec<[u32; 2]> = sample
            .subgraphs
            .iter()
            .flat_map(|s| s.edges.iter().map(|e| [index(e[0]), index(e[1])]))
            .collect();
        let positions =
            force_layout(nodes.len(), &edges, &LayoutConfig { iterations: 200, ..LayoutConfig::default() });
        (nodes, positions)
    });
    {
        let canvas = canvas.clone();
        let deps = (props.sample.clone(), props.hop, layout.clone(), props.edge_sets.clone());
        use_effect_with(deps, move |(sample, hop, layout, edge_sets)| {
            if let Some(canvas) = canvas.cast::<HtmlCanvasElement>()
                && let Some(ctx) = context(&canvas)
            {
                let (nodes, positions) = &**layout;
                let view = View::fit(SUB, SUB);
                let screen: Vec<(f64, f64)> = positions.iter().map(|&p| view.to_screen(p)).collect();
                let painter = GraphPainter::new(&ctx, &screen, SUB, SUB);
                let index = |v: u32| nodes.binary_search(&v).ok().map(|i| i as u32);
                ctx.set_fill_style_str("#fff");
                ctx.fill_rect(0.0, 0.0, SUB, SUB);
                // Edges by hop, or on a heterogeneous graph by edge set.
                let colour = |e: &[u32; 3]| {
                    let edge_set = sample.op_edge_sets.get(e[2] as usize);
                    match edge_set.and_then(|name| edge_sets.iter().position(|n| n == name)) {
                        Some(k) => edge_css(k, 0.95),
                        None => hop_colour(sample.hop_of(e)).to_string(),
                    }
                };
                let mut by_colour: std::collections::BTreeMap<String, Vec<(u32, u32)>> = Default::default();
                for e in sample
                    .subgraphs
                    .iter()
                    .flat_map(|sub| sub.edges.iter())
                    .filter(|e| sample.hop_of(e) <= *hop)
                {
                    if let (Some(a), Some(b)) = (index(e[0]), index(e[1])) {
                        by_colour.entry(colour(e)).or_default().push((a, b));
                    }
                }
                for (colour, edges) in by_colour {
                    painter.edges(edges, &colour, 1.5);
                }
                for (h, radius) in (0..=*hop).map(|h| (h, if h == 0 { 7.0 } else { 4.5 })) {
                    let reached = sample.subgraphs.iter().flat_map(|sub| sub.nodes.iter().zip(&sub.hops));
                    let reached = reached.filter(|(_, nh)| **nh == h).filter_map(|(&v, _)| index(v));
                    painter.discs(reached.map(|i| (i as usize, hop_colour(h).to_string())), radius);
                }
            }
        });
    }
    html! {
        <canvas ref={canvas} id="subgraph-view" width={SUB.to_string()} height={SUB.to_string()} role="img"
            aria-label="The extracted subgraph, nodes coloured by the hop that reached them" />
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::protocol::SampledView;

    #[test]
    fn hops_and_edges_appear_hop_by_hop() {
        let sample = SampleView {
            subgraphs: vec![
                SampledView {
                    seed: 0,
                    nodes: vec![0, 1, 2],
                    hops: vec![0, 1, 2],
                    edges: vec![[0, 1, 0], [1, 2, 1]],
                },
                SampledView { seed: 2, nodes: vec![2, 1], hops: vec![0, 1], edges: vec![[2, 1, 0]] },
            ],
            op_hops: vec![1, 2],
            op_edge_sets: vec!["edges".into(); 2],
        };
        let (hops, edges) = sampled_up_to(4, Some(&sample), 0);
        assert_eq!((hops, edges.len()), (vec![Some(0), None, Some(0), None], 0));
        let (hops, edges) = sampled_up_to(4, Some(&sample), 1);
        assert_eq!(hops, vec![Some(0), Some(1), Some(0), None], "the nearest root's hop wins");
        assert_eq!(edges, vec![([0, 1, 0], 1), ([2, 1, 0], 1)]);
        assert_eq!(sampled_up_to(4, Some(&sample), 2).1.len(), 3);
        assert_eq!(hop_colour(9), hop_colour(4));
    }
}
