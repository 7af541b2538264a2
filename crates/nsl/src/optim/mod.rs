//! The one optimizer every trainer builds: Adam with Keras' defaults (β₁ 0.9, β₂ 0.999,
//! ε 1e-7 — burn's own default ε is 1e-5) and the spec's weight decay.
//!
//! burn's `Adam` runs its update as a dozen tensor operations, each a pass over the parameter
//! with an allocation: on burn's CPU backend the optimizer was a fifth of an MNIST training
//! step. [`OnePassAdam`] computes the same values, bit for bit, as one pass over a CPU
//! parameter and its moments ([`nsl_kernels::adam`]), and as the same tensor operations in the
//! same order on every other device.
//!
//! Like burn's, it adds ε to the bias-corrected `√v̂` (the Adam paper's form). Keras adds it to
//! `√v`: one step of a gradient of 1e-7 at learning rate 1 takes a weight from 1 to 0.5 here and
//! to 0.96934676 in TensorFlow (`tf.keras.optimizers.Adam`, tensorflow-cpu 2.15.1). The two agree
//! while gradients are far above ε.

mod cpu;
mod one_pass;
mod step;
mod stepped;

pub use one_pass::{KERAS_EPSILON, OnePassAdam};
pub use stepped::Stepped;

use burn::optim::ModuleOptimizer;

/// Adam with Keras' constants and an L2 penalty of `weight_decay` on every weight added to the
/// gradient (none when 0). The learning rate is given at each step.
pub fn adam(weight_decay: f64) -> ModuleOptimizer {
    OnePassAdam::new(weight_decay).into()
}

#[cfg(test)]
mod tests {
    use super::*;
    use burn::module::Param;
    use burn::nn::{Linear, LinearConfig};
    use burn::optim::decay::WeightDecayConfig;
    use burn::optim::{AdamConfig, GradientsParams};
    use burn::tensor::{Device, Distribution, Tensor};

    /// One step on `w = 1` with the gradient 1e-7 at learning rate 1: ε on `√v̂` moves it by
    /// `g / (|g| + ε)`, to 0.5 (Keras' form would give 0.96934676, see the module's doc).
    #[test]
    fn one_step_of_a_gradient_as_small_as_epsilon() {
        let device = Device::flex().autodiff();
        let mut layer =
            Linear { weight: Param::from_tensor(Tensor::from_floats([[1.0]], &device)), bias: None };
        let loss = layer.forward(Tensor::<2>::from_floats([[1e-7]], &device)).sum();
        let grads = GradientsParams::from_grads(loss.backward(), &layer);
        layer = adam(0.0).step(1.0, layer, grads);
        let w: f32 = layer.weight.val().into_scalar();
        assert!((w - 0.5).abs() < 1e-3, "w = {w}");
    }

    /// Five steps of a layer through the module optimizer, on an autodiff CPU device as the
    /// trainers use it, give burn's `Adam`'s values bit for bit, with and without weight decay.
    #[test]
    fn steps_as_burns_adam_does_bit_for_bit() {
        let device = Device::flex().autodiff();
        device.seed(7);
        let start = LinearConfig::new(6, 4).init(&device);
        let input = Tensor::<2>::random([5, 6], Distribution::Normal(0.0, 1.0), &device);
        for weight_decay in [0.0, 5e-4] {
            let ours = adam(weight_decay);
            let burns = AdamConfig::new()
                .with_epsilon(KERAS_EPSILON)
                .with_weight_decay((weight_decay > 0.0).then(|| WeightDecayConfig::new(weight_decay as f32)))
                .init();
            let mut trained = Vec::new();
            for mut optimizer in [ours, burns] {
                let mut layer = start.clone();
                for step in 0..5 {
                    let loss = layer.forward(input.clone()).powf_scalar(2.0).mean() * (step as f32 + 1.0);
                    let grads = GradientsParams::from_grads(loss.backward(), &layer);
                    layer = optimizer.step(1e-2, layer, grads);
                }
                let values: Vec<Vec<f32>> =
                    [layer.weight.val(), layer.bias.expect("a bias").val().unsqueeze()]
                        .into_iter()
                        .map(|t: Tensor<2>| crate::tensor::to_vec(t.inner()))
                        .collect();
                trained.push(values);
            }
            assert_eq!(trained[0], trained[1], "weight decay {weight_decay}");
            let before = crate::tensor::to_vec(start.weight.val().inner());
            assert_ne!(trained[0][0], before, "the layer did not move");
        }
    }
}
