//! The graph explorer card: open a graph from files (picked or dropped: NSL TSV, LINQS
//! `.content`/`.cites`/`.split`, CSV node and edge tables, the project's JSON) or the current
//! data's graph; see it laid out; export it as TSV or JSON; build a TF-GNN sampling spec (edge
//! set, sample size and strategy per hop), pick roots, and watch the sampled subgraph grow hop
//! by hop beside the full graph, with the roots' receptive field for a k-layer GNN.

use std::rc::Rc;

use nsl::graph::sample::SamplingStrategy;
use nsl::spec::LoadedGraph;
use wasm_bindgen_futures::JsFuture;
use web_sys::{DragEvent, File, FileList, HtmlInputElement};
use yew::prelude::*;

use super::graph_viewer::{GraphViewer, SubgraphView};
use super::knob::{Choice, Knob, Toggle};
use super::palette::{EDGE_RGB, hop_class};
use crate::edit::Edit;
use crate::protocol::{Command, GraphFile, GraphFormat, GraphInput, OpenedGraph, SampleView};
use crate::sampling::{MAX_HOPS, SamplingEdit, SamplingSetup, op_hops, receptive_field};
use crate::worker::explorer::BROWSER_LIMITS;

/// Props of [`Explorer`].
#[derive(Debug, Properties, PartialEq)]
pub struct ExplorerProps {
    /// The opened graph.
    pub graph: Option<Rc<OpenedGraph>>,
    /// Reading or laying out.
    pub busy: bool,
    /// The last failure.
    pub error: Option<String>,
    /// The sampling built.
    pub sampling: SamplingSetup,
    /// The last sample.
    pub sample: Option<Rc<SampleView>>,
    /// Whether the current data is a graph (it can be opened here).
    pub data_is_graph: bool,
    /// Commands for the worker.
    pub on_command: Callback<Command>,
    /// The worker was asked to open a graph.
    pub on_opening: Callback<()>,
    /// Sampling changes.
    pub on_sampling: Callback<SamplingEdit>,
    /// Setup changes (training on the opened graph).
    pub on_edit: Callback<Edit>,
}

/// Milliseconds between hops of the animation.
const HOP_MS: u32 = 700;

/// The explorer card.
#[function_component(GraphExplorer)]
pub fn explorer(props: &ExplorerProps) -> Html {
    let hop = use_state(|| 0u32);
    let show_field = use_state(|| true);
    // Bumped by "Replay hops": the animation below runs again.
    let replays = use_state(|| 0u32);
    let hops = props.sampling.hops.len() as u32;
    // A new sample (or a replay) plays hop by hop from its roots.
    {
        let hop = hop.clone();
        use_effect_with((props.sample.clone(), *replays), move |(sample, _)| {
            hop.set(0);
            let interval = sample.as_ref().map(|_| {
                let hop = hop.clone();
                let mut shown = 0;
                gloo_timers::callback::Interval::new(HOP_MS, move || {
                    if shown < hops {
                        shown += 1;
                        hop.set(shown);
                    }
                })
            });
            move || drop(interval)
        });
    }
    let open_files = {
        let (on_command, on_opening) = (props.on_command.clone(), props.on_opening.clone());
        move |files: Option<FileList>| {
            let Some(files) = files else { return };
            let files: Vec<File> = (0..files.length()).filter_map(|i| files.get(i)).collect();
            if files.is_empty() {
                return;
            }
            on_opening.emit(());
            let on_command = on_command.clone();
            wasm_bindgen_futures::spawn_local(async move {
                let mut read = Vec::with_capacity(files.len());
                for file in files {
                    let text = JsFuture::from(file.text())
                        .await
                        .ok()
                        .and_then(|t| t.as_string())
                        .unwrap_or_default();
                    read.push(GraphFile { name: file.name(), text });
                }
                on_command.emit(Command::OpenGraph(GraphInput::Files(read)));
            });
        }
    };
    let onchange = {
        let open_files = open_files.clone();
        Callback::from(move |e: Event| {
            let input: HtmlInputElement = e.target_unchecked_into();
            open_files(input.files());
            input.set_value("");
        })
    };
    let ondragover = Callback::from(|e: DragEvent| e.prevent_default());
    let ondrop = Callback::from(move |e: DragEvent| {
        e.prevent_default();
        open_files(e.data_transfer().and_then(|d| d.files()));
    });
    let field = Rc::new(match (&props.graph, *show_field) {
        (Some(g), true) if !props.sampling.seeds.is_empty() => {
            receptive_field(g.nodes, &g.edges, &props.sampling.seeds, props.sampling.hops.len())
        }
        _ => Vec::new(),
    });
    let edge_set_names: Rc<Vec<String>> = Rc::new(
        props
            .graph
            .as_ref()
            .and_then(|g| g.typed.as_ref())
            .map(|t| t.edge_sets.iter().map(|e| e.name.clone()).collect())
            .unwrap_or_default(),
    );
    let limits = format!(
        "Reads up to {} MB, {} nodes and {} edges per graph, in the worker.",
        BROWSER_LIMITS.max_bytes >> 20,
        BROWSER_LIMITS.max_nodes,
        BROWSER_LIMITS.max_edges
    );
    html! {
        <section class="card explorer" aria-labelledby="explorer-title">
            <h2 id="explorer-title">{ "Graph explorer: files and subgraph sampling" }</h2>
            <div class="dropzone" {ondragover} {ondrop}>
                <label for="graph-files">{ "Open graph files (or drop them here): " }</label>
                <input type="file" id="graph-files" multiple=true accept=".tsv,.json,.content,.cites,.split,.csv" {onchange} />
                if props.data_is_graph {
                    <button id="graph-open-current" onclick={{
                        let (c, o) = (props.on_command.clone(), props.on_opening.clone());
                        Callback::from(move |_: MouseEvent| { o.emit(()); c.emit(Command::OpenGraph(GraphInput::Current)); })
                    }}>{ "Open the current data's graph" }</button>
                }
                <p class="muted">{ "NSL graph TSV (NAME.tsv), LINQS / Planetoid (NAME.content + NAME.cites, optional NAME.split), CSV tables (NAME.nodes.csv + NAME.edges.csv) or the project's JSON. " }{ limits }</p>
            </div>
            if props.busy { <p class="muted" id="graph-busy">{ "Reading and laying out…" }</p> }
            if let Some(e) = &props.error { <p class="error" role="alert" id="graph-load-error">{ e.clone() }</p> }
            if let Some(graph) = &props.graph {
                <p id="graph-info" data-nodes={graph.nodes.to_string()} data-edges={graph.edges.len().to_string()}
                    data-parse-ms={format!("{:.0}", graph.parse_ms)} data-layout-ms={format!("{:.0}", graph.layout_ms)}>
                    <strong>{ graph.name.clone() }</strong>
                    { format!(": {} nodes, {} edges, {} classes, {} feature values per node, {} labeled for training. Read in {:.0} ms, laid out (Barnes–Hut, 300 iterations) in {:.0} ms.",
                        graph.nodes, graph.edges.len(), graph.classes.len(), graph.features, graph.labeled_for_training, graph.parse_ms, graph.layout_ms) }
                </p>
                <div class="row">
                    <button id="graph-export-tsv" disabled={graph.typed.is_some()} title={graph.typed.as_ref().map(|_| "NSL's TSV holds one node set and one edge set: export JSON")}
                        onclick={props.on_command.reform(|_| Command::ExportGraph(GraphFormat::Tsv))}>{ "Export TSV" }</button>
                    <button id="graph-export-json" onclick={props.on_command.reform(|_| Command::ExportGraph(GraphFormat::Json))}>{ "Export JSON" }</button>
                    <button id="graph-train" disabled={!trainable(graph)}
                        title="Node classification: train on the split's training nodes, test on its test nodes"
                        onclick={{
                            let loaded = LoadedGraph { name: graph.name.clone(), nodes: graph.nodes, edges: graph.edges.len() };
                            props.on_edit.reform(move |_| Edit::TrainOnLoaded(loaded.clone()))
                        }}>{ "Train on this graph" }</button>
                    if graph.typed.is_some() {
                        <span class="muted">{ "A heterogeneous graph from files is explored and sampled here; the page trains TF-GNN's model on the MAG-like graph of the data picker." }</span>
                    } else if !trainable(graph) {
                        <span class="muted">{ "Training needs node features, two or more classes and a split with training nodes (LINQS .split, a CSV split column)." }</span>
                    }
                </div>
                <div class="explorer-body">
                    <GraphViewer graph={graph.clone()} seeds={props.sampling.seeds.clone()} sample={props.sample.clone()}
                        hop={*hop} field={field.clone()} on_node={{
                            // Only the seed node set's nodes can be roots.
                            let (on_sampling, roots) = (props.on_sampling.clone(), root_range(graph));
                            Callback::from(move |node: u32| if roots.contains(&(node as usize)) { on_sampling.emit(SamplingEdit::ToggleSeed(node)) })
                        }} />
                    <div class="explorer-side">
                        { builder(props, graph, &replays, &show_field) }
                        if let Some(sample) = &props.sample {
                            <h3>{ "Extracted subgraph" }</h3>
                            <SubgraphView sample={sample.clone()} hop={*hop} edge_sets={edge_set_names.clone()} />
                            <p class="muted" id="sample-summary" data-hop={hop.to_string()}
                                data-nodes={sample.subgraphs.iter().map(|s| s.nodes.len()).sum::<usize>().to_string()}
                                data-max-hop={sample.subgraphs.iter().flat_map(|s| s.hops.iter().copied()).max().unwrap_or(0).to_string()}>
                                { format!("{} roots, {} sampled nodes, {} sampled edges; showing hop {} of {}.",
                                    sample.subgraphs.len(), sample.subgraphs.iter().map(|s| s.nodes.len()).sum::<usize>(),
                                    sample.subgraphs.iter().map(|s| s.edges.len()).sum::<usize>(), *hop, hops) }
                            </p>
                            <div class="legend">
                                { for (0..=hops).map(|h| html! {
                                    <span><i class={hop_class(h)}></i>{ if h == 0 { "root".to_string() } else { format!("hop {h}") } }</span>
                                }) }
                                if !field.is_empty() {
                                    <span><i class="halo"></i>{ format!("receptive field of a {hops}-layer GNN") }</span>
                                }
                            </div>
                            if !edge_set_names.is_empty() {
                                <div class="legend" id="sample-edge-sets">
                                    { for edge_set_names.iter().enumerate().map(|(k, name)| {
                                        let count = sample.subgraphs.iter().flat_map(|s| &s.edges)
                                            .filter(|e| sample.op_edge_sets.get(e[2] as usize) == Some(name)).count();
                                        html! { <span data-edge-set={name.clone()} data-sampled={count.to_string()}>
                                            <i class={format!("edge-set-{}", k % EDGE_RGB.len())}></i>{ format!("{name}: {count} sampled edges") }
                                        </span> }
                                    }) }
                                </div>
                            }
                        }
                    </div>
                </div>
            }
        </section>
    }
}

/// Whether a graph can be trained on: features, classes and training nodes.
fn trainable(graph: &OpenedGraph) -> bool {
    graph.typed.is_none() && graph.features > 0 && graph.classes.len() >= 2 && graph.labeled_for_training > 0
}

/// The nodes that can be roots: the seed node set's, in the page's numbering.
fn root_range(graph: &OpenedGraph) -> std::ops::Range<usize> {
    match &graph.typed {
        Some(typed) => {
            let set = typed.set_index(&graph.node_set).unwrap_or(0);
            typed.offset(set)..typed.offset(set) + typed.node_sets[set].size
        }
        None => 0..graph.nodes,
    }
}

/// The sampling spec builder: hops, roots, the spec as TF-GNN writes it, and the controls.
fn builder(
    props: &ExplorerProps,
    graph: &OpenedGraph,
    replays: &UseStateHandle<u32>,
    show_field: &UseStateHandle<bool>,
) -> Html {
    let s = &props.sampling;
    let strategies: Vec<(AttrValue, AttrValue)> =
        vec![("random".into(), "random uniform".into()), ("top_k".into(), "top-k by weight".into())];
    let spec = s.spec(graph);
    let spec_json = serde_json::to_string_pretty(&spec).unwrap_or_default();
    let roots = root_range(graph);
    let request = s.request(graph);
    let run = {
        let (on_command, request) = (props.on_command.clone(), request.clone());
        Callback::from(move |_: MouseEvent| on_command.emit(Command::Sample(request.clone())))
    };
    let replay = {
        let replays = replays.clone();
        Callback::from(move |_: MouseEvent| replays.set(*replays + 1))
    };
    html! {
        <div class="builder">
            <h3>{ "Sampling spec" }</h3>
            <p class="muted" id="sampling-summary">{ match &graph.typed {
                None => format!("Seed op over node set \"{}\"; each hop samples along edge set \"{}\".", graph.node_set, graph.edge_set),
                Some(_) => format!("Seed op over node set \"{}\"; each hop samples every edge set that leaves a node set the hop before reached: {}.",
                    graph.node_set, hop_edge_sets(&spec)),
            } }</p>
            { for s.hops.iter().enumerate().map(|(i, h)| html! {
                <div class="hop-row">
                    <Knob id={format!("hop-{}-size", i + 1)} label={format!("Hop {} sample size", i + 1)} value={h.size as f64}
                        min={1.0} max={50.0} step={1.0} integer=true
                        on_change={props.on_sampling.reform(move |v: f64| SamplingEdit::Size(i, v as usize))} />
                    <Choice id={format!("hop-{}-strategy", i + 1)} label="Strategy" options={strategies.clone()}
                        selected={AttrValue::from(if h.strategy == SamplingStrategy::TopK { "top_k" } else { "random" })}
                        on_change={props.on_sampling.reform(move |k: String| SamplingEdit::Strategy(i, if k == "top_k" { SamplingStrategy::TopK } else { SamplingStrategy::RandomUniform }))} />
                </div>
            }) }
            <div class="row">
                <button id="hop-add" onclick={props.on_sampling.reform(|_| SamplingEdit::AddHop)} disabled={s.hops.len() >= MAX_HOPS}>{ "Add hop" }</button>
                <button id="hop-remove" onclick={props.on_sampling.reform(|_| SamplingEdit::RemoveHop)} disabled={s.hops.len() <= 1}>{ "Remove hop" }</button>
            </div>
            <Knob id="sample-rng" label="Random seed" value={s.rng_seed as f64} min={0.0} max={1000.0} step={1.0} integer=true
                on_change={props.on_sampling.reform(|v: f64| SamplingEdit::RngSeed(v as u64))} />
            <p id="sample-roots" data-roots={s.seeds.iter().map(u32::to_string).collect::<Vec<_>>().join(",")}>
                { if s.seeds.is_empty() { "Roots: click nodes in the graph.".to_string() } else { format!("Roots: {}", s.seeds.iter().map(u32::to_string).collect::<Vec<_>>().join(", ")) } }
                if !s.seeds.is_empty() {
                    { " " }<button id="sample-clear-roots" onclick={props.on_sampling.reform(|_| SamplingEdit::ClearSeeds)}>{ "Clear" }</button>
                }
            </p>
            <div class="row">
                <label for="sample-root-input">{ if graph.typed.is_some() {
                    format!("Add a root by index ({} nodes: {} to {})", graph.node_set, roots.start, roots.end.saturating_sub(1))
                } else { "Add a root by index".to_string() } }</label>
                <input type="number" id="sample-root-input" min={roots.start.to_string()} max={roots.end.saturating_sub(1).to_string()} onchange={{
                    let (on_sampling, roots) = (props.on_sampling.clone(), roots.clone());
                    Callback::from(move |e: Event| {
                        let input: HtmlInputElement = e.target_unchecked_into();
                        if let Ok(node) = input.value().trim().parse::<u32>()
                            && roots.contains(&(node as usize))
                        {
                            on_sampling.emit(SamplingEdit::ToggleSeed(node));
                            input.set_value("");
                        }
                    })
                }} />
            </div>
            <Toggle id="sample-field" label={format!("Show the receptive field of a {}-layer GNN", s.hops.len())} checked={**show_field}
                on_change={{ let f = show_field.clone(); Callback::from(move |on| f.set(on)) }} />
            <div class="row">
                <button id="sample-run" class="primary" onclick={run} disabled={request.seeds.is_empty()}>{ "Sample" }</button>
                <button id="sample-replay" onclick={replay} disabled={props.sample.is_none()}>{ "Replay hops" }</button>
            </div>
            <details>
                <summary>{ "The spec (TF-GNN's SamplingSpec fields)" }</summary>
                <pre id="sampling-spec">{ spec_json }</pre>
            </details>
        </div>
    }
}

/// Each hop's edge sets in words: "hop 1: cites, has_topic, written; hop 2: …".
fn hop_edge_sets(spec: &nsl::graph::sample::SamplingSpec) -> String {
    let hops = op_hops(spec);
    let last = hops.iter().copied().max().unwrap_or(0);
    (1..=last)
        .map(|h| {
            let names: Vec<&str> = spec
                .sampling_ops
                .iter()
                .zip(&hops)
                .filter(|(_, oh)| **oh == h)
                .map(|(op, _)| op.edge_set_name.as_str())
                .collect();
            format!("hop {h}: {}", names.join(", "))
        })
        .collect::<Vec<_>>()
        .join("; ")
}
