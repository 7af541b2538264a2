//! Inside a model of digits: a CNN's feature maps for a chosen test digit, block by block
//! (CNN Explainer's view), or an MLP's first-layer weights as 28 × 28 images (what each hidden
//! unit looks for).

use nsl::session::digit_views::DigitViews;
use web_sys::HtmlCanvasElement;
use yew::prelude::*;

use super::raster::{blit, context, diverging_rgba, ink_rgba};
use crate::protocol::{DataInfo, DataView};
use crate::shared::Shared;

/// Props of [`DigitViewsPanel`].
#[derive(Debug, Properties, PartialEq)]
pub struct DigitViewsProps {
    /// The views as the latest snapshot that carried them had them.
    pub views: Shared<DigitViews>,
    /// The data (the test digits the data view shows, 28 × 28 grey bytes each).
    pub info: Shared<DataInfo>,
    /// The chosen digit.
    pub digit: usize,
    /// Another digit chosen.
    pub on_digit: Callback<usize>,
}

const PIXELS: usize = 28 * 28;

/// The panel.
#[function_component(DigitViewsPanel)]
pub fn digit_views_panel(props: &DigitViewsProps) -> Html {
    let show_changes = use_state(|| true);
    match &*props.views {
        DigitViews::FeatureMaps { digit, blocks } => {
            let images: &[u8] = match &props.info.view {
                DataView::Digits { images } => images,
                _ => &[],
            };
            let count = images.len() / PIXELS;
            html! {
                <section class="card digit-views" aria-labelledby="digit-views-title">
                    <h2 id="digit-views-title">{ "Inside the model: feature maps" }</h2>
                    <p class="hint">{ "Each block convolves its input with 3 × 3 filters, keeps the positive part (ReLU), then halves the size (2 × 2 max pooling). Dark: where a filter responds. Pick a digit:" }</p>
                    <div class="digit-picker" role="radiogroup" aria-label="The digit shown inside the model">
                        { for (0..count).map(|d| {
                            let on_digit = props.on_digit.clone();
                            let grey: Vec<f32> = images[d * PIXELS..(d + 1) * PIXELS].iter().map(|&v| f32::from(v) / 255.0).collect();
                            html! {
                                <button id={format!("digit-{d}")} role="radio" aria-checked={(d == *digit).to_string()}
                                    class={classes!((d == *digit).then_some("selected"))} aria-label={format!("Test digit {}", d + 1)}
                                    onclick={Callback::from(move |_| on_digit.emit(d))}>
                                    <Picture values={grey} side={28} size={36} signed={false} scale={1.0} />
                                </button>
                            }
                        }) }
                    </div>
                    { for blocks.iter().enumerate().map(|(b, block)| {
                        let scale = block.maps.iter().fold(0.0_f32, |m, v| m.max(*v)).max(1e-6);
                        let size = if block.side >= 28 { 56 } else { 42 };
                        html! {
                            <figure class="map-block" id={format!("block-{}", b + 1)}>
                                <figcaption>{ format!("Block {}: {} maps of {} × {}", b + 1, block.channels, block.side, block.side) }</figcaption>
                                <div class="maps">
                                    { for (0..block.channels).map(|c| html! {
                                        <Picture values={block.map(c).to_vec()} side={block.side} {size} signed={false} {scale} />
                                    }) }
                                </div>
                            </figure>
                        }
                    }) }
                </section>
            }
        }
        DigitViews::FirstLayer { side, units, weights, changes } => {
            let cells = side * side;
            let (shown, title, hint) = if *show_changes {
                (
                    changes,
                    format!("Inside the model: what the first {units} hidden units learned to look for"),
                    "Each image is how one hidden unit's weights on the 28 × 28 pixels have changed since training began (the random start would hide it): ink on red pixels now raises the unit more, on blue less. Blank before the first step; strokes of digits appear as the model learns.",
                )
            } else {
                (
                    weights,
                    format!("Inside the model: the first {units} hidden units' weights"),
                    "Each image is one hidden unit's weights on the 28 × 28 pixels: ink on red pixels raises the unit, on blue lowers it. They start as random noise (Glorot), which hides for hundreds of steps what training adds.",
                )
            };
            html! {
                <section class="card digit-views" aria-labelledby="digit-views-title">
                    <h2 id="digit-views-title">{ title }</h2>
                    <label class="toggle" for="first-layer-changes">
                        <input type="checkbox" id="first-layer-changes" checked={*show_changes}
                            onchange={{ let show = show_changes.clone(); Callback::from(move |_| show.set(!*show)) }} />
                        { "Show what training changed (else the weights as they are)" }
                    </label>
                    <p class="hint">{ hint }</p>
                    <div class="maps first-layer">
                        { for (0..*units).map(|u| {
                            let unit = &shown[u * cells..(u + 1) * cells];
                            let scale = unit.iter().fold(0.0_f32, |m, v| m.max(v.abs())).max(1e-6);
                            html! { <Picture values={unit.to_vec()} side={*side} size={56} signed={true} {scale} /> }
                        }) }
                    </div>
                </section>
            }
        }
    }
}

/// Props of [`Picture`].
#[derive(Debug, Properties, PartialEq)]
struct PictureProps {
    values: Vec<f32>,
    side: usize,
    size: u32,
    /// Signed values (diverging colours), else ink on white.
    signed: bool,
    /// The value drawn at full colour.
    scale: f32,
}

/// A square of values on a canvas, pixels kept crisp.
#[function_component(Picture)]
fn picture(props: &PictureProps) -> Html {
    let canvas = use_node_ref();
    {
        let canvas = canvas.clone();
        use_effect_with((props.values.clone(), props.scale, props.signed, props.size), {
            let side = props.side as u32;
            move |(values, scale, signed, size)| {
                if let Some(canvas) = canvas.cast::<HtmlCanvasElement>()
                    && let Some(ctx) = context(&canvas)
                {
                    let rgba = if *signed {
                        diverging_rgba(values, *scale)
                    } else {
                        ink_rgba(&values.iter().map(|v| v / scale).collect::<Vec<_>>())
                    };
                    let s = f64::from(*size);
                    blit(&ctx, &rgba, side, side, [0.0, 0.0, s, s], false);
                }
            }
        });
    }
    html! { <canvas ref={canvas} width={props.size.to_string()} height={props.size.to_string()} /> }
}
