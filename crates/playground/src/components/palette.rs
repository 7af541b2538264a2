//! Class colours and colour mixing. The classes take Okabe and Ito's colour-blind-safe
//! palette (orange and blue first, as TensorFlow Playground's two classes), completed to ten;
//! a test checks that every two stay apart under protanopia, deuteranopia and tritanopia.

/// RGB of each class, cycling beyond ten.
pub const CLASS_RGB: [[u8; 3]; 10] = [
    [0xE6, 0x9F, 0x00], // orange
    [0x00, 0x72, 0xB2], // blue
    [0x00, 0x9E, 0x73], // bluish green
    [0xD5, 0x5E, 0x00], // vermillion
    [0x56, 0xB4, 0xE9], // sky blue
    [0xCC, 0x79, 0xA7], // reddish purple
    [0xF0, 0xE4, 0x42], // yellow
    [0x5A, 0x5A, 0x5A], // dark grey
    [0x7B, 0x2D, 0x26], // brown
    [0x3B, 0x3B, 0xC4], // indigo
];

/// The colour of `class`.
pub fn class_rgb(class: usize) -> [u8; 3] {
    CLASS_RGB[class % CLASS_RGB.len()]
}

/// CSS colour of `class` with opacity `alpha`.
pub fn class_css(class: usize, alpha: f32) -> String {
    let [r, g, b] = class_rgb(class);
    format!("rgba({r},{g},{b},{alpha:.3})")
}

/// The heatmap colour of one cell from its class probabilities: the colours of the classes
/// weighted by probability, faded towards white where the model is unsure.
pub fn blend(probabilities: &[f32]) -> [u8; 3] {
    let k = probabilities.len().max(1) as f32;
    let top = probabilities.iter().copied().fold(0.0_f32, f32::max);
    // 1 when certain, 0 at a uniform prediction.
    let certainty = ((top - 1.0 / k) / (1.0 - 1.0 / k)).clamp(0.0, 1.0);
    let mut mix = [0.0_f32; 3];
    for (c, &p) in probabilities.iter().enumerate() {
        let rgb = class_rgb(c);
        for d in 0..3 {
            mix[d] += p * f32::from(rgb[d]);
        }
    }
    std::array::from_fn(|d| (255.0 + (mix[d] - 255.0) * certainty * 0.85).round().clamp(0.0, 255.0) as u8)
}

/// A diverging colour for `v` in `[-1, 1]`: blue below 0, white at 0, red above (for
/// perturbations and attributions, whose sign matters).
pub fn diverging(v: f32) -> [u8; 3] {
    let t = v.clamp(-1.0, 1.0);
    let (end, a) = if t < 0.0 { ([33.0, 102.0, 172.0], -t) } else { ([178.0, 24.0, 43.0], t) };
    std::array::from_fn(|d| (255.0 + (end[d] - 255.0) * a).round() as u8)
}

/// A link predictor's colours: probability 0 (blue), ½ and 1 (red).
pub const LINK_RGB: [[u8; 3]; 3] = [[26, 115, 232], [122, 82, 135], [217, 48, 37]];

/// The colour of a pair the model gives probability `p` of being a link, in one of eleven
/// steps (so that a graph's pairs draw as eleven paths).
pub fn link_colour(p: f32) -> String {
    let t = (p.clamp(0.0, 1.0) * 10.0).round() / 10.0;
    let [low, _, high] = LINK_RGB;
    let [r, g, b]: [u8; 3] = std::array::from_fn(|d| {
        (f32::from(low[d]) + (f32::from(high[d]) - f32::from(low[d])) * t).round() as u8
    });
    format!("rgb({r},{g},{b})")
}

/// Colour of each hop: the roots, then one colour per hop.
const HOP_COLOURS: [&str; 5] = ["#d93025", "#f29900", "#1a73e8", "#188038", "#9334e6"];

/// Colour of hop `h`.
pub fn hop_colour(h: u32) -> &'static str {
    HOP_COLOURS[(h as usize).min(HOP_COLOURS.len() - 1)]
}

/// The style sheet's class of hop `h`'s legend swatch (the page's Content Security Policy
/// allows no inline styles: `www/style.css` holds the same colours, checked by a test).
pub fn hop_class(h: u32) -> String {
    format!("hop-{}", (h as usize).min(HOP_COLOURS.len() - 1))
}

/// Colours of node sets that are not classified (muted, apart from the class colours' hues).
pub const SET_RGB: [[u8; 3]; 5] =
    [[69, 90, 100], [0, 121, 107], [121, 85, 72], [106, 27, 154], [173, 20, 87]];

/// Line colours of edge sets.
pub const EDGE_RGB: [[u8; 3]; 6] =
    [[117, 117, 117], [25, 118, 210], [56, 142, 60], [123, 31, 162], [0, 151, 167], [239, 108, 0]];

/// Dash patterns of edge sets (canvas and SVG alike; empty: solid).
pub const DASHES: [&[f64]; 5] = [&[], &[6.0, 3.0], &[1.5, 2.5], &[8.0, 3.0, 1.5, 3.0], &[3.0, 5.0]];

/// The colour of node set `i`'s nodes when not coloured by class.
pub fn set_css(i: usize, alpha: f32) -> String {
    let [r, g, b] = SET_RGB[i % SET_RGB.len()];
    format!("rgba({r},{g},{b},{alpha:.3})")
}

/// The colour of edge set `i`.
pub fn edge_css(i: usize, alpha: f32) -> String {
    let [r, g, b] = EDGE_RGB[i % EDGE_RGB.len()];
    format!("rgba({r},{g},{b},{alpha:.3})")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unsure_is_white_and_sure_is_the_class_colour() {
        assert_eq!(blend(&[0.5, 0.5]), [255, 255, 255]);
        let sure = blend(&[0.0, 1.0]);
        assert!(sure[2] > sure[0], "blue dominates: {sure:?}");
        assert_eq!(class_css(0, 0.5), "rgba(230,159,0,0.500)");
    }

    /// CIELAB (D65) of an sRGB colour given in linear light.
    fn lab(linear: [f64; 3]) -> [f64; 3] {
        let [r, g, b] = linear;
        let x = (0.4124 * r + 0.3576 * g + 0.1805 * b) / 0.95047;
        let y = 0.2126 * r + 0.7152 * g + 0.0722 * b;
        let z = (0.0193 * r + 0.1192 * g + 0.9505 * b) / 1.08883;
        let f = |t: f64| if t > 0.008856 { t.cbrt() } else { 7.787 * t + 16.0 / 116.0 };
        [116.0 * f(y) - 16.0, 500.0 * (f(x) - f(y)), 200.0 * (f(y) - f(z))]
    }

    fn linear(c: u8) -> f64 {
        let c = f64::from(c) / 255.0;
        if c <= 0.04045 { c / 12.92 } else { ((c + 0.055) / 1.055).powf(2.4) }
    }

    /// Every two class colours differ by at least 15 ΔE (CIE76; 2.3 is just noticeable) as
    /// seen with normal vision and with each dichromacy, simulated by Machado, Oliveira and
    /// Fernandes' (2009) matrices at full severity. The palette before (Tableau's ten) had
    /// blue and purple 1.2 apart under protanopia.
    #[test]
    fn classes_stay_apart_under_colour_vision_deficiencies() {
        let visions: [(&str, [[f64; 3]; 3]); 4] = [
            ("normal", [[1.0, 0.0, 0.0], [0.0, 1.0, 0.0], [0.0, 0.0, 1.0]]),
            (
                "protanopia",
                [
                    [0.152286, 1.052583, -0.204868],
                    [0.114503, 0.786281, 0.099216],
                    [-0.003882, -0.048116, 1.051998],
                ],
            ),
            (
                "deuteranopia",
                [
                    [0.367322, 0.860646, -0.227968],
                    [0.280085, 0.672501, 0.047413],
                    [-0.011820, 0.042940, 0.968881],
                ],
            ),
            (
                "tritanopia",
                [
                    [1.255528, -0.076749, -0.178779],
                    [-0.078411, 0.930809, 0.147602],
                    [0.004733, 0.691367, 0.303900],
                ],
            ),
        ];
        for (vision, m) in visions {
            let seen: Vec<[f64; 3]> = CLASS_RGB
                .iter()
                .map(|rgb| {
                    let l = rgb.map(linear);
                    lab(std::array::from_fn(|i| {
                        (m[i][0] * l[0] + m[i][1] * l[1] + m[i][2] * l[2]).clamp(0.0, 1.0)
                    }))
                })
                .collect();
            for a in 0..seen.len() {
                for b in a + 1..seen.len() {
                    let d = seen[a].iter().zip(&seen[b]).map(|(p, q)| (p - q).powi(2)).sum::<f64>().sqrt();
                    assert!(d >= 15.0, "{vision}: classes {a} and {b} are {d:.1} ΔE apart");
                }
            }
        }
    }

    #[test]
    fn the_style_sheet_has_every_hop_colour() {
        let css = include_str!("../../../../www/style.css");
        for h in 0..HOP_COLOURS.len() as u32 + 2 {
            let rule = format!(".legend i.{} {{ background: {}; }}", hop_class(h), hop_colour(h));
            assert!(css.contains(&rule), "www/style.css lacks `{rule}`");
        }
    }

    #[test]
    fn link_colours_run_from_blue_to_red_and_the_style_sheet_has_them() {
        assert_eq!(link_colour(0.0), "rgb(26,115,232)");
        assert_eq!(link_colour(1.0), "rgb(217,48,37)");
        assert_eq!(link_colour(0.52), link_colour(0.5), "eleven steps");
        let css = include_str!("../../../../www/style.css");
        for (class, [r, g, b]) in ["link-low", "link-mid", "link-high"].iter().zip(LINK_RGB) {
            let rule = format!(".legend i.{class} {{ background: rgb({r},{g},{b}); }}");
            assert!(css.contains(&rule), "www/style.css lacks `{rule}`");
        }
    }

    #[test]
    fn the_style_sheet_has_a_legend_swatch_of_every_class_and_edge_set() {
        let css = include_str!("../../../../www/style.css");
        for (c, [r, g, b]) in CLASS_RGB.iter().enumerate() {
            let rule = format!(".legend i.class-{c} {{ background: rgb({r},{g},{b}); }}");
            assert!(css.contains(&rule), "www/style.css lacks `{rule}`");
        }
        for (k, [r, g, b]) in EDGE_RGB.iter().enumerate() {
            let rule = format!(".legend i.edge-set-{k} {{ background: rgb({r},{g},{b}); }}");
            assert!(css.contains(&rule), "www/style.css lacks `{rule}`");
        }
    }

    #[test]
    fn diverging_colours_keep_the_sign() {
        assert_eq!(diverging(0.0), [255, 255, 255]);
        assert_eq!(diverging(1.0), [178, 24, 43]);
        assert_eq!(diverging(-5.0), [33, 102, 172]);
        let faint = diverging(0.2);
        assert!(faint[0] > faint[2] && faint[2] > 200, "{faint:?}");
    }
}
