//! The tools for the learner's own points: what a press on the plane does (add, move, erase),
//! the class and split of added points, and a CSV of `x,y,label` pasted, picked or dropped.

use nsl::spec::{DataSpec, MAX_PLANE_CLASSES};
use wasm_bindgen_futures::spawn_local;
use web_sys::{DragEvent, HtmlInputElement, HtmlTextAreaElement};
use yew::prelude::*;

use crate::edit::Edit;
use crate::plane_points::{PointEdit, PointMode, PointTool, parse_csv};
use crate::presets::CLASS_NAMES;

/// Props of [`PointTools`].
#[derive(Debug, Properties, PartialEq)]
pub struct PointToolsProps {
    /// The data: a 2D set or the learner's points.
    pub data: DataSpec,
    /// The tool chosen.
    pub tool: PointTool,
    /// Another tool.
    pub on_tool: Callback<PointTool>,
    /// Where edits go.
    pub on_edit: Callback<Edit>,
}

const MODES: [(PointMode, &str, &str); 4] = [
    (PointMode::Look, "look", "Look"),
    (PointMode::Add, "add", "Add"),
    (PointMode::Move, "move", "Move"),
    (PointMode::Erase, "erase", "Erase"),
];

/// The point tools.
#[function_component(PointTools)]
pub fn point_tools(props: &PointToolsProps) -> Html {
    let csv_error = use_state(|| None::<String>);
    let open_csv = use_state(|| false);
    let csv_open = *open_csv;
    let text = use_node_ref();
    let tool = props.tool;
    let read_csv = {
        let (on_edit, csv_error) = (props.on_edit.clone(), csv_error.clone());
        move |source: &str, contents: String| match parse_csv(&contents) {
            Ok(points) => {
                csv_error.set(None);
                on_edit.emit(Edit::OwnPoints(PointEdit::Replace(points)));
            }
            Err(e) => csv_error.set(Some(format!("{source}: {e}"))),
        }
    };
    let on_paste = {
        let (text, read_csv) = (text.clone(), read_csv.clone());
        Callback::from(move |_: MouseEvent| {
            if let Some(area) = text.cast::<HtmlTextAreaElement>() {
                read_csv("pasted points", area.value());
            }
        })
    };
    let read_file = {
        let read_csv = read_csv.clone();
        move |file: web_sys::File| {
            let read_csv = read_csv.clone();
            spawn_local(async move {
                let name = file.name();
                match wasm_bindgen_futures::JsFuture::from(file.text()).await {
                    Ok(contents) => read_csv(&name, contents.as_string().unwrap_or_default()),
                    Err(_) => read_csv(&name, String::new()),
                }
            });
        }
    };
    let on_pick = {
        let read_file = read_file.clone();
        Callback::from(move |e: Event| {
            let input: HtmlInputElement = e.target_unchecked_into();
            if let Some(file) = input.files().and_then(|f| f.get(0)) {
                read_file(file);
            }
            input.set_value("");
        })
    };
    let on_drop = Callback::from(move |e: DragEvent| {
        e.prevent_default();
        if let Some(file) = e.data_transfer().and_then(|d| d.files()).and_then(|f| f.get(0)) {
            read_file(file);
        }
    });
    let on_drag_over = Callback::from(|e: DragEvent| e.prevent_default());
    let classes = match &props.data {
        DataSpec::Points(points) => points.classes(),
        DataSpec::Toy(toy) => toy.drawn_classes(),
        _ => 2,
    };
    // One more class than the points have, up to five: a new class starts with a click.
    let offered = (classes + 1).min(MAX_PLANE_CLASSES);
    html! {
        <section class="card point-tools" aria-labelledby="point-tools-title" aria-describedby="point-tools-hint">
            <h2 id="point-tools-title">{ "Your own points" }</h2>
            // Toggle buttons rather than radios: Tab reaches each one (a radio group is one stop).
            <div class="segmented" role="group" aria-label="What a click on the plane does">
                { for MODES.iter().map(|&(mode, key, label)| {
                    let on_tool = props.on_tool.clone();
                    html! {
                        <button class="segment" id={format!("point-{key}")} aria-pressed={(tool.mode == mode).to_string()}
                            onclick={Callback::from(move |_| on_tool.emit(PointTool { mode, ..tool }))}>{ label }</button>
                    }
                }) }
            </div>
            if tool.mode == PointMode::Add {
                <div class="segmented" role="group" aria-label="Class of added points">
                    { for (0..offered as u32).map(|class| {
                        let on_tool = props.on_tool.clone();
                        html! {
                            <button class={format!("segment swatch swatch-{class}")} id={format!("point-class-{class}")}
                                aria-pressed={(tool.class == class).to_string()}
                                onclick={Callback::from(move |_| on_tool.emit(PointTool { class, ..tool }))}>
                                { CLASS_NAMES[class as usize] }
                            </button>
                        }
                    }) }
                </div>
                <label class="toggle" for="point-test">
                    <input type="checkbox" id="point-test" checked={tool.test}
                        onchange={{
                            let on_tool = props.on_tool.clone();
                            Callback::from(move |e: Event| {
                                let input: HtmlInputElement = e.target_unchecked_into();
                                on_tool.emit(PointTool { test: input.checked(), ..tool });
                            })
                        }} />
                    { "Add test points (outlined) instead of training points" }
                </label>
            }
            <p class="hint" id="point-tools-hint">{ hint(tool.mode) }</p>
            <button class="csv-open" id="points-csv-open" aria-expanded={csv_open.to_string()} aria-controls="points-csv-area"
                onclick={{ let open = open_csv.clone(); Callback::from(move |_| open.set(!*open)) }}>
                { if *open_csv { "Hide the CSV" } else { "Paste, pick or drop a CSV of x,y,label…" } }
            </button>
            if *open_csv {
                <div id="points-csv-area">
                    <textarea id="points-csv" ref={text} rows="4" spellcheck="false" placeholder="x,y,label\n-0.5,0.4,0\n0.5,-0.4,1"
                        aria-label="Points as CSV: x,y,label per line" ondrop={on_drop.clone()} ondragover={on_drag_over.clone()} />
                    <div class="row">
                        <button id="points-csv-read" onclick={on_paste}>{ "Use these points" }</button>
                        <label class="file-button">
                            <input type="file" id="points-csv-file" accept=".csv,text/csv,text/plain" onchange={on_pick} />
                            { "Pick a file…" }
                        </label>
                    </div>
                </div>
            }
            if let Some(e) = &*csv_error { <output class="error" id="points-csv-error">{ e.clone() }</output> }
        </section>
    }
}

fn hint(mode: PointMode) -> &'static str {
    match mode {
        PointMode::Look => {
            "Pick Add, Move or Erase, then click or drag on the plane. The first change turns the set into your own points; the models start again."
        }
        PointMode::Add => "Click on the plane to add a point of the chosen class.",
        PointMode::Move => "Drag a point to move it; the models start again when you let go.",
        PointMode::Erase => "Click a point to erase it (the last training and the last test point stay).",
    }
}
