//! Feature rows as a model's first layer reads them, on the device: dense, or sparse (only the
//! non-zeros) for bag-of-words inputs such as Cora's, whose first layer then multiplies only
//! the non-zeros. MLPs (Neural Graph Machines) and GNNs read node features this way.

use burn::tensor::{Device, IndexingUpdateOp, Int, Tensor};
use rand::RngExt;

use crate::tensor::{labels, matrix};

/// Node features as the first layer sees them.
#[derive(Debug, Clone)]
#[expect(
    clippy::large_enum_variant,
    reason = "tensor handles are large inline; inputs are built once per graph or batch, never in bulk"
)]
pub enum NodeInput {
    /// `[nodes, features]`.
    Dense(Tensor<2>),
    /// Non-zero entries only: `x[rows[k], cols[k]] = values[k]`.
    Sparse(SparseRows),
}

/// A sparse `[nodes, dim]` matrix in coordinate form, on the device.
#[derive(Debug, Clone)]
pub struct SparseRows {
    /// Rows.
    pub nodes: usize,
    /// Columns.
    pub dim: usize,
    /// Row of each non-zero.
    pub rows: Tensor<1, Int>,
    /// Column of each non-zero.
    pub cols: Tensor<1, Int>,
    /// Values: `[nnz, 1]`.
    pub values: Tensor<2>,
    /// Host copy of the values (dropout redraws masks on the host).
    host_values: Vec<f32>,
}

impl NodeInput {
    /// Features `[nodes × dim]` (row-major), kept sparse when under 10% are non-zero.
    pub fn from_rows(values: &[f32], dim: usize, device: &Device) -> Self {
        let nodes = values.len() / dim;
        let nonzero = values.iter().filter(|v| **v != 0.0).count();
        if nonzero * 10 >= values.len() {
            return NodeInput::Dense(matrix(values.to_vec(), nodes, dim, device));
        }
        let (mut rows, mut cols, mut vals) = (Vec::new(), Vec::new(), Vec::new());
        for (k, &v) in values.iter().enumerate().filter(|(_, v)| **v != 0.0) {
            rows.push((k / dim) as u32);
            cols.push((k % dim) as u32);
            vals.push(v);
        }
        NodeInput::Sparse(SparseRows {
            nodes,
            dim,
            rows: labels(&rows, device),
            cols: labels(&cols, device),
            values: matrix(vals.clone(), vals.len(), 1, device),
            host_values: vals,
        })
    }

    /// The features as a dense `[nodes, dim]` matrix (what attribution differentiates).
    pub fn to_dense(&self) -> Tensor<2> {
        match self {
            NodeInput::Dense(x) => x.clone(),
            NodeInput::Sparse(s) => {
                // Each value to its flat position row · dim + column of a zero matrix.
                let nonzero = s.host_values.len();
                let flat = s.rows.clone().mul_scalar(s.dim as i64) + s.cols.clone();
                Tensor::<1>::zeros([s.nodes * s.dim], &s.values.device())
                    .select_assign(0, flat, s.values.clone().reshape([nonzero]), IndexingUpdateOp::Add)
                    .reshape([s.nodes, s.dim])
            }
        }
    }

    /// Number of nodes.
    pub fn nodes(&self) -> usize {
        match self {
            NodeInput::Dense(x) => x.dims()[0],
            NodeInput::Sparse(s) => s.nodes,
        }
    }

    /// Feature width.
    pub fn dim(&self) -> usize {
        match self {
            NodeInput::Dense(x) => x.dims()[1],
            NodeInput::Sparse(s) => s.dim,
        }
    }

    /// `x · w` for `w: [dim, out]`.
    pub fn matmul(&self, w: Tensor<2>) -> Tensor<2> {
        match self {
            NodeInput::Dense(x) => x.clone().matmul(w),
            NodeInput::Sparse(s) => {
                let out = w.dims()[1];
                let picked = w.select(0, s.cols.clone()) * s.values.clone();
                Tensor::zeros([s.nodes, out], &picked.device()).select_assign(
                    0,
                    s.rows.clone(),
                    picked,
                    IndexingUpdateOp::Add,
                )
            }
        }
    }

    /// Inverted dropout of the input with probability `p` (a fresh mask from `rng`); sparse
    /// inputs drop non-zeros only, as Kipf & Welling's sparse dropout does.
    pub fn dropout(&self, p: f64, rng: &mut impl rand::Rng) -> NodeInput {
        if p <= 0.0 {
            return self.clone();
        }
        let keep = 1.0 / (1.0 - p) as f32;
        match self {
            NodeInput::Dense(x) => {
                let [n, d] = x.dims();
                let mask: Vec<f32> =
                    (0..n * d).map(|_| if rng.random::<f64>() < p { 0.0 } else { keep }).collect();
                NodeInput::Dense(x.clone() * matrix(mask, n, d, &x.device()))
            }
            NodeInput::Sparse(s) => {
                let dropped: Vec<f32> = s
                    .host_values
                    .iter()
                    .map(|&v| if rng.random::<f64>() < p { 0.0 } else { v * keep })
                    .collect();
                let len = dropped.len();
                NodeInput::Sparse(SparseRows {
                    values: matrix(dropped, len, 1, &s.values.device()),
                    ..s.clone()
                })
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::tensor::to_vec;

    #[test]
    fn sparse_and_dense_agree() {
        let device = Device::flex();
        // 2 non-zeros of 24, under the 10% density below which rows stay sparse.
        let mut x = [0.0f32; 24];
        x[1] = 2.0;
        x[23] = 3.0;
        let sparse = NodeInput::from_rows(&x, 8, &device);
        assert!(matches!(sparse, NodeInput::Sparse(_)));
        let dense = NodeInput::Dense(matrix(x.to_vec(), 3, 8, &device));
        let w = matrix((0..16).map(|v| v as f32).collect(), 8, 2, &device);
        assert_eq!(to_vec(sparse.matmul(w.clone())), to_vec(dense.matmul(w)));
        assert_eq!(to_vec(sparse.to_dense()), x.to_vec(), "sparse rows back to the dense matrix");
    }
}
