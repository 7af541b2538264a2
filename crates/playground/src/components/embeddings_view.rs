//! A GNN's node embeddings layer by layer: every node's state after each layer, projected on its
//! two leading principal components and coloured by its true class, moving as training goes —
//! the classes pulling apart layer by layer is what message passing does.

use nsl::session::LayerEmbedding;
use web_sys::HtmlCanvasElement;
use yew::prelude::*;

use super::palette::class_css;
use super::raster::context;
use crate::protocol::{DataInfo, DataView};
use crate::shared::Shared;

/// Props of [`EmbeddingsView`].
#[derive(Debug, Properties, PartialEq)]
pub struct EmbeddingsViewProps {
    /// Each layer's embeddings, as the latest snapshot that carried them had them.
    pub layers: Shared<Vec<LayerEmbedding>>,
    /// The graph (labels, training nodes).
    pub info: Shared<DataInfo>,
    /// The inspected node, ringed.
    #[prop_or_default]
    pub node: Option<u32>,
}

const SIZE: u32 = 220;

/// The panel.
#[function_component(EmbeddingsView)]
pub fn embeddings_view(props: &EmbeddingsViewProps) -> Html {
    let layers = &*props.layers;
    let last = layers.len().saturating_sub(1);
    html! {
        <section class="card embeddings" aria-labelledby="embeddings-title">
            <h2 id="embeddings-title">{ "Inside the model: node embeddings, layer by layer" }</h2>
            <p class="hint">{ "Every node's state after each layer, on its two main directions (PCA), in its true class's colour; training nodes ringed. Each layer mixes a node's state with its neighbors': watch the classes pull apart as the model learns." }</p>
            <div class="embedding-layers">
                { for (0..layers.len()).map(|l| html! {
                    <figure>
                        <LayerScatter layers={props.layers.clone()} info={props.info.clone()} layer={l} node={props.node} />
                        <figcaption>{ if l == last {
                            format!("Layer {} (output, {} wide)", l + 1, layers[l].width)
                        } else {
                            format!("Layer {} ({} wide)", l + 1, layers[l].width)
                        } }</figcaption>
                    </figure>
                }) }
            </div>
        </section>
    }
}

#[derive(Debug, Properties, PartialEq)]
struct LayerScatterProps {
    layers: Shared<Vec<LayerEmbedding>>,
    info: Shared<DataInfo>,
    layer: usize,
    node: Option<u32>,
}

/// One layer's scatter.
#[function_component(LayerScatter)]
fn layer_scatter(props: &LayerScatterProps) -> Html {
    let canvas = use_node_ref();
    {
        let canvas = canvas.clone();
        use_effect_with(
            (props.layers.clone(), props.info.clone(), props.layer, props.node),
            move |(layers, info, layer, node)| {
                let Some(canvas) = canvas.cast::<HtmlCanvasElement>() else {
                    return;
                };
                let (Some(ctx), Some(points), DataView::Graph { labels, train, .. }) =
                    (context(&canvas), layers.get(*layer).map(|l| &l.points), &info.view)
                else {
                    return;
                };
                let size = f64::from(SIZE);
                ctx.clear_rect(0.0, 0.0, size, size);
                let bounds = |axis: usize| {
                    let (lo, hi) = points
                        .iter()
                        .fold((f32::MAX, f32::MIN), |(lo, hi), p| (lo.min(p[axis]), hi.max(p[axis])));
                    (lo, (hi - lo).max(1e-6))
                };
                let ((x0, xs), (y0, ys)) = (bounds(0), bounds(1));
                let at = |p: &[f32; 2]| {
                    (
                        8.0 + f64::from((p[0] - x0) / xs) * (size - 16.0),
                        size - 8.0 - f64::from((p[1] - y0) / ys) * (size - 16.0),
                    )
                };
                for (i, p) in points.iter().enumerate() {
                    let (x, y) = at(p);
                    ctx.begin_path();
                    let _ = ctx.arc(x, y, 2.5, 0.0, std::f64::consts::TAU);
                    let colour = labels
                        .get(i)
                        .copied()
                        .flatten()
                        .map_or("rgba(90,90,90,0.5)".to_string(), |c| class_css(c as usize, 0.75));
                    ctx.set_fill_style_str(&colour);
                    ctx.fill();
                    if train.get(i).copied().unwrap_or(false) {
                        ctx.set_stroke_style_str("black");
                        ctx.set_line_width(1.2);
                        ctx.stroke();
                    }
                }
                if let Some(p) = node.and_then(|n| points.get(n as usize)) {
                    let (x, y) = at(p);
                    ctx.begin_path();
                    let _ = ctx.arc(x, y, 7.0, 0.0, std::f64::consts::TAU);
                    ctx.set_stroke_style_str("black");
                    ctx.set_line_width(2.5);
                    ctx.stroke();
                }
            },
        );
    }
    html! {
        <canvas ref={canvas} id={format!("embedding-layer-{}", props.layer + 1)} width={SIZE.to_string()} height={SIZE.to_string()}
            role="img" aria-label={format!("Node embeddings after layer {}, coloured by class", props.layer + 1)} />
    }
}
