//! Painting small images (heatmap cells, digits, perturbations) onto canvases: each is put into
//! a scratch canvas at its own size and drawn scaled up, smoothly or as crisp pixels.

use wasm_bindgen::{Clamped, JsCast};
use web_sys::{CanvasRenderingContext2d, HtmlCanvasElement, ImageData};

use super::palette::diverging;

thread_local! {
    /// A scratch canvas for painting image data before scaling it up (one per page).
    static SCRATCH: Option<HtmlCanvasElement> = web_sys::window()
        .and_then(|w| w.document())
        .and_then(|d| d.create_element("canvas").ok())
        .and_then(|e| e.dyn_into().ok());
}

/// The 2D context of `canvas`.
pub fn context(canvas: &HtmlCanvasElement) -> Option<CanvasRenderingContext2d> {
    canvas.get_context("2d").ok().flatten()?.dyn_into().ok()
}

/// Draws `rgba` (`w × h` pixels) scaled into `(x, y, dw, dh)` of `ctx`.
pub fn blit(ctx: &CanvasRenderingContext2d, rgba: &[u8], w: u32, h: u32, target: [f64; 4], smooth: bool) {
    let Ok(image) = ImageData::new_with_u8_clamped_array_and_sh(Clamped(rgba), w, h) else { return };
    SCRATCH.with(|scratch| {
        let Some(small) = scratch else { return };
        // Setting a canvas's size clears and resets it even when unchanged: only on a change.
        if small.width() != w || small.height() != h {
            small.set_width(w);
            small.set_height(h);
        }
        if let Some(small_ctx) = context(small) {
            let _ = small_ctx.put_image_data(&image, 0.0, 0.0);
            ctx.set_image_smoothing_enabled(smooth);
            let [x, y, dw, dh] = target;
            let _ = ctx.draw_image_with_html_canvas_element_and_dw_and_dh(small, x, y, dw, dh);
        }
    });
}

/// The canvas pixel under a pointer event: canvases may be shown smaller than their pixels
/// (`max-width: 100%`), and events come in CSS pixels.
pub fn canvas_point(e: &web_sys::MouseEvent) -> (f64, f64) {
    let scale = e
        .target()
        .and_then(|t| t.dyn_into::<HtmlCanvasElement>().ok())
        .filter(|c| c.client_width() > 0)
        .map_or(1.0, |c| f64::from(c.width()) / f64::from(c.client_width()));
    (f64::from(e.offset_x()) * scale, f64::from(e.offset_y()) * scale)
}

/// Grey levels in `[0, 1]` as dark ink on white, RGBA.
pub fn ink_rgba(values: &[f32]) -> Vec<u8> {
    values
        .iter()
        .flat_map(|&v| {
            let ink = 255 - (v.clamp(0.0, 1.0) * 255.0).round() as u8;
            [ink, ink, ink, 255]
        })
        .collect()
}

/// Signed values as diverging colours, `±scale` at full colour, RGBA.
pub fn diverging_rgba(values: &[f32], scale: f32) -> Vec<u8> {
    values
        .iter()
        .flat_map(|&v| {
            let [r, g, b] = diverging(v / scale);
            [r, g, b, 255]
        })
        .collect()
}
