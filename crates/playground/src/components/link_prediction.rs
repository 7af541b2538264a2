//! Link prediction: the task's switch and knobs in the model card, and what it shows — the ROC
//! curve of the held-out test edges against the sampled non-edges, with the AUCs.

use nsl::session::Progress;
use nsl::session::link_scores::LinkScores;
use nsl::spec::{ExperimentSpec, LinkScore, ModelSpec, TaskSpec};
use yew::prelude::*;

use super::knob::{Choice, Knob, Toggle};
use crate::edit::Edit;
use crate::shared::Shared;

/// Props of [`LinkControls`].
#[derive(Debug, Properties, PartialEq)]
pub struct LinkControlsProps {
    /// The setup.
    pub spec: Shared<ExperimentSpec>,
    /// Where edits go.
    pub on_edit: Callback<Edit>,
}

/// A GNN's link-prediction switch, and when on, the embedding width and the score.
#[function_component(LinkControls)]
pub fn link_controls(props: &LinkControlsProps) -> Html {
    if !matches!(props.spec.model, ModelSpec::Gnn { .. }) {
        return Html::default();
    }
    let task = match &props.spec.task {
        TaskSpec::Classification => None,
        TaskSpec::LinkPrediction { embedding, score, .. } => Some((*embedding, *score)),
        _ => return Html::default(),
    };
    let toggle = html! {
        <Toggle id="link-prediction" label="Predict links instead (held-out edges against non-edges)"
            checked={task.is_some()} on_change={props.on_edit.reform(Edit::LinkPrediction)} />
    };
    let Some((embedding, score)) = task else { return toggle };
    let scores = vec![
        (AttrValue::from("dot"), AttrValue::from("dot product zₐ · z_b")),
        (AttrValue::from("hadamard"), AttrValue::from("dense layer on zₐ ⊙ z_b")),
    ];
    let selected = match score {
        LinkScore::DotProduct => "dot",
        LinkScore::HadamardProduct => "hadamard",
    };
    let on_score = props.on_edit.reform(|key: String| {
        Edit::LinkScore(if key == "hadamard" { LinkScore::HadamardProduct } else { LinkScore::DotProduct })
    });
    html! {
        <>
            { toggle }
            <fieldset class="link-knobs">
                <legend>{ "Link prediction" }</legend>
                <Knob id="link-embedding" label="Embedding width (the GNN's output)" value={embedding as f64}
                    min={2.0} max={64.0} step={1.0} integer=true
                    on_change={props.on_edit.reform(|v: f64| Edit::LinkEmbedding(v as usize))} />
                <Choice id="link-score" label="A pair's score" options={scores} selected={selected} on_change={on_score} />
                <p class="hint">{ "10% of the edges are held out for the test and 5% for validation, each with as many \
                    pairs that are not edges; the GNN trains on the rest, each step against fresh non-edges." }</p>
            </fieldset>
        </>
    }
}

/// Props of [`LinkView`].
#[derive(Debug, Properties, PartialEq)]
pub struct LinkViewProps {
    /// The latest snapshot of the link predictor.
    pub progress: Option<Shared<Progress>>,
}

/// The side of the ROC plot, in its own units.
const SIDE: f32 = 200.0;

/// The ROC curve as an SVG polyline's points, `(0, 0)` at the bottom left.
fn polyline(roc: &[(f32, f32)]) -> String {
    roc.iter()
        .map(|&(fpr, tpr)| format!("{:.1},{:.1}", fpr * SIDE, (1.0 - tpr) * SIDE))
        .collect::<Vec<_>>()
        .join(" ")
}

/// The held-out links' ROC curve and AUC, beside the validation and training AUC.
#[function_component(LinkView)]
pub fn link_view(props: &LinkViewProps) -> Html {
    let Some(scores) = props.progress.as_ref().and_then(|p| p.links.as_ref()) else {
        return html! {
            <section class="card link-view" id="link-view" aria-labelledby="link-view-title">
                <h2 id="link-view-title">{ "Held-out links" }</h2>
                <p class="hint">{ "Loading the graph and holding out its test edges…" }</p>
            </section>
        };
    };
    let LinkScores { edges, test_auc, val_auc, train_auc, roc, .. } = scores;
    let above = |s: &[f32]| s.iter().filter(|&&p| p > 0.5).count();
    let found = above(&scores.edge_scores);
    let false_links = above(&scores.non_edge_scores);
    html! {
        <section class="card link-view" id="link-view" aria-labelledby="link-view-title">
            <h2 id="link-view-title">{ "Held-out links" }</h2>
            <div class="link-columns">
                <figure>
                    <svg id="roc-curve" viewBox="-30 -8 242 242" role="img" data-auc={test_auc.to_string()}
                        aria-label={format!("ROC curve of the {} held-out test edges against as many non-edges: area {:.3}", edges.len(), test_auc)}>
                        <rect class="roc-frame" x="0" y="0" width={SIDE.to_string()} height={SIDE.to_string()} />
                        <line class="roc-chance" x1="0" y1={SIDE.to_string()} x2={SIDE.to_string()} y2="0" />
                        <polyline class="roc-line" points={polyline(roc)} data-points={roc.len().to_string()} />
                        <text class="roc-label" x="100" y="228" text-anchor="middle">{ "false positive rate" }</text>
                        <text class="roc-label" x="-16" y="100" text-anchor="middle" transform="rotate(-90 -16 100)">{ "true positive rate" }</text>
                    </svg>
                    <figcaption class="muted">{ "Each point: a threshold on the score; the diagonal is guessing." }</figcaption>
                </figure>
                <div>
                    <p class="auc" id="test-auc" data-value={test_auc.to_string()}>
                        { "Test AUC " }<strong>{ format!("{test_auc:.3}") }</strong></p>
                    <p class="muted">{ format!("the chance that a held-out edge scores above a non-edge (validation {val_auc:.3}, training links {train_auc:.3})") }</p>
                    <p>{ format!("At probability ½: {found} of {} held-out edges found, {false_links} of {} non-edges taken for links.",
                        edges.len(), scores.non_edges.len()) }</p>
                    <p class="legend">{ "On the graph: held-out edges solid, non-edges dashed, coloured by the probability of a link:" }
                        <span><i class="link-low"></i>{ "0" }</span><span><i class="link-mid"></i>{ "½" }</span><span><i class="link-high"></i>{ "1" }</span></p>
                </div>
            </div>
        </section>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_curve_runs_from_the_bottom_left_to_the_top_right() {
        assert_eq!(polyline(&[(0.0, 0.0), (0.5, 1.0), (1.0, 1.0)]), "0.0,200.0 100.0,0.0 200.0,0.0");
    }
}
