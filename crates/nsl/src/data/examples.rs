//! Labeled feature rows held on the host.

use burn::tensor::{Device, Int, Tensor};

/// `n` rows of `dim` features with a class label each, row-major on the host. Batches are
/// gathered from here and uploaded to the device.
#[derive(Debug, Clone, PartialEq)]
pub struct Examples {
    /// Row-major features, `len() * dim` values.
    pub features: Vec<f32>,
    /// Features per row.
    pub dim: usize,
    /// Class of each row, `0..classes`.
    pub labels: Vec<u32>,
    /// Number of classes.
    pub classes: usize,
}

impl Examples {
    /// Number of rows.
    pub fn len(&self) -> usize {
        self.labels.len()
    }

    /// Whether there are no rows.
    pub fn is_empty(&self) -> bool {
        self.labels.is_empty()
    }

    /// The features of row `i`.
    pub fn row(&self, i: usize) -> &[f32] {
        &self.features[i * self.dim..(i + 1) * self.dim]
    }

    /// The rows at `indices`, in that order.
    pub fn subset(&self, indices: &[usize]) -> Examples {
        Examples {
            features: self.gather_rows(indices),
            dim: self.dim,
            labels: indices.iter().map(|&i| self.labels[i]).collect(),
            classes: self.classes,
        }
    }

    /// Features of the rows at `indices` as a tensor.
    ///
    /// # Shapes
    /// - returns `[indices.len(), dim]`
    pub fn features_tensor(&self, indices: &[usize], device: &Device) -> Tensor<2> {
        crate::tensor::matrix(self.gather_rows(indices), indices.len(), self.dim, device)
    }

    /// The features of the rows at `indices`, concatenated.
    fn gather_rows(&self, indices: &[usize]) -> Vec<f32> {
        let mut features = Vec::with_capacity(indices.len() * self.dim);
        for &i in indices {
            features.extend_from_slice(self.row(i));
        }
        features
    }

    /// Labels of the rows at `indices` as a tensor.
    ///
    /// # Shapes
    /// - returns `[indices.len()]`
    pub fn labels_tensor(&self, indices: &[usize], device: &Device) -> Tensor<1, Int> {
        let labels: Vec<u32> = indices.iter().map(|&i| self.labels[i]).collect();
        crate::tensor::labels(&labels, device)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn subsets_keep_rows_and_labels_together() {
        let ex =
            Examples { features: vec![0., 1., 2., 3., 4., 5.], dim: 2, labels: vec![0, 1, 2], classes: 3 };
        let sub = ex.subset(&[2, 0]);
        assert_eq!(sub.features, vec![4., 5., 0., 1.]);
        assert_eq!(sub.labels, vec![2, 0]);
        assert_eq!(ex.row(1), &[2., 3.]);
    }
}
