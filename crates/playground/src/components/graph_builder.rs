//! The knobs of a graph built from the data (NSL's `build_graph`: what is compared, which pairs
//! become edges, how many labels are kept) and the figures of the graph they built — edges,
//! examples left alone, the degree histogram and the homophily that says how good it is.

use nsl::spec::{EdgeRule, EmbeddingSpec, SynthesizedSpec};
use yew::prelude::*;

use super::knob::{Choice, Knob};
use crate::edit::Edit;
use crate::protocol::BuiltGraph;
use nsl::data::synthesized::BuildStep;

/// Props of [`GraphBuilder`].
#[derive(Debug, Properties, PartialEq, Clone)]
pub struct GraphBuilderProps {
    /// How the graph is built.
    pub built: SynthesizedSpec,
    /// Features per row (the largest PCA width).
    pub row_width: usize,
    /// The similarity slider's low end: where the worker's kept pairs start (a moving
    /// threshold above it rebuilds in milliseconds), lower for rows as sparse as words.
    pub threshold_min: f64,
    /// The graph the worker built last (`None` while it builds).
    pub built_graph: Option<BuiltGraph>,
    /// How far the graph being built is (`None`: no build under way).
    #[prop_or_default]
    pub building: Option<BuildStep>,
    /// Where edits go.
    pub on_edit: Callback<Edit>,
}

const EMBEDDINGS: [(&str, &str); 3] = [
    ("raw", "the features themselves"),
    ("pca", "a PCA of them"),
    ("base_model", "a base model's hidden layer (trained on the kept labels)"),
];

/// A base-model embedding as the page first offers it: small and quick to train.
const BASE_MODEL: EmbeddingSpec = EmbeddingSpec::BaseModel { hidden: 32, epochs: 100 };
const RULES: [(&str, &str); 2] =
    [("cosine", "cosine ≥ threshold (NSL build_graph)"), ("knn", "k nearest neighbors")];

/// The built graph's knobs and figures.
#[function_component(GraphBuilder)]
pub fn graph_builder(props: &GraphBuilderProps) -> Html {
    let built = &props.built;
    let embedding_key = match built.embedding {
        EmbeddingSpec::Raw => "raw",
        EmbeddingSpec::Pca { .. } => "pca",
        EmbeddingSpec::BaseModel { .. } => "base_model",
    };
    let pca_default = props.row_width.min(16);
    let on_embedding = props.on_edit.reform(move |key: String| {
        Edit::GraphEmbedding(match key.as_str() {
            "pca" => EmbeddingSpec::Pca { dims: pca_default },
            "base_model" => BASE_MODEL,
            _ => EmbeddingSpec::Raw,
        })
    });
    let rule = built.edges;
    let on_rule = props.on_edit.reform(move |key: String| {
        Edit::GraphRule(match key.as_str() {
            "knn" => EdgeRule::Knn { k: 5 },
            _ => EdgeRule::Cosine { threshold: 0.9, lsh_splits: 0, lsh_rounds: 1 },
        })
    });
    let embedding_knob = match built.embedding {
        EmbeddingSpec::Pca { dims } => html! {
            <Knob id="graph-pca" label="PCA dimensions" value={dims as f64} min={1.0} max={props.row_width.min(64) as f64} step={1.0} integer=true
                on_change={props.on_edit.reform(|v: f64| Edit::GraphEmbedding(EmbeddingSpec::Pca { dims: v as usize }))} />
        },
        EmbeddingSpec::BaseModel { hidden, epochs } => html! {
            <>
                <Knob id="graph-base-hidden" label="Hidden units" value={hidden as f64} min={2.0} max={128.0} step={1.0} integer=true
                    hint="the width of the layer whose activations are compared"
                    on_change={props.on_edit.reform(move |v: f64| Edit::GraphEmbedding(EmbeddingSpec::BaseModel { hidden: v as usize, epochs }))} />
                <Knob id="graph-base-epochs" label="Training steps" value={epochs as f64} min={1.0} max={500.0} step={1.0} integer=true
                    hint="full-batch Adam steps on the labeled examples alone"
                    on_change={props.on_edit.reform(move |v: f64| Edit::GraphEmbedding(EmbeddingSpec::BaseModel { hidden, epochs: v as usize }))} />
            </>
        },
        EmbeddingSpec::Raw => Html::default(),
    };
    let rule_knobs = match rule {
        EdgeRule::Cosine { threshold, lsh_splits, lsh_rounds } => html! {
            <>
                <Knob id="graph-threshold" label="Similarity threshold" value={f64::from(threshold)} min={props.threshold_min} max={1.0} step={0.005}
                    hint="an edge where cos(embedding a, embedding b) ≥ this"
                    on_change={props.on_edit.reform(move |v: f64| Edit::GraphRule(EdgeRule::Cosine { threshold: v as f32, lsh_splits, lsh_rounds }))} />
                <Knob id="graph-lsh-splits" label="LSH hyperplanes" value={f64::from(lsh_splits)} min={0.0} max={16.0} step={1.0} integer=true
                    hint="0 compares every pair; each hyperplane halves the pairs compared"
                    on_change={props.on_edit.reform(move |v: f64| Edit::GraphRule(EdgeRule::Cosine { threshold, lsh_splits: v as u32, lsh_rounds }))} />
                if lsh_splits > 0 {
                    <Knob id="graph-lsh-rounds" label="LSH rounds" value={f64::from(lsh_rounds)} min={1.0} max={8.0} step={1.0} integer=true
                        on_change={props.on_edit.reform(move |v: f64| Edit::GraphRule(EdgeRule::Cosine { threshold, lsh_splits, lsh_rounds: v as u32 }))} />
                }
            </>
        },
        EdgeRule::Knn { k } => html! {
            <Knob id="graph-k" label="Neighbors (k)" value={k as f64} min={1.0} max={30.0} step={1.0} integer=true
                hint="each example joined to its k nearest"
                on_change={props.on_edit.reform(|v: f64| Edit::GraphRule(EdgeRule::Knn { k: v as usize }))} />
        },
    };
    let labels = built.labels_per_class.unwrap_or(0);
    html! {
        <fieldset id="graph-builder">
            <legend>{ "Graph built from the data" }</legend>
            <Choice id="graph-embedding" label="Compare" options={options(&EMBEDDINGS)} selected={embedding_key} on_change={on_embedding} />
            { embedding_knob }
            <Choice id="graph-rule" label="Edges" options={options(&RULES)} selected={rule_key(rule)} on_change={on_rule} />
            { rule_knobs }
            <Knob id="graph-labels" label="Labels kept per class" value={labels as f64} min={1.0} max={100.0} step={1.0} integer=true
                hint="the other training examples stay in the graph, unlabeled"
                on_change={props.on_edit.reform(|v: f64| Edit::LabelsPerClass(Some(v as usize)))} />
            // A build under way replaces the last graph's figures (a moved threshold filters
            // the kept pairs without one, so the figures do not flicker while it is dragged).
            if props.building.is_some() {
                <Building step={props.building} />
            } else {
                <Figures built={props.built_graph.clone()} />
            }
        </fieldset>
    }
}

fn options(list: &[(&'static str, &'static str)]) -> Vec<(AttrValue, AttrValue)> {
    list.iter().map(|&(k, l)| (AttrValue::from(k), AttrValue::from(l))).collect()
}

fn rule_key(rule: EdgeRule) -> &'static str {
    match rule {
        EdgeRule::Cosine { .. } => "cosine",
        EdgeRule::Knn { .. } => "knn",
    }
}

/// Props of [`Building`].
#[derive(Debug, Properties, PartialEq, Clone)]
struct BuildingProps {
    step: Option<BuildStep>,
}

/// A build under way: what it does and, while pairs are compared, how far it is. The worker
/// reports a stage's start and then at most every 50 ms, so a quick build only flickers its
/// first line and a long one (a PCA of many rows, a low threshold) shows its bar moving.
#[function_component(Building)]
fn building(props: &BuildingProps) -> Html {
    let Some(step) = props.step else { return Html::default() };
    let (what, done, total) = match step {
        BuildStep::Embedding => ("Embedding the rows…".to_string(), None, 1),
        BuildStep::Comparing { round, rounds, done, total } => {
            let round =
                if rounds > 1 { format!(" (LSH round {} of {rounds})", round + 1) } else { String::new() };
            (format!("Comparing pairs{round}…"), Some(done), total.max(1))
        }
    };
    let value = done.map(|d| d.to_string());
    html! {
        <p class="graph-building" id="graph-building" role="status">
            <label for="graph-building-bar">{ what }</label>
            <progress id="graph-building-bar" max={total.to_string()} value={value} />
        </p>
    }
}

/// Props of [`Figures`].
#[derive(Debug, Properties, PartialEq, Clone)]
struct FiguresProps {
    built: Option<BuiltGraph>,
}

/// Degree bars drawn, at most: the rest is one "more" bar.
const DEGREE_BARS: usize = 24;

/// The built graph's figures and its degree histogram.
#[function_component(Figures)]
fn figures(props: &FiguresProps) -> Html {
    let Some(BuiltGraph { summary: s, build_ms }) = &props.built else {
        return html! { <p class="hint" id="graph-figures" aria-live="polite">{ "Building the graph…" }</p> };
    };
    let homophily = s.homophily.map_or_else(|| "–".to_string(), |h| format!("{:.1}%", 100.0 * h));
    let mut bars: Vec<usize> = s.degrees.iter().take(DEGREE_BARS).copied().collect();
    let more: usize = s.degrees.iter().skip(DEGREE_BARS).sum();
    if more > 0 {
        bars.push(more);
    }
    let tallest = bars.iter().copied().max().unwrap_or(1).max(1);
    let width = 100.0 / bars.len().max(1) as f64;
    html! {
        <div class="graph-figures" id="graph-figures" aria-live="polite"
            data-edges={s.edges.to_string()} data-fingerprint={format!("{:016x}", s.fingerprint)} data-build-ms={build_ms.to_string()}>
            <p>
                <strong id="graph-edges">{ group(s.edges) }</strong>{ " edges among " }{ group(s.nodes) }{ " examples · " }
                <strong id="graph-isolated">{ group(s.isolated) }</strong>{ " alone · mean degree " }{ format!("{:.1}", s.mean_degree()) }
                { format!(" · built in {build_ms:.0} ms") }
            </p>
            <p title="the share of edges that join two examples of the same class: what a graph regularizer can gain from">
                { "Homophily " }<strong id="graph-homophily">{ homophily }</strong>{ " of edges join the same class" }
            </p>
            <svg class="degree-histogram" viewBox="0 0 100 30" preserveAspectRatio="none" role="img"
                aria-label={format!("degree histogram: {} examples with no edge, the most common degree {}", s.isolated,
                    s.degrees.iter().enumerate().max_by_key(|(_, c)| **c).map_or(0, |(d, _)| d))}>
                { for bars.iter().enumerate().map(|(d, &count)| {
                    let h = 28.0 * count as f64 / tallest as f64;
                    html! { <rect x={format!("{:.2}", d as f64 * width)} y={format!("{:.2}", 30.0 - h)} width={format!("{:.2}", width * 0.85)} height={format!("{h:.2}")}
                        class={if d == 0 { "isolated" } else { "" }}><title>{ bar_title(d, count, more > 0 && d == DEGREE_BARS) }</title></rect> }
                }) }
            </svg>
            <p class="hint">{ format!("degree 0 … {}{}", bars.len().saturating_sub(1), if more > 0 { "+" } else { "" }) }</p>
        </div>
    }
}

fn bar_title(degree: usize, count: usize, rest: bool) -> String {
    if rest {
        format!("{count} examples with degree ≥ {degree}")
    } else {
        format!("{count} examples with degree {degree}")
    }
}

/// `12345` as `12,345`.
pub fn group(n: usize) -> String {
    let digits = n.to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_are_grouped_and_bars_named() {
        assert_eq!(
            (group(0), group(999), group(1000), group(1_234_567)),
            ("0".into(), "999".into(), "1,000".into(), "1,234,567".into())
        );
        assert_eq!(bar_title(3, 7, false), "7 examples with degree 3");
        assert_eq!(bar_title(24, 2, true), "2 examples with degree ≥ 24");
    }
}
