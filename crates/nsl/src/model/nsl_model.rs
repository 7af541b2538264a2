//! The contract of a model the NSL wrappers regularize.

use burn::module::Module;
use burn::tensor::Tensor;

/// A classifier the NSL wrappers can regularize: any [`Module`] mapping a batch of feature
/// rows to logits. Training-time behaviour (dropout) follows burn's convention: it is active
/// on an autodiff device and off on the [`Module::valid`] copy used for inference.
pub trait NslModel: Module {
    /// Logits for a batch.
    ///
    /// # Shapes
    /// - `x`: `[batch, features]`
    /// - returns `[batch, classes]`
    fn forward(&self, x: Tensor<2>) -> Tensor<2>;
}
