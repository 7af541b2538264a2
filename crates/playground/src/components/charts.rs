//! Loss and accuracy curves, drawn with plotters on a canvas: the spec's model in colour, the
//! base model (what-if) dashed in grey-blue beside it.

use std::rc::Rc;

use gloo_timers::callback::Timeout;
use plotters::prelude::*;
use plotters_canvas::CanvasBackend;
use web_sys::HtmlCanvasElement;
use yew::prelude::*;

use crate::shared::Shared;
use crate::state::{History, Point};

/// Which chart.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ChartKind {
    /// Total loss and its parts.
    Loss,
    /// Train, test and attacked accuracy.
    Accuracy,
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
}

type Curve = (&'static str, RGBColor, fn(&Point) -> Option<f64>);

const LOSS_CURVES: [Curve; 5] = [
    ("total", RGBColor(32, 33, 36), |p| Some(f64::from(p.total))),
    ("supervised", RGBColor(26, 115, 232), |p| Some(f64::from(p.supervised))),
    ("graph", RGBColor(44, 160, 44), |p| p.graph.map(f64::from)),
    ("adversarial", RGBColor(214, 39, 40), |p| p.adversarial.map(f64::from)),
    ("VAT", RGBColor(148, 103, 189), |p| p.virtual_adversarial.map(f64::from)),
];
const ACCURACY_CURVES: [Curve; 3] = [
    ("train", RGBColor(26, 115, 232), |p| Some(p.train_acc)),
    ("test", RGBColor(32, 33, 36), |p| Some(p.test_acc)),
    ("attacked", RGBColor(214, 39, 40), |p| p.attacked_acc),
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
}

fn draw_latest(canvas: &NodeRef, kind: ChartKind, redraw: &mut Redraw) {
    redraw.last_ms = js_sys::Date::now();
    if let (Some(canvas), Some((points, base))) = (canvas.cast::<HtmlCanvasElement>(), &redraw.latest)
        && let Err(e) = draw(canvas, kind, &points[..], base.as_ref().map(|b| &b[..]))
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
        use_effect_with(curves, move |curves| {
            let mut state = redraw.borrow_mut();
            state.latest = Some(curves.clone());
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
        ChartKind::Loss => ("loss-chart", "Loss per step: total and each part; the base model in grey"),
        ChartKind::Accuracy => {
            ("accuracy-chart", "Accuracy per step: train, test and under attack; the base model in grey")
        }
    };
    html! {
        <figure class="chart">
            <canvas ref={canvas} id={id} width="560" height="220" role="img" aria-label={label} />
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

fn draw(
    canvas: HtmlCanvasElement,
    kind: ChartKind,
    points: &[Point],
    base: Option<&[Point]>,
) -> Result<(), String> {
    let points = &thinned(points);
    let base_points = base.map(thinned);
    let base = base_points.as_deref();
    let backend = CanvasBackend::with_canvas_object(canvas).ok_or("no 2D context")?;
    let root = backend.into_drawing_area();
    root.fill(&WHITE).map_err(|e| e.to_string())?;
    let curves: &[Curve] = match kind {
        ChartKind::Loss => &LOSS_CURVES,
        ChartKind::Accuracy => &ACCURACY_CURVES,
    };
    let all = points.iter().chain(base.unwrap_or_default());
    let x_max = all.clone().map(|p| p.step).max().unwrap_or(1).max(1) as f64;
    let y_max = match kind {
        ChartKind::Accuracy => 1.0,
        ChartKind::Loss => {
            let top = all
                .flat_map(|p| curves.iter().filter_map(move |c| (c.2)(p)))
                .filter(|v| v.is_finite())
                .fold(0.0, f64::max);
            (top * 1.05).max(1e-3)
        }
    };
    let title = match kind {
        ChartKind::Loss => "loss",
        ChartKind::Accuracy => "accuracy",
    };
    let mut chart = ChartBuilder::on(&root)
        .margin(8)
        .x_label_area_size(28)
        .y_label_area_size(44)
        .build_cartesian_2d(0.0..x_max, 0.0..y_max)
        .map_err(|e| e.to_string())?;
    chart
        .configure_mesh()
        .x_desc("step")
        .x_label_formatter(&|x| format!("{x:.0}"))
        .y_desc(title)
        .light_line_style(RGBColor(238, 238, 238))
        .label_style(("sans-serif", 11))
        .draw()
        .map_err(|e| e.to_string())?;
    if let Some(base) = base {
        for (name, _, value) in curves {
            let line: Vec<(f64, f64)> =
                base.iter().filter_map(|p| value(p).map(|v| (p.step as f64, v))).collect();
            if !line.is_empty() {
                chart
                    .draw_series(DashedLineSeries::new(line, 4, 3, BASE.stroke_width(1)))
                    .map_err(|e| e.to_string())?
                    .label(format!("base {name}"))
                    .legend(|(x, y)| PathElement::new(vec![(x, y), (x + 14, y)], BASE));
            }
        }
    }
    for &(name, colour, value) in curves {
        let line: Vec<(f64, f64)> =
            points.iter().filter_map(|p| value(p).map(|v| (p.step as f64, v))).collect();
        if !line.is_empty() {
            chart
                .draw_series(LineSeries::new(line, colour.stroke_width(2)))
                .map_err(|e| e.to_string())?
                .label(name)
                .legend(move |(x, y)| PathElement::new(vec![(x, y), (x + 14, y)], colour.stroke_width(2)));
        }
    }
    if !points.is_empty() {
        chart
            .configure_series_labels()
            .background_style(WHITE.mix(0.85))
            .border_style(RGBColor(218, 220, 224))
            .label_font(("sans-serif", 11))
            .position(match kind {
                ChartKind::Loss => SeriesLabelPosition::UpperRight,
                ChartKind::Accuracy => SeriesLabelPosition::LowerRight,
            })
            .draw()
            .map_err(|e| e.to_string())?;
    }
    root.present().map_err(|e| e.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn long_curves_are_thinned_to_what_the_canvas_shows() {
        let point = |step| Point {
            step,
            total: 1.0,
            supervised: 1.0,
            graph: None,
            adversarial: None,
            virtual_adversarial: None,
            train_acc: 0.5,
            test_acc: 0.5,
            attacked_acc: None,
        };
        let long: Vec<Point> = (0..1999).map(point).collect();
        let kept = thinned(&long);
        assert!(kept.len() <= DRAWN + 1 && kept.len() > DRAWN / 2, "{}", kept.len());
        assert_eq!((kept[0].step, kept.last().unwrap().step), (0, 1998));
        assert_eq!(thinned(&long[..10]).len(), 10);
    }
}
