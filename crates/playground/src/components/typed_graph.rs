//! A heterogeneous graph on screen: every node set in a shape and colour of its own (the
//! classified one in the colour of each node's predicted class), every edge set in a line
//! style and colour of its own; a legend whose boxes hide or show each set; and, for TF-GNN's
//! model, its rounds of message passing: which node sets each round updates, over which edge
//! sets, and which updates never reach the classified nodes — a round picked is lit on the
//! graph.

use std::collections::BTreeSet;

use nsl::gnn::hetero::encoder::RoundUpdate;
use nsl::session::NodePredictions;
use web_sys::HtmlCanvasElement;
use yew::prelude::*;

use super::graph_paint::{GraphPainter, Shape};
use super::palette::{DASHES, class_css, edge_css, set_css};
use super::raster::context;
use crate::graph_view::View;
use crate::protocol::{DataInfo, DataView};
use crate::shared::Shared;
use crate::typed_view::{TypedView, fates};

/// Canvas side, pixels.
const SIZE: f64 = 560.0;

/// What is shown: the sets hidden, and the round lit (its updated node sets and the edge sets
/// they read).
#[derive(Debug, Clone, Default, PartialEq)]
struct Shown {
    hidden_nodes: BTreeSet<usize>,
    hidden_edges: BTreeSet<usize>,
    round: Option<usize>,
}

/// Props of [`TypedGraph`].
#[derive(Debug, Properties, PartialEq)]
pub struct TypedGraphProps {
    /// The data: a heterogeneous graph ([`DataView::Typed`]), its class names and the
    /// model's rounds.
    pub info: Shared<DataInfo>,
    /// The model's latest predictions of the labeled node set.
    pub predictions: Option<NodePredictions>,
}

/// The graph, its legend and the model's rounds.
#[function_component(TypedGraph)]
pub fn typed_graph(props: &TypedGraphProps) -> Html {
    let canvas = use_node_ref();
    let shown = use_state(Shown::default);
    let typed: Option<&TypedView> = match &props.info.view {
        DataView::Typed(view) => Some(view),
        _ => None,
    };
    let rounds = props.info.rounds.as_deref();
    let lit = typed.and_then(|view| lit_sets(view, rounds, shown.round));
    // Drawn after the render, on the canvas it made; the counts are for tests and readers.
    {
        let canvas = canvas.clone();
        let deps = (props.info.clone(), props.predictions.clone(), (*shown).clone(), lit.clone());
        use_effect_with(deps, move |(info, predictions, shown, lit)| {
            if let (Some(c), DataView::Typed(view)) = (canvas.cast::<HtmlCanvasElement>(), &info.view) {
                let (nodes, edges) = draw(&c, view, predictions.as_ref(), shown, lit.as_ref());
                c.set_attribute("data-drawn-nodes", &nodes.to_string()).ok();
                c.set_attribute("data-drawn-edges", &edges.to_string()).ok();
            }
        });
    }
    // Every hook above runs on every render; only a heterogeneous graph draws below.
    let Some(view) = typed else { return Html::default() };
    let toggle = |nodes: bool, i: usize| {
        let shown = shown.clone();
        Callback::from(move |_: Event| {
            let mut next = (*shown).clone();
            let set = if nodes { &mut next.hidden_nodes } else { &mut next.hidden_edges };
            if !set.remove(&i) {
                set.insert(i);
            }
            shown.set(next);
        })
    };
    let node_rows = view.node_sets.iter().enumerate().map(|(i, set)| {
        let swatch = match Shape::of_set(i, view.labeled) {
            Shape::Circle => html! { <circle cx="8" cy="8" r="6" fill={class_css(0, 0.9)} /> },
            s => html! { <polygon points={s.svg_points(8.0, 6.0)} fill={set_css(i, 0.9)} /> },
        };
        let note = if Some(i) == view.labeled { " — coloured by predicted class" } else { "" };
        html! {
            <label class="set-toggle">
                <input type="checkbox" id={format!("node-set-{}", set.name)} checked={!shown.hidden_nodes.contains(&i)}
                    onchange={toggle(true, i)} />
                <svg width="16" height="16" aria-hidden="true">{ swatch }</svg>
                { format!("{} ({}){note}", set.name, set.size) }
            </label>
        }
    });
    let edge_rows = view.edge_sets.iter().enumerate().map(|(i, set)| {
        let dash = DASHES[i % DASHES.len()].iter().map(f64::to_string).collect::<Vec<_>>().join(" ");
        let colour = edge_css(set.reverse_of.unwrap_or(i), 1.0);
        let ends = format!("{} → {}", view.node_sets[set.source].name, view.node_sets[set.target].name);
        let reverse = set.reverse_of.map(|j| format!("; the lines of {}, reversed", view.edge_sets[j].name));
        html! {
            <label class="set-toggle">
                <input type="checkbox" id={format!("edge-set-{}", set.name)} checked={!shown.hidden_edges.contains(&i)}
                    onchange={toggle(false, i)} />
                <svg width="28" height="10" aria-hidden="true">
                    <line x1="1" y1="5" x2="27" y2="5" stroke={colour} stroke-width="2" stroke-dasharray={dash} />
                </svg>
                { format!("{} ({ends}, {}{})", set.name, set.edges.len(), reverse.unwrap_or_default()) }
            </label>
        }
    });
    let predicted = props.predictions.is_some();
    html! {
        <section class="card typed-graph" id="typed-graph" aria-labelledby="typed-graph-title">
            <h2 id="typed-graph-title">{ "The heterogeneous graph" }</h2>
            <p class="hint">{ format!(
                "{} node sets and {} edge sets in one graph. Each node set has its own features and its own weights; the model classifies {}{}.",
                view.node_sets.len(), view.edge_sets.len(),
                view.labeled.map_or("no node set".to_string(), |l| format!("the {} nodes", view.node_sets[l].name)),
                if predicted { " (coloured by the class it predicts, faded when unsure; training nodes ringed)" } else { "" }) }</p>
            <div class="typed-legend" id="typed-legend">
                <fieldset><legend>{ "Node sets" }</legend>{ for node_rows }</fieldset>
                <fieldset><legend>{ "Edge sets" }</legend>{ for edge_rows }</fieldset>
            </div>
            <canvas ref={canvas} id="typed-canvas" width={SIZE.to_string()} height={SIZE.to_string()} role="img"
                data-round={shown.round.map(|r| (r + 1).to_string())}
                data-lit={lit.as_ref().map(|(nodes, _)| nodes.iter().map(|&i| view.node_sets[i].name.clone()).collect::<Vec<_>>().join(","))}
                aria-label={format!("{} nodes of {} node sets, {} edges of {} edge sets", view.positions.len(),
                    view.node_sets.len(), view.edge_sets.iter().map(|e| e.edges.len()).sum::<usize>(), view.edge_sets.len())} />
            if props.predictions.is_some() && !props.info.class_names.is_empty() {
                <p class="legend">{ for props.info.class_names.iter().enumerate().map(|(c, name)| html! {
                    <span><i class={format!("class-{c}")}></i>{ name.clone() }</span>
                }) }</p>
            }
            if let Some(rounds) = rounds {
                { rounds_view(view, rounds, &shown) }
            }
        </section>
    }
}

/// What a lit round shows: `(node sets whose update reaches the classified ones, the edge sets
/// those updates read)`.
type Lit = Option<(BTreeSet<usize>, BTreeSet<usize>)>;

fn lit_sets(view: &TypedView, rounds: Option<&[Vec<RoundUpdate>]>, round: Option<usize>) -> Lit {
    let classified = &view.node_sets[view.labeled?].name;
    let fates = fates(rounds?, view, classified);
    // Only the updates whose states go on to reach the classified nodes, and what they read.
    let read: Vec<&RoundUpdate> =
        fates.get(round?)?.iter().filter(|f| f.reaches).map(|f| &f.update).collect();
    let nodes = read.iter().filter_map(|u| view.set_index(&u.node_set)).collect();
    let edges = read
        .iter()
        .flat_map(|u| &u.edge_sets)
        .filter_map(|e| view.edge_sets.iter().position(|s| s.name == *e))
        .collect();
    Some((nodes, edges))
}

/// Each round's updates in words, a button per round to light it on the graph.
fn rounds_view(view: &TypedView, rounds: &[Vec<RoundUpdate>], shown: &UseStateHandle<Shown>) -> Html {
    let Some(classified) = view.labeled.map(|l| view.node_sets[l].name.clone()) else {
        return Html::default();
    };
    let fates = fates(rounds, view, &classified);
    let rows = fates.iter().enumerate().map(|(r, round)| {
        let on = shown.round == Some(r);
        let onclick = {
            let shown = shown.clone();
            Callback::from(move |_| {
                shown.set(Shown { round: if on { None } else { Some(r) }, ..(*shown).clone() })
            })
        };
        let updates = round.iter().map(|f| {
            let from = if f.update.edge_sets.is_empty() {
                "its own state only".to_string()
            } else {
                format!("messages over {}", f.update.edge_sets.join(", "))
            };
            let fate = if f.reaches {
                String::new()
            } else if r + 1 == rounds.len() {
                format!(" — never read: after the last round only {classified} is classified")
            } else {
                format!(" — never reaches {classified}: no later round passes it on")
            };
            html! {
                <li class={classes!((!f.reaches).then_some("unread"))}>
                    <strong>{ f.update.node_set.clone() }</strong>{ format!(" ← {from}{fate}") }
                </li>
            }
        });
        html! {
            <li>
                <button type="button" class="round" aria-pressed={on.to_string()} onclick={onclick}>
                    { format!("Round {}", r + 1) }
                </button>
                <ul>{ for updates }</ul>
            </li>
        }
    });
    html! {
        <div id="rounds-view">
            <h3>{ "What each round updates" }</h3>
            <p class="hint">{ "A round computes a new state for every node set that receives messages, from the messages over its incoming edge sets and its own state. Pick a round to light, on the graph, its updates that reach the classified nodes and the edge sets they read." }</p>
            <ol class="rounds">{ for rows }</ol>
        </div>
    }
}

/// Paints the graph; returns how many nodes and edges were drawn.
fn draw(
    canvas: &HtmlCanvasElement,
    view: &TypedView,
    predictions: Option<&NodePredictions>,
    shown: &Shown,
    lit: Option<&(BTreeSet<usize>, BTreeSet<usize>)>,
) -> (usize, usize) {
    let Some(ctx) = context(canvas) else { return (0, 0) };
    ctx.clear_rect(0.0, 0.0, SIZE, SIZE);
    // Zoomed on what is shown: hiding a node set lets the rest fill the canvas.
    let frame =
        View::framing(
            SIZE,
            SIZE,
            view.node_sets.iter().enumerate().filter(|(i, _)| !shown.hidden_nodes.contains(i)).flat_map(
                |(i, set)| view.positions[view.offset(i)..view.offset(i) + set.size].iter().copied(),
            ),
        );
    let screen: Vec<(f64, f64)> = view.positions.iter().map(|&p| frame.to_screen(p)).collect();
    let painter = GraphPainter::new(&ctx, &screen, SIZE, SIZE);
    let node_alpha = |i: usize| if lit.is_some_and(|(nodes, _)| !nodes.contains(&i)) { 0.12 } else { 1.0 };
    let mut edges_drawn = 0;
    for (i, set) in view.edge_sets.iter().enumerate() {
        // A reverse edge set draws nothing while its forward set is drawn: the same lines.
        let covered = set.reverse_of.is_some_and(|j| !shown.hidden_edges.contains(&j) && lit.is_none());
        if shown.hidden_edges.contains(&i)
            || covered
            || shown.hidden_nodes.contains(&set.source)
            || shown.hidden_nodes.contains(&set.target)
        {
            continue;
        }
        let alpha = match lit {
            Some((_, edges)) if !edges.contains(&i) => 0.04,
            Some(_) => 0.5,
            None => 0.3,
        };
        edges_drawn += set.edges.len();
        let dash = DASHES[i % DASHES.len()];
        let colour = edge_css(set.reverse_of.unwrap_or(i), alpha);
        painter.styled_edges(set.edges.iter().map(|&[a, b]| (a, b)), &colour, 1.0, dash);
    }
    let mut nodes_drawn = 0;
    for (i, set) in view.node_sets.iter().enumerate() {
        if shown.hidden_nodes.contains(&i) {
            continue;
        }
        nodes_drawn += set.size;
        let offset = view.offset(i);
        let alpha = node_alpha(i);
        let colours: Vec<(usize, String)> = (0..set.size)
            .map(|n| {
                let colour =
                    if Some(i) == view.labeled {
                        match predictions {
                            Some(p) if n < p.classes.len() => {
                                class_css(p.classes[n] as usize, alpha * (0.25 + 0.75 * p.confidence[n]))
                            }
                            _ => view.labels.get(n).copied().flatten().map_or_else(
                                || set_css(i, 0.5 * alpha),
                                |c| class_css(c as usize, 0.85 * alpha),
                            ),
                        }
                    } else {
                        set_css(i, 0.8 * alpha)
                    };
                (offset + n, colour)
            })
            .collect();
        let radius = if Some(i) == view.labeled { 3.2 } else { 3.0 };
        painter.shapes(colours, Shape::of_set(i, view.labeled), radius);
        if Some(i) == view.labeled {
            let ringed = (0..set.size).filter(|&n| view.train.get(n).copied().unwrap_or(false));
            painter.rings(
                ringed.map(|n| (offset + n, format!("rgba(0,0,0,{:.2})", 0.7 * alpha))),
                3.6,
                0.8,
                false,
            );
        }
    }
    (nodes_drawn, edges_drawn)
}
