//! The models the minibatch trainer trains, as one module type.

use burn::module::Module;
use burn::tensor::Tensor;

use super::cnn::Cnn;
use super::mlp::Mlp;
use super::nsl_model::NslModel;

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
