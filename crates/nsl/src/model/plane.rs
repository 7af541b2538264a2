//! TensorFlow Playground's input features (x₁, x₂, x₁², x₂², x₁x₂, sin x₁, sin x₂) as the
//! first step of a model on points of the plane: computed on the device from each point, so
//! that gradients — and with them adversarial perturbations — stay in the plane.

use burn::tensor::Tensor;

use crate::spec::PlaneFeature;

/// The chosen features of every point, in the given order.
///
/// # Shapes
/// - `points`: `[rows, 2]`; returns `[rows, features.len()]`.
pub fn plane_features(points: Tensor<2>, features: &[PlaneFeature]) -> Tensor<2> {
    let x1 = points.clone().narrow(1, 0, 1);
    let x2 = points.narrow(1, 1, 1);
    let columns = features
        .iter()
        .map(|feature| match feature {
            PlaneFeature::X1 => x1.clone(),
            PlaneFeature::X2 => x2.clone(),
            PlaneFeature::X1Squared => x1.clone() * x1.clone(),
            PlaneFeature::X2Squared => x2.clone() * x2.clone(),
            PlaneFeature::X1X2 => x1.clone() * x2.clone(),
            PlaneFeature::SinX1 => x1.clone().sin(),
            PlaneFeature::SinX2 => x2.clone().sin(),
        })
        .collect();
    Tensor::cat(columns, 1)
}

#[cfg(test)]
mod tests {
    use burn::tensor::Device;

    use super::*;
    use crate::tensor::{matrix, to_vec};

    #[test]
    fn every_feature_matches_its_value_at_a_point() {
        let device = Device::flex();
        let points = [(0.5_f32, -0.25_f32), (-1.0, 2.0)];
        let rows = matrix(points.iter().flat_map(|&(a, b)| [a, b]).collect(), 2, 2, &device);
        let got = to_vec(plane_features(rows, &PlaneFeature::ALL));
        assert_eq!(got.len(), 2 * PlaneFeature::ALL.len());
        for (row, &(x1, x2)) in points.iter().enumerate() {
            for (col, feature) in PlaneFeature::ALL.iter().enumerate() {
                let expected = feature.at(x1, x2);
                let value = got[row * PlaneFeature::ALL.len() + col];
                assert!(
                    (value - expected).abs() < 1e-6,
                    "{} at ({x1}, {x2}): {value} vs {expected}",
                    feature.label()
                );
            }
        }
        // x₁² and x₁x₂ at (0.5, −0.25), spelled out.
        assert_eq!((got[2], got[4]), (0.25, -0.125));
    }
}
