use nsl::config::{DistanceType, Reduction, SumOverAxis, TransformType};
use web_sys::{HtmlInputElement, HtmlSelectElement};
use yew::prelude::*;

use crate::state::{Action, DistanceInputs};

/// Props of [`DistanceExplorer`].
#[derive(Properties, PartialEq)]
pub struct DistanceExplorerProps {
    /// Current inputs.
    pub inputs: DistanceInputs,
    /// The computed distance, if any.
    pub result: Option<Result<Vec<f32>, String>>,
    /// Where edits go.
    pub on_action: Callback<Action>,
}

const DISTANCES: &[(DistanceType, &str)] = &[
    (DistanceType::L2, "L2 (squared error)"),
    (DistanceType::L1, "L1 (absolute error)"),
    (DistanceType::Cosine, "cosine"),
    (DistanceType::KlDivergence, "KL divergence"),
    (DistanceType::JensenShannonDivergence, "Jensen-Shannon divergence"),
];
const REDUCTIONS: &[(Reduction, &str)] = &[
    (Reduction::SumByNonzeroWeights, "sum by non-zero weights"),
    (Reduction::Mean, "mean"),
    (Reduction::SumOverBatchSize, "sum over batch size"),
    (Reduction::Sum, "sum"),
    (Reduction::None, "none (per element)"),
];

fn text_field(
    id: &str,
    label: &str,
    value: &str,
    make: fn(String) -> Action,
    on_action: &Callback<Action>,
) -> Html {
    let on_action = on_action.clone();
    let oninput = Callback::from(move |e: InputEvent| {
        let input: HtmlInputElement = e.target_unchecked_into();
        on_action.emit(make(input.value()));
    });
    html! {
        <label for={id.to_string()}>{ label }
            <input id={id.to_string()} type="text" value={value.to_string()} {oninput} spellcheck="false" />
        </label>
    }
}

fn select<T: Copy + PartialEq + 'static>(
    id: &str,
    label: &str,
    options: &'static [(T, &'static str)],
    current: T,
    make: fn(T) -> Action,
    on_action: &Callback<Action>,
) -> Html {
    let on_action = on_action.clone();
    let onchange = Callback::from(move |e: Event| {
        let select: HtmlSelectElement = e.target_unchecked_into();
        if let Some((value, _)) = select.value().parse::<usize>().ok().and_then(|i| options.get(i)) {
            on_action.emit(make(*value));
        }
    });
    html! {
        <label for={id.to_string()}>{ label }
            <select id={id.to_string()} {onchange}>
                { for options.iter().enumerate().map(|(i, (value, name))| html! {
                    <option value={i.to_string()} selected={*value == current}>{ *name }</option>
                }) }
            </select>
        </label>
    }
}

/// NSL's `pairwise_distance_wrapper`, live: edit two small batches and the configuration,
/// see the number the graph regularizer would add.
#[function_component(DistanceExplorer)]
pub fn distance_explorer(props: &DistanceExplorerProps) -> Html {
    let inputs = &props.inputs;
    let config = inputs.config;
    let on = &props.on_action;
    const TRANSFORMS: &[(TransformType, &str)] =
        &[(TransformType::None, "none"), (TransformType::Softmax, "softmax")];
    const AXES: &[(Option<SumOverAxis>, &str)] =
        &[(Some(SumOverAxis::Last), "-1 (per sample pair)"), (None, "None (per feature pair)")];
    let result = match &props.result {
        None => html! { <output data-testid="distance">{ "computing…" }</output> },
        Some(Ok(values)) if values.len() == 1 => {
            html! { <output data-testid="distance">{ format!("{:.6}", values[0]) }</output> }
        }
        Some(Ok(values)) => html! {
            <output data-testid="distance">{ values.iter().map(|v| format!("{v:.4}")).collect::<Vec<_>>().join(", ") }</output>
        },
        Some(Err(e)) => {
            html! { <output class="error" role="alert" data-testid="distance">{ e.clone() }</output> }
        }
    };
    html! {
        <section class="card" aria-labelledby="distance-title">
            <h2 id="distance-title">{ "Distance explorer" }</h2>
            <p>{ "Graph regularization adds multiplier × Σ w·distance(f(x), f(neighbor)). Rows are separated by ';'. Weight 0 marks a missing neighbor." }</p>
            <div class="grid">
                { text_field("sources", "Sample outputs f(x)", &inputs.sources, Action::Sources, on) }
                { text_field("targets", "Neighbor outputs f(neighbor)", &inputs.targets, Action::Targets, on) }
                { text_field("weights", "Edge weights w", &inputs.weights, Action::Weights, on) }
                { select("distance-type", "Distance", DISTANCES, config.distance_type, Action::DistanceType, on) }
                { select("reduction", "Reduction", REDUCTIONS, config.reduction, Action::Reduction, on) }
                { select("transform", "Transform", TRANSFORMS, config.transform_fn, Action::Transform, on) }
                { select("axis", "sum_over_axis", AXES, config.sum_over_axis, Action::SumOverAxis, on) }
            </div>
            <p class="result">{ "distance = " }{ result }</p>
        </section>
    }
}
