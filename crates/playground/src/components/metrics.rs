//! Tables: the test confusion matrix with per-class accuracy, and the what-if summary of the
//! base and the regularized model.

use crate::shared::Shared;
use nsl::session::Progress;
use yew::prelude::*;

/// The style sheet's shade of a confusion cell: green on the diagonal, red off it, in ten
/// steps of the row's share (the page's Content Security Policy allows no inline styles; the
/// rules are in `www/style.css`, checked by a test).
pub fn shade_class(correct: bool, share: f32) -> String {
    let step = (share.clamp(0.0, 1.0) * 10.0).round() as u32;
    format!("{}-{step}", if correct { "hit" } else { "miss" })
}

/// Props of [`Confusion`].
#[derive(Debug, Properties, PartialEq)]
pub struct ConfusionProps {
    /// Class names.
    pub class_names: Vec<String>,
    /// The snapshot.
    pub progress: Shared<Progress>,
}

/// Confusion matrix of the test rows (shaded by share of the true class) and per-class accuracy.
#[function_component(Confusion)]
pub fn confusion(props: &ConfusionProps) -> Html {
    let p = &props.progress;
    let k = p.classes;
    let name = |c: usize| props.class_names.get(c).cloned().unwrap_or_else(|| c.to_string());
    let per_class = p.per_class_accuracy();
    html! {
        <table class="confusion" id="confusion">
            <caption>{ "Test confusion matrix (rows: true class, columns: predicted) and per-class accuracy" }</caption>
            <thead>
                <tr><th scope="col">{ "true \\ predicted" }</th>
                    { for (0..k).map(|c| html! { <th scope="col">{ name(c) }</th> }) }
                    <th scope="col">{ "accuracy" }</th></tr>
            </thead>
            <tbody>
                { for (0..k).map(|t| {
                    let row = &p.confusion[t * k..(t + 1) * k];
                    let total = row.iter().sum::<u32>().max(1) as f32;
                    html! {
                        <tr>
                            <th scope="row">{ name(t) }</th>
                            { for row.iter().enumerate().map(|(c, &n)| {
                                html! { <td class={shade_class(c == t, n as f32 / total)}>{ n }</td> }
                            }) }
                            <td>{ per_class[t].map_or("–".to_string(), |a| format!("{:.1}%", a * 100.0)) }</td>
                        </tr>
                    }
                }) }
            </tbody>
        </table>
    }
}

/// Props of [`WhatIf`].
#[derive(Debug, Properties, PartialEq)]
pub struct WhatIfProps {
    /// The base model's snapshot.
    pub base: Option<Shared<Progress>>,
    /// The regularized model's snapshot.
    pub regularized: Option<Shared<Progress>>,
    /// The regularized variant's name.
    pub variant: AttrValue,
    /// FGSM ε of the attacked accuracy (`None`: not measured).
    pub epsilon: Option<f32>,
    /// What the regularized model has and the base lacks.
    #[prop_or(AttrValue::Static("regularization"))]
    pub difference: AttrValue,
}

fn percent(v: Option<f64>) -> String {
    v.map_or("–".into(), |v| format!("{:.1}%", v * 100.0))
}

/// Base vs regularized, side by side.
#[function_component(WhatIf)]
pub fn what_if(props: &WhatIfProps) -> Html {
    let row = |name: &str, p: Option<&Progress>| {
        let smooth =
            p.and_then(|p| p.nodes.as_ref()).map_or("–".into(), |n| format!("{:.4}", n.smoothness));
        let loss = p.and_then(|p| p.losses).map_or("–".into(), |l| format!("{:.4}", l.total));
        html! {
            <tr data-model={name.to_string()}>
                <th scope="row">{ name }</th>
                <td data-test-acc={p.map_or(String::new(), |p| p.test_acc.to_string())}>{ percent(p.map(|p| p.test_acc)) }</td>
                <td>{ percent(p.and_then(|p| p.attacked_acc)) }</td>
                <td>{ smooth }</td>
                <td>{ loss }</td>
            </tr>
        }
    };
    let attacked =
        props.epsilon.map_or("attacked accuracy (off)".into(), |e| format!("FGSM ε = {e} accuracy"));
    html! {
        <table class="whatif" id="whatif">
            <caption>{ format!("What-if: the same model, seed and data, without and with {}", props.difference) }</caption>
            <thead><tr>
                <th scope="col">{ "model" }</th><th scope="col">{ "clean accuracy" }</th>
                <th scope="col">{ attacked }</th><th scope="col" title="Σ w·‖p(a) − p(b)‖² / Σ w over the graph's edges">{ "graph smoothness" }</th>
                <th scope="col">{ "loss" }</th>
            </tr></thead>
            <tbody>
                { row("base", props.base.as_deref()) }
                { row(&props.variant, props.regularized.as_deref()) }
            </tbody>
        </table>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_shade_has_a_rule_in_the_style_sheet() {
        let css = include_str!("../../../../www/style.css");
        for n in 0..=20 {
            for correct in [true, false] {
                let class = shade_class(correct, n as f32 / 20.0);
                assert!(css.contains(&format!("#confusion td.{class} {{")), "www/style.css lacks {class}");
            }
        }
        assert_eq!(
            (shade_class(true, 0.04), shade_class(false, 1.0)),
            ("hit-0".to_string(), "miss-10".to_string())
        );
    }
}
