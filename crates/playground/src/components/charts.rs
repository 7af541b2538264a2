//! Loss and accuracy curves, drawn with plotters on a canvas: the spec's model in colour, the
//! base model (what-if) dashed in grey-blue beside it.

use std::rc::Rc;

use gloo_timers::callback::Timeout;
use plotters::prelude::*;
use plotters_canvas::CanvasBackend;
use web_sys::HtmlCanvasElement;
use yew::prelude::*;

use super::plot_frame::{Axes, Corner, Entry, draw_legend, pixels};
use super::raster::context;
use crate::shared::Shared;
use crate::state::{History, Point};

/// Up to this many measured points, the accuracy curves mark each one.
const MARKED_MEASUREMENTS: usize = 40;

/// Which chart.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ChartKind {
    /// Total loss and its parts.
    Loss,
    /// Train, test and attacked accuracy.
    Accuracy,
    /// A link predictor's ROC AUC: the training links and the held-out test links.
    Auc,
}

/// The chart's latest values in words (its text alternative beside the drawing).
pub fn caption(kind: ChartKind, latest: Option<&Point>, base: Option<&Point>, base_name: &str) -> String {
    let Some(p) = latest else { return "No steps yet.".to_string() };
    let percent = |v: f64| format!("{:.1}%", v * 100.0);
    let base_note =
        |text: String| if base.is_some() { format!(" ({base_name}: {text})") } else { String::new() };
    match kind {
        ChartKind::Loss => {
            let parts: Vec<String> =
                [("graph", p.graph), ("adversarial", p.adversarial), ("VAT", p.virtual_adversarial)]
                    .into_iter()
                    .filter_map(|(name, v)| v.map(|v| format!("{name} {v:.4}")))
                    .collect();
            let parts =
                if parts.is_empty() { String::new() } else { format!(", of which {}", parts.join(", ")) };
            let dgi = p.dgi.map(|d| format!("; Deep Graph Infomax {d:.4} (unweighted)")).unwrap_or_default();
            format!(
                "Step {}: total loss {:.4}, supervised {:.4}{parts}{dgi}{}.",
                p.step,
                p.total,
                p.supervised,
                base_note(base.map(|b| format!("{:.4}", b.total)).unwrap_or_default())
            )
        }
        ChartKind::Auc => format!(
            "Step {}: AUC of the training links {:.3}, of the held-out test links {:.3}.",
            p.step, p.train_acc, p.test_acc
        ),
        ChartKind::Accuracy => {
            let attacked =
                p.attacked_acc.map(|a| format!(", under attack {}", percent(a))).unwrap_or_default();
            let dgi = p
                .dgi_acc
                .map(|a| {
                    format!("; Deep Graph Infomax tells the graph from its shuffled copy {}", percent(a))
                })
                .unwrap_or_default();
            format!(
                "Step {}: train accuracy {}, test {}{attacked}{dgi}{}.",
                p.step,
                percent(p.train_acc),
                percent(p.test_acc),
                base_note(base.map(|b| format!("test {}", percent(b.test_acc))).unwrap_or_default())
            )
        }
    }
}

/// Props of [`Chart`].
#[derive(Debug, Properties, PartialEq)]
pub struct ChartProps {
    /// Which chart.
    pub kind: ChartKind,
    /// The spec's model.
    pub regularized: History,
    /// The base model, if compared.
    pub base: Option<History>,
    /// What the base model is called.
    #[prop_or(AttrValue::Static("base model"))]
    pub base_name: AttrValue,
}

type Curve = (&'static str, RGBColor, fn(&Point) -> Option<f64>);

const LOSS_CURVES: [Curve; 6] = [
    ("total", RGBColor(32, 33, 36), |p| Some(f64::from(p.total))),
    ("supervised", RGBColor(26, 115, 232), |p| Some(f64::from(p.supervised))),
    ("graph", RGBColor(44, 160, 44), |p| p.graph.map(f64::from)),
    ("adversarial", RGBColor(214, 39, 40), |p| p.adversarial.map(f64::from)),
    ("VAT", RGBColor(148, 103, 189), |p| p.virtual_adversarial.map(f64::from)),
    ("DGI (unweighted)", RGBColor(230, 120, 0), |p| p.dgi.map(f64::from)),
];
// Accuracies as measured: a point whose snapshot skipped them is passed by.
const ACCURACY_CURVES: [Curve; 4] = [
    ("train", RGBColor(26, 115, 232), |p| p.evaluated.then_some(p.train_acc)),
    ("test", RGBColor(32, 33, 36), |p| p.evaluated.then_some(p.test_acc)),
    ("attacked", RGBColor(214, 39, 40), |p| p.attacked_acc.filter(|_| p.evaluated)),
    ("DGI: clean vs shuffled", RGBColor(230, 120, 0), |p| p.dgi_acc.filter(|_| p.evaluated)),
];
const AUC_CURVES: [Curve; 2] = [
    ("training links", RGBColor(26, 115, 232), |p| p.evaluated.then_some(p.train_acc)),
    ("held-out test links", RGBColor(32, 33, 36), |p| p.evaluated.then_some(p.test_acc)),
];
const BASE: RGBColor = RGBColor(120, 144, 156);

/// Least time between two redraws of a chart: a redraw (axes, labels, up to 2 × 5 curves of
/// 400 points) costs milliseconds, and curves arrive ~90 times a second while training. The
/// last curves are always drawn (a trailing redraw).
const MIN_REDRAW_MS: f64 = 100.0;

/// The curves to draw: the spec's model and the base model's.
type Curves = (Shared<Vec<Point>>, Option<Shared<Vec<Point>>>);

/// When a chart last drew, and the redraw waiting for its turn.
#[derive(Default)]
struct Redraw {
    last_ms: f64,
    waiting: Option<Timeout>,
    latest: Option<Curves>,
    /// What the base model is called in the legend.
    base_name: AttrValue,
}

fn draw_latest(canvas: &NodeRef, kind: ChartKind, redraw: &mut Redraw) {
    redraw.last_ms = js_sys::Date::now();
    if let (Some(canvas), Some((points, base))) = (canvas.cast::<HtmlCanvasElement>(), &redraw.latest)
        && let Err(e) = draw(canvas, kind, &points[..], base.as_ref().map(|b| (&b[..], &*redraw.base_name)))
    {
        web_sys::console::warn_1(&format!("chart: {e}").into());
    }
}

/// A chart canvas redrawn when its data changes, at most every [`MIN_REDRAW_MS`].
#[function_component(Chart)]
pub fn chart(props: &ChartProps) -> Html {
    let canvas = use_node_ref();
    let redraw = use_mut_ref(Redraw::default);
    {
        let canvas = canvas.clone();
        let kind = props.kind;
        let curves: Curves =
            (props.regularized.points.clone(), props.base.as_ref().map(|b| b.points.clone()));
        let base_name = props.base_name.clone();
        use_effect_with(curves, move |curves| {
            let mut state = redraw.borrow_mut();
            state.latest = Some(curves.clone());
            state.base_name = base_name;
            let since = js_sys::Date::now() - state.last_ms;
            if since >= MIN_REDRAW_MS {
                draw_latest(&canvas, kind, &mut state);
            } else if state.waiting.is_none() {
                let weak = Rc::downgrade(&redraw);
                let wait = (MIN_REDRAW_MS - since).ceil() as u32;
                state.waiting = Some(Timeout::new(wait, move || {
                    if let Some(redraw) = weak.upgrade() {
                        let mut state = redraw.borrow_mut();
                        state.waiting = None;
                        draw_latest(&canvas, kind, &mut state);
                    }
                }));
            }
        });
    }
    let (id, label) = match props.kind {
        ChartKind::Loss => ("loss-chart", "Loss per step: total and each part"),
        ChartKind::Accuracy => ("accuracy-chart", "Accuracy per step: train, test and under attack"),
        ChartKind::Auc => ("accuracy-chart", "ROC AUC per step: training links and held-out test links"),
    };
    let label = format!("{label}; the {} dashed in grey", props.base_name);
    let caption = caption(
        props.kind,
        props.regularized.points.last(),
        props.base.as_ref().and_then(|b| b.points.last()),
        &props.base_name,
    );
    html! {
        <figure class="chart">
            <canvas ref={canvas} id={id} width="560" height="220" role="img" aria-label={label} />
            <figcaption class="muted chart-values">{ caption }</figcaption>
        </figure>
    }
}

/// Most points drawn per curve: the canvas is ~560 px wide, more would only cost time.
const DRAWN: usize = 400;

/// Every `n`-th point so that at most [`DRAWN`] remain (the last point always kept).
fn thinned(points: &[Point]) -> Vec<Point> {
    let stride = points.len().div_ceil(DRAWN).max(1);
    let mut kept: Vec<Point> = points.iter().step_by(stride).copied().collect();
    if let (Some(last), Some(kept_last)) = (points.last(), kept.last())
        && last.step != kept_last.step
    {
        kept.push(*last);
    }
    kept
}

/// Draws the chart: the curves with plotters, the frame and every text with the canvas' own
/// calls (`plot_frame`: plotters' text would force a page layout per label).
fn draw(
    canvas: HtmlCanvasElement,
    kind: ChartKind,
    points: &[Point],
    base: Option<(&[Point], &str)>,
) -> Result<(), String> {
    let points = &thinned(points);
    let base_name = base.map(|(_, name)| name);
    let base_points = base.map(|(b, _)| thinned(b));
    let base = base_points.as_deref();
    let ctx = context(&canvas).ok_or("no 2D context")?;
    let backend = CanvasBackend::with_canvas_object(canvas).ok_or("no 2D context")?;
    let root = backend.into_drawing_area();
    root.fill(&WHITE).map_err(|e| e.to_string())?;
    let curves: &[Curve] = match kind {
        ChartKind::Loss => &LOSS_CURVES,
        ChartKind::Accuracy => &ACCURACY_CURVES,
        ChartKind::Auc => &AUC_CURVES,
    };
    let all = points.iter().chain(base.unwrap_or_default());
    let x_max = all.clone().map(|p| p.step).max().unwrap_or(1).max(1) as f64;
    let y_max = match kind {
        ChartKind::Accuracy | ChartKind::Auc => 1.0,
        ChartKind::Loss => {
            let top = all
                .flat_map(|p| curves.iter().filter_map(move |c| (c.2)(p)))
                .filter(|v| v.is_finite())
                .fold(0.0, f64::max);
            (top * 1.05).max(1e-3)
        }
    };
    let mut chart = ChartBuilder::on(&root)
        .margin(8)
        .margin_top(18)
        .margin_left(48)
        .margin_bottom(30)
        .build_cartesian_2d(0.0..x_max, 0.0..y_max)
        .map_err(|e| e.to_string())?;
    let y_name = match kind {
        ChartKind::Loss => "loss",
        ChartKind::Accuracy => "accuracy",
        ChartKind::Auc => "ROC AUC",
    };
    let axes = Axes::new((0.0, x_max), (0.0, y_max), "step", y_name);
    let at = pixels(chart.plotting_area());
    axes.draw_grid(&ctx, &at);
    if let Some(base) = base {
        for (_, _, value) in curves {
            let line: Vec<(f64, f64)> =
                base.iter().filter_map(|p| value(p).map(|v| (p.step as f64, v))).collect();
            if !line.is_empty() {
                chart
                    .draw_series(DashedLineSeries::new(line, 4, 3, BASE.stroke_width(1)))
                    .map_err(|e| e.to_string())?;
            }
        }
    }
    let mut entries = Vec::new();
    for &(name, colour, value) in curves {
        let line: Vec<(f64, f64)> =
            points.iter().filter_map(|p| value(p).map(|v| (p.step as f64, v))).collect();
        if !line.is_empty() {
            // Accuracies are measured at a share of the time, seconds apart for a large model:
            // where the measurements are few, each is marked, so a straight segment between
            // two reads as what it is, not as a measured trend.
            let marked = kind != ChartKind::Loss && line.len() <= MARKED_MEASUREMENTS;
            let marks: Vec<(f64, f64)> = if marked { line.clone() } else { Vec::new() };
            chart.draw_series(LineSeries::new(line, colour.stroke_width(2))).map_err(|e| e.to_string())?;
            chart
                .draw_series(marks.into_iter().map(|at| Circle::new(at, 3, colour.filled())))
                .map_err(|e| e.to_string())?;
            entries.push(Entry { name: name.to_string(), colour: css(colour), dashed: false });
        }
    }
    root.present().map_err(|e| e.to_string())?;
    axes.draw_labels(&ctx, &at);
    // The base model's dashed curves are named once.
    if let Some(name) = base_name {
        entries.push(Entry { name: format!("{name} (dashed)"), colour: css(BASE), dashed: true });
    }
    let corner = match kind {
        ChartKind::Loss => Corner::TopRight,
        ChartKind::Accuracy | ChartKind::Auc => Corner::BottomRight,
    };
    draw_legend(&ctx, &axes, &at, corner, &entries);
    Ok(())
}

fn css(c: RGBColor) -> String {
    format!("rgb({},{},{})", c.0, c.1, c.2)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn captions_say_the_latest_values() {
        let p = Point {
            step: 120,
            evaluated: true,
            total: 0.5,
            supervised: 0.4,
            graph: None,
            adversarial: Some(0.1),
            virtual_adversarial: None,
            dgi: None,
            train_acc: 0.9,
            test_acc: 0.855,
            attacked_acc: Some(0.5),
            dgi_acc: None,
        };
        let base = Point { total: 0.7, test_acc: 0.8, ..p };
        assert_eq!(
            caption(ChartKind::Loss, Some(&p), Some(&base), "base model"),
            "Step 120: total loss 0.5000, supervised 0.4000, of which adversarial 0.1000 (base model: 0.7000)."
        );
        assert_eq!(
            caption(ChartKind::Accuracy, Some(&p), None, "base model"),
            "Step 120: train accuracy 90.0%, test 85.5%, under attack 50.0%."
        );
        assert_eq!(caption(ChartKind::Loss, None, None, "base model"), "No steps yet.");
        let joint =
            Point { adversarial: None, attacked_acc: None, dgi: Some(0.25), dgi_acc: Some(0.875), ..p };
        assert_eq!(
            caption(ChartKind::Loss, Some(&joint), None, "base model"),
            "Step 120: total loss 0.5000, supervised 0.4000; Deep Graph Infomax 0.2500 (unweighted)."
        );
        assert_eq!(
            caption(ChartKind::Accuracy, Some(&joint), None, "base model"),
            "Step 120: train accuracy 90.0%, test 85.5%; Deep Graph Infomax tells the graph from its shuffled copy 87.5%."
        );
    }

    #[test]
    fn long_curves_are_thinned_to_what_the_canvas_shows() {
        let long: Vec<Point> = (0..1999).map(Point::flat).collect();
        let kept = thinned(&long);
        assert!(kept.len() <= DRAWN + 1 && kept.len() > DRAWN / 2, "{}", kept.len());
        assert_eq!((kept[0].step, kept.last().unwrap().step), (0, 1998));
        assert_eq!(thinned(&long[..10]).len(), 10);
    }
}
