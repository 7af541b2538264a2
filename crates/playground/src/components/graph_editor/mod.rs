//! The graph editor: draw the graph the models train on. Click empty space to add a node, drag a
//! node to move it, Shift-drag from a node to another (or use Connect mode) to join them, click a
//! node or edge to select it; keys 1–9 give the selected node a class, 0 takes it away, H holds
//! it out for testing, Delete removes the selection, Ctrl+Z / Ctrl+Y undo and redo, the wheel
//! zooms, dragging empty space pans, F fits, ? shows every shortcut. Without a mouse: N adds a
//! node, [ and ] select, arrow keys move the selected node, C on one node then C on another
//! connects them. Pointer events serve touch as well (tap, drag; Connect mode to join). Nodes
//! are filled with the model's live prediction (faded when unsure); the rim is the given class.

mod panels;
mod props;
mod scene;

use nsl::spec::drawn::{DrawnGraph, MAX_DRAWN_CLASSES, NodeFeatures};
use wasm_bindgen::JsCast;
use web_sys::{HtmlCanvasElement, HtmlTextAreaElement};
use yew::prelude::*;

use super::knob::{Choice, Knob};
use super::raster::{canvas_point, context};
use crate::drawing::{DrawingEdit, parse_rows};
use crate::graph_view::{View, edge_at, node_at};
use panels::{SHORTCUTS, node_table, selected_in, selected_panel};
pub use props::GraphEditorProps;
use scene::{Gesture, HEIGHT, RADIUS, Scene, Selection, WIDTH};

/// Where a node added by keyboard goes: the visible centre, or the first free spot on a small
/// spiral around it (so that nodes added one after another do not cover each other).
fn keyboard_spot(drawing: &DrawnGraph, centre: [f32; 2]) -> [f32; 2] {
    let free = |p: [f32; 2]| drawing.nodes.iter().all(|n| (n.x - p[0]).hypot(n.y - p[1]) > 0.04);
    (0..64)
        .map(|k| {
            let (r, a) = (0.05 * (k as f32).sqrt(), k as f32 * 2.4);
            [(centre[0] + r * a.cos()).clamp(0.0, 1.0), (centre[1] + r * a.sin()).clamp(0.0, 1.0)]
        })
        .find(|&p| free(p))
        .unwrap_or(centre)
}

/// The editor card.
#[function_component(GraphEditor)]
pub fn graph_editor(props: &GraphEditorProps) -> Html {
    let canvas = use_node_ref();
    let view = use_state(|| View::fit(WIDTH, HEIGHT));
    let selection = use_state(|| None::<Selection>);
    let gesture = use_state(|| None::<Gesture>);
    let connect_mode = use_state(|| false);
    let help = use_state(|| false);
    // The node a keyboard connection starts from (C on it, then C on another).
    let connect_from = use_state(|| None::<usize>);
    let values_text = use_state(String::new);
    let values_error = use_state(|| None::<String>);

    // A selection that no longer exists (after a delete or an undo) is dropped.
    let selected = (*selection).filter(|s| match *s {
        Selection::Node(i) => i < props.drawing.nodes.len(),
        Selection::Edge(i) => i < props.drawing.edges.len(),
    });
    {
        let canvas = canvas.clone();
        let scene = Scene {
            drawing: props.drawing.clone(),
            predictions: props.predictions.clone(),
            view: *view,
            selection: selected,
            gesture: *gesture,
        };
        use_effect_with(scene, move |scene| {
            if let Some(canvas) = canvas.cast::<HtmlCanvasElement>()
                && let Some(ctx) = context(&canvas)
            {
                scene.draw(&ctx);
            }
        });
    }

    let point = |e: &MouseEvent| canvas_point(e);
    let positions = |drawing: &DrawnGraph, gesture: Option<Gesture>| -> Vec<[f32; 2]> {
        let mut p: Vec<[f32; 2]> = drawing.nodes.iter().map(|n| [n.x, n.y]).collect();
        if let Some(Gesture::Move { node, at, .. }) = gesture
            && node < p.len()
        {
            p[node] = at;
        }
        p
    };
    let onpointerdown = {
        let (drawing, view, gesture, connect_mode) =
            (props.drawing.clone(), view.clone(), gesture.clone(), connect_mode.clone());
        Callback::from(move |e: PointerEvent| {
            let s = point(&e);
            if let Some(target) = e.target().and_then(|t| t.dyn_into::<web_sys::HtmlElement>().ok()) {
                let _ = target.focus();
                let _ = target.set_pointer_capture(e.pointer_id());
            }
            let at = node_at(&positions(&drawing, None), &view, s, RADIUS + 3.0);
            gesture.set(Some(match at {
                Some(from) if e.shift_key() || *connect_mode => Gesture::Connect { from, cursor: s },
                Some(node) => {
                    let n = drawing.nodes[node];
                    Gesture::Move { node, at: [n.x, n.y], start: s, moved: false }
                }
                None => Gesture::Pan { last: s, start: s, moved: false },
            }));
        })
    };
    let onpointermove = {
        let (view, gesture) = (view.clone(), gesture.clone());
        Callback::from(move |e: PointerEvent| {
            let s = point(&e);
            let far = |start: (f64, f64)| (s.0 - start.0).hypot(s.1 - start.1) > 3.0;
            match *gesture {
                Some(Gesture::Pan { last, start, moved }) => {
                    view.set(view.panned(s.0 - last.0, s.1 - last.1));
                    gesture.set(Some(Gesture::Pan { last: s, start, moved: moved || far(start) }));
                }
                Some(Gesture::Move { node, start, moved, .. }) => {
                    let at = view.to_world(s);
                    gesture.set(Some(Gesture::Move { node, at, start, moved: moved || far(start) }));
                }
                Some(Gesture::Connect { from, .. }) => {
                    gesture.set(Some(Gesture::Connect { from, cursor: s }))
                }
                None => {}
            }
        })
    };
    let onpointerup = {
        let (drawing, view, gesture, selection, on_edit) =
            (props.drawing.clone(), view.clone(), gesture.clone(), selection.clone(), props.on_edit.clone());
        let on_select = props.on_select.clone();
        Callback::from(move |e: PointerEvent| {
            let s = point(&e);
            let Some(done) = *gesture else { return };
            gesture.set(None);
            let nodes = positions(&drawing, None);
            match done {
                Gesture::Move { node, at, moved: true, .. } => {
                    on_edit.emit(DrawingEdit::Move { node, x: at[0], y: at[1] });
                    selection.set(Some(Selection::Node(node)));
                    on_select.emit(node);
                }
                Gesture::Move { node, .. } => {
                    selection.set(Some(Selection::Node(node)));
                    on_select.emit(node);
                }
                // Where the last move left the pointer: a finger's pointerup may carry no position.
                Gesture::Connect { from, cursor } => {
                    if let Some(to) = node_at(&nodes, &view, cursor, RADIUS + 3.0).filter(|&to| to != from) {
                        on_edit.emit(DrawingEdit::Connect { a: from, b: to });
                    }
                }
                Gesture::Pan { moved: true, .. } => {}
                Gesture::Pan { .. } => {
                    let edges: Vec<(usize, usize)> =
                        drawing.edges.iter().map(|e| (e.a as usize, e.b as usize)).collect();
                    match edge_at(&nodes, &edges, &view, s, 5.0) {
                        Some(edge) => selection.set(Some(Selection::Edge(edge))),
                        None => {
                            let [x, y] = view.to_world(s);
                            on_edit.emit(DrawingEdit::AddNode { x, y });
                            selection.set(Some(Selection::Node(drawing.nodes.len())));
                        }
                    }
                }
            }
        })
    };
    let onwheel = {
        let view = view.clone();
        Callback::from(move |e: WheelEvent| {
            e.prevent_default();
            view.set(view.zoomed_at(canvas_point(&e), (-e.delta_y() * 0.0015).exp()));
        })
    };
    let onkeydown = {
        let (drawing, view, selection, help, connect_from) =
            (props.drawing.clone(), view.clone(), selection.clone(), help.clone(), connect_from.clone());
        let (on_edit, on_undo, on_redo, on_select) =
            (props.on_edit.clone(), props.on_undo.clone(), props.on_redo.clone(), props.on_select.clone());
        Callback::from(move |e: KeyboardEvent| {
            let key = e.key();
            let control = e.ctrl_key() || e.meta_key();
            let node = match selected_in(*selection, &drawing) {
                Some(Selection::Node(i)) => Some(i),
                _ => None,
            };
            let select = |i: usize| {
                selection.set(Some(Selection::Node(i)));
                on_select.emit(i);
            };
            let handled = match key.as_str() {
                // Everything the mouse does, by keyboard: add, select, move, connect.
                "n" | "N" if !control => {
                    let [x, y] = keyboard_spot(&drawing, view.to_world((WIDTH / 2.0, HEIGHT / 2.0)));
                    on_edit.emit(DrawingEdit::AddNode { x, y });
                    select(drawing.nodes.len());
                    true
                }
                "]" | "[" if !drawing.nodes.is_empty() => {
                    let n = drawing.nodes.len();
                    let next = match (node, key.as_str()) {
                        (Some(i), "]") => (i + 1) % n,
                        (Some(i), _) => (i + n - 1) % n,
                        (None, "]") => 0,
                        (None, _) => n - 1,
                    };
                    select(next);
                    true
                }
                "c" | "C" if !control && node.is_some() => {
                    let node = node.unwrap_or(0);
                    match *connect_from {
                        Some(from) if from != node && from < drawing.nodes.len() => {
                            on_edit.emit(DrawingEdit::Connect { a: from, b: node });
                            connect_from.set(None);
                        }
                        _ => connect_from.set(Some(node)),
                    }
                    true
                }
                "ArrowLeft" | "ArrowRight" | "ArrowUp" | "ArrowDown" if node.is_some() => {
                    let node = node.unwrap_or(0);
                    let step = if e.shift_key() { 0.1 } else { 0.02 };
                    let (dx, dy) = match key.as_str() {
                        "ArrowLeft" => (-step, 0.0),
                        "ArrowRight" => (step, 0.0),
                        "ArrowUp" => (0.0, -step),
                        _ => (0.0, step),
                    };
                    let at = drawing.nodes[node];
                    on_edit.emit(DrawingEdit::Move {
                        node,
                        x: (at.x + dx).clamp(0.0, 1.0),
                        y: (at.y + dy).clamp(0.0, 1.0),
                    });
                    true
                }
                "z" | "Z" if control && e.shift_key() => {
                    on_redo.emit(());
                    true
                }
                "z" | "Z" if control => {
                    on_undo.emit(());
                    true
                }
                "y" | "Y" if control => {
                    on_redo.emit(());
                    true
                }
                "Delete" | "Backspace" => match selected_in(*selection, &drawing) {
                    Some(Selection::Node(i)) => {
                        on_edit.emit(DrawingEdit::DeleteNode(i));
                        selection.set(None);
                        true
                    }
                    Some(Selection::Edge(i)) => {
                        on_edit.emit(DrawingEdit::DeleteEdge(i));
                        selection.set(None);
                        true
                    }
                    None => false,
                },
                "0" | "u" | "U" if node.is_some() => {
                    on_edit.emit(DrawingEdit::SetClass { node: node.unwrap_or(0), class: None });
                    true
                }
                "h" | "H" if node.is_some() => {
                    on_edit.emit(DrawingEdit::ToggleHeldOut(node.unwrap_or(0)));
                    true
                }
                digit
                    if node.is_some()
                        && digit.len() == 1
                        && ('1'..='9').contains(&digit.chars().next().unwrap_or('0')) =>
                {
                    let class = digit.parse::<u32>().unwrap_or(1) - 1;
                    if class >= drawing.classes {
                        on_edit.emit(DrawingEdit::SetClasses(class + 1));
                    }
                    on_edit.emit(DrawingEdit::SetClass { node: node.unwrap_or(0), class: Some(class) });
                    true
                }
                "+" | "=" => {
                    view.set(view.zoomed_at((WIDTH / 2.0, HEIGHT / 2.0), 1.25));
                    true
                }
                "-" | "_" => {
                    view.set(view.zoomed_at((WIDTH / 2.0, HEIGHT / 2.0), 0.8));
                    true
                }
                "ArrowLeft" | "ArrowRight" | "ArrowUp" | "ArrowDown" => {
                    let step = 40.0;
                    let (dx, dy) = match key.as_str() {
                        "ArrowLeft" => (step, 0.0),
                        "ArrowRight" => (-step, 0.0),
                        "ArrowUp" => (0.0, step),
                        _ => (0.0, -step),
                    };
                    view.set(view.panned(dx, dy));
                    true
                }
                "f" | "F" => {
                    view.set(View::fit(WIDTH, HEIGHT));
                    true
                }
                "?" => {
                    help.set(!*help);
                    true
                }
                "Escape" => {
                    help.set(false);
                    selection.set(None);
                    connect_from.set(None);
                    true
                }
                _ => false,
            };
            if handled {
                e.prevent_default();
            }
        })
    };

    let side = selected_panel(props, selected, &selection);
    let features_key = match props.drawing.features {
        NodeFeatures::OneHot => "one_hot",
        NodeFeatures::Position => "position",
        NodeFeatures::Values { .. } => "values",
    };
    let on_features = {
        let (on_edit, drawing, values_text, values_error) =
            (props.on_edit.clone(), props.drawing.clone(), values_text.clone(), values_error.clone());
        Callback::from(move |key: String| match key.as_str() {
            "position" => on_edit.emit(DrawingEdit::Features(NodeFeatures::Position)),
            "values" => {
                let rows = parse_rows(&values_text, drawing.nodes.len())
                    .unwrap_or_else(|_| drawing.nodes.iter().map(|n| vec![n.x, n.y]).collect());
                values_error.set(None);
                on_edit.emit(DrawingEdit::Features(NodeFeatures::Values { rows }));
            }
            _ => on_edit.emit(DrawingEdit::Features(NodeFeatures::OneHot)),
        })
    };
    let on_values_input = {
        let values_text = values_text.clone();
        Callback::from(move |e: InputEvent| {
            let area: HtmlTextAreaElement = e.target_unchecked_into();
            values_text.set(area.value());
        })
    };
    let on_values_apply = {
        let (on_edit, n, values_text, values_error) =
            (props.on_edit.clone(), props.drawing.nodes.len(), values_text.clone(), values_error.clone());
        Callback::from(move |_: MouseEvent| match parse_rows(&values_text, n) {
            Ok(rows) => {
                values_error.set(None);
                on_edit.emit(DrawingEdit::Features(NodeFeatures::Values { rows }));
            }
            Err(e) => values_error.set(Some(e)),
        })
    };
    let current_values = match &props.drawing.features {
        NodeFeatures::Values { rows } => rows
            .iter()
            .map(|r| r.iter().map(|v| v.to_string()).collect::<Vec<_>>().join(", "))
            .collect::<Vec<_>>()
            .join("\n"),
        _ => String::new(),
    };
    let toggle = |state: &UseStateHandle<bool>| {
        let state = state.clone();
        Callback::from(move |_: MouseEvent| state.set(!*state))
    };
    html! {
        <section class="card graph-editor" aria-labelledby="editor-title">
            <h2 id="editor-title">{ "Draw the graph" }</h2>
            <div class="row editor-tools">
                <button id="graph-undo" onclick={props.on_undo.reform(|_| ())} disabled={!props.can_undo} title="Ctrl+Z">{ "↶ Undo" }</button>
                <button id="graph-redo" onclick={props.on_redo.reform(|_| ())} disabled={!props.can_redo} title="Ctrl+Y">{ "↷ Redo" }</button>
                <button id="graph-connect-mode" onclick={toggle(&connect_mode)} aria-pressed={connect_mode.to_string()}
                    title="Dragging from a node connects instead of moving">{ "Connect mode" }</button>
                <button id="graph-fit" onclick={{ let view = view.clone(); Callback::from(move |_: MouseEvent| view.set(View::fit(WIDTH, HEIGHT))) }}>{ "Fit" }</button>
                <button id="graph-clear" onclick={props.on_edit.reform(|_| DrawingEdit::Clear)}>{ "Clear" }</button>
                <button id="graph-help-button" onclick={toggle(&help)} aria-expanded={help.to_string()}>{ "Shortcuts (?)" }</button>
            </div>
            <div class="editor-stage">
                <canvas ref={canvas} id="graph-editor" width={WIDTH.to_string()} height={HEIGHT.to_string()} tabindex="0"
                    data-zoom={format!("{:.3}", view.zoom)}
                    role="application" aria-label="Graph editor: click to add nodes, Shift-drag between nodes to connect, press ? for every shortcut"
                    {onpointerdown} {onpointermove} {onpointerup} {onwheel} {onkeydown} />
                if *help {
                    <div class="help-overlay" role="dialog" aria-label="Graph editor shortcuts" id="graph-help">
                        <h3>{ "Shortcuts" }</h3>
                        <dl>
                            { for SHORTCUTS.iter().map(|(keys, what)| html! { <><dt>{ *keys }</dt><dd>{ *what }</dd></> }) }
                        </dl>
                        <button onclick={toggle(&help)}>{ "Close" }</button>
                    </div>
                }
            </div>
            <p class="muted" id="graph-keyboard-status" aria-live="polite">
                { match *connect_from {
                    Some(from) if from < props.drawing.nodes.len() => format!("Connecting from node {from}: select another node ([ or ]) and press C."),
                    _ => String::new(),
                } }
            </p>
            <p class="muted" id="graph-counts">{ format!("{} nodes, {} edges. Filled with the model's prediction (faded when unsure); rim: the given class (solid: training label, dashed: held out); grey rim: unlabeled.",
                props.drawing.nodes.len(), props.drawing.edges.len()) }</p>
            { side }
            <div class="knobs-row">
                <Knob id="drawn-classes" label="Classes" value={f64::from(props.drawing.classes)} min={2.0} max={f64::from(MAX_DRAWN_CLASSES)} step={1.0}
                    integer=true on_change={props.on_edit.reform(|v: f64| DrawingEdit::SetClasses(v as u32))} />
                <Choice id="drawn-features" label="Node features" selected={AttrValue::from(features_key)}
                    options={vec![("one_hot".into(), "one-hot id".into()), ("position".into(), "drawn position (x, y)".into()), ("values".into(), "typed values".into())]}
                    on_change={on_features} />
            </div>
            if matches!(props.drawing.features, NodeFeatures::Values { .. }) {
                <div class="knob">
                    <label for="drawn-values">{ "Feature rows, one per node in node order (numbers separated by commas or spaces; paste from a spreadsheet)" }</label>
                    <textarea id="drawn-values" rows="5" value={if values_text.is_empty() { current_values } else { (*values_text).clone() }} oninput={on_values_input} />
                    <div class="row">
                        <button id="drawn-values-apply" onclick={on_values_apply}>{ "Use these values" }</button>
                        if let Some(e) = &*values_error { <span class="error" role="alert">{ e.clone() }</span> }
                    </div>
                </div>
            }
            { node_table(&props.drawing, props.predictions.as_ref()) }
        </section>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nodes_added_by_keyboard_do_not_cover_each_other() {
        let mut drawing =
            DrawnGraph { classes: 2, nodes: Vec::new(), edges: Vec::new(), features: NodeFeatures::OneHot };
        for _ in 0..12 {
            let [x, y] = keyboard_spot(&drawing, [0.5, 0.5]);
            assert!((0.0..=1.0).contains(&x) && (0.0..=1.0).contains(&y));
            assert!(drawing.nodes.iter().all(|n| (n.x - x).hypot(n.y - y) > 0.04), "({x}, {y}) is taken");
            drawing.nodes.push(nsl::spec::drawn::DrawnNode { x, y, class: None, held_out: false });
        }
        assert_eq!(keyboard_spot(&DrawnGraph { nodes: Vec::new(), ..drawing }, [0.5, 0.5]), [0.5, 0.5]);
    }
}
