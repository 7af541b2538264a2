//! Decision-boundary heatmaps for two-dimensional inputs: a model's class probabilities over a
//! regular grid of the plane, one forward pass for the whole grid (what the playground draws
//! behind the points, like TensorFlow Playground's heatmap).

use burn::tensor::{Device, Tensor, activation};
use serde::{Deserialize, Serialize};

use crate::error::{NslError, Result};
use crate::model::NslModel;
use crate::tensor::{matrix, to_vec};

/// A `resolution × resolution` grid over `[x_min, x_max] × [y_min, y_max]`, cell centres.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Grid {
    /// Left edge.
    pub x_min: f32,
    /// Right edge.
    pub x_max: f32,
    /// Bottom edge.
    pub y_min: f32,
    /// Top edge.
    pub y_max: f32,
    /// Cells per side.
    pub resolution: usize,
}

impl Default for Grid {
    /// The square the toy sets live in, 50 × 50 cells.
    fn default() -> Self {
        Self { x_min: -1.25, x_max: 1.25, y_min: -1.25, y_max: 1.25, resolution: 50 }
    }
}

impl Grid {
    /// Cell centres, row by row from the top (`y_max`) down, left to right: `resolution² × 2`.
    pub fn points(&self) -> Vec<f32> {
        let n = self.resolution;
        let step_x = (self.x_max - self.x_min) / n as f32;
        let step_y = (self.y_max - self.y_min) / n as f32;
        (0..n)
            .flat_map(|row| {
                (0..n).flat_map(move |col| {
                    [self.x_min + (col as f32 + 0.5) * step_x, self.y_max - (row as f32 + 0.5) * step_y]
                })
            })
            .collect()
    }
}

/// Class probabilities at every cell of `grid`: `resolution² × classes`, row-major, rows as
/// in [`Grid::points`]. Uses the model as given (pass the inference copy).
pub fn class_probabilities<M: NslModel>(model: &M, grid: &Grid, device: &Device) -> Result<Vec<f32>> {
    Ok(to_vec(class_probability_tensor(model, grid, device)?))
}

/// [`class_probabilities`] left on the device (`[resolution², classes]`), for a joint read-back.
pub fn class_probability_tensor<M: NslModel>(model: &M, grid: &Grid, device: &Device) -> Result<Tensor<2>> {
    if grid.resolution == 0 || !(grid.x_max > grid.x_min && grid.y_max > grid.y_min) {
        return Err(NslError::Config("a heatmap grid needs resolution ≥ 1 and a non-empty extent".into()));
    }
    let cells = grid.resolution * grid.resolution;
    let x: Tensor<2> = matrix(grid.points(), cells, 2, device);
    Ok(activation::softmax(model.forward(x), 1))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Mlp;

    #[test]
    fn a_linear_boundary_splits_the_grid() {
        let device = Device::flex();
        // logits = [0, 10·x]: class 1 where x > 0.
        let model = Mlp::from_weights(&[(vec![0.0, 10.0, 0.0, 0.0], vec![0.0, 0.0])], &[2, 2], &device);
        let grid = Grid { x_min: -1.0, x_max: 1.0, y_min: -1.0, y_max: 1.0, resolution: 4 };
        let points = grid.points();
        assert_eq!(&points[..4], &[-0.75, 0.75, -0.25, 0.75]);
        let p = class_probabilities(&model, &grid, &device).unwrap();
        assert_eq!(p.len(), 16 * 2);
        for cell in 0..16 {
            let x = points[cell * 2];
            assert_eq!(p[cell * 2 + 1] > 0.5, x > 0.0, "cell {cell} at x = {x}");
            assert!((p[cell * 2] + p[cell * 2 + 1] - 1.0).abs() < 1e-6);
        }
        assert!(class_probabilities(&model, &Grid { resolution: 0, ..grid }, &device).is_err());
    }
}
