//! One step of an adversarial search under the L∞ norm — FGSM, and each iteration of PGD — as
//! NSL's `gen_adv_neighbor` takes it, in one pass instead of a dozen tensor operations.
//!
//! Per element, in f32 and in this order (`x` the original input, `a` the current point, `g` the
//! loss's gradient at `a`):
//!
//! ```text
//! g ← g if it is finite, else 0
//! d = [g > 0] − [g < 0]                 (the sign: 0 for ±0)
//! δ = (a + d · step) − x
//! δ ← clamp(δ, −ε, ε)                   (PGD's ball, when it has a radius ε)
//! a ← clip(x + δ)                       (the data's range, when it has bounds)
//! ```
//!
//! `(a + d · step) − x` is not simplified to `a − x + d · step`: the rounding of each operation
//! is part of the result, and the tensor operations round in this order.

/// The data's range: each bound optional. Bounds follow burn's CPU backend exactly: a NaN input
/// stays NaN; with both bounds, a NaN bound gives NaN.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct Range {
    /// The lowest value, if any.
    pub min: Option<f32>,
    /// The highest value, if any.
    pub max: Option<f32>,
}

impl Range {
    /// `value` moved into the range (burn's `clamp`, `clamp_min` and `clamp_max`).
    ///
    /// # Panics
    ///
    /// If `min > max`, as `f32::clamp` does (the spec's checks refuse such a range).
    #[inline(always)]
    pub fn clip(&self, value: f32) -> f32 {
        match (self.min, self.max) {
            (None, None) => value,
            (Some(lo), None) => at_least(value, lo),
            (None, Some(hi)) => at_most(value, hi),
            (Some(lo), Some(hi)) => clamp(value, lo, hi),
        }
    }
}

/// The step's constants.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct SignStep {
    /// How far each coordinate moves (`adv_step_size`).
    pub step_size: f32,
    /// PGD's radius around the original input (`pgd_epsilon`), if any.
    pub epsilon: Option<f32>,
    /// The data's range (`clip_value_min`, `clip_value_max`).
    pub range: Range,
}

/// Takes one step in place: `current` moves along the sign of `grad`, back into the ball
/// around `original` and into the range.
///
/// # Arguments
///
/// * `step` - the step's constants.
/// * `original` - the input the search started from (`x`).
/// * `current` - the current point (`a`; `x` itself on the first step), updated.
/// * `grad` - the loss's gradient at `current`, as the backward pass gave it (non-finite
///   entries count as 0).
///
/// # Panics
///
/// If the three slices do not have the same length.
pub fn sign_step(step: &SignStep, original: &[f32], current: &mut [f32], grad: &[f32]) {
    let n = current.len();
    assert!(
        original.len() == n && grad.len() == n,
        "sign step: original, current point and gradient differ in length ({}, {n}, {})",
        original.len(),
        grad.len()
    );
    // One loop per case rather than a branch per element: each vectorises on its own.
    let SignStep { step_size, epsilon, range } = *step;
    match epsilon {
        None => step_with(step_size, original, current, grad, |delta| delta, range),
        Some(radius) => {
            step_with(step_size, original, current, grad, |delta| clamp(delta, -radius, radius), range)
        }
    }
}

#[inline(always)]
fn step_with(
    step_size: f32,
    original: &[f32],
    current: &mut [f32],
    grad: &[f32],
    into_ball: impl Fn(f32) -> f32,
    range: Range,
) {
    for ((a, &x), &g) in current.iter_mut().zip(original).zip(grad) {
        let g = if g.is_finite() { g } else { 0.0 };
        let direction = f32::from(u8::from(g > 0.0)) - f32::from(u8::from(g < 0.0));
        let delta = into_ball((*a + direction * step_size) - x);
        *a = range.clip(x + delta);
    }
}

/// burn-flex's `clamp_min`: NaN stays NaN.
#[inline(always)]
fn at_least(value: f32, lo: f32) -> f32 {
    if value.is_nan() || value > lo { value } else { lo }
}

/// burn-flex's `clamp_max`: NaN stays NaN.
#[inline(always)]
fn at_most(value: f32, hi: f32) -> f32 {
    if value.is_nan() || value < hi { value } else { hi }
}

/// burn-flex's `clamp`: `f32::clamp`, NaN for a NaN bound.
#[inline(always)]
fn clamp(value: f32, lo: f32, hi: f32) -> f32 {
    if lo.is_nan() || hi.is_nan() { f32::NAN } else { value.clamp(lo, hi) }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn run(step: &SignStep, original: &[f32], grad: &[f32]) -> Vec<f32> {
        let mut current = original.to_vec();
        sign_step(step, original, &mut current, grad);
        current
    }

    const FGSM: SignStep = SignStep { step_size: 0.25, epsilon: None, range: Range { min: None, max: None } };

    /// FGSM moves each coordinate by the step, along the gradient's sign; a zero, NaN or
    /// infinite gradient leaves it where it is.
    #[test]
    fn fgsm_moves_by_the_step_along_the_sign() {
        let x = [0.5, 0.5, 0.5, 0.5, 0.5, 0.5];
        let g = [3.0, -1e-30, 0.0, -0.0, f32::NAN, f32::INFINITY];
        assert_eq!(run(&FGSM, &x, &g), [0.75, 0.25, 0.5, 0.5, 0.5, 0.5]);
    }

    /// The range clips the result; each bound alone clips its side only.
    #[test]
    fn the_range_clips() {
        let x = [0.75, 0.25];
        let g = [1.0, -1.0];
        let big = SignStep { step_size: 0.5, ..FGSM };
        let both = SignStep { range: Range { min: Some(0.0), max: Some(1.0) }, ..big };
        assert_eq!(run(&both, &x, &g), [1.0, 0.0]);
        let low = SignStep { range: Range { min: Some(0.0), max: None }, ..big };
        assert_eq!(run(&low, &x, &g), [1.25, 0.0]);
        let high = SignStep { range: Range { min: None, max: Some(1.0) }, ..big };
        assert_eq!(run(&high, &x, &g), [1.0, -0.25]);
    }

    /// With a radius, repeated steps stay within it of the original input.
    #[test]
    fn pgd_steps_stay_in_the_ball() {
        let x = [0.5, 0.5];
        let step = SignStep { epsilon: Some(0.3), ..FGSM };
        let mut current = x.to_vec();
        for _ in 0..4 {
            sign_step(&step, &x, &mut current, &[1.0, -1.0]);
        }
        assert_eq!(current, [0.5 + 0.3, 0.5 - 0.3]);
    }

    /// NaN inputs stay NaN through every bound.
    #[test]
    fn nan_stays_nan() {
        for range in [Range { min: Some(0.0), max: None }, Range { min: None, max: Some(1.0) }] {
            assert!(range.clip(f32::NAN).is_nan());
        }
        assert!(Range { min: Some(0.0), max: Some(1.0) }.clip(f32::NAN).is_nan());
        assert!(Range { min: Some(f32::NAN), max: Some(1.0) }.clip(0.5).is_nan());
    }

    #[test]
    #[should_panic(expected = "differ in length")]
    fn slices_of_different_lengths_are_refused() {
        sign_step(&FGSM, &[0.0; 3], &mut [0.0; 3], &[0.0; 2]);
    }
}
