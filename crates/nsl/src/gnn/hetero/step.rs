//! One optimizer step of the typed-graph trainers (full batch, batches of graphs, sampled
//! subgraphs), the same in each: the loss read back and refused when it is not finite, then one
//! Adam step.

use burn::module::Module;
use burn::optim::{GradientsParams, ModuleOptimizer};
use burn::tensor::Tensor;

use crate::error::{NslError, Result};

/// `model` after one step down `loss`, with the loss's value; `at` is `(epoch, step)` for the
/// error when the loss is not finite.
pub(super) fn descend<M: Module>(
    model: M,
    loss: Tensor<1>,
    optimizer: &mut ModuleOptimizer,
    learning_rate: f64,
    (epoch, step): (usize, usize),
) -> Result<(M, f32)> {
    let value: f32 = loss.clone().inner().into_scalar();
    if !value.is_finite() {
        return Err(NslError::Diverged { epoch, step, value });
    }
    let grads = GradientsParams::from_grads(loss.backward(), &model);
    Ok((optimizer.step(learning_rate, model, grads), value))
}
