//! Graph classification on screen: every test graph of the set as a small drawing in a grid,
//! its nodes in the colour of the class the model predicts for the whole graph (faded when
//! unsure), framed red when the prediction is wrong; the misclassified first on demand; and the
//! read-out explained (how the node states pool into the graph's context vector).

use std::rc::Rc;

use nsl::config::tfgnn::{
    AttentionType, Combine, HeteroModel, MtAlbisConfig, NextStateType, Normalization, ReduceType, Reducer,
};
use nsl::session::{GraphPredictions, Progress};
use nsl::spec::{ExperimentSpec, ModelSpec, TaskSpec};
use web_sys::HtmlCanvasElement;
use yew::prelude::*;

use super::graph_paint::GraphPainter;
use super::knob::{Choice, Knob, Toggle};
use super::palette::class_css;
use super::raster::context;
use crate::edit::{Edit, HeteroTemplate, MtAlbisEdit};
use crate::protocol::SmallGraph;
use crate::shared::Shared;

/// Graphs in a row of the grid.
const COLUMNS: usize = 12;
/// A cell's side, pixels.
const CELL: f64 = 52.0;

/// Props of [`GraphGrid`].
#[derive(Debug, Properties, PartialEq)]
pub struct GraphGridProps {
    /// The test graphs.
    pub graphs: Rc<[SmallGraph]>,
    /// Class names.
    pub class_names: Vec<String>,
    /// The latest snapshot (its graph predictions).
    pub progress: Option<Shared<Progress>>,
    /// The setup (its model and read-out, explained).
    pub spec: Shared<ExperimentSpec>,
}

/// The order the cells are drawn in: as the set lists them, or the misclassified first.
fn order(graphs: &[SmallGraph], predictions: Option<&GraphPredictions>, wrong_first: bool) -> Vec<usize> {
    let mut order: Vec<usize> = (0..graphs.len()).collect();
    if let (true, Some(p)) = (wrong_first, predictions) {
        // Stable: within the wrong and the right ones, the set's order.
        order.sort_by_key(|&g| p.classes.get(g).is_some_and(|&c| c == graphs[g].label));
    }
    order
}

/// The test graphs coloured by prediction, the misclassified framed, and the read-out.
#[function_component(GraphGrid)]
pub fn graph_grid(props: &GraphGridProps) -> Html {
    let canvas = use_node_ref();
    let wrong_first = use_state(|| false);
    let predictions = props.progress.as_ref().and_then(|p| p.graphs.clone());
    {
        let canvas = canvas.clone();
        let deps = (props.graphs.clone(), predictions.clone(), *wrong_first);
        use_effect_with(deps, move |(graphs, predictions, wrong_first)| {
            if let Some(canvas) = canvas.cast::<HtmlCanvasElement>() {
                draw(&canvas, graphs, predictions.as_ref(), *wrong_first);
            }
        });
    }
    let rows = props.graphs.len().div_ceil(COLUMNS);
    let wrong = predictions
        .as_ref()
        .map(|p| props.graphs.iter().zip(&p.classes).filter(|(g, c)| g.label != **c).count());
    let legend = props.class_names.iter().enumerate().map(|(c, name)| {
        html! {
            <span><i class={format!("class-{c}")}></i>{ name.clone() }</span>
        }
    });
    html! {
        <section class="card graph-grid" id="graph-grid" aria-labelledby="graph-grid-title">
            <h2 id="graph-grid-title">{ "The test graphs, each classified as a whole" }</h2>
            <p class="legend">{ "Nodes in the colour of the predicted class (faded when unsure), framed red when wrong:" }{ for legend }</p>
            <Toggle id="wrong-first" label="Misclassified graphs first" checked={*wrong_first}
                on_change={let wrong_first = wrong_first.clone(); Callback::from(move |on| wrong_first.set(on))} />
            <canvas ref={canvas} id="graph-grid-canvas" width={(COLUMNS as f64 * CELL).to_string()}
                height={(rows as f64 * CELL).to_string()} role="img" data-wrong={wrong.map(|w| w.to_string())}
                aria-label={format!("{} test graphs{}", props.graphs.len(),
                    wrong.map_or(String::new(), |w| format!(", {w} misclassified")))} />
            { readout(&props.spec, props.class_names.len()) }
        </section>
    }
}

/// What the model does with a graph, in words: rounds of message passing, then the pooling of
/// the node states into the context vector, then a dense layer to the classes.
fn readout(spec: &ExperimentSpec, classes: usize) -> Html {
    let ModelSpec::Hetero { encoder, readout, .. } = &spec.model else { return Html::default() };
    let model = match &encoder.model {
        HeteroModel::MtAlbis(_) => {
            "MtAlbis layers (attention over each node's neighbors, then a dense next state)"
        }
        HeteroModel::Gcn { .. } => "GCN layers",
        HeteroModel::Mlp => "dense layers that read each node alone (no messages: a baseline)",
    };
    let pooled = readout.reducers().len() * encoder.hidden;
    html! {
        <div class="readout" id="graph-readout">
            <h3>{ "The read-out: from nodes to one vector per graph" }</h3>
            <p>{ format!(
                "{} rounds of {model} give every node a state of {} numbers. The read-out pools the states of all \
                 of a graph's nodes — {} — into the graph's context vector ({pooled} numbers), whatever its size; \
                 a dense layer maps that vector to the {} classes. A motif is found only if its nodes' states, \
                 after the rounds, say it: with no messages the pooled vector cannot tell a cycle from a path.",
                encoder.rounds, encoder.hidden, reducer_words(readout), classes
            ) }</p>
        </div>
    }
}

fn reducer_words(readout: &ReduceType) -> String {
    readout.reducers().iter().map(|r| format!("{r:?}").to_lowercase()).collect::<Vec<_>>().join(" and ")
}

fn draw(
    canvas: &HtmlCanvasElement,
    graphs: &[SmallGraph],
    predictions: Option<&GraphPredictions>,
    wrong_first: bool,
) {
    let Some(ctx) = context(canvas) else { return };
    let (width, height) = (f64::from(canvas.width()), f64::from(canvas.height()));
    ctx.clear_rect(0.0, 0.0, width, height);
    for (cell, &g) in order(graphs, predictions, wrong_first).iter().enumerate() {
        let graph = &graphs[g];
        let (x0, y0) = ((cell % COLUMNS) as f64 * CELL, (cell / COLUMNS) as f64 * CELL);
        let pad = 6.0;
        let screen: Vec<(f64, f64)> = graph
            .positions
            .iter()
            .map(|p| {
                (
                    x0 + pad + f64::from(p[0]) * (CELL - 2.0 * pad),
                    y0 + pad + f64::from(p[1]) * (CELL - 2.0 * pad),
                )
            })
            .collect();
        let painter = GraphPainter::new(&ctx, &screen, width, height);
        painter.edges(graph.edges.iter().map(|e| (e[0], e[1])), "rgba(90,90,90,0.5)", 0.8);
        let (colour, wrong) = match predictions {
            Some(p) if g < p.classes.len() => {
                (class_css(p.classes[g] as usize, 0.25 + 0.75 * p.confidence[g]), p.classes[g] != graph.label)
            }
            _ => ("rgb(190,190,190)".to_string(), false),
        };
        painter.discs((0..screen.len()).map(|i| (i, colour.clone())), 2.2);
        ctx.set_line_width(if wrong { 2.0 } else { 1.0 });
        ctx.set_stroke_style_str(if wrong { "#d93025" } else { "#dadce0" });
        ctx.stroke_rect(x0 + 1.0, y0 + 1.0, CELL - 2.0, CELL - 2.0);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_misclassified_come_first_in_the_sets_order() {
        let graph = |label| SmallGraph { positions: Vec::new(), edges: Vec::new(), label };
        let graphs = [graph(0), graph(1), graph(2), graph(0)];
        let p = GraphPredictions { classes: vec![0, 2, 2, 1], confidence: vec![1.0; 4] };
        assert_eq!(order(&graphs, Some(&p), true), vec![1, 3, 0, 2]);
        assert_eq!(order(&graphs, Some(&p), false), vec![0, 1, 2, 3]);
        assert_eq!(order(&graphs, None, true), vec![0, 1, 2, 3]);
    }
}

/// The read-outs a learner picks from, as TF-GNN names them.
const READOUTS: [(&str, &str); 4] = [
    ("sum", "sum of the node states"),
    ("mean", "mean of the node states"),
    ("max_no_inf", "maximum of the node states"),
    ("mean|sum", "mean and sum, side by side"),
];

/// Props of [`HeteroModelControls`].
#[derive(Debug, Properties, PartialEq)]
pub struct HeteroModelControlsProps {
    /// The setup.
    pub spec: Shared<ExperimentSpec>,
    /// Where edits go.
    pub on_edit: Callback<Edit>,
}

/// The model card of TF-GNN's model on a set of graphs: what the model is, and the read-out.
#[function_component(HeteroModelControls)]
pub fn hetero_model_controls(props: &HeteroModelControlsProps) -> Html {
    let ModelSpec::Hetero { encoder, readout, .. } = &props.spec.model else { return Html::default() };
    let model = match &encoder.model {
        HeteroModel::MtAlbis(mt) => format!(
            "MtAlbis, {} rounds of {} units (messages of {})",
            encoder.rounds, mt.units, mt.message_dim
        ),
        HeteroModel::Gcn { .. } => format!("GCN, {} rounds of {} units", encoder.rounds, encoder.hidden),
        HeteroModel::Mlp => {
            format!("MLP, {} dense layers of {} units (no messages)", encoder.rounds, encoder.hidden)
        }
    };
    let classifies_graphs = props.spec.task == TaskSpec::GraphClassification;
    let templates = HeteroTemplate::ALL
        .iter()
        .map(|&(t, label)| (AttrValue::from(format!("{t:?}")), AttrValue::from(label)))
        .collect::<Vec<_>>();
    let on_template = props.on_edit.reform(|key: String| {
        let template = HeteroTemplate::ALL.iter().map(|&(t, _)| t).find(|t| format!("{t:?}") == key);
        Edit::HeteroTemplate(template.unwrap_or(HeteroTemplate::MtAlbis))
    });
    let options =
        READOUTS.iter().map(|&(k, label)| (AttrValue::from(k), AttrValue::from(label))).collect::<Vec<_>>();
    let on_change = props.on_edit.reform(|key: String| {
        crate::edit::Edit::Readout(
            key.parse().unwrap_or_else(|_| ReduceType::one(nsl::config::tfgnn::Reducer::Sum)),
        )
    });
    html! {
        <>
            <p class="hint" id="hetero-model">{ format!("TF-GNN's model: {model}.") }</p>
            if !classifies_graphs {
                <Choice id="hetero-template" label="Template" options={templates}
                    selected={AttrValue::from(format!("{:?}", HeteroTemplate::of(&encoder.model)))} on_change={on_template} />
            }
            <Knob id="rounds" label="Rounds of message passing" value={encoder.rounds as f64} min={1.0} max={6.0} step={1.0} integer=true
                on_change={props.on_edit.reform(|v: f64| Edit::Rounds(v as usize))} />
            if let HeteroModel::MtAlbis(mt) = &encoder.model {
                { mtalbis_knobs(mt, &props.on_edit) }
            }
            if classifies_graphs {
                <Choice id="readout" label="Read-out (nodes → the graph's context)" options={options}
                    selected={AttrValue::from(readout.to_string())} on_change={on_change} />
            } else {
                { node_task_knobs(&props.spec, encoder, &props.on_edit) }
            }
        </>
    }
}

/// The node task's own knob: Deep Graph Infomax trained beside the classification.
fn node_task_knobs(
    spec: &ExperimentSpec,
    encoder: &nsl::config::tfgnn::HeteroEncoderConfig,
    on_edit: &Callback<Edit>,
) -> Html {
    let weight = spec.task.dgi_weight();
    let on_toggle = on_edit.reform(move |on: bool| Edit::Dgi(on.then_some(weight.unwrap_or(0.1))));
    html! {
        <fieldset class="dgi">
            <legend>{ "A task beside" }</legend>
            <Toggle id="dgi" label="Deep Graph Infomax beside the classification" checked={weight.is_some()} on_change={on_toggle} />
            if let Some(w) = weight {
                <Knob id="dgi-weight" label="DGI loss weight" value={w} min={0.01} max={2.0} step={0.01}
                    on_change={on_edit.reform(|v: f64| Edit::Dgi(Some(v)))} />
                <p class="hint">{ format!(
                    "DGI shuffles every node set's features between its nodes and trains a bilinear scorer to tell the {} states of the real graph from those of the shuffled one; no label is used. Its loss, times {w}, is added to the classification's.",
                    encoder.node_set) }</p>
            }
        </fieldset>
    }
}

/// A choice among `list`'s values, keyed by their serde names.
fn choice<T: serde::Serialize + serde::de::DeserializeOwned + Copy + PartialEq + 'static>(
    id: &'static str,
    label: &'static str,
    list: &[(T, &'static str)],
    selected: T,
    on_edit: &Callback<Edit>,
    make: fn(T) -> MtAlbisEdit,
) -> Html {
    let key =
        |v: T| serde_json::to_value(v).ok().and_then(|v| v.as_str().map(str::to_string)).unwrap_or_default();
    let options =
        list.iter().map(|&(v, l)| (AttrValue::from(key(v)), AttrValue::from(l))).collect::<Vec<_>>();
    let values: Vec<(String, T)> = list.iter().map(|&(v, _)| (key(v), v)).collect();
    let on_change = on_edit.reform(move |k: String| {
        let value = values.iter().find(|(key, _)| *key == k).map_or(selected, |(_, v)| *v);
        Edit::MtAlbis(make(value))
    });
    html! { <Choice id={id} label={label} options={options} selected={AttrValue::from(key(selected))} on_change={on_change} /> }
}

/// MtAlbis' knobs, as TF-GNN's `MtAlbisGraphUpdate` names them.
fn mtalbis_knobs(mt: &MtAlbisConfig, on_edit: &Callback<Edit>) -> Html {
    let reduce_options = READOUTS[..3]
        .iter()
        .map(|&(k, l)| {
            (AttrValue::from(k), AttrValue::from(l.replace(" of the node states", " of the messages")))
        })
        .collect::<Vec<_>>();
    let on_reduce = on_edit.reform(|key: String| {
        Edit::MtAlbis(MtAlbisEdit::Reduce(key.parse().unwrap_or_else(|_| ReduceType::one(Reducer::Mean))))
    });
    html! {
        <fieldset class="mtalbis-knobs">
            <legend>{ "MtAlbis" }</legend>
            <Knob id="mt-units" label="Units (node state width)" value={mt.units as f64} min={2.0} max={64.0} step={1.0} integer=true
                on_change={on_edit.reform(|v: f64| Edit::MtAlbis(MtAlbisEdit::Units(v as usize)))} />
            <Knob id="mt-message" label="Message size" value={mt.message_dim as f64} min={4.0} max={64.0} step={4.0} integer=true
                on_change={on_edit.reform(|v: f64| Edit::MtAlbis(MtAlbisEdit::MessageDim(v as usize)))} />
            { choice("mt-attention", "Attention", &ATTENTIONS, mt.attention_type, on_edit, MtAlbisEdit::Attention) }
            <Choice id="mt-reduce" label="Pooling of plain messages" options={reduce_options}
                selected={AttrValue::from(mt.simple_conv_reduce_type.to_string())} on_change={on_reduce} />
            { choice("mt-normalization", "Normalisation", &NORMALIZATIONS, mt.normalization_type, on_edit, MtAlbisEdit::Normalization) }
            { choice("mt-next-state", "Next state", &NEXT_STATES, mt.next_state_type, on_edit, MtAlbisEdit::NextState) }
            { choice("mt-combine", "Edge sets combined by", &COMBINES, mt.edge_set_combine_type, on_edit, MtAlbisEdit::Combine) }
            <Knob id="mt-state-dropout" label="State dropout" value={mt.state_dropout_rate} min={0.0} max={0.5} step={0.05}
                on_change={on_edit.reform(|v: f64| Edit::MtAlbis(MtAlbisEdit::StateDropout(v)))} />
            <Knob id="mt-edge-dropout" label="Edge dropout" value={mt.edge_dropout_rate} min={0.0} max={0.5} step={0.05}
                on_change={on_edit.reform(|v: f64| Edit::MtAlbis(MtAlbisEdit::EdgeDropout(v)))} />
        </fieldset>
    }
}

const ATTENTIONS: [(AttentionType, &str); 3] = [
    (AttentionType::None, "none (plain messages)"),
    (AttentionType::MultiHead, "multi-head (transformer)"),
    (AttentionType::GatV2, "GATv2"),
];
const NORMALIZATIONS: [(Normalization, &str); 3] =
    [(Normalization::None, "none"), (Normalization::Layer, "layer"), (Normalization::Batch, "batch")];
const NEXT_STATES: [(NextStateType, &str); 2] =
    [(NextStateType::Dense, "dense"), (NextStateType::Residual, "residual")];
const COMBINES: [(Combine, &str); 2] = [(Combine::Concat, "concatenation"), (Combine::Sum, "sum")];
