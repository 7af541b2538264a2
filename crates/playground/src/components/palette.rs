//! Class colours (TensorFlow Playground's orange and blue first) and colour mixing.

/// RGB of each class, cycling beyond ten.
pub const CLASS_RGB: [[u8; 3]; 10] = [
    [245, 147, 34],
    [8, 119, 189],
    [44, 160, 44],
    [214, 39, 40],
    [148, 103, 189],
    [140, 86, 75],
    [227, 119, 194],
    [127, 127, 127],
    [188, 189, 34],
    [23, 190, 207],
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unsure_is_white_and_sure_is_the_class_colour() {
        assert_eq!(blend(&[0.5, 0.5]), [255, 255, 255]);
        let sure = blend(&[0.0, 1.0]);
        assert!(sure[2] > sure[0], "blue dominates: {sure:?}");
        assert_eq!(class_css(0, 0.5), "rgba(245,147,34,0.500)");
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
