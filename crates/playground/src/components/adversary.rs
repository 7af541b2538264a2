//! The adversary panel: pick a perturbation (FGSM, PGD or the VAT direction; norm; ε; PGD's
//! iterations, ball and random start) and see it on every model — for a test digit the
//! original, the perturbation δ (magnified, diverging colours), the adversarial image and the
//! integrated-gradients saliency, with top-3 predictions; for 2D sets how many test points
//! change class (the arrows are drawn on the decision-boundary views).

use nsl::config::NormType;
use nsl::session::probe::{ProbeResult, ProbedRow, top_k};
use web_sys::HtmlCanvasElement;
use yew::prelude::*;

use super::knob::{Choice, Knob, Toggle};
use super::raster::{blit, context, diverging_rgba, ink_rgba};
use crate::adversary::{Method, ProbeEdit, ProbeSettings, magnitude, norm_of};
use crate::protocol::{DataInfo, DataView, Variant};
use crate::shared::Shared;

/// Props of [`AdversaryPanel`].
#[derive(Debug, Properties, PartialEq)]
pub struct AdversaryProps {
    /// The perturbation chosen.
    pub settings: ProbeSettings,
    /// It, measured on each model.
    pub probes: Shared<Vec<(Variant, ProbeResult)>>,
    /// The loaded data.
    pub info: Shared<DataInfo>,
    /// Name of the spec's (regularized) model.
    pub variant_name: AttrValue,
    /// Changes.
    pub on_edit: Callback<ProbeEdit>,
}

const NORMS: [(NormType, &str, &str); 3] =
    [(NormType::Infinity, "infinity", "L∞"), (NormType::L2, "l2", "L2"), (NormType::L1, "l1", "L1")];

/// The adversary card.
#[function_component(AdversaryPanel)]
pub fn adversary_panel(props: &AdversaryProps) -> Html {
    let s = &props.settings;
    let edit = |f: fn(f64) -> ProbeEdit| props.on_edit.reform(f);
    let digits = matches!(props.info.view, DataView::Digits { .. });
    let methods: Vec<_> =
        Method::ALL.iter().map(|(_, k, l)| (AttrValue::from(*k), AttrValue::from(*l))).collect();
    let norms: Vec<_> = NORMS.iter().map(|(_, k, l)| (AttrValue::from(*k), AttrValue::from(*l))).collect();
    let norm_key = NORMS.iter().find(|(n, ..)| *n == s.norm).map_or("infinity", |(_, k, _)| k);
    let on_method =
        props.on_edit.reform(|key: String| ProbeEdit::Method(Method::from_key(&key).unwrap_or_default()));
    let on_norm = props.on_edit.reform(|key: String| {
        ProbeEdit::Norm(NORMS.iter().find(|(_, k, _)| *k == key).map_or(NormType::Infinity, |(n, ..)| *n))
    });
    let name_of = |variant: Variant| match variant {
        Variant::Base => AttrValue::from("base model"),
        Variant::Regularized => AttrValue::from(format!("{} model", props.variant_name)),
    };
    html! {
        <section class="card adversary" aria-labelledby="adversary-title">
            <h2 id="adversary-title">{ "Adversarial perturbation" }</h2>
            <div class="knobs-row">
                <Choice id="probe-method" label="Perturbation" options={methods} selected={AttrValue::from(s.method.key())} on_change={on_method} />
                <Choice id="probe-norm" label="Norm" options={norms} selected={AttrValue::from(norm_key)} on_change={on_norm} />
                <Knob id="probe-epsilon" label="Step size ε" value={s.epsilon} min={0.0} max={if digits { 0.5 } else { 1.0 }}
                    step={0.005} hint="How far each step moves the input (in the chosen norm)" on_change={edit(ProbeEdit::Epsilon)} />
                if s.method == Method::Pgd {
                    <Knob id="probe-iterations" label="PGD iterations" value={s.pgd_iterations as f64} min={1.0} max={50.0}
                        step={1.0} integer=true on_change={props.on_edit.reform(|v: f64| ProbeEdit::Iterations(v as usize))} />
                    <Knob id="probe-ball" label="PGD ε-ball" value={s.pgd_ball} min={0.0} max={if digits { 0.5 } else { 1.0 }}
                        step={0.005} hint="The total perturbation is projected back into this ball" on_change={edit(ProbeEdit::Ball)} />
                    <Toggle id="probe-random-start" label="Random start in the ball" checked={s.random_start}
                        on_change={props.on_edit.reform(ProbeEdit::RandomStart)} />
                }
                if digits {
                    <Knob id="probe-row" label="Test digit" value={s.row as f64} min={0.0}
                        max={props.info.test_rows.saturating_sub(1) as f64} step={1.0} integer=true
                        on_change={props.on_edit.reform(|v: f64| ProbeEdit::Row(v as usize))} />
                }
            </div>
            if props.probes.is_empty() {
                <p class="muted">{ "Measuring the perturbation…" }</p>
            }
            { for props.probes.iter().map(|(variant, result)| if digits {
                html! { <DigitProbe variant={*variant} title={name_of(*variant)} result={result.clone()} norm={s.norm} /> }
            } else {
                plane_summary(*variant, &name_of(*variant), result)
            }) }
        </section>
    }
}

/// How many of a 2D set's test points the perturbation moves to another class.
fn plane_summary(variant: Variant, title: &str, result: &ProbeResult) -> Html {
    let (flipped, wrong) = (result.flipped(), result.attacked_wrong());
    let total = result.rows.len();
    html! {
        <p class="probe-summary" id={format!("probe-{}-summary", key(variant))} data-flipped={flipped.to_string()}>
            <strong>{ title.to_string() }</strong>
            { format!(": {flipped} of {total} test points change class under this perturbation; {wrong} are then misclassified. The arrows on its decision boundary show where each point goes.") }
        </p>
    }
}

fn key(variant: Variant) -> &'static str {
    match variant {
        Variant::Base => "base",
        Variant::Regularized => "regularized",
    }
}

#[derive(Debug, Properties, PartialEq)]
struct DigitProbeProps {
    variant: Variant,
    title: AttrValue,
    result: ProbeResult,
    norm: NormType,
}

/// Original, δ, adversarial image and saliency of one model's probed digit.
#[function_component(DigitProbe)]
fn digit_probe(props: &DigitProbeProps) -> Html {
    let Some(row) = props.result.rows.first() else { return Html::default() };
    let id = |part: &str| format!("probe-{}-{part}", key(props.variant));
    let delta = row.delta();
    let delta_scale = magnitude(&delta);
    let norm_name = match props.norm {
        NormType::Infinity => "L∞",
        NormType::L2 => "L2",
        NormType::L1 => "L1",
    };
    // Attributions concentrate on few pixels: a square-root scale keeps the weaker ones visible.
    let saliency = props.result.saliency.clone().unwrap_or_default();
    let saliency_scale = magnitude(&saliency);
    let saliency_shown: Vec<f32> =
        saliency.iter().map(|v| v.signum() * (v.abs() / saliency_scale).sqrt()).collect();
    html! {
        <div class="probe-model" data-variant={key(props.variant)}>
            <h3>{ props.title.clone() }</h3>
            <div class="probe-images">
                <figure>
                    <Image id={id("original")} rgba={ink_rgba(&row.original)} label="The test digit" />
                    <figcaption>{ format!("original (label {})", row.label) }</figcaption>
                    { top3(&id("original-top"), row, &row.clean) }
                </figure>
                <figure id={id("delta-figure")} data-delta-norm={format!("{:.4}", norm_of(&delta, props.norm))}>
                    <Image id={id("delta")} rgba={diverging_rgba(&delta, delta_scale)}
                        label="The perturbation: red adds ink, blue removes it, magnified to full colour" />
                    <figcaption>{ format!("δ, ±{delta_scale:.3} at full colour; {norm_name} = {:.3}", norm_of(&delta, props.norm)) }</figcaption>
                </figure>
                <figure>
                    <Image id={id("adversarial")} rgba={ink_rgba(&row.perturbed)} label="The perturbed digit" />
                    <figcaption>{ "adversarial" }</figcaption>
                    { top3(&id("adversarial-top"), row, &row.attacked) }
                </figure>
                if !saliency.is_empty() {
                    <figure>
                        <Image id={id("saliency")} rgba={diverging_rgba(&saliency_shown, 1.0)}
                            label="Integrated gradients: red pixels raise the true class's score, blue ones lower it" />
                        <figcaption>{ format!("IG saliency for class {} (√ scale)", row.label) }</figcaption>
                    </figure>
                }
            </div>
        </div>
    }
}

/// The three most probable classes, the true one marked.
fn top3(id: &str, row: &ProbedRow, probabilities: &[f32]) -> Html {
    let top = top_k(probabilities, 3);
    let best = top.first().map_or(0, |t| t.0);
    html! {
        <ol class="top3" id={id.to_string()} data-top={best.to_string()}>
            { for top.iter().map(|&(class, p)| html! {
                <li class={classes!((class as u32 == row.label).then_some("truth"))}>
                    { format!("{class}: {:.1}%", p * 100.0) }
                </li>
            }) }
        </ol>
    }
}

#[derive(Debug, Properties, PartialEq)]
struct ImageProps {
    id: String,
    rgba: Vec<u8>,
    label: AttrValue,
}

const SIDE: u32 = 28;
const SHOWN: u32 = 112;

/// A 28 × 28 image drawn as crisp 4 × 4 pixels.
#[function_component(Image)]
fn image(props: &ImageProps) -> Html {
    let canvas = use_node_ref();
    {
        let canvas = canvas.clone();
        use_effect_with(props.rgba.clone(), move |rgba| {
            if let Some(canvas) = canvas.cast::<HtmlCanvasElement>()
                && let Some(ctx) = context(&canvas)
                && rgba.len() == (SIDE * SIDE * 4) as usize
            {
                blit(&ctx, rgba, SIDE, SIDE, [0.0, 0.0, f64::from(SHOWN), f64::from(SHOWN)], false);
            }
        });
    }
    html! {
        <canvas ref={canvas} id={props.id.clone()} width={SHOWN.to_string()} height={SHOWN.to_string()}
            role="img" aria-label={props.label.clone()} />
    }
}
