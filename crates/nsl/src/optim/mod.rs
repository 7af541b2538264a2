//! The one optimizer every trainer builds: Adam exactly as Keras computes it (β₁ 0.9, β₂ 0.999,
//! ε 1e-7 on `√v`), with the spec's weight decay.
//!
//! burn's own `Adam` is not used: it adds ε to the bias-corrected `√v̂` (the Adam paper's form,
//! not Keras'), and it runs the update as a dozen tensor operations, each a pass over the
//! parameter with an allocation — on burn's CPU backend the optimizer was a fifth of an MNIST
//! training step. [`KerasAdam`] updates a CPU parameter and its moments in one pass
//! ([`nsl_kernels::adam`]) and keeps the tensor-operation form, the same arithmetic in the same
//! order, for every other device.

mod cpu;
mod keras_adam;
mod step;
mod stepped;

pub use keras_adam::KerasAdam;
pub use stepped::Stepped;

use burn::optim::ModuleOptimizer;

/// Keras' Adam (`tf.keras.optimizers.Adam()`, which TensorFlow NSL trains with), with an L2
/// penalty of `weight_decay` on every weight added to the gradient (none when 0). The learning
/// rate is given at each step.
pub fn adam(weight_decay: f64) -> ModuleOptimizer {
    KerasAdam::new(weight_decay).into()
}

#[cfg(test)]
mod tests {
    use super::*;
    use burn::module::Param;
    use burn::nn::Linear;
    use burn::optim::GradientsParams;
    use burn::tensor::{Device, Tensor};

    /// One step on `w = 1` with the gradient 1e-7 at learning rate 1, through burn's module
    /// optimizer on an autodiff device as the trainers use it: TensorFlow's
    /// `tf.keras.optimizers.Adam(learning_rate=1.0)` gives 0.96934676 (burn's `Adam` gave 0.5,
    /// ε on `√v̂`).
    #[test]
    fn adam_steps_as_keras_does() {
        let device = Device::flex().autodiff();
        let mut layer =
            Linear { weight: Param::from_tensor(Tensor::from_floats([[1.0]], &device)), bias: None };
        let loss = layer.forward(Tensor::<2>::from_floats([[1e-7]], &device)).sum();
        let grads = GradientsParams::from_grads(loss.backward(), &layer);
        layer = adam(0.0).step(1.0, layer, grads);
        let w: f32 = layer.weight.val().into_scalar();
        assert_eq!(w, 0.96934676);
    }
}
