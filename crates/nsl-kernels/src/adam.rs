//! Keras' Adam update, the optimizer TensorFlow NSL trains with, as one pass over the parameter,
//! its gradient and the two moments.
//!
//! Keras (TensorFlow 2.15, `keras/optimizers/adam.py`) updates a dense parameter `w` at step `t`
//! (counted from 1) as
//!
//! ```text
//! α = lr · √(1 − β₂ᵗ) / (1 − β₁ᵗ)
//! m ← m + (g − m) · (1 − β₁)
//! v ← v + (g² − v) · (1 − β₂)
//! w ← w − (m · α) / (√v + ε)
//! ```
//!
//! with every value in f32 and the constants Python floats cast to f32 where they meet a
//! tensor. Note where ε goes: onto `√v`, not onto the bias-corrected `√v̂` of the Adam paper
//! (which burn's `Adam` computes). The two agree unless gradients are as small as ε; then they
//! do not (one step of `g = 1e-7` at `lr = 1` moves `w` by 0.031 in Keras, by 0.5 in the
//! paper's form).

/// Adam's constants, as Keras keeps them: Python floats, cast to f32 where TensorFlow casts them.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct KerasAdam {
    /// Decay of the first moment (β₁).
    pub beta_1: f64,
    /// Decay of the second moment (β₂).
    pub beta_2: f64,
    /// Added to `√v` in the denominator (ε).
    pub epsilon: f64,
}

impl KerasAdam {
    /// `tf.keras.optimizers.Adam()`'s defaults: β₁ 0.9, β₂ 0.999, ε 1e-7.
    pub const DEFAULTS: Self = Self { beta_1: 0.9, beta_2: 0.999, epsilon: 1e-7 };

    /// The scalars of the update at step `time` (1 for the first step).
    ///
    /// # Arguments
    ///
    /// * `learning_rate` - the step's learning rate (an f32 variable in Keras).
    /// * `time` - the step, counted from 1, as Keras' `iterations + 1`.
    /// * `weight_decay` - an L2 penalty whose gradient `weight_decay · w` is added to the
    ///   gradient before the update (0: none).
    pub fn step(&self, learning_rate: f64, time: u64, weight_decay: f64) -> AdamStep {
        let t = time as f32;
        // `tf.pow` of two f32 values; libm computes it with the same bits natively and in wasm.
        let beta_1_power = libm::powf(self.beta_1 as f32, t);
        let beta_2_power = libm::powf(self.beta_2 as f32, t);
        let alpha = learning_rate as f32 * libm::sqrtf(1.0 - beta_2_power) / (1.0 - beta_1_power);
        AdamStep {
            alpha,
            // `1 - self.beta_1` is a Python (f64) subtraction, cast to f32 afterwards:
            // 0.1 exactly as f32, where the f32 subtraction would give 0.100000024.
            one_minus_beta_1: (1.0 - self.beta_1) as f32,
            one_minus_beta_2: (1.0 - self.beta_2) as f32,
            epsilon: self.epsilon as f32,
            weight_decay: weight_decay as f32,
        }
    }
}

/// The f32 scalars of one step of [`KerasAdam`] ([`KerasAdam::step`] computes them).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct AdamStep {
    /// `lr · √(1 − β₂ᵗ) / (1 − β₁ᵗ)`.
    pub alpha: f32,
    /// `1 − β₁`.
    pub one_minus_beta_1: f32,
    /// `1 − β₂`.
    pub one_minus_beta_2: f32,
    /// ε.
    pub epsilon: f32,
    /// The L2 penalty's factor (0: none).
    pub weight_decay: f32,
}

/// Applies one step in place: the moments and the parameter, element by element, in one pass.
///
/// # Arguments
///
/// * `step` - the step's scalars ([`KerasAdam::step`]).
/// * `param` - the parameter `w`, updated.
/// * `grad` - its gradient `g` (before the weight-decay term, which is added here).
/// * `moment_1`, `moment_2` - `m` and `v` (zeros before the first step), updated.
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
    // Two loops rather than a branch per element: each vectorises on its own.
    if step.weight_decay == 0.0 {
        update_with(step, param, grad, moment_1, moment_2, |_, g| g);
    } else {
        let decay = step.weight_decay;
        // burn's `WeightDecay` order, `w · decay + g`, which the update had before.
        update_with(step, param, grad, moment_1, moment_2, |w, g| w * decay + g);
    }
}

fn update_with(
    step: &AdamStep,
    param: &mut [f32],
    grad: &[f32],
    moment_1: &mut [f32],
    moment_2: &mut [f32],
    penalized: impl Fn(f32, f32) -> f32,
) {
    let AdamStep { alpha, one_minus_beta_1, one_minus_beta_2, epsilon, .. } = *step;
    let elements = param.iter_mut().zip(grad).zip(moment_1.iter_mut().zip(moment_2.iter_mut()));
    for ((w, &g), (m, v)) in elements {
        let g = penalized(*w, g);
        *m += (g - *m) * one_minus_beta_1;
        *v += (g * g - *v) * one_minus_beta_2;
        *w -= (*m * alpha) / (v.sqrt() + epsilon);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Runs `grads.len()` steps from zero moments, as a fresh optimizer does.
    fn run(param: &mut [f32], grads: &[Vec<f32>], lr: f64, weight_decay: f64) {
        let mut m = vec![0.0; param.len()];
        let mut v = vec![0.0; param.len()];
        for (t, g) in grads.iter().enumerate() {
            let step = KerasAdam::DEFAULTS.step(lr, t as u64 + 1, weight_decay);
            update(&step, param, g, &mut m, &mut v);
        }
    }

    /// The values below are TensorFlow's: `tf.keras.optimizers.Adam(learning_rate=0.01)`
    /// applying these gradients to `tf.Variable([1.0, 2.0, -3.0])` (tensorflow-cpu 2.15.1),
    /// printed after each step.
    #[test]
    fn three_steps_match_tensorflow_bit_for_bit() {
        let grads = [vec![0.5, -0.25, 1e-3], vec![0.1, 0.2, -0.3], vec![-1.0, 2.0, 0.0]];
        let tensorflow = [
            [0.9900001, 2.0099998, -3.0099685],
            [0.98196983, 2.010581, -3.0025496],
            [0.9848443, 2.004344, -2.9968147],
        ];
        let mut w = [1.0, 2.0, -3.0];
        let (mut m, mut v) = ([0.0; 3], [0.0; 3]);
        for (t, (g, expected)) in grads.iter().zip(tensorflow).enumerate() {
            update(&KerasAdam::DEFAULTS.step(0.01, t as u64 + 1, 0.0), &mut w, g, &mut m, &mut v);
            assert_eq!(w, expected, "after step {}", t + 1);
        }
    }

    /// 300 steps on four parameters whose gradients span 1e-7 to 5: the bias corrections,
    /// ε and the f32 roundings of every step, against TensorFlow's final bits
    /// (`tf.keras.optimizers.Adam(learning_rate=0.001)`, `tf.Variable([0.5, -1.0, 2.0, 0.0])`,
    /// the same gradients computed in float64 and cast to float32).
    #[test]
    fn three_hundred_steps_match_tensorflow_bit_for_bit() {
        let scale = [1.0, 1e-3, 1e-6, 5.0];
        let grads: Vec<Vec<f32>> = (1..=300u64)
            .map(|t| {
                (0..4u64)
                    .map(|i| {
                        let k = ((t * 7919 + i * 104729) % 2001) as f64;
                        ((k - 1000.0) / 1000.0 * scale[i as usize]) as f32
                    })
                    .collect()
            })
            .collect();
        let mut w = [0.5, -1.0, 2.0, 0.0];
        run(&mut w, &grads, 0.001, 0.0);
        assert_eq!(w.map(f32::to_bits), [1056522490, 3212738428, 1073754222, 3161154869], "{w:?}");
    }

    /// Keras puts ε on `√v`: one step of a gradient of 1e-7 at learning rate 1 takes `w = 1`
    /// to 0.96934676 in TensorFlow (the paper's form, ε on `√v̂`, would give 0.5).
    #[test]
    fn epsilon_sits_where_keras_puts_it() {
        let mut w = [1.0];
        run(&mut w, &[vec![1e-7]], 1.0, 0.0);
        assert_eq!(w, [0.96934676]);
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
            let g: Vec<f32> = g.iter().zip(by_hand).map(|(g, w)| w * decay as f32 + g).collect();
            update(&KerasAdam::DEFAULTS.step(0.01, t as u64 + 1, 0.0), &mut by_hand, &g, &mut m, &mut v);
        }
        assert_eq!(decayed, by_hand);

        let mut undecayed = [1.5, -2.0];
        run(&mut undecayed, &grads, 0.01, 0.0);
        assert_ne!(decayed, undecayed, "the penalty changed nothing");
    }

    #[test]
    #[should_panic(expected = "differ in length")]
    fn slices_of_different_lengths_are_refused() {
        let step = KerasAdam::DEFAULTS.step(0.01, 1, 0.0);
        update(&step, &mut [0.0; 3], &[0.0; 2], &mut [0.0; 3], &mut [0.0; 3]);
    }
}
