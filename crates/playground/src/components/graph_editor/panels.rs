//! The graph editor's panels: the selected node or edge, every node with its prediction, and
//! the shortcuts the help overlay lists.

use nsl::session::NodePredictions;
use nsl::spec::drawn::DrawnGraph;
use yew::prelude::*;

use super::props::GraphEditorProps;
use super::scene::Selection;
use crate::components::knob::{Choice, Knob, Toggle};
use crate::drawing::DrawingEdit;

pub(super) const SHORTCUTS: [(&str, &str); 16] = [
    ("Click empty space (or tap)", "add a node"),
    ("N", "add a node in the middle of the view"),
    ("[ / ]", "select the previous / next node"),
    ("Arrow keys on a selected node", "move it (Shift: further)"),
    ("C on a node, then C on another", "connect them"),
    ("Drag a node", "move it"),
    ("Shift + drag from a node to another", "connect them (or turn on Connect mode)"),
    ("Click a node or an edge", "select it"),
    ("1 – 9", "give the selected node that class (a training label)"),
    ("0 or U", "make the selected node unlabeled"),
    ("H", "hold the selected labeled node out of training (accuracy is measured on these)"),
    ("Delete or Backspace", "remove the selection"),
    ("Ctrl + Z / Ctrl + Y (or Ctrl + Shift + Z)", "undo / redo"),
    ("Wheel, + / −", "zoom"),
    ("Drag empty space, arrow keys (nothing selected)", "pan; F fits the drawing"),
    ("? / Escape", "show / hide this help"),
];

pub(super) fn selected_in(selection: Option<Selection>, drawing: &DrawnGraph) -> Option<Selection> {
    selection.filter(|s| match *s {
        Selection::Node(i) => i < drawing.nodes.len(),
        Selection::Edge(i) => i < drawing.edges.len(),
    })
}

/// Controls for the selected node (class, held out) or edge (weight).
pub(super) fn selected_panel(
    props: &GraphEditorProps,
    selected: Option<Selection>,
    selection: &UseStateHandle<Option<Selection>>,
) -> Html {
    let remove = |edit: DrawingEdit| {
        let (on_edit, selection) = (props.on_edit.clone(), selection.clone());
        Callback::from(move |_: MouseEvent| {
            on_edit.emit(edit.clone());
            selection.set(None);
        })
    };
    match selected {
        Some(Selection::Node(i)) => {
            let node = props.drawing.nodes[i];
            let mut options: Vec<(AttrValue, AttrValue)> = vec![("none".into(), "unlabeled".into())];
            options.extend(
                (0..props.drawing.classes)
                    .map(|c| (AttrValue::from(c.to_string()), AttrValue::from(format!("class {c}")))),
            );
            let on_class = props
                .on_edit
                .reform(move |key: String| DrawingEdit::SetClass { node: i, class: key.parse().ok() });
            html! {
                <div class="selection" id="graph-selection" data-node={i.to_string()}>
                    <strong>{ format!("Node {i}") }</strong>
                    <Choice id="node-class" label="Class" options={options}
                        selected={AttrValue::from(node.class.map_or("none".to_string(), |c| c.to_string()))} on_change={on_class} />
                    if node.class.is_some() {
                        <Toggle id="node-held-out" label="Held out (test node)" checked={node.held_out}
                            on_change={props.on_edit.reform(move |_| DrawingEdit::ToggleHeldOut(i))} />
                    }
                    <button id="node-delete" onclick={remove(DrawingEdit::DeleteNode(i))}>{ "Delete node" }</button>
                </div>
            }
        }
        Some(Selection::Edge(i)) => {
            let edge = props.drawing.edges[i];
            html! {
                <div class="selection" id="graph-selection" data-edge={i.to_string()}>
                    <strong>{ format!("Edge {}–{}", edge.a, edge.b) }</strong>
                    <Knob id="edge-weight" label="Weight" value={f64::from(edge.weight)} min={0.01} max={5.0} step={0.01}
                        on_change={props.on_edit.reform(move |w: f64| DrawingEdit::SetWeight { edge: i, weight: w as f32 })} />
                    <button id="edge-delete" onclick={remove(DrawingEdit::DeleteEdge(i))}>{ "Delete edge" }</button>
                </div>
            }
        }
        None => {
            html! { <p class="muted" id="graph-selection">{ "Click a node or an edge to select it." }</p> }
        }
    }
}

/// Every node with its label and the model's prediction (readable without the canvas).
pub(super) fn node_table(drawing: &DrawnGraph, predictions: Option<&NodePredictions>) -> Html {
    html! {
        <details class="node-table">
            <summary>{ "Nodes and predictions" }</summary>
            <table id="graph-nodes">
                <thead><tr><th scope="col">{ "node" }</th><th scope="col">{ "label" }</th><th scope="col">{ "predicted" }</th></tr></thead>
                <tbody>
                    { for drawing.nodes.iter().enumerate().map(|(i, n)| {
                        let role = match (n.class, n.held_out) { (None, _) => "unlabeled", (Some(_), false) => "train", (Some(_), true) => "test" };
                        let predicted = predictions.and_then(|p| Some((*p.classes.get(i)?, *p.confidence.get(i)?)));
                        html! {
                            <tr data-node={i.to_string()} data-role={role} data-label={n.class.map(|c| c.to_string()).unwrap_or_default()}
                                data-x={format!("{:.3}", n.x)} data-y={format!("{:.3}", n.y)}
                                data-predicted={predicted.map(|p| p.0.to_string()).unwrap_or_default()}>
                                <th scope="row">{ i }</th>
                                <td>{ n.class.map_or("—".to_string(), |c| format!("class {c} ({role})")) }</td>
                                <td>{ predicted.map_or("—".to_string(), |(c, p)| format!("class {c} ({:.0}%)", p * 100.0)) }</td>
                            </tr>
                        }
                    }) }
                </tbody>
            </table>
        </details>
    }
}
