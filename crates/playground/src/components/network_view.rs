//! Inside an MLP on the plane, as TensorFlow Playground draws it: the input features, every
//! hidden neuron and every class as a small map of its value over the plane, joined by the
//! weights (colour: sign, width: size); hovering or focusing a neuron shows its map large with
//! the formula that computes it and its strongest inputs.

use nsl::session::network::NetworkMaps;
use web_sys::HtmlCanvasElement;
use yew::prelude::*;

use std::rc::Rc;

use nsl::session::heatmap::Grid;

use super::palette::{class_css, class_rgb};
use super::raster::{blit, context, diverging_rgba};
use crate::presets::CLASS_NAMES;
use crate::shared::Shared;

/// Props of [`NetworkView`].
#[derive(Debug, Properties, PartialEq)]
pub struct NetworkViewProps {
    /// The network as the latest snapshot that carried it had it.
    pub network: Shared<NetworkMaps>,
    /// How each input feature is written (`x₁`, `x₁²`, …).
    pub inputs: Vec<&'static str>,
    /// The hidden non-linearity's name.
    pub activation: AttrValue,
    /// The training points, drawn over the large map (`[x, y, class]`).
    #[prop_or_default]
    pub points: Option<Rc<[[f32; 3]]>>,
}

/// A neuron: its column and its place in it.
type NeuronAt = (usize, usize);

/// The network drawn.
#[function_component(NetworkView)]
pub fn network_view(props: &NetworkViewProps) -> Html {
    let selected = use_state(|| (1usize, 0usize));
    let net = &*props.network;
    let geometry = Geometry::of(net);
    let (column, index) = *selected;
    let (column, index) = if column < net.columns.len() && index < net.columns[column].width {
        (column, index)
    } else {
        (0, 0)
    };
    let last = net.columns.len() - 1;
    let name = |c: usize, i: usize| neuron_name(c, i, last, &props.inputs);
    let weights = use_node_ref();
    {
        let weights = weights.clone();
        use_effect_with(props.network.clone(), move |network| {
            if let Some(canvas) = weights.cast::<HtmlCanvasElement>()
                && let Some(ctx) = context(&canvas)
            {
                draw_weights(&ctx, network, &Geometry::of(network));
            }
        });
    }
    html! {
        <section class="card network" aria-labelledby="network-title">
            <h2 id="network-title">{ "Inside the model" }</h2>
            <p class="hint">{ "Each square is one neuron's value over the plane (red: positive, blue: negative; classes in their colour). Lines are weights: red positive, blue negative, thicker when larger. Hover or focus a neuron to see it large." }</p>
            // The weights on a canvas behind columns of tiles laid out by the style sheet (the
            // page's Content Security Policy allows no inline styles): the sizes below and
            // `.network-diagram`'s rules in style.css agree.
            <div class={classes!("network-diagram", format!("tiles-{}", geometry.tile))} id="network-diagram">
                <canvas class="weights" ref={weights} width={geometry.width.to_string()} height={geometry.height.to_string()} aria-hidden="true" />
                <div class="network-columns" role="group" aria-label="The network: features, hidden layers, output">
                    { for net.columns.iter().enumerate().map(|(c, col)| html! {
                        <div class="network-column">
                            <span class="column-title">{ column_title(c, last, col.width) }</span>
                            { for (0..col.width).map(|i| {
                                let pick = {
                                    let selected = selected.clone();
                                    Callback::from(move |_: FocusEvent| selected.set((c, i)))
                                };
                                let hover = {
                                    let selected = selected.clone();
                                    Callback::from(move |_: MouseEvent| selected.set((c, i)))
                                };
                                html! {
                                    <button class={classes!("neuron", ((c, i) == (column, index)).then_some("selected"))}
                                        aria-label={name(c, i)} onfocus={pick} onmouseenter={hover}>
                                        <NeuronTile network={props.network.clone()} at={(c, i)} size={geometry.tile} />
                                    </button>
                                }
                            }) }
                        </div>
                    }) }
                </div>
            </div>
            <div class="neuron-detail" id="neuron-detail" aria-live="polite">
                <NeuronTile network={props.network.clone()} at={(column, index)} size={160} points={props.points.clone()} />
                <div>
                    <h3>{ name(column, index) }</h3>
                    <p>{ formula(net, column, index, &props.inputs, &props.activation) }</p>
                    if column > 0 {
                        <p class="hint">{ strongest_inputs(net, column, index, &props.inputs) }</p>
                    }
                </div>
            </div>
        </section>
    }
}

/// Where the tiles go: the style sheet lays them out (`.network-diagram.tiles-N`: tiles of N
/// pixels, gaps of N / 3, columns 96 pixels apart from 20 pixels in, 22 pixels under the top,
/// each column centred), this says where that puts them, for the weights' lines.
struct Geometry {
    tile: u32,
    gap: f64,
    width: f64,
    height: f64,
}

/// Column spacing, left margin and title height, as style.css has them.
const SPACING: f64 = 96.0;
const LEFT: f64 = 20.0;
const TOP: f64 = 22.0;

impl Geometry {
    fn of(net: &NetworkMaps) -> Self {
        let widest = net.columns.iter().map(|c| c.width).max().unwrap_or(1);
        let (tile, gap) = match widest {
            0..=8 => (30, 10.0),
            9..=16 => (20, 7.0),
            _ => (12, 4.0),
        };
        let mut geometry = Self { tile, gap, width: 0.0, height: 0.0 };
        geometry.width = LEFT + SPACING * (net.columns.len() as f64 - 1.0) + f64::from(tile) + LEFT;
        geometry.height = TOP + geometry.column(widest);
        geometry
    }

    /// The height of a column of `width` tiles.
    fn column(&self, width: usize) -> f64 {
        width as f64 * f64::from(self.tile) + width.saturating_sub(1) as f64 * self.gap
    }

    /// The left edge of column `c`'s tiles.
    fn x(&self, c: usize) -> f64 {
        LEFT + c as f64 * SPACING
    }

    /// The top edge of neuron `i` of a column of `width`, the column centred.
    fn y(&self, i: usize, width: usize) -> f64 {
        TOP + (self.height - TOP - self.column(width)) / 2.0 + i as f64 * (f64::from(self.tile) + self.gap)
    }
}

/// One line per weight, from the right edge of its input to the left edge of its output:
/// red positive, blue negative, wider and more opaque when larger. Drawn on a canvas (a few
/// hundred lines redrawn ten times a second: no elements to create or lay out).
fn draw_weights(ctx: &web_sys::CanvasRenderingContext2d, net: &NetworkMaps, g: &Geometry) {
    ctx.clear_rect(0.0, 0.0, g.width, g.height);
    let largest =
        net.weights.iter().flat_map(|w| w.kernel.iter()).fold(0.0_f32, |m, w| m.max(w.abs())).max(1e-6);
    let half = f64::from(g.tile) / 2.0;
    for (l, weights) in net.weights.iter().enumerate() {
        let (from, to) = (net.columns[l].width, net.columns[l + 1].width);
        for i in 0..from {
            for j in 0..to {
                let w = weights.kernel[i * to + j];
                let size = f64::from(w.abs() / largest);
                let (r, gr, b) = if w >= 0.0 { (178, 24, 43) } else { (33, 102, 172) };
                ctx.set_stroke_style_str(&format!("rgba({r},{gr},{b},{:.2})", 0.15 + 0.85 * size));
                ctx.set_line_width(0.4 + 3.2 * size);
                ctx.begin_path();
                ctx.move_to(g.x(l) + f64::from(g.tile), g.y(i, from) + half);
                ctx.line_to(g.x(l + 1), g.y(j, to) + half);
                ctx.stroke();
            }
        }
    }
}

fn column_title(c: usize, last: usize, width: usize) -> String {
    match c {
        0 => "Features".into(),
        c if c == last => "Output".into(),
        c => format!("Hidden {c} ({width})"),
    }
}

fn neuron_name(c: usize, i: usize, last: usize, inputs: &[&str]) -> String {
    match c {
        0 => format!("Input feature {}", inputs.get(i).copied().unwrap_or("?")),
        c if c == last => format!("Output: probability of {}", CLASS_NAMES[i % CLASS_NAMES.len()]),
        c => format!("Hidden layer {c}, neuron {}", i + 1),
    }
}

/// How the neuron's value is computed, with its bias.
fn formula(net: &NetworkMaps, c: usize, i: usize, inputs: &[&str], activation: &str) -> String {
    let last = net.columns.len() - 1;
    if c == 0 {
        return format!("{} at each point (x₁, x₂) of the plane.", inputs.get(i).copied().unwrap_or("?"));
    }
    let bias = net.weights[c - 1].bias[i];
    let from = if c == 1 { "features" } else { "neurons on the left" };
    if c == last {
        return format!(
            "softmax over the classes of zᵢ = Σⱼ wⱼᵢ·hⱼ + bᵢ, the weighted sum of the {from} (b = {bias:+.3}): where this map is strong, the model says {}.",
            CLASS_NAMES[i % CLASS_NAMES.len()]
        );
    }
    format!("{activation}(Σⱼ wⱼ·inⱼ + b) over the {from}, b = {bias:+.3}.")
}

/// The three largest incoming weights.
fn strongest_inputs(net: &NetworkMaps, c: usize, i: usize, inputs: &[&str]) -> String {
    let weights = &net.weights[c - 1];
    let to = net.columns[c].width;
    let mut incoming: Vec<(usize, f32)> =
        (0..net.columns[c - 1].width).map(|j| (j, weights.kernel[j * to + i])).collect();
    incoming.sort_by(|a, b| b.1.abs().total_cmp(&a.1.abs()));
    let last = net.columns.len() - 1;
    let listed: Vec<String> = incoming
        .iter()
        .take(3)
        .map(|&(j, w)| {
            let source = if c == 1 {
                inputs.get(j).copied().unwrap_or("?").to_string()
            } else {
                neuron_name(c - 1, j, last, inputs).replace("Hidden layer ", "hidden ")
            };
            format!("{source} ({w:+.2})")
        })
        .collect();
    format!("Strongest inputs: {}.", listed.join(", "))
}

/// Props of [`NeuronTile`].
#[derive(Debug, Properties, PartialEq)]
struct NeuronTileProps {
    network: Shared<NetworkMaps>,
    at: NeuronAt,
    size: u32,
    /// Points drawn over the map.
    #[prop_or_default]
    points: Option<Rc<[[f32; 3]]>>,
}

/// One neuron's map, painted on a canvas.
#[function_component(NeuronTile)]
fn neuron_tile(props: &NeuronTileProps) -> Html {
    let canvas = use_node_ref();
    {
        let canvas = canvas.clone();
        use_effect_with(
            (props.network.clone(), props.at, props.size, props.points.clone()),
            move |(net, (c, i), size, points)| {
                if let Some(canvas) = canvas.cast::<HtmlCanvasElement>()
                    && let Some(ctx) = context(&canvas)
                    && let Some(column) = net.columns.get(*c).filter(|col| *i < col.width)
                {
                    let n = net.grid.resolution as u32;
                    let map = column.map(*i);
                    let rgba = if *c == net.columns.len() - 1 {
                        class_rgba(map, *i)
                    } else {
                        // Inputs each to their own range; a hidden layer's neurons to the layer's, so
                        // that a quiet neuron looks quiet beside a loud one.
                        let values = if *c == 0 { map } else { &column.maps[..] };
                        let scale = values.iter().fold(0.0_f32, |m, v| m.max(v.abs())).max(1e-6);
                        diverging_rgba(map, scale)
                    };
                    let side = f64::from(*size);
                    blit(&ctx, &rgba, n, n, [0.0, 0.0, side, side], true);
                    if let Some(points) = points {
                        draw_points(&ctx, points, &net.grid, side);
                    }
                }
            },
        );
    }
    html! { <canvas ref={canvas} width={props.size.to_string()} height={props.size.to_string()} /> }
}

/// The training points over a map of `grid`, small, in their class's colour.
fn draw_points(ctx: &web_sys::CanvasRenderingContext2d, points: &[[f32; 3]], grid: &Grid, side: f64) {
    let to_px = |v: f32, lo: f32, hi: f32| f64::from((v - lo) / (hi - lo)) * side;
    ctx.set_line_width(1.0);
    ctx.set_stroke_style_str("white");
    for &[x, y, class] in points {
        ctx.begin_path();
        let _ = ctx.arc(
            to_px(x, grid.x_min, grid.x_max),
            side - to_px(y, grid.y_min, grid.y_max),
            2.2,
            0.0,
            std::f64::consts::TAU,
        );
        ctx.set_fill_style_str(&class_css(class as usize, 1.0));
        ctx.fill();
        ctx.stroke();
    }
}

/// A class's probability over the plane: white at 0, the class colour at 1.
fn class_rgba(probabilities: &[f32], class: usize) -> Vec<u8> {
    let rgb = class_rgb(class);
    probabilities
        .iter()
        .flat_map(|&p| {
            let p = p.clamp(0.0, 1.0);
            let mix = |c: u8| (255.0 + (f32::from(c) - 255.0) * p).round() as u8;
            [mix(rgb[0]), mix(rgb[1]), mix(rgb[2]), 255]
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_certain_class_is_its_colour_and_an_absent_one_white() {
        let rgba = class_rgba(&[1.0, 0.0], 1);
        let [r, g, b] = class_rgb(1);
        assert_eq!(&rgba[..4], &[r, g, b, 255]);
        assert_eq!(&rgba[4..], &[255, 255, 255, 255]);
    }
}
