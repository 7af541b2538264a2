//! The node inspector: graph regularization made visible for one node. Which neighbors enter
//! its graph term (the top `max_neighbors` by weight, as `pack_nbrs` picks them), each one's
//! weighted distance term now and as training goes (a chart), every model's prediction for it;
//! for GNNs the views also show the attribution of its prediction to every node (heat) and a
//! GAT's attention as edge width.

use nsl::session::inspect::NodeInspection;
use plotters::prelude::*;
use plotters_canvas::CanvasBackend;
use web_sys::HtmlCanvasElement;
use yew::prelude::*;

use super::layer_step::LayerStepper;
use super::palette::class_rgb;
use super::plot_frame::{Axes, Corner, Entry, draw_legend, pixels};
use super::raster::context;
use crate::protocol::{DataInfo, DataView, Variant};
use crate::shared::Shared;

/// Props of [`NodeInspector`].
#[derive(Debug, Properties, PartialEq)]
pub struct NodeInspectorProps {
    /// The data (labels, which nodes train).
    pub info: Shared<DataInfo>,
    /// The inspected node.
    pub node: Option<u32>,
    /// What each model showed of it.
    pub inspection: Shared<Vec<(Variant, NodeInspection)>>,
    /// The regularized model's terms over training.
    pub history: Shared<Vec<(usize, Vec<f32>)>>,
    /// Each model's predicted class and confidence for the node.
    pub predictions: Vec<(Variant, u32, f32)>,
    /// Name of the regularized model.
    pub variant_name: AttrValue,
    /// What the base model is called.
    #[prop_or(AttrValue::Static("base model"))]
    pub base_name: AttrValue,
    /// Pick a node (or none).
    pub on_node: Callback<Option<u32>>,
}

/// The inspector card.
#[function_component(NodeInspector)]
pub fn node_inspector(props: &NodeInspectorProps) -> Html {
    let canvas = use_node_ref();
    let regularized = props.inspection.iter().find(|(v, _)| *v == Variant::Regularized).map(|(_, i)| i);
    let neighbors: Vec<usize> =
        regularized.map(|i| i.neighbors.iter().map(|n| n.node).collect()).unwrap_or_default();
    {
        let canvas = canvas.clone();
        use_effect_with((props.history.clone(), neighbors.clone()), move |(history, neighbors)| {
            if let Some(canvas) = canvas.cast::<HtmlCanvasElement>()
                && !history.is_empty()
                && let Err(e) = draw_terms(canvas, history, neighbors)
            {
                web_sys::console::warn_1(&format!("inspector chart: {e}").into());
            }
        });
    }
    // Uncontrolled, as the knobs' number fields are: set only when the inspected node changes.
    let field = use_node_ref();
    {
        let field = field.clone();
        use_effect_with(props.node, move |node| {
            if let Some(input) = field.cast::<web_sys::HtmlInputElement>() {
                input.set_value(&node.map(|n| n.to_string()).unwrap_or_default());
            }
        });
    }
    let DataView::Graph { labels, train, .. } = &props.info.view else { return Html::default() };
    let nodes = labels.len();
    let on_number = {
        let on_node = props.on_node.clone();
        Callback::from(move |e: Event| {
            let input: web_sys::HtmlInputElement = e.target_unchecked_into();
            match input.value().trim().parse::<u32>() {
                Ok(n) if (n as usize) < nodes => on_node.emit(Some(n)),
                _ => on_node.emit(None),
            }
        })
    };
    let class_name =
        |c: u32| props.info.class_names.get(c as usize).cloned().unwrap_or_else(|| format!("class {c}"));
    let model_name = |v: Variant| match v {
        Variant::Base => props.base_name.to_string(),
        Variant::Regularized => format!("{} model", props.variant_name),
    };
    html! {
        <section class="card inspector" aria-labelledby="inspector-title">
            <h2 id="inspector-title">{ "Inspect a node" }</h2>
            <div class="row">
                <label for="inspect-node">{ "Node (or click one in a graph view)" }</label>
                <input type="number" ref={field} id="inspect-node" min="0" max={nodes.saturating_sub(1).to_string()}
                    onchange={on_number} />
            </div>
            if let Some(node) = props.node.filter(|&n| (n as usize) < nodes) {
                <p id="inspect-summary" data-node={node.to_string()}>
                    <strong>{ format!("Node {node}") }</strong>
                    { format!(": {}; ", match (labels[node as usize], train[node as usize]) {
                        (Some(c), true) => format!("labeled {} for training", class_name(c)),
                        (Some(c), false) => format!("class {} (not given to training)", class_name(c)),
                        (None, _) => "unlabeled".to_string(),
                    }) }
                    { for props.predictions.iter().map(|(v, c, p)| html! { <span>{ format!("{} predicts {} ({:.0}%). ", model_name(*v), class_name(*c), p * 100.0) }</span> }) }
                </p>
                { match regularized {
                    Some(i) if !i.neighbors.is_empty() => html! {
                        <>
                            <p class="muted">{ format!("Its graph-regularization term: the {} heaviest neighbors, each adding weight × distance between the two nodes' outputs (green edges in the views). Graph regularization lowers these terms: the neighbors' predictions are pulled to agree.", i.neighbors.len()) }</p>
                            <table id="inspect-neighbors">
                                <thead><tr><th scope="col">{ "neighbor" }</th><th scope="col">{ "weight" }</th><th scope="col">{ "w · distance now" }</th></tr></thead>
                                <tbody>
                                    { for i.neighbors.iter().map(|n| html! {
                                        <tr data-node={n.node.to_string()} data-term={format!("{:.6}", n.term)}>
                                            <th scope="row">{ n.node }</th><td>{ format!("{:.3}", n.weight) }</td><td>{ format!("{:.4}", n.term) }</td>
                                        </tr>
                                    }) }
                                </tbody>
                            </table>
                            <canvas ref={canvas.clone()} id="inspect-chart" width="420" height="180" role="img"
                                aria-label="Each neighbor's weighted distance term over training steps" />
                        </>
                    },
                    _ => html! { <p class="muted" id="inspect-no-term">{ "No graph-regularization term: only nodes labeled for training carry one, and only while graph regularization is on." }</p> },
                } }
                if props.inspection.iter().any(|(_, i)| i.heat.is_some()) {
                    <p class="muted">{ "The views show, for the GNN, which nodes' features its prediction for this node rests on (integrated gradients: red raises the top class's score, blue lowers it; halo size is the share)." }
                        { if props.inspection.iter().any(|(_, i)| i.attention.is_some()) { " Edge width is the attention the GAT's last layer pays along each edge." } else { "" } }</p>
                }
                if let Some(i) = regularized.filter(|i| !i.layers.is_empty()) {
                    <LayerStepper layers={i.layers.clone()} />
                }
            }
        </section>
    }
}

fn draw_terms(
    canvas: HtmlCanvasElement,
    history: &[(usize, Vec<f32>)],
    neighbors: &[usize],
) -> Result<(), String> {
    let ctx = context(&canvas).ok_or("no 2D context")?;
    let backend = CanvasBackend::with_canvas_object(canvas).ok_or("no 2D context")?;
    let root = backend.into_drawing_area();
    root.fill(&WHITE).map_err(|e| e.to_string())?;
    let x_min = history.first().map_or(0, |h| h.0) as f64;
    let x_max = (history.last().map_or(1, |h| h.0) as f64).max(x_min + 1.0);
    let y_max =
        history.iter().flat_map(|h| h.1.iter().copied()).filter(|v| v.is_finite()).fold(1e-6_f32, f32::max)
            as f64
            * 1.05;
    let mut chart = ChartBuilder::on(&root)
        .margin(6)
        .margin_top(16)
        .margin_left(50)
        .margin_bottom(26)
        .build_cartesian_2d(x_min..x_max, 0.0..y_max)
        .map_err(|e| e.to_string())?;
    let axes = Axes::new((x_min, x_max), (0.0, y_max), "step", "w · distance");
    let at = pixels(chart.plotting_area());
    axes.draw_grid(&ctx, &at);
    let mut entries = Vec::new();
    for (k, node) in neighbors.iter().enumerate() {
        let [r, g, b] = class_rgb(k);
        let line: Vec<(f64, f64)> =
            history.iter().filter_map(|(s, t)| t.get(k).map(|v| (*s as f64, f64::from(*v)))).collect();
        chart
            .draw_series(LineSeries::new(line, RGBColor(r, g, b).stroke_width(2)))
            .map_err(|e| e.to_string())?;
        entries.push(Entry {
            name: format!("node {node}"),
            colour: format!("rgb({r},{g},{b})"),
            dashed: false,
        });
    }
    root.present().map_err(|e| e.to_string())?;
    axes.draw_labels(&ctx, &at);
    // A legend of more than a few lines would cover the curves: the table names the colours' order.
    if neighbors.len() <= 6 {
        draw_legend(&ctx, &axes, &at, Corner::TopLeft, &entries);
    }
    Ok(())
}
