//! Supervised losses.

use burn::tensor::{Int, Tensor, activation::log_softmax};

/// Mean sparse softmax cross-entropy (Keras' `SparseCategoricalCrossentropy(from_logits=True)`).
///
/// # Shapes
/// - `logits`: `[batch, classes]`
/// - `labels`: `[batch]`
/// - returns `[1]`
pub fn sparse_softmax_cross_entropy(logits: Tensor<2>, labels: Tensor<1, Int>) -> Tensor<1> {
    let [batch, _] = logits.dims();
    let log_probs = log_softmax(logits, 1);
    log_probs.gather(1, labels.reshape([batch, 1])).mean().neg()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::tensor::{labels, matrix, scalar};
    use burn::tensor::Device;

    #[test]
    fn matches_a_hand_computation() {
        let device = Device::flex();
        let logits = matrix(vec![1.0, 2.0, 3.0, 0.0, 0.0, 0.0], 2, 3, &device);
        let loss = scalar(sparse_softmax_cross_entropy(logits, labels(&[2, 0], &device)));
        let first = -(3f32.exp() / (1f32.exp() + 2f32.exp() + 3f32.exp())).ln();
        let second = 3f32.ln();
        assert!((loss - (first + second) / 2.0).abs() < 1e-6, "{loss}");
    }
}
