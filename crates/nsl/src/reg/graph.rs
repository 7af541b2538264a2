//! The graph regularization term of `nsl.keras.GraphRegularization`.

use burn::tensor::Tensor;

use crate::config::GraphRegConfig;
use crate::error::{NslError, Result};
use crate::reg::distance::pairwise_distance;

/// Unscaled graph loss: the distance between each sample's output and each of its
/// neighbors' outputs, weighted by the edge weights (0 for a missing neighbor).
///
/// # Shapes
/// - `sample_outputs`: `[batch, d]`
/// - `neighbor_outputs`: `[batch * neighbors, d]`, neighbors of sample `i` in rows
///   `i * neighbors .. (i + 1) * neighbors`
/// - `neighbor_weights`: `[batch * neighbors, 1]`
/// - returns `[1]`
pub fn graph_loss(
    sample_outputs: Tensor<2>,
    neighbor_outputs: Tensor<2>,
    neighbor_weights: Tensor<2>,
    config: &GraphRegConfig,
) -> Result<Tensor<1>> {
    let [batch, d] = sample_outputs.dims();
    let [rows, _] = neighbor_outputs.dims();
    if batch == 0 || !rows.is_multiple_of(batch) {
        return Err(NslError::Shape {
            what: "neighbor rows must be a multiple of the batch",
            left: vec![rows],
            right: vec![batch],
        });
    }
    let neighbors = rows / batch;
    let replicated = replicate_rows(sample_outputs, neighbors);
    debug_assert_eq!(replicated.dims(), [rows, d]);
    let distance =
        pairwise_distance(replicated, neighbor_outputs, Some(neighbor_weights), &config.distance_config)?;
    Ok(distance.reshape([1]))
}

/// Each row repeated `times` times in place (`nsl.lib.replicate_embeddings`).
///
/// # Shapes
/// - `x`: `[n, d]`; returns `[n * times, d]`.
pub fn replicate_rows(x: Tensor<2>, times: usize) -> Tensor<2> {
    let [n, d] = x.dims();
    x.reshape([n, 1, d]).repeat_dim(1, times).reshape([n * times, d])
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::tensor::{matrix, to_vec};
    use burn::tensor::Device;

    #[test]
    fn replicates_in_place() {
        let x = matrix(vec![1., 2., 3., 4.], 2, 2, &Device::flex());
        assert_eq!(to_vec(replicate_rows(x, 2)), vec![1., 2., 1., 2., 3., 4., 3., 4.]);
    }

    #[test]
    fn missing_neighbors_do_not_count() {
        let device = Device::flex();
        let samples = matrix(vec![0., 0.], 2, 1, &device);
        let neighbors = matrix(vec![1., 5., 2., 9.], 4, 1, &device);
        let weights = matrix(vec![1., 0., 1., 0.], 4, 1, &device);
        let loss = graph_loss(samples, neighbors, weights, &GraphRegConfig::default()).unwrap();
        // (1² + 2²) / 2 present pairs.
        assert_eq!(to_vec(loss), vec![2.5]);
    }
}
