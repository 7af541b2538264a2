//! The one optimizer every trainer builds: Adam with Keras' defaults (β₁ 0.9, β₂ 0.999,
//! ε 1e-7 — burn's own default ε is 1e-5) and the spec's weight decay.

use burn::optim::decay::WeightDecayConfig;
use burn::optim::{AdamConfig, ModuleOptimizer};

/// Keras' Adam ε (`tf.keras.optimizers.Adam(epsilon=1e-07)`), which TensorFlow NSL trains with.
pub const KERAS_ADAM_EPSILON: f32 = 1e-7;

/// Adam as Keras builds it, with an L2 penalty of `weight_decay` on every weight added to the
/// gradient (none when 0). The learning rate is given at each step.
pub fn adam(weight_decay: f64) -> ModuleOptimizer {
    adam_config(weight_decay).init()
}

/// The configuration [`adam`] builds (for tests and for callers that inspect it).
pub fn adam_config(weight_decay: f64) -> AdamConfig {
    AdamConfig::new()
        .with_epsilon(KERAS_ADAM_EPSILON)
        .with_weight_decay((weight_decay > 0.0).then(|| WeightDecayConfig::new(weight_decay as f32)))
}

#[cfg(test)]
mod tests {
    use super::*;
    use burn::module::Param;
    use burn::nn::Linear;
    use burn::optim::GradientsParams;
    use burn::tensor::{Device, Tensor};

    /// One step on `w = 1` with the gradient 1e-7 at learning rate 1: Adam moves by
    /// `g / (|g| + ε)`, so Keras' ε = 1e-7 gives `w = 0.5` (ε = 1e-8, which the full-batch
    /// trainers used before, gives 0.09; burn's 1e-5 gives 0.99).
    #[test]
    fn adam_steps_as_keras_does() {
        let device = Device::flex().autodiff();
        let mut layer =
            Linear { weight: Param::from_tensor(Tensor::from_floats([[1.0]], &device)), bias: None };
        let loss = layer.forward(Tensor::<2>::from_floats([[1e-7]], &device)).sum();
        let grads = GradientsParams::from_grads(loss.backward(), &layer);
        layer = adam(0.0).step(1.0, layer, grads);
        let w: f32 = layer.weight.val().into_scalar();
        assert!((w - 0.5).abs() < 1e-3, "w = {w}");
    }
}
