//! Training a GNN on sampled subgraphs, TF-GNN's way: the sampling knobs of the model card,
//! and what a step costs — the last step's batch beside a full-batch step of the same GNN
//! (nodes, messages, time) with both models' accuracy.

use nsl::gnn::subgraphs::SampledBatch;
use nsl::graph::SamplingStrategy;
use nsl::session::Progress;
use nsl::spec::{ExperimentSpec, ModelSpec, TaskSpec};
use yew::prelude::*;

use super::graph_builder::group as count;
use super::knob::{Choice, Knob, Toggle};
use super::palette::hop_class;
use crate::edit::Edit;
use crate::shared::Shared;

/// Most neighbors a hop's knob offers (the spec allows up to 100).
const MAX_FANOUT: f64 = 25.0;

/// Props of [`SamplingControls`].
#[derive(Debug, Properties, PartialEq)]
pub struct SamplingControlsProps {
    /// The setup.
    pub spec: Shared<ExperimentSpec>,
    /// Where edits go.
    pub on_edit: Callback<Edit>,
}

/// The sampled-training switch of a GNN classifying nodes, and its knobs when on: a fanout per
/// hop, roots per step, random or top-k.
#[function_component(SamplingControls)]
pub fn sampling_controls(props: &SamplingControlsProps) -> Html {
    let ModelSpec::Gnn { sampling, .. } = &props.spec.model else { return Html::default() };
    if props.spec.task != TaskSpec::Classification {
        return Html::default();
    }
    let toggle = html! {
        <Toggle id="sampled" label="Train on sampled subgraphs (TF-GNN)" checked={sampling.is_some()}
            on_change={props.on_edit.reform(Edit::Sampled)} />
    };
    let Some(sampling) = sampling else { return toggle };
    let strategies = vec![
        (AttrValue::from("random"), AttrValue::from("at random")),
        (AttrValue::from("top_k"), AttrValue::from("top-k by edge weight")),
    ];
    let strategy = match sampling.strategy {
        SamplingStrategy::RandomUniform => "random",
        SamplingStrategy::TopK => "top_k",
    };
    let on_strategy = props.on_edit.reform(|key: String| {
        Edit::SampledStrategy(if key == "top_k" {
            SamplingStrategy::TopK
        } else {
            SamplingStrategy::RandomUniform
        })
    });
    let bound: usize = sampling
        .fanouts
        .iter()
        .scan(1, |product, &f| {
            *product *= f;
            Some(*product)
        })
        .sum::<usize>()
        + 1;
    html! {
        <>
            { toggle }
            <fieldset class="sampling-knobs">
                <legend>{ "Sampling, hop by hop" }</legend>
                { for sampling.fanouts.iter().enumerate().map(|(hop, &fanout)| html! {
                    <Knob id={format!("fanout-{hop}")} label={format!("Hop {} fanout", hop + 1)} value={fanout as f64}
                        min={1.0} max={MAX_FANOUT} step={1.0} integer=true
                        on_change={props.on_edit.reform(move |v: f64| Edit::Fanout(hop, v as usize))} />
                }) }
                <Knob id="sampled-roots" label="Roots per step" value={sampling.batch_size as f64} min={1.0} max={140.0}
                    step={1.0} integer=true on_change={props.on_edit.reform(|v: f64| Edit::SampledRoots(v as usize))} />
                <Choice id="sampled-strategy" label="Neighbors picked" options={strategies} selected={strategy}
                    on_change={on_strategy} />
                <p class="hint">{ format!(
                    "One hop per layer. A root's subgraph has at most {bound} nodes (1 + the products of the fanouts); \
                     the same GNN trains full batch beside it."
                ) }</p>
            </fieldset>
        </>
    }
}

/// Props of [`SampledCost`].
#[derive(Debug, Properties, PartialEq)]
pub struct SampledCostProps {
    /// The full-batch model's latest snapshot.
    pub full: Option<Shared<Progress>>,
    /// The sampled model's latest snapshot (its last batch).
    pub sampled: Option<Shared<Progress>>,
    /// Optimizer steps in one of the sampled model's epochs.
    pub steps_per_epoch: usize,
}

fn millis(p: Option<&Progress>) -> String {
    p.and_then(|p| p.step_seconds).map_or("–".into(), |s| format!("{:.1} ms", s * 1e3))
}

fn percent(p: Option<&Progress>) -> String {
    p.map_or("–".into(), |p| format!("{:.1}%", p.test_acc * 100.0))
}

/// What one step of each model reads and costs, and what each reaches: the sampled batch's
/// nodes and messages against the whole graph's, time per step, steps per epoch, accuracy.
#[function_component(SampledCost)]
pub fn sampled_cost(props: &SampledCostProps) -> Html {
    let sampled = props.sampled.as_deref();
    let full = props.full.as_deref();
    let Some(batch) = sampled.and_then(|p| p.batch.as_ref()) else {
        return html! {
            <section class="card sampled-cost" id="sampled-cost" aria-labelledby="sampled-cost-title">
                <h2 id="sampled-cost-title">{ "Sampled vs full batch" }</h2>
                <p class="hint">{ "Press play: each step's batch of subgraphs is drawn on the graph and measured here." }</p>
            </section>
        };
    };
    let hops = batch.nodes.iter().map(|n| n.1).max().unwrap_or(0);
    let at_hop = |h: u32| batch.nodes.iter().filter(|n| n.1 == h).count();
    let share = |part: usize, whole: usize| format!("{:.0}%", 100.0 * part as f64 / whole.max(1) as f64);
    let SampledBatch { positions, messages, graph_nodes, graph_messages, .. } = batch;
    html! {
        <section class="card sampled-cost" id="sampled-cost" aria-labelledby="sampled-cost-title">
            <h2 id="sampled-cost-title">{ "Sampled vs full batch" }</h2>
            <table class="whatif" id="sampled-table">
                <caption>{ "One optimizer step of each model: what the GNN runs on, and its time on this device" }</caption>
                <thead><tr>
                    <th scope="col">{ "model" }</th><th scope="col">{ "nodes a step" }</th>
                    <th scope="col">{ "messages a step" }</th><th scope="col">{ "time a step" }</th>
                    <th scope="col">{ "steps an epoch" }</th><th scope="col">{ "test accuracy" }</th>
                </tr></thead>
                <tbody>
                    <tr data-model="full">
                        <th scope="row">{ "full batch" }</th>
                        <td data-nodes={graph_nodes.to_string()}>{ count(*graph_nodes) }</td>
                        <td data-messages={graph_messages.to_string()}>{ count(*graph_messages) }</td>
                        <td>{ millis(full) }</td>
                        <td>{ "1" }</td>
                        <td data-test-acc={full.map_or(String::new(), |p| p.test_acc.to_string())}>{ percent(full) }</td>
                    </tr>
                    <tr data-model="sampled">
                        <th scope="row">{ "sampled" }</th>
                        <td data-nodes={positions.to_string()}>{ format!("{} ({})", count(*positions), share(*positions, *graph_nodes)) }</td>
                        <td data-messages={messages.to_string()}>{ format!("{} ({})", count(*messages), share(*messages, *graph_messages)) }</td>
                        <td>{ millis(sampled) }</td>
                        <td>{ props.steps_per_epoch.to_string() }</td>
                        <td data-test-acc={sampled.map_or(String::new(), |p| p.test_acc.to_string())}>{ percent(sampled) }</td>
                    </tr>
                </tbody>
            </table>
            <p class="legend" id="batch-legend">
                { "The last step's batch, drawn on the graph:" }
                { for (0..=hops).map(|h| html! {
                    <span data-hop={h.to_string()} data-count={at_hop(h).to_string()}><i class={hop_class(h)}></i>
                        { if h == 0 { format!("{} roots", at_hop(0)) } else { format!("hop {h}: {} nodes", at_hop(h)) } }</span>
                }) }
            </p>
            <p class="hint">{ format!(
                "A node sampled around two roots is run twice (the subgraphs sit side by side): {} distinct nodes, {} runs. \
                 An epoch is {} such steps; the full batch runs the whole graph once.",
                count(batch.nodes.len()), count(*positions), props.steps_per_epoch
            ) }</p>
        </section>
    }
}
