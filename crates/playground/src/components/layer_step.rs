//! One GCN layer at the inspected node, term by term: each incoming message `hᵤW`, its
//! coefficient `wᵤᵥ / √(d̂ᵤ d̂ᵥ)`, the sum, the bias and the ReLU — the formula beside the
//! numbers — and the state the model itself computed, so the learner sees the sum is the one
//! that is done.

use nsl::gnn::step_through::LayerStep;
use yew::prelude::*;

use super::prose::Prose;

/// Props of [`LayerStepper`].
#[derive(Debug, Properties, PartialEq)]
pub struct LayerStepperProps {
    /// Every layer at the node.
    pub layers: Vec<LayerStep>,
}

/// Rows of terms shown (the sums take every term).
const SHOWN_TERMS: usize = 12;
/// Units of each vector shown.
const SHOWN_UNITS: usize = 4;

/// The step-through.
#[function_component(LayerStepper)]
pub fn layer_stepper(props: &LayerStepperProps) -> Html {
    let chosen = use_state(|| 0usize);
    let Some(step) = props.layers.get(*chosen).or(props.layers.first()) else { return Html::default() };
    let last = props.layers.len() - 1;
    let vector = |v: &[f32]| {
        let shown: Vec<String> = v.iter().take(SHOWN_UNITS).map(|x| format!("{x:+.3}")).collect();
        let more = if v.len() > SHOWN_UNITS { ", …" } else { "" };
        format!("[{}{more}]", shown.join(", "))
    };
    let full = |v: &[f32]| v.iter().map(|x| format!("{x:.6}")).collect::<Vec<_>>().join(" ");
    let activation = if step.relu { r"\mathrm{ReLU}" } else { "" };
    let formula = format!(
        r"$$h'_v = {activation}\Big(\sum_{{u \in N(v) \cup \{{v\}}}} \frac{{w_{{uv}}}}{{\sqrt{{\hat d_u \hat d_v}}}}\, h_u W + b\Big), \quad \hat d_v = 1 + \sum_u w_{{uv}} = {:.3}$$",
        step.receiver_degree
    );
    let scaled = |c: f32, m: &[f32]| m.iter().map(|x| c * x).collect::<Vec<f32>>();
    let hidden = step.terms.len().saturating_sub(SHOWN_TERMS);
    html! {
        <div class="layer-step" id="layer-step" data-layer={step.layer.to_string()} data-degree={format!("{:.6}", step.receiver_degree)}>
            <h3>{ format!("Step through a GCN layer at node {}", step.node) }</h3>
            <div class="segmented" role="group" aria-label="Which layer">
                { for props.layers.iter().map(|l| {
                    let (chosen, index) = (chosen.clone(), l.layer);
                    let label = if l.layer == last { format!("Layer {} (output)", l.layer + 1) } else { format!("Layer {} (hidden, ReLU)", l.layer + 1) };
                    html! {
                        <button class="segment" id={format!("step-layer-{}", l.layer + 1)} aria-pressed={(l.layer == step.layer).to_string()}
                            onclick={Callback::from(move |_| chosen.set(index))}>{ label }</button>
                    }
                }) }
            </div>
            <Prose markdown={AttrValue::from(formula)} />
            <p class="hint">{ format!(
                "Each neighbor u sends its state through the layer's weights (hᵤW); the message is scaled by the edge weight over the square roots of both ends' degrees (each counting a self loop), so a hub's many messages count less each. Node {} also sends to itself. Showing the first {} of {} units.",
                step.node, SHOWN_UNITS.min(step.bias.len()), step.bias.len()
            ) }</p>
            <table id="layer-terms">
                <thead><tr>
                    <th scope="col">{ "from u" }</th><th scope="col">{ "w" }</th><th scope="col">{ "d̂ᵤ" }</th>
                    <th scope="col">{ "c = w / √(d̂ᵤ d̂ᵥ)" }</th><th scope="col">{ "message hᵤW" }</th><th scope="col">{ "c · hᵤW" }</th>
                </tr></thead>
                <tbody>
                    { for step.terms.iter().take(SHOWN_TERMS).map(|t| html! {
                        <tr class="term" data-from={t.from.to_string()} data-weight={format!("{:.6}", t.weight)}
                            data-sender-degree={format!("{:.6}", t.sender_degree)} data-coefficient={format!("{:.8}", t.coefficient)}>
                            <th scope="row">{ if t.self_loop { format!("{} (itself)", t.from) } else { t.from.to_string() } }</th>
                            <td>{ format!("{:.3}", t.weight) }</td>
                            <td>{ format!("{:.3}", t.sender_degree) }</td>
                            <td>{ format!("{:.4}", t.coefficient) }</td>
                            <td class="vector">{ vector(&t.message) }</td>
                            <td class="vector">{ vector(&scaled(t.coefficient, &t.message)) }</td>
                        </tr>
                    }) }
                    if hidden > 0 {
                        <tr><td colspan="6" class="muted">{ format!("… and {hidden} more neighbors, in the sums below") }</td></tr>
                    }
                </tbody>
                <tfoot>
                    <tr><th scope="row" colspan="5">{ "Σ c · hᵤW" }</th><td class="vector" id="step-aggregate">{ vector(&step.aggregate()) }</td></tr>
                    <tr><th scope="row" colspan="5">{ "+ b" }</th><td class="vector">{ vector(&step.bias) }</td></tr>
                    <tr><th scope="row" colspan="5">{ if step.relu { "ReLU: h′ᵥ from these terms" } else { "h′ᵥ from these terms (logits: no activation)" } }</th>
                        <td class="vector" id="step-update" data-values={full(&step.update())}>{ vector(&step.update()) }</td></tr>
                    <tr><th scope="row" colspan="5">{ "h′ᵥ as the model computed it" }</th>
                        <td class="vector" id="step-state" data-values={full(&step.state)}>{ vector(&step.state) }</td></tr>
                </tfoot>
            </table>
        </div>
    }
}
