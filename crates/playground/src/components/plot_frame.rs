//! The frame of every chart — grid, axes, tick labels, axis names, legend — drawn with the
//! canvas' own 2D calls around the curves plotters draws. plotters would size each text by
//! adding a styled `<span>` to the page and reading its height: a forced layout of the whole
//! page per label (once the page's longest main-thread tasks while training) and an inline
//! style, which the page's Content Security Policy refuses.

use plotters::coord::types::RangedCoordf64;
use plotters::prelude::{Cartesian2d, DrawingArea};
use plotters_canvas::CanvasBackend;
use web_sys::CanvasRenderingContext2d;

/// Where a data point lands on the canvas (pixels).
pub type Map<'a> = &'a dyn Fn(f64, f64) -> (f64, f64);

/// A chart's plotting area, as plotters lays it out.
pub type Plot = DrawingArea<CanvasBackend, Cartesian2d<RangedCoordf64, RangedCoordf64>>;

/// The canvas pixel of each data point of `plot`.
pub fn pixels(plot: &Plot) -> impl Fn(f64, f64) -> (f64, f64) + 'static {
    let plot = plot.clone();
    move |x, y| {
        let (px, py) = plot.map_coordinate(&(x, y));
        (f64::from(px), f64::from(py))
    }
}

/// `count` or so evenly spaced "nice" values (steps of 1, 2 or 5 × 10ⁿ) from `min` to `max`.
pub fn ticks(min: f64, max: f64, count: usize) -> Vec<f64> {
    let span = max - min;
    if !(span.is_finite() && span > 0.0) {
        return vec![min];
    }
    let raw = span / count.max(1) as f64;
    let magnitude = 10f64.powf(raw.log10().floor());
    let step = [1.0, 2.0, 5.0, 10.0].iter().map(|m| m * magnitude).find(|s| *s >= raw).unwrap_or(raw);
    let first = (min / step - 1e-9).ceil() as i64;
    (first..).map(|i| i as f64 * step).take_while(|v| *v <= max + span * 1e-9).collect()
}

/// A tick label: integers as they are, fractions with as few decimals as the step needs.
pub fn tick_label(value: f64, step: f64) -> String {
    if step >= 1.0 {
        format!("{value:.0}")
    } else {
        let decimals = (-step.log10().floor()).max(0.0) as usize;
        format!("{value:.decimals$}")
    }
}

/// The axes of one chart: their ranges, ticks and names.
#[derive(Debug, Clone)]
pub struct Axes {
    /// Horizontal range.
    pub x: (f64, f64),
    /// Vertical range.
    pub y: (f64, f64),
    /// Horizontal ticks.
    pub x_ticks: Vec<f64>,
    /// Vertical ticks.
    pub y_ticks: Vec<f64>,
    /// Name under the horizontal axis, at its right end.
    pub x_name: &'static str,
    /// Name above the vertical axis.
    pub y_name: &'static str,
}

impl Axes {
    /// Axes over these ranges with about six and five ticks.
    pub fn new(x: (f64, f64), y: (f64, f64), x_name: &'static str, y_name: &'static str) -> Self {
        Self { x, y, x_ticks: ticks(x.0, x.1, 6), y_ticks: ticks(y.0, y.1, 5), x_name, y_name }
    }

    fn line(ctx: &CanvasRenderingContext2d, from: (f64, f64), to: (f64, f64)) {
        ctx.move_to(from.0.round() + 0.5, from.1.round() + 0.5);
        ctx.line_to(to.0.round() + 0.5, to.1.round() + 0.5);
    }

    /// The grid and the axis lines (draw before the curves).
    pub fn draw_grid(&self, ctx: &CanvasRenderingContext2d, at: Map) {
        let (x, y) = (self.x, self.y);
        ctx.set_line_width(1.0);
        ctx.set_stroke_style_str("rgb(238,238,238)");
        ctx.begin_path();
        for &t in &self.x_ticks {
            Self::line(ctx, at(t, y.0), at(t, y.1));
        }
        for &t in &self.y_ticks {
            Self::line(ctx, at(x.0, t), at(x.1, t));
        }
        ctx.stroke();
        ctx.set_stroke_style_str("rgb(95,99,104)");
        ctx.begin_path();
        Self::line(ctx, at(x.0, y.1), at(x.0, y.0));
        Self::line(ctx, at(x.0, y.0), at(x.1, y.0));
        ctx.stroke();
    }

    /// Tick labels and axis names (draw after the curves).
    pub fn draw_labels(&self, ctx: &CanvasRenderingContext2d, at: Map) {
        let (x, y) = (self.x, self.y);
        ctx.set_font("11px sans-serif");
        ctx.set_fill_style_str("#5f6368");
        ctx.set_text_align("center");
        ctx.set_text_baseline("top");
        let x_step = step_of(&self.x_ticks);
        for &t in &self.x_ticks {
            let (px, py) = at(t, y.0);
            let _ = ctx.fill_text(&tick_label(t, x_step), px, py + 4.0);
        }
        let (right, bottom) = at(x.1, y.0);
        ctx.set_text_align("right");
        let _ = ctx.fill_text(self.x_name, right, bottom + 17.0);
        ctx.set_text_baseline("middle");
        let y_step = step_of(&self.y_ticks);
        for &t in &self.y_ticks {
            let (px, py) = at(x.0, t);
            let _ = ctx.fill_text(&tick_label(t, y_step), px - 5.0, py);
        }
        let (left, top) = at(x.0, y.1);
        ctx.set_text_align("left");
        ctx.set_text_baseline("bottom");
        let _ = ctx.fill_text(self.y_name, left - 44.0, top - 4.0);
    }
}

fn step_of(ticks: &[f64]) -> f64 {
    match ticks {
        [a, b, ..] => b - a,
        _ => 1.0,
    }
}

/// One legend line: a swatch (dashed or solid) in a CSS colour, and a name.
#[derive(Debug, Clone, PartialEq)]
pub struct Entry {
    /// What the line is.
    pub name: String,
    /// Its CSS colour.
    pub colour: String,
    /// Drawn dashed.
    pub dashed: bool,
}

/// Where the legend sits in the plotting area.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Corner {
    /// Top left.
    TopLeft,
    /// Top right.
    TopRight,
    /// Bottom right.
    BottomRight,
}

/// A legend box of `entries` in a corner of the plotting area (`at` maps its data corners).
pub fn draw_legend(ctx: &CanvasRenderingContext2d, axes: &Axes, at: Map, corner: Corner, entries: &[Entry]) {
    if entries.is_empty() {
        return;
    }
    ctx.set_font("11px sans-serif");
    // About 6 px per character of 11 px sans-serif: the box need not fit to the pixel.
    let text_width = entries.iter().map(|e| e.name.chars().count() as f64 * 6.0).fold(0.0, f64::max);
    let (width, rows) = (text_width + 30.0, entries.len() as f64);
    let (left, top) = at(axes.x.0, axes.y.1);
    let (right, bottom) = at(axes.x.1, axes.y.0);
    let x0 = match corner {
        Corner::TopLeft => left + 8.0,
        Corner::TopRight | Corner::BottomRight => right - width - 4.0,
    };
    let y0 = match corner {
        Corner::TopLeft | Corner::TopRight => top + 8.0,
        Corner::BottomRight => bottom - 8.0 - rows * 14.0,
    };
    ctx.set_fill_style_str("rgba(255,255,255,0.85)");
    ctx.fill_rect(x0 - 6.0, y0 - 4.0, width + 6.0, rows * 14.0 + 6.0);
    ctx.set_text_align("left");
    ctx.set_text_baseline("middle");
    for (i, entry) in entries.iter().enumerate() {
        let y = y0 + 7.0 + i as f64 * 14.0;
        ctx.set_fill_style_str(&entry.colour);
        if entry.dashed {
            ctx.fill_rect(x0, y - 1.0, 5.0, 2.0);
            ctx.fill_rect(x0 + 8.0, y - 1.0, 6.0, 2.0);
        } else {
            ctx.fill_rect(x0, y - 1.5, 14.0, 3.0);
        }
        ctx.set_fill_style_str("#3c4043");
        let _ = ctx.fill_text(&entry.name, x0 + 20.0, y);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ticks_are_nice_numbers_within_the_range() {
        assert_eq!(ticks(0.0, 1.0, 5), vec![0.0, 0.2, 0.4, 0.6000000000000001, 0.8, 1.0]);
        assert_eq!(ticks(0.0, 1000.0, 6), vec![0.0, 200.0, 400.0, 600.0, 800.0, 1000.0]);
        assert_eq!(ticks(130.0, 1000.0, 6), vec![200.0, 400.0, 600.0, 800.0, 1000.0]);
        assert_eq!(ticks(0.0, 0.0, 5), vec![0.0]);
        assert_eq!(
            (tick_label(0.4, 0.2), tick_label(600.0, 200.0), tick_label(0.05, 0.05)),
            ("0.4".into(), "600".into(), "0.05".into())
        );
    }
}
