//! The robustness card: test accuracy against attack size ε for the base and the regularized
//! model, under FGSM and PGD, measured in the worker point by point (with a progress bar),
//! drawn with plotters and exported as CSV or PNG.

use nsl::config::NormType;
use nsl::spec::{Attack, RobustnessSpec};
use nsl::train::robustness::{RobustnessPoint, curves_csv};
use plotters::prelude::*;
use plotters_canvas::CanvasBackend;
use web_sys::HtmlCanvasElement;
use yew::prelude::*;

use super::knob::{Choice, Knob};
use super::plot_frame::{Axes, Corner, Entry, draw_legend, pixels};
use super::raster::context;
use crate::download::{download, download_url};
use crate::edit::Edit;
use crate::protocol::{RobustnessProgress, Variant};
use crate::shared::Shared;

/// Props of [`RobustnessPanel`].
#[derive(Debug, Properties, PartialEq)]
pub struct RobustnessProps {
    /// The curve to measure.
    pub settings: RobustnessSpec,
    /// What was measured.
    pub progress: Option<Shared<RobustnessProgress>>,
    /// Name of the spec's (regularized) model.
    pub variant_name: AttrValue,
    /// File name stem of exports.
    pub stem: AttrValue,
    /// Optimizer steps the models have taken now.
    pub step: usize,
    /// Measure.
    pub on_run: Callback<()>,
    /// Setting changes.
    pub on_edit: Callback<Edit>,
    /// Where failures are reported.
    pub on_error: Callback<String>,
}

const CANVAS_ID: &str = "robustness-chart";

/// The robustness card.
#[function_component(RobustnessPanel)]
pub fn robustness_panel(props: &RobustnessProps) -> Html {
    let canvas = use_node_ref();
    let names = Names { regularized: props.variant_name.to_string() };
    {
        let (canvas, names) = (canvas.clone(), names.clone());
        use_effect_with(
            (props.progress.clone(), props.settings.max_epsilon),
            move |(progress, max_epsilon)| {
                if let (Some(canvas), Some(progress)) = (canvas.cast::<HtmlCanvasElement>(), progress)
                    && let Err(e) = draw(canvas, progress, *max_epsilon, &names)
                {
                    web_sys::console::warn_1(&format!("robustness chart: {e}").into());
                }
            },
        );
    }
    let s = props.settings;
    let edit = |f: fn(RobustnessSpec, f64) -> RobustnessSpec| {
        props.on_edit.reform(move |v: f64| Edit::Robustness(f(s, v)))
    };
    let norms = [("infinity", "L∞"), ("l2", "L2"), ("l1", "L1")];
    let norm_key = match s.norm {
        NormType::Infinity => "infinity",
        NormType::L2 => "l2",
        NormType::L1 => "l1",
    };
    let on_norm = props.on_edit.reform(move |key: String| {
        let norm = match key.as_str() {
            "l2" => NormType::L2,
            "l1" => NormType::L1,
            _ => NormType::Infinity,
        };
        Edit::Robustness(RobustnessSpec { norm, ..s })
    });
    let measuring = props.progress.as_ref().is_some_and(|p| !p.finished() && p.error.is_none());
    let finished = props.progress.as_ref().filter(|p| p.finished());
    let on_csv = {
        let (progress, names, stem, on_error) =
            (props.progress.clone(), names.clone(), props.stem.clone(), props.on_error.clone());
        Callback::from(move |_: MouseEvent| {
            let Some(progress) = &progress else { return };
            let labelled: Vec<(String, &[RobustnessPoint])> =
                progress.curves.iter().map(|(v, c)| (names.of(*v), c.as_slice())).collect();
            let csv = curves_csv(labelled.iter().map(|(n, c)| (n.as_str(), *c)));
            if let Err(e) = download(&format!("{stem}-robustness.csv"), "text/csv", csv.as_bytes()) {
                on_error.emit(e);
            }
        })
    };
    let on_png = {
        let (canvas, stem, on_error) = (canvas.clone(), props.stem.clone(), props.on_error.clone());
        Callback::from(move |_: MouseEvent| {
            let Some(canvas) = canvas.cast::<HtmlCanvasElement>() else { return };
            let result = canvas
                .to_data_url_with_type("image/png")
                .map_err(|e| format!("PNG export: {e:?}"))
                .and_then(|url| download_url(&format!("{stem}-robustness.png"), &url));
            if let Err(e) = result {
                on_error.emit(e);
            }
        })
    };
    html! {
        <section class="card robustness" aria-labelledby="robustness-title">
            <h2 id="robustness-title">{ "Robustness" }</h2>
            <p class="muted">{ "Test accuracy under white-box attacks of growing size ε, for every model: FGSM (one step) and PGD (projected steps of 2.5·ε / iterations)." }</p>
            <div class="knobs-row">
                <Knob id="robustness-max-epsilon" label="Largest ε" value={s.max_epsilon} min={0.01} max={1.0} step={0.01}
                    on_change={edit(|s, v| RobustnessSpec { max_epsilon: v, ..s })} />
                <Knob id="robustness-points" label="Points" value={s.points as f64} min={2.0} max={21.0} step={1.0} integer=true
                    on_change={edit(|s, v| RobustnessSpec { points: v as usize, ..s })} />
                <Knob id="robustness-iterations" label="PGD iterations" value={s.pgd_iterations as f64} min={1.0} max={50.0}
                    step={1.0} integer=true on_change={edit(|s, v| RobustnessSpec { pgd_iterations: v as usize, ..s })} />
                <Choice id="robustness-norm" label="Norm"
                    options={norms.iter().map(|(k, l)| (AttrValue::from(*k), AttrValue::from(*l))).collect::<Vec<_>>()}
                    selected={AttrValue::from(norm_key)} on_change={on_norm} />
            </div>
            <div class="row">
                <button id="robustness-run" onclick={props.on_run.reform(|_| ())} disabled={measuring}>
                    { if measuring { "Measuring…" } else { "Measure robustness" } }
                </button>
                if let Some(p) = &props.progress {
                    <progress id="robustness-progress" max={p.total.max(1).to_string()} value={p.done.to_string()}
                        aria-label="Robustness points measured" />
                    <span class="muted" id="robustness-status">
                        { match (&p.error, p.finished()) {
                            (Some(e), _) => format!("failed: {e}"),
                            (None, true) => format!("{} points at step {}{}", p.total, p.step,
                                if p.step == props.step { String::new() } else { format!(" (the models are at step {} now)", props.step) }),
                            (None, false) => format!("{} of {} points", p.done, p.total),
                        } }
                    </span>
                }
                <button id="robustness-csv" onclick={on_csv} disabled={finished.is_none()}>{ "CSV" }</button>
                <button id="robustness-png" onclick={on_png} disabled={finished.is_none()}>{ "PNG" }</button>
            </div>
            <figure class="chart" hidden={props.progress.is_none()}>
                <canvas ref={canvas} id={CANVAS_ID} width="560" height="260" role="img"
                    aria-label="Accuracy against attack size ε: each model under FGSM (solid) and PGD (dashed)" />
                <figcaption class="muted">{ "Solid: FGSM, dashed: PGD; grey: base model, red: regularized." }</figcaption>
            </figure>
        </section>
    }
}

/// Model names as exports and legends show them.
#[derive(Debug, Clone, PartialEq)]
struct Names {
    regularized: String,
}

impl Names {
    fn of(&self, variant: Variant) -> String {
        match variant {
            Variant::Base => "base".into(),
            Variant::Regularized => self.regularized.clone(),
        }
    }
}

const REGULARIZED: RGBColor = RGBColor(214, 39, 40);
const BASE: RGBColor = RGBColor(120, 144, 156);

fn draw(
    canvas: HtmlCanvasElement,
    progress: &RobustnessProgress,
    max_epsilon: f64,
    names: &Names,
) -> Result<(), String> {
    let ctx = context(&canvas).ok_or("no 2D context")?;
    let backend = CanvasBackend::with_canvas_object(canvas).ok_or("no 2D context")?;
    let root = backend.into_drawing_area();
    root.fill(&WHITE).map_err(|e| e.to_string())?;
    let x_max = progress
        .curves
        .iter()
        .flat_map(|(_, c)| c.iter().map(|p| p.epsilon))
        .fold(max_epsilon, f64::max)
        .max(1e-3);
    let mut chart = ChartBuilder::on(&root)
        .margin(8)
        .margin_top(18)
        .margin_left(50)
        .margin_bottom(30)
        .build_cartesian_2d(0.0..x_max, 0.0..1.0)
        .map_err(|e| e.to_string())?;
    let axes = Axes::new((0.0, x_max), (0.0, 1.0), "ε", "test accuracy");
    let at = pixels(chart.plotting_area());
    axes.draw_grid(&ctx, &at);
    let mut entries = Vec::new();
    for (variant, curve) in &progress.curves {
        let colour = if *variant == Variant::Base { BASE } else { REGULARIZED };
        for attack in Attack::ALL {
            let line: Vec<(f64, f64)> =
                curve.iter().filter(|p| p.attack == attack).map(|p| (p.epsilon, p.accuracy)).collect();
            if line.is_empty() {
                continue;
            }
            let style = colour.stroke_width(2);
            match attack {
                Attack::Fgsm => chart.draw_series(LineSeries::new(line.clone(), style)),
                Attack::Pgd => chart.draw_series(DashedLineSeries::new(line.clone(), 6, 4, style)),
            }
            .map_err(|e| e.to_string())?;
            chart
                .draw_series(line.iter().map(|&(x, y)| Circle::new((x, y), 2, colour.filled())))
                .map_err(|e| e.to_string())?;
            entries.push(Entry {
                name: format!("{} {}", names.of(*variant), attack.name()),
                colour: format!("rgb({},{},{})", colour.0, colour.1, colour.2),
                dashed: attack == Attack::Pgd,
            });
        }
    }
    root.present().map_err(|e| e.to_string())?;
    axes.draw_labels(&ctx, &at);
    draw_legend(&ctx, &axes, &at, Corner::TopRight, &entries);
    Ok(())
}
