//! Models that the NSL wrappers regularize.

mod cnn;
mod mlp;

pub use cnn::{Cnn, CnnConfig};
pub use mlp::{Activation, Mlp, MlpConfig};

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

/// The models the minibatch trainer trains: an MLP on any rows, a CNN on square images.
// One model per trainer: the size difference costs nothing, and burn's module derive wants the
// models inline.
#[allow(clippy::large_enum_variant)]
#[derive(Module, Debug)]
pub enum Classifier {
    /// Dense layers.
    Mlp(Mlp),
    /// Convolution blocks and dense layers.
    Cnn(Cnn),
}

impl NslModel for Classifier {
    fn forward(&self, x: Tensor<2>) -> Tensor<2> {
        match self {
            Self::Mlp(m) => m.forward(x),
            Self::Cnn(c) => c.forward(x),
        }
    }
}
