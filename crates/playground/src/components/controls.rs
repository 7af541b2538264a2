//! The setup's controls, one card per section: data, model, regularization, optimizer,
//! evaluation. Each edit becomes an [`Edit`] for the reducer.

use nsl::config::NgmDistance;
use nsl::config::{DistanceType, NormType, Reduction, TransformType};
use nsl::spec::Activation;
use nsl::spec::PlaneFeature;
use nsl::spec::{DataSpec, ExperimentSpec, ModelSpec};
use yew::prelude::*;

use super::graph_builder::GraphBuilder;
use super::graph_grid::HeteroModelControls;
use super::knob::{Choice, Knob, Toggle};
use super::link_prediction::LinkControls;
use super::sampled_training::SamplingControls;
use crate::edit::{Edit, MODELS, ModelChoice, REG_KINDS, RegKind, parse_hidden};
use crate::presets::{FAMILIES, Family};
use crate::shared::Shared;

/// Props shared by the control cards.
#[derive(Debug, Properties, PartialEq, Clone)]
pub struct ControlsProps {
    /// The setup.
    pub spec: Shared<ExperimentSpec>,
    /// Where edits go.
    pub on_edit: Callback<Edit>,
    /// The graph built from the data, as the worker built it last.
    #[prop_or_default]
    pub built: Option<Box<crate::protocol::BuiltGraph>>,
    /// How far the graph being built is (`None`: no build under way).
    #[prop_or_default]
    pub building: Option<nsl::data::synthesized::BuildStep>,
}

fn opts<T: Copy>(list: &[(T, &'static str)], key: impl Fn(T) -> String) -> Vec<(AttrValue, AttrValue)> {
    list.iter().map(|&(v, label)| (AttrValue::from(key(v)), AttrValue::from(label))).collect()
}

fn pick<T: Copy>(list: &[(T, &'static str)], key: impl Fn(T) -> String, chosen: &str) -> Option<T> {
    list.iter().map(|&(v, _)| v).find(|&v| key(v) == chosen)
}

fn knob(props: &ControlsProps, make: fn(f64) -> Edit) -> Callback<f64> {
    props.on_edit.reform(make)
}

/// The data picker and the 2D set's knobs.
#[function_component(DataControls)]
pub fn data_controls(props: &ControlsProps) -> Html {
    let family = Family::of(&props.spec.data);
    let on_family = props.on_edit.reform(|key: String| {
        // The loaded graph's own entry is disabled: only FAMILIES keys arrive here.
        Edit::Family(Family::from_key(&key).unwrap_or(Family::Plane(nsl::spec::ToyShape::Moons)))
    });
    let mut options = opts(&FAMILIES, |f| f.key().to_string());
    let loaded = match &props.spec.data {
        DataSpec::Graph { graph: nsl::spec::GraphSource::Loaded(g) } => Some(g.clone()),
        _ => None,
    };
    if let Some(g) = &loaded {
        options.push(("loaded".into(), format!("Graph: {} (loaded from files)", g.name).into()));
    }
    let rows = crate::edit::rows_of(&props.spec.data);
    let toy = match rows {
        DataSpec::Toy(toy) => html! {
            <>
                <Knob id="noise" label="Noise" value={f64::from(toy.noise)} min={0.0} max={1.0} step={0.05}
                    on_change={knob(props, Edit::Noise)} />
                <Knob id="train-fraction" label="Training share" value={f64::from(toy.train_fraction)} min={0.1} max={0.9} step={0.05}
                    on_change={knob(props, Edit::TrainFraction)} />
                <Knob id="points" label="Points" value={toy.points as f64} min={20.0} max={2000.0} step={10.0} integer=true
                    on_change={knob(props, |v| Edit::Points(v as usize))} />
                if toy.shape.takes_classes() {
                    <Knob id="classes" label="Classes" value={toy.classes as f64} min={2.0} max={nsl::spec::MAX_PLANE_CLASSES as f64} step={1.0} integer=true
                        on_change={knob(props, |v| Edit::Classes(v as usize))} />
                }
            </>
        },
        DataSpec::Points(points) => html! {
            <p class="hint" id="own-points-count">{ format!(
                "{} training and {} test points of {} classes, placed by you.",
                points.train.len(), points.test.len(), points.classes()
            ) }</p>
        },
        DataSpec::Mnist { train, test, .. } => html! {
            <p class="hint">{ format!("{train} training and {test} test digits (28 × 28) bundled with the page.") }</p>
        },
        DataSpec::Graph { .. } if loaded.is_some() => html! {
            <p class="hint">{ "Node classification on the graph opened in the explorer below: its split's training nodes train, its test nodes test. A link to this setup asks for the files again." }</p>
        },
        DataSpec::Graph { .. } => html! {
            <p class="hint">{ "Node classification: few nodes are labeled; the edges carry the rest." }</p>
        },
        DataSpec::Planetoid { .. } => html! {
            <p class="hint">{ "Planetoid Cora (McCallum et al. 2000; the split of Yang et al. 2016): 2,708 papers, 1,433 words each, 7 topics, 140 labeled; the citations carry the rest." }</p>
        },
        DataSpec::Mag(_) | DataSpec::Motifs(_) | DataSpec::Synthesized(_) => Html::default(),
    };
    // NSL's synthesized-graph workflow: any rows can become a graph.
    let builder = match (&props.spec.data, rows) {
        (DataSpec::Synthesized(built), _) => {
            let node_table = matches!(rows, DataSpec::Planetoid { .. } | DataSpec::Graph { .. });
            let row_width = match rows {
                DataSpec::Mnist { .. } => nsl::data::mnist::PIXELS,
                // Wide enough for the PCA knob's 64 (a narrower table refuses a PCA wider than
                // itself, naming its width).
                _ if node_table => 64,
                _ => 2,
            };
            // Papers sharing a third of their words are already alike (Cora's default: 0.35).
            let floor = f64::from(nsl::data::synthesized::CACHE_FLOOR);
            let threshold_min = if node_table { 0.2 } else { floor };
            html! {
                <>
                    <Toggle id="build-graph" label="Build a graph from the data" checked=true on_change={props.on_edit.reform(Edit::BuildGraph)} />
                    <GraphBuilder built={built.clone()} {row_width} {threshold_min} built_graph={props.built.as_deref().cloned()} building={props.building} on_edit={props.on_edit.clone()} />
                </>
            }
        }
        (
            _,
            DataSpec::Toy(_)
            | DataSpec::Mnist { .. }
            | DataSpec::Planetoid { .. }
            | DataSpec::Graph { graph: nsl::spec::GraphSource::Loaded(_) },
        ) => html! {
            <Toggle id="build-graph" label="Build a graph from the data" checked=false on_change={props.on_edit.reform(Edit::BuildGraph)} />
        },
        _ => Html::default(),
    };
    html! {
        <section class="card" aria-labelledby="data-title">
            <h2 id="data-title">{ "Data" }</h2>
            <Choice id="family" label="Data set" options={options}
                selected={family.map_or(if loaded.is_some() { "loaded" } else { "" }, Family::key)}
                disabled={vec![AttrValue::from("loaded")]} on_change={on_family} />
            { toy }
            { builder }
        </section>
    }
}

const ACTIVATIONS: [(Activation, &str); 3] =
    [(Activation::Relu, "ReLU"), (Activation::Tanh, "tanh"), (Activation::Sigmoid, "sigmoid")];

/// The model family, hidden layers, activation, dropout.
#[function_component(ModelControls)]
pub fn model_controls(props: &ControlsProps) -> Html {
    let (widths, dropout) = match &props.spec.model {
        ModelSpec::Mlp { hidden, dropout, .. } | ModelSpec::Gnn { hidden, dropout, .. } => {
            (hidden.clone(), *dropout)
        }
        ModelSpec::Cnn { channels, dropout, .. } => (channels.clone(), *dropout),
        ModelSpec::Hetero { encoder, .. } => (vec![encoder.hidden; encoder.rounds], 0.0),
    };
    let activation = match &props.spec.model {
        ModelSpec::Mlp { activation, .. } => Some(*activation),
        ModelSpec::Gnn { .. } | ModelSpec::Cnn { .. } | ModelSpec::Hetero { .. } => None,
    };
    let dense = match &props.spec.model {
        ModelSpec::Cnn { dense, .. } => Some(*dense),
        _ => None,
    };
    let text = widths.iter().map(usize::to_string).collect::<Vec<_>>().join(", ");
    let error = use_state(|| None::<String>);
    let is_cnn = dense.is_some();
    let is_hetero = matches!(props.spec.model, ModelSpec::Hetero { .. });
    // Uncontrolled (see `Knob`): re-renders while training must not wipe what is being typed.
    let field = use_node_ref();
    {
        let field = field.clone();
        use_effect_with(text.clone(), move |text| {
            if let Some(input) = field.cast::<web_sys::HtmlInputElement>() {
                input.set_value(text);
            }
        });
    }
    let on_hidden = {
        let (on_edit, error) = (props.on_edit.clone(), error.clone());
        Callback::from(move |e: Event| {
            let input: web_sys::HtmlInputElement = e.target_unchecked_into();
            match parse_hidden(&input.value()) {
                Ok(widths) => {
                    error.set(None);
                    on_edit.emit(if is_cnn { Edit::Channels(widths) } else { Edit::Hidden(widths) });
                }
                Err(e) => error.set(Some(e)),
            }
        })
    };
    let model_key = |m: ModelChoice| format!("{m:?}");
    let on_model = props
        .on_edit
        .reform(move |k: String| Edit::Model(pick(&MODELS, |m| format!("{m:?}"), &k).expect("listed")));
    let no_graph: Vec<AttrValue> = MODELS
        .iter()
        .filter(|(m, _)| !m.fits(&props.spec.data))
        .map(|(m, _)| AttrValue::from(model_key(*m)))
        .collect();
    let key = |a: Activation| format!("{a:?}");
    let on_activation = props.on_edit.reform(move |k: String| {
        Edit::Activation(pick(&ACTIVATIONS, |a| format!("{a:?}"), &k).expect("listed"))
    });
    html! {
        <section class="card" aria-labelledby="model-title">
            <h2 id="model-title">{ "Model" }</h2>
            if is_hetero {
                <HeteroModelControls spec={props.spec.clone()} on_edit={props.on_edit.clone()} />
            } else {
            <Choice id="model" label="Model" options={opts(&MODELS, model_key)} selected={ModelChoice::of(&props.spec.model).map(model_key).unwrap_or_default()}
                disabled={no_graph} on_change={on_model} />
            <div class="knob">
                <label for="hidden">{ if is_cnn { "Convolution blocks (channels)" } else { "Hidden layers (widths)" } }</label>
                <input id="hidden" type="text" ref={field} onchange={on_hidden} spellcheck="false"
                    aria-invalid={error.is_some().to_string()} />
                if let Some(e) = &*error { <output class="error">{ e.clone() }</output> }
            </div>
            if let Some(activation) = activation {
                <Choice id="activation" label="Activation" options={opts(&ACTIVATIONS, key)}
                    selected={key(activation)} on_change={on_activation} />
            }
            if let Some(dense) = dense {
                <Knob id="dense" label="Dense width" value={dense as f64} min={1.0} max={256.0} step={1.0} integer=true
                    on_change={knob(props, |v| Edit::Dense(v as usize))} />
            }
            <Knob id="dropout" label="Dropout" value={dropout} min={0.0} max={0.9} step={0.05}
                on_change={knob(props, Edit::Dropout)} />
            }
            if let (ModelSpec::Mlp { inputs, .. }, true) = (&props.spec.model, props.spec.data.is_plane()) {
                <PlaneInputs inputs={inputs.clone()} on_edit={props.on_edit.clone()} />
            }
            <SamplingControls spec={props.spec.clone()} on_edit={props.on_edit.clone()} />
            <LinkControls spec={props.spec.clone()} on_edit={props.on_edit.clone()} />
        </section>
    }
}

/// Props of [`PlaneInputs`].
#[derive(Debug, Properties, PartialEq)]
struct PlaneInputsProps {
    inputs: Option<Vec<PlaneFeature>>,
    on_edit: Callback<Edit>,
}

/// TensorFlow Playground's input features of an MLP on the plane, each on or off.
#[function_component(PlaneInputs)]
fn plane_inputs(props: &PlaneInputsProps) -> Html {
    let on = PlaneFeature::read(props.inputs.as_deref());
    html! {
        <fieldset class="plane-inputs">
            <legend>{ "Input features" }</legend>
            { for PlaneFeature::ALL.iter().map(|&feature| {
                let id = format!("input-{}", serde_json::to_value(feature).ok().and_then(|v| v.as_str().map(str::to_string)).unwrap_or_default());
                html! {
                    <Toggle id={id} label={feature.label()} checked={on.contains(&feature)}
                        on_change={props.on_edit.reform(move |checked| Edit::InputFeature(feature, checked))} />
                }
            }) }
        </fieldset>
    }
}

const NORMS: [(NormType, &str); 3] = [(NormType::Infinity, "L∞"), (NormType::L2, "L2"), (NormType::L1, "L1")];
const DISTANCES: [(DistanceType, &str); 5] = [
    (DistanceType::L2, "L2 (squared)"),
    (DistanceType::L1, "L1"),
    (DistanceType::Cosine, "cosine"),
    (DistanceType::KlDivergence, "KL divergence"),
    (DistanceType::JensenShannonDivergence, "Jensen–Shannon"),
];
const REDUCTIONS: [(Reduction, &str); 4] = [
    (Reduction::SumByNonzeroWeights, "sum by non-zero weights"),
    (Reduction::Mean, "mean"),
    (Reduction::SumOverBatchSize, "sum over batch size"),
    (Reduction::Sum, "sum"),
];
const NGM_DISTANCES: [(NgmDistance, &str); 2] = [
    (NgmDistance::NeighborPredictions, "neighbor predictions (cross-entropy)"),
    (NgmDistance::HiddenCosine, "hidden-layer cosine"),
];
const TRANSFORMS: [(TransformType, &str); 2] =
    [(TransformType::None, "none"), (TransformType::Softmax, "softmax")];

/// Regularization kind and every NSL knob of the regularizers in force.
#[function_component(RegularizationControls)]
pub fn regularization_controls(props: &ControlsProps) -> Html {
    let r = &props.spec.regularization;
    let kind = RegKind::of(r);
    let kind_key = |k: RegKind| format!("{k:?}");
    // TF-GNN's models and link prediction train unregularized.
    let plain_only = matches!(props.spec.model, ModelSpec::Hetero { .. })
        || matches!(props.spec.task, nsl::spec::TaskSpec::LinkPrediction { .. });
    let disabled: Vec<AttrValue> = if plain_only {
        REG_KINDS
            .iter()
            .filter(|(k, _)| *k != RegKind::None)
            .map(|(k, _)| AttrValue::from(kind_key(*k)))
            .collect()
    } else if props.spec.data.is_graph() {
        Vec::new()
    } else {
        REG_KINDS
            .iter()
            .filter(|(k, _)| k.needs_graph())
            .map(|(k, _)| AttrValue::from(kind_key(*k)))
            .collect()
    };
    let on_kind = props
        .on_edit
        .reform(move |k: String| Edit::Kind(pick(&REG_KINDS, |k| format!("{k:?}"), &k).expect("listed")));
    let graph = r.graph.map(|g| {
        let dkey = |d: DistanceType| format!("{d:?}");
        let rkey = |d: Reduction| format!("{d:?}");
        let tkey = |d: TransformType| format!("{d:?}");
        html! {
            <fieldset>
                <legend>{ "Graph (GraphRegConfig)" }</legend>
                <Knob id="graph-multiplier" label="Graph multiplier" value={f64::from(g.multiplier)} min={0.0} max={5.0} step={0.05}
                    hint="weight of Σ w·distance(f(x), f(neighbor)) in the loss" on_change={knob(props, Edit::GraphMultiplier)} />
                <Knob id="max-neighbors" label="Max neighbors" value={g.neighbor_config.max_neighbors as f64} min={1.0} max={30.0} step={1.0} integer=true
                    on_change={knob(props, |v| Edit::MaxNeighbors(v as usize))} />
                <Choice id="distance" label="Distance" options={opts(&DISTANCES, dkey)} selected={dkey(g.distance_config.distance_type)}
                    on_change={props.on_edit.reform(move |k: String| Edit::Distance(pick(&DISTANCES, dkey, &k).expect("listed")))} />
                <Choice id="reduction" label="Reduction" options={opts(&REDUCTIONS, rkey)} selected={rkey(g.distance_config.reduction)}
                    on_change={props.on_edit.reform(move |k: String| Edit::Reduction(pick(&REDUCTIONS, rkey, &k).expect("listed")))} />
                <Choice id="transform" label="Transform" options={opts(&TRANSFORMS, tkey)} selected={tkey(g.distance_config.transform_fn)}
                    on_change={props.on_edit.reform(move |k: String| Edit::Transform(pick(&TRANSFORMS, tkey, &k).expect("listed")))} />
            </fieldset>
        }
    });
    let neighbor = r
        .adversarial
        .as_ref()
        .map(|a| (a.multiplier, &a.adv_neighbor_config, "Adversarial (AdvNeighborConfig)"))
        .or_else(|| {
            r.virtual_adversarial.as_ref().map(|v| {
                (v.multiplier, &v.config.adv_neighbor_config, "Virtual adversarial (VirtualAdvConfig)")
            })
        });
    let adversarial = neighbor.map(|(multiplier, c, title)| {
        let nkey = |n: NormType| format!("{n:?}");
        let pgd_eps = c.pgd_epsilon;
        let clip = c.clip_value_min.zip(c.clip_value_max);
        let on_pgd_bound = props.on_edit.reform(move |on: bool| Edit::PgdEpsilon(on.then_some(0.3)));
        let on_clip = props.on_edit.reform(move |on: bool| Edit::Clip(on.then_some((0.0, 1.0))));
        html! {
            <fieldset>
                <legend>{ title }</legend>
                <Knob id="adv-multiplier" label="Adversarial multiplier" value={f64::from(multiplier)} min={0.0} max={5.0} step={0.05}
                    hint="weight of the loss on perturbed inputs" on_change={knob(props, Edit::AdvMultiplier)} />
                <Knob id="step-size" label="Step size" value={f64::from(c.adv_step_size)} min={0.0} max={1.0} step={0.005}
                    hint="size of each perturbation step in the chosen norm" on_change={knob(props, Edit::StepSize)} />
                <Choice id="norm" label="Gradient norm" options={opts(&NORMS, nkey)} selected={nkey(c.adv_grad_norm)}
                    on_change={props.on_edit.reform(move |k: String| Edit::Norm(pick(&NORMS, nkey, &k).expect("listed")))} />
                <Knob id="pgd-iterations" label="PGD iterations" value={c.pgd_iterations as f64} min={1.0} max={20.0} step={1.0} integer=true
                    on_change={knob(props, |v| Edit::PgdIterations(v as usize))} />
                <Toggle id="pgd-bounded" label="Bound PGD to an ε-ball" checked={pgd_eps.is_some()} on_change={on_pgd_bound} />
                if let Some(eps) = pgd_eps {
                    <Knob id="pgd-epsilon" label="PGD ε" value={f64::from(eps)} min={0.0} max={1.0} step={0.005}
                        on_change={knob(props, |v| Edit::PgdEpsilon(Some(v)))} />
                }
                <Toggle id="clip" label="Clip perturbed inputs" checked={clip.is_some()} on_change={on_clip} />
                if let Some((lo, hi)) = clip {
                    <Knob id="clip-min" label="Clip min" value={f64::from(lo)} min={-5.0} max={5.0} step={0.1}
                        on_change={props.on_edit.reform(move |v: f64| Edit::Clip(Some((v, f64::from(hi)))))} />
                    <Knob id="clip-max" label="Clip max" value={f64::from(hi)} min={-5.0} max={5.0} step={0.1}
                        on_change={props.on_edit.reform(move |v: f64| Edit::Clip(Some((f64::from(lo), v))))} />
                }
            </fieldset>
        }
    });
    let ngm = r.neural_graph_machine.map(|n| {
        let dkey = |d: NgmDistance| format!("{d:?}");
        html! {
            <fieldset>
                <legend>{ "Neural Graph Machine (all edges, full batch)" }</legend>
                <Knob id="ngm-ll" label="α labeled–labeled" value={f64::from(n.alpha_labeled_labeled)} min={0.0} max={5.0} step={0.05}
                    on_change={knob(props, |v| Edit::NgmAlpha(0, v))} />
                <Knob id="ngm-lu" label="α labeled–unlabeled" value={f64::from(n.alpha_labeled_unlabeled)} min={0.0} max={5.0} step={0.05}
                    on_change={knob(props, |v| Edit::NgmAlpha(1, v))} />
                <Knob id="ngm-uu" label="α unlabeled–unlabeled" value={f64::from(n.alpha_unlabeled_unlabeled)} min={0.0} max={5.0} step={0.05}
                    on_change={knob(props, |v| Edit::NgmAlpha(2, v))} />
                <Knob id="ngm-warmup" label="Warm-up epochs" value={n.warmup_epochs as f64} min={0.0} max={100.0} step={1.0} integer=true
                    on_change={knob(props, |v| Edit::NgmWarmup(v as usize))} />
                <Choice id="ngm-distance" label="Edge term" options={opts(&NGM_DISTANCES, dkey)} selected={dkey(n.distance)}
                    on_change={props.on_edit.reform(move |k: String| Edit::NgmDistance(pick(&NGM_DISTANCES, dkey, &k).expect("listed")))} />
            </fieldset>
        }
    });
    html! {
        <section class="card" aria-labelledby="reg-title">
            <h2 id="reg-title">{ "Regularization" }</h2>
            <Choice id="reg-kind" label="Regularizer" options={opts(&REG_KINDS, kind_key)} selected={kind_key(kind)}
                disabled={disabled} on_change={on_kind} />
            { graph.unwrap_or_default() }
            { adversarial.unwrap_or_default() }
            { ngm.unwrap_or_default() }
            if kind == RegKind::None { <p class="hint">{ "Plain supervised training." }</p> }
        </section>
    }
}

/// Learning rate, batch size, epochs, seed.
#[function_component(OptimizerControls)]
pub fn optimizer_controls(props: &ControlsProps) -> Html {
    let o = &props.spec.optimizer;
    html! {
        <section class="card" aria-labelledby="optimizer-title">
            <h2 id="optimizer-title">{ "Optimizer (Adam)" }</h2>
            <Knob id="learning-rate" label="Learning rate" value={o.learning_rate} min={1e-4} max={1.0} log=true
                on_change={knob(props, Edit::LearningRate)} />
            if props.spec.plan() == nsl::spec::Plan::GraphClassification {
                <Knob id="batch-size" label="Graphs per step" value={o.batch_size as f64} min={1.0} max={256.0} step={1.0} integer=true
                    on_change={knob(props, |v| Edit::BatchSize(v as usize))} />
            } else if props.spec.samples_subgraphs() {
                <p class="hint">{ "This model trains on batches of sampled subgraphs: the model card sets the roots per step." }</p>
            } else if props.spec.plan().reads_whole_graph() {
                <p class="hint">{ "This model trains full batch: one step per epoch over the whole graph." }</p>
            } else {
                <Knob id="batch-size" label="Batch size" value={o.batch_size as f64} min={1.0} max={256.0} step={1.0} integer=true
                    on_change={knob(props, |v| Edit::BatchSize(v as usize))} />
            }
            <Knob id="weight-decay" label="Weight decay (L2)" value={o.weight_decay} min={0.0} max={0.01} step={0.0001}
                on_change={knob(props, Edit::WeightDecay)} />
            <Knob id="epochs" label="Epochs" value={props.spec.epochs as f64} min={1.0} max={500.0} step={1.0} integer=true
                on_change={knob(props, |v| Edit::Epochs(v as usize))} />
            <Knob id="seed" label="Seed" value={props.spec.seed as f64} min={0.0} max={99.0} step={1.0} integer=true
                on_change={knob(props, |v| Edit::Seed(v as u64))} />
        </section>
    }
}

/// The attack measured on the test rows, and the base-model comparison.
#[function_component(EvaluationControls)]
pub fn evaluation_controls(props: &ControlsProps) -> Html {
    let eps = props.spec.evaluation.fgsm.map(|f| f64::from(f.epsilon));
    html! {
        <section class="card" aria-labelledby="evaluation-title">
            <h2 id="evaluation-title">{ "What-if and evaluation" }</h2>
            if props.spec.trains_dgi_beside() {
                <Toggle id="compare" label="Train the classification alone beside it (same seed, same graph)"
                    checked={props.spec.compare_with_base} on_change={props.on_edit.reform(Edit::Compare)} />
                <p class="hint">{ "The same model without Deep Graph Infomax, dashed in the charts: what the task beside adds." }</p>
            } else if matches!(props.spec.model, ModelSpec::Hetero { .. }) {
                <p class="hint">{ "TF-GNN's models train without regularizers and are not attacked here: compare templates and rounds by training one after the other, or turn on Deep Graph Infomax (model card) to train the classification alone beside it." }</p>
            } else {
            <Toggle id="compare" label="Train the base model beside it (same seed, same data)"
                checked={props.spec.compare_with_base} on_change={props.on_edit.reform(Edit::Compare)} />
            <Toggle id="attack" label="Measure accuracy under an FGSM attack" checked={eps.is_some()}
                on_change={props.on_edit.reform(|on: bool| Edit::AttackEpsilon(on.then_some(0.1)))} />
            if let Some(eps) = eps {
                <Knob id="attack-epsilon" label="Attack ε (L∞)" value={eps} min={0.0} max={1.0} step={0.01}
                    on_change={knob(props, |v| Edit::AttackEpsilon(Some(v)))} />
            }
            }
        </section>
    }
}
