//! Loss and accuracy curves, drawn with plotters on a canvas: the spec's model in colour, the
//! base model (what-if) dashed in grey-blue beside it.

use std::rc::Rc;

use gloo_timers::callback::Timeout;
use plotters::prelude::*;
use plotters_canvas::CanvasBackend;
use web_sys::HtmlCanvasElement;
use yew::prelude::*;

use super::raster::context;
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

/// `count` evenly spaced "nice" values from 0 to `max` (steps of 1, 2 or 5 × 10ⁿ).
fn ticks(max: f64, count: usize) -> Vec<f64> {
    if !(max.is_finite() && max > 0.0) {
        return vec![0.0];
    }
    let raw = max / count.max(1) as f64;
    let magnitude = 10f64.powf(raw.log10().floor());
    let step = [1.0, 2.0, 5.0, 10.0].iter().map(|m| m * magnitude).find(|s| *s >= raw).unwrap_or(raw);
    (0..).map(|i| i as f64 * step).take_while(|v| *v <= max * (1.0 + 1e-9)).collect()
}

/// A tick label: integers as they are, fractions with as few decimals as the step needs.
fn tick_label(value: f64, step: f64) -> String {
    if step >= 1.0 {
        format!("{value:.0}")
    } else {
        let decimals = (-step.log10().floor()).max(0.0) as usize;
        format!("{value:.decimals$}")
    }
}

/// Draws the chart. Text — tick labels, axis names, the legend — is drawn on the canvas
/// directly: plotters sizes every label by adding a `<span>` to the page and reading its
/// `offsetHeight`, a forced layout of the whole page per label, which made chart redraws the
/// page's longest main-thread tasks while training.
fn draw(
    canvas: HtmlCanvasElement,
    kind: ChartKind,
    points: &[Point],
    base: Option<&[Point]>,
) -> Result<(), String> {
    let points = &thinned(points);
    let base_points = base.map(thinned);
    let base = base_points.as_deref();
    let ctx = context(&canvas).ok_or("no 2D context")?;
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
    let mut chart = ChartBuilder::on(&root)
        .margin(8)
        .margin_top(18)
        .margin_left(48)
        .margin_bottom(30)
        .build_cartesian_2d(0.0..x_max, 0.0..y_max)
        .map_err(|e| e.to_string())?;
    // The grid and the axes, as lines.
    let (x_ticks, y_ticks) = (ticks(x_max, 6), ticks(y_max, 5));
    let grid = RGBColor(238, 238, 238);
    let lines = x_ticks
        .iter()
        .map(|&x| vec![(x, 0.0), (x, y_max)])
        .chain(y_ticks.iter().map(|&y| vec![(0.0, y), (x_max, y)]));
    chart.draw_series(lines.map(|l| PathElement::new(l, grid))).map_err(|e| e.to_string())?;
    let axis = RGBColor(95, 99, 104);
    let axes = [vec![(0.0, y_max), (0.0, 0.0), (x_max, 0.0)]];
    chart.draw_series(axes.into_iter().map(|l| PathElement::new(l, axis))).map_err(|e| e.to_string())?;
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
    let mut shown = Vec::new();
    for &(name, colour, value) in curves {
        let line: Vec<(f64, f64)> =
            points.iter().filter_map(|p| value(p).map(|v| (p.step as f64, v))).collect();
        if !line.is_empty() {
            chart.draw_series(LineSeries::new(line, colour.stroke_width(2))).map_err(|e| e.to_string())?;
            shown.push((name, colour));
        }
    }
    root.present().map_err(|e| e.to_string())?;
    // Text, straight on the canvas.
    let area = chart.plotting_area();
    let at = |x: f64, y: f64| {
        let (px, py) = area.map_coordinate(&(x, y));
        (f64::from(px), f64::from(py))
    };
    ctx.set_font("11px sans-serif");
    ctx.set_fill_style_str("#5f6368");
    ctx.set_text_align("center");
    ctx.set_text_baseline("top");
    let x_step = x_ticks.get(1).copied().unwrap_or(1.0);
    for &x in &x_ticks {
        let (px, py) = at(x, 0.0);
        let _ = ctx.fill_text(&tick_label(x, x_step), px, py + 4.0);
    }
    let (right, bottom) = at(x_max, 0.0);
    let _ = ctx.fill_text("step", right - 14.0, bottom + 16.0);
    ctx.set_text_align("right");
    ctx.set_text_baseline("middle");
    let y_step = y_ticks.get(1).copied().unwrap_or(1.0);
    for &y in &y_ticks {
        let (px, py) = at(0.0, y);
        let _ = ctx.fill_text(&tick_label(y, y_step), px - 5.0, py);
    }
    let (left, top) = at(0.0, y_max);
    ctx.set_text_align("left");
    ctx.set_text_baseline("bottom");
    let _ = ctx.fill_text(
        match kind {
            ChartKind::Loss => "loss",
            ChartKind::Accuracy => "accuracy",
        },
        left - 44.0,
        top - 4.0,
    );
    // The legend: one swatch and name per curve drawn, in a column at the top right (loss) or
    // bottom right (accuracy); the base model's dashed curves are named once.
    let mut entries: Vec<(String, String)> =
        shown.iter().map(|(name, c)| (name.to_string(), format!("rgb({},{},{})", c.0, c.1, c.2))).collect();
    if base.is_some() {
        entries.push(("base model (dashed)".into(), format!("rgb({},{},{})", BASE.0, BASE.1, BASE.2)));
    }
    let rows = entries.len() as f64;
    let x0 = right - 130.0;
    let y0 = match kind {
        ChartKind::Loss => top + 8.0,
        ChartKind::Accuracy => bottom - 8.0 - rows * 14.0,
    };
    if !entries.is_empty() {
        ctx.set_fill_style_str("rgba(255,255,255,0.85)");
        ctx.fill_rect(x0 - 6.0, y0 - 4.0, 132.0, rows * 14.0 + 6.0);
    }
    ctx.set_text_baseline("middle");
    for (i, (name, colour)) in entries.iter().enumerate() {
        let y = y0 + 7.0 + i as f64 * 14.0;
        ctx.set_fill_style_str(colour);
        ctx.fill_rect(x0, y - 1.5, 14.0, 3.0);
        ctx.set_fill_style_str("#3c4043");
        let _ = ctx.fill_text(name, x0 + 20.0, y);
    }
    Ok(())
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

    #[test]
    fn ticks_are_nice_numbers_up_to_the_top() {
        assert_eq!(ticks(1.0, 5), vec![0.0, 0.2, 0.4, 0.6000000000000001, 0.8, 1.0]);
        assert_eq!(ticks(1000.0, 6), vec![0.0, 200.0, 400.0, 600.0, 800.0, 1000.0]);
        assert_eq!(ticks(0.0, 5), vec![0.0]);
        assert_eq!(
            (tick_label(0.4, 0.2), tick_label(600.0, 200.0), tick_label(0.05, 0.05)),
            ("0.4".into(), "600".into(), "0.05".into())
        );
    }
}
