//! Adam's update as burn's `Adam` computes it (burn-optim 0.22), as one pass over the
//! parameter, its gradient and the two moments instead of a dozen tensor operations.
//!
//! At step `t` (counted from 1), in f32 and in this order:
//!
//! ```text
//! g ← w · decay + g                                    (with weight decay)
//! m ← m · β₁ + g · (1 − β₁)        (first step: g · (1 − β₁))
//! v ← v · β₂ + g² · (1 − β₂)       (first step: g² · (1 − β₂))
//! c = √(1 − β₂ᵗ) / (1 − β₁ᵗ)
//! w ← w − (m · c) / (√v + ε · √(1 − β₂ᵗ)) · lr
//! ```
//!
//! That is the Adam paper's ε, added to the bias-corrected `√v̂`. Keras (which TensorFlow NSL
//! trains with) adds ε to `√v` instead; the two differ only where gradients are as small as ε
//! (one step of `g = 1e-7` at `lr = 1` moves `w` by 0.5 here, by 0.031 in TensorFlow).

/// Adam's constants (f32, as burn keeps them).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct AdamConstants {
    /// Decay of the first moment (β₁).
    pub beta_1: f32,
    /// Decay of the second moment (β₂).
    pub beta_2: f32,
    /// ε, scaled by `√(1 − β₂ᵗ)` at each step.
    pub epsilon: f32,
}

impl AdamConstants {
    /// The scalars of the update at step `time` (1 for the first step).
    ///
    /// # Arguments
    ///
    /// * `learning_rate` - the step's learning rate.
    /// * `time` - the step, counted from 1.
    /// * `weight_decay` - an L2 penalty whose gradient `weight_decay · w` is added to the
    ///   gradient before the update (0: none).
    pub fn step(&self, learning_rate: f64, time: i32, weight_decay: f32) -> AdamStep {
        // f32 `powi`, as burn computes the bias corrections (the same bits natively and in wasm).
        let bias_correction_2_sqrt = (1.0 - self.beta_2.powi(time)).sqrt();
        AdamStep {
            beta_1: self.beta_1,
            beta_2: self.beta_2,
            one_minus_beta_1: 1.0 - self.beta_1,
            one_minus_beta_2: 1.0 - self.beta_2,
            correction: bias_correction_2_sqrt / (1.0 - self.beta_1.powi(time)),
            epsilon: self.epsilon * bias_correction_2_sqrt,
            learning_rate: learning_rate as f32,
            weight_decay,
            first: time == 1,
        }
    }
}

/// The f32 scalars of one step ([`AdamConstants::step`] computes them).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct AdamStep {
    /// β₁.
    pub beta_1: f32,
    /// β₂.
    pub beta_2: f32,
    /// `1 − β₁`.
    pub one_minus_beta_1: f32,
    /// `1 − β₂`.
    pub one_minus_beta_2: f32,
    /// `√(1 − β₂ᵗ) / (1 − β₁ᵗ)`.
    pub correction: f32,
    /// `ε · √(1 − β₂ᵗ)`.
    pub epsilon: f32,
    /// The learning rate.
    pub learning_rate: f32,
    /// The L2 penalty's factor (0: none).
    pub weight_decay: f32,
    /// The first step, whose moments are the gradient's terms alone.
    pub first: bool,
}

/// Applies one step in place: the moments and the parameter, element by element, in one pass.
///
/// # Arguments
///
/// * `step` - the step's scalars ([`AdamConstants::step`]).
/// * `param` - the parameter `w`, updated.
/// * `grad` - its gradient `g` (before the weight-decay term, which is added here).
/// * `moment_1`, `moment_2` - `m` and `v`, updated (their values are not read on the first step).
///
/// # Panics
///
/// If the four slices do not have the same length.
pub fn update(step: &AdamStep, param: &mut [f32], grad: &[f32], moment_1: &mut [f32], moment_2: &mut [f32]) {
    let n = param.len();
    assert!(
        grad.len() == n && moment_1.len() == n && moment_2.len() == n,
        "Adam: parameter, gradient and moments differ in length ({n}, {}, {}, {})",
        grad.len(),
        moment_1.len(),
        moment_2.len()
    );
    // One loop per case rather than a branch per element: each vectorises on its own.
    let decay = step.weight_decay;
    match (step.first, decay == 0.0) {
        (true, true) => update_with(step, param, grad, moment_1, moment_2, |_, g| g, first_moments),
        (true, false) => {
            update_with(step, param, grad, moment_1, moment_2, |w, g| w * decay + g, first_moments)
        }
        (false, true) => update_with(step, param, grad, moment_1, moment_2, |_, g| g, next_moments),
        (false, false) => {
            update_with(step, param, grad, moment_1, moment_2, |w, g| w * decay + g, next_moments)
        }
    }
}

/// The first step's moments: the gradient's terms alone.
fn first_moments(step: &AdamStep, g: f32, _: f32, _: f32) -> (f32, f32) {
    (g * step.one_minus_beta_1, g * g * step.one_minus_beta_2)
}

/// A later step's moments.
fn next_moments(step: &AdamStep, g: f32, m: f32, v: f32) -> (f32, f32) {
    (m * step.beta_1 + g * step.one_minus_beta_1, v * step.beta_2 + g * g * step.one_minus_beta_2)
}

fn update_with(
    step: &AdamStep,
    param: &mut [f32],
    grad: &[f32],
    moment_1: &mut [f32],
    moment_2: &mut [f32],
    penalized: impl Fn(f32, f32) -> f32,
    moments: impl Fn(&AdamStep, f32, f32, f32) -> (f32, f32),
) {
    let elements = param.iter_mut().zip(grad).zip(moment_1.iter_mut().zip(moment_2.iter_mut()));
    for ((w, &g), (m, v)) in elements {
        let g = penalized(*w, g);
        (*m, *v) = moments(step, g, *m, *v);
        *w -= (*m * step.correction) / (v.sqrt() + step.epsilon) * step.learning_rate;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const CONSTANTS: AdamConstants = AdamConstants { beta_1: 0.9, beta_2: 0.999, epsilon: 1e-7 };

    /// Runs `grads.len()` steps from a fresh optimizer.
    fn run(param: &mut [f32], grads: &[Vec<f32>], lr: f64, weight_decay: f32) {
        let mut m = vec![f32::NAN; param.len()];
        let mut v = vec![f32::NAN; param.len()];
        for (t, g) in grads.iter().enumerate() {
            update(&CONSTANTS.step(lr, t as i32 + 1, weight_decay), param, g, &mut m, &mut v);
        }
    }

    /// The first step moves every weight by `lr · g / (|g| + ε)`: by about `lr` wherever the
    /// gradient is far above ε, by half of it where `|g| = ε` (ε on `√v̂`, the paper's form).
    #[test]
    fn the_first_step_moves_by_the_learning_rate() {
        let mut w = [1.0, 1.0, 1.0];
        run(&mut w, &[vec![0.5, -2.0, 1e-7]], 0.01, 0.0);
        assert!((w[0] - 0.99).abs() < 1e-6 && (w[1] - 1.01).abs() < 1e-6, "{w:?}");
        assert!((w[2] - 0.995).abs() < 1e-6, "{w:?}");
    }

    /// The moments the first step leaves are not read: whatever they held (NaN in `run`), the
    /// first step gives the same result as from zeros.
    #[test]
    fn the_first_step_ignores_old_moments() {
        let grads = [vec![0.3, -0.2], vec![0.1, 0.4]];
        let mut from_nan = [1.5, -2.0];
        run(&mut from_nan, &grads, 0.01, 0.0);
        let mut from_zero = [1.5f32, -2.0];
        let (mut m, mut v) = ([0.0; 2], [0.0; 2]);
        for (t, g) in grads.iter().enumerate() {
            update(&CONSTANTS.step(0.01, t as i32 + 1, 0.0), &mut from_zero, g, &mut m, &mut v);
        }
        assert_eq!(from_nan, from_zero);
        assert!(from_nan.iter().all(|w| w.is_finite()));
    }

    /// Weight decay is the gradient of an L2 penalty: the same as adding `decay · w` to the
    /// gradient by hand, step by step.
    #[test]
    fn weight_decay_adds_the_penalty_gradient() {
        let decay = 5e-4;
        let grads = [vec![0.3, -0.2], vec![0.1, 0.4], vec![-0.5, 0.05]];
        let mut decayed = [1.5, -2.0];
        run(&mut decayed, &grads, 0.01, decay);

        let mut by_hand = [1.5f32, -2.0];
        let (mut m, mut v) = ([0.0; 2], [0.0; 2]);
        for (t, g) in grads.iter().enumerate() {
            let g: Vec<f32> = g.iter().zip(by_hand).map(|(g, w)| w * decay + g).collect();
            update(&CONSTANTS.step(0.01, t as i32 + 1, 0.0), &mut by_hand, &g, &mut m, &mut v);
        }
        assert_eq!(decayed, by_hand);

        let mut undecayed = [1.5, -2.0];
        run(&mut undecayed, &grads, 0.01, 0.0);
        assert_ne!(decayed, undecayed, "the penalty changed nothing");
    }

    #[test]
    #[should_panic(expected = "differ in length")]
    fn slices_of_different_lengths_are_refused() {
        let step = CONSTANTS.step(0.01, 1, 0.0);
        update(&step, &mut [0.0; 3], &[0.0; 2], &mut [0.0; 3], &mut [0.0; 3]);
    }
}
