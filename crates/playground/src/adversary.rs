//! What the adversary panel shows: the perturbation the user picked (method, norm, ε, PGD
//! options, which test digit) and how it becomes the worker's [`ProbeSpec`]. Pure.

use nsl::config::{AdvNeighborConfig, NormType};
use nsl::session::probe::{ProbeMethod, ProbeSpec};

use crate::protocol::{DataInfo, DataView};

/// Integrated-gradients steps of the saliency map (the attribution sums to the score gap
/// within a few percent at 32 steps on the bundled models).
pub const SALIENCY_STEPS: usize = 32;

/// How the perturbation is found.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Method {
    /// One step along the normalised gradient of the loss.
    #[default]
    Fgsm,
    /// Several projected steps.
    Pgd,
    /// The virtual adversarial direction (VAT).
    Vat,
}

impl Method {
    /// Every method with its key and label, in picker order.
    pub const ALL: [(Method, &'static str, &'static str); 3] =
        [(Method::Fgsm, "fgsm", "FGSM"), (Method::Pgd, "pgd", "PGD"), (Method::Vat, "vat", "VAT direction")];

    /// Stable key for `<select>` values.
    pub fn key(self) -> &'static str {
        Self::ALL.iter().find(|(m, ..)| *m == self).map_or("fgsm", |(_, k, _)| k)
    }

    /// The method with `key`.
    pub fn from_key(key: &str) -> Option<Method> {
        Self::ALL.iter().find(|(_, k, _)| *k == key).map(|(m, ..)| *m)
    }
}

/// The perturbation shown.
#[derive(Debug, Clone, PartialEq)]
pub struct ProbeSettings {
    /// How it is found.
    pub method: Method,
    /// Norm of the step (and of PGD's ball).
    pub norm: NormType,
    /// Step size ε.
    pub epsilon: f64,
    /// PGD steps.
    pub pgd_iterations: usize,
    /// Radius of PGD's ball.
    pub pgd_ball: f64,
    /// PGD starts at a random point of its ball.
    pub random_start: bool,
    /// Which test digit (images only; 2D sets show every test point).
    pub row: usize,
}

impl Default for ProbeSettings {
    fn default() -> Self {
        Self {
            method: Method::Fgsm,
            norm: NormType::Infinity,
            epsilon: 0.1,
            pgd_iterations: 10,
            pgd_ball: 0.1,
            random_start: false,
            row: 0,
        }
    }
}

/// A change to the shown perturbation.
#[derive(Debug, Clone, PartialEq)]
pub enum ProbeEdit {
    /// Method.
    Method(Method),
    /// Norm.
    Norm(NormType),
    /// Step size ε.
    Epsilon(f64),
    /// PGD steps.
    Iterations(usize),
    /// PGD ball radius.
    Ball(f64),
    /// PGD random start.
    RandomStart(bool),
    /// Test digit.
    Row(usize),
}

impl ProbeSettings {
    /// The settings after `edit`.
    pub fn apply(&self, edit: &ProbeEdit) -> Self {
        let mut next = self.clone();
        match *edit {
            ProbeEdit::Method(m) => next.method = m,
            ProbeEdit::Norm(n) => next.norm = n,
            ProbeEdit::Epsilon(e) => next.epsilon = e.max(0.0),
            ProbeEdit::Iterations(i) => next.pgd_iterations = i.max(1),
            ProbeEdit::Ball(b) => next.pgd_ball = b.max(0.0),
            ProbeEdit::RandomStart(on) => next.random_start = on,
            ProbeEdit::Row(r) => next.row = r,
        }
        next
    }

    /// The worker's probe for the loaded data: every test point of a 2D set (drawn as arrows),
    /// or the chosen test digit with its saliency, clipped to `clip`. `None` for graphs.
    pub fn spec(&self, info: &DataInfo, clip: (Option<f32>, Option<f32>)) -> Option<ProbeSpec> {
        let (rows, saliency_steps) = match info.view {
            DataView::Points { .. } => ((0..info.test_rows).collect(), 0),
            DataView::Digits { .. } => (vec![self.row.min(info.test_rows.saturating_sub(1))], SALIENCY_STEPS),
            DataView::Graph { .. } | DataView::Graphs { .. } | DataView::Typed(_) => return None,
        };
        let pgd = self.method == Method::Pgd;
        let neighbor = AdvNeighborConfig {
            adv_step_size: self.epsilon as f32,
            adv_grad_norm: self.norm,
            clip_value_min: clip.0,
            clip_value_max: clip.1,
            pgd_iterations: if pgd { self.pgd_iterations } else { 1 },
            pgd_epsilon: pgd.then_some(self.pgd_ball as f32),
            random_init: pgd && self.random_start,
            feature_mask: None,
        };
        let method = if self.method == Method::Vat { ProbeMethod::Virtual } else { ProbeMethod::Gradient };
        Some(ProbeSpec { method, neighbor, rows, saliency_steps })
    }
}

/// The largest entry of `values` in absolute value (at least a small floor, so that an all-zero
/// perturbation draws as blank rather than dividing by zero).
pub fn magnitude(values: &[f32]) -> f32 {
    values.iter().fold(1e-6_f32, |m, v| m.max(v.abs()))
}

/// The norm of `delta` under `norm`.
pub fn norm_of(delta: &[f32], norm: NormType) -> f32 {
    match norm {
        NormType::Infinity => delta.iter().fold(0.0, |m, v| m.max(v.abs())),
        NormType::L2 => delta.iter().map(|v| v * v).sum::<f32>().sqrt(),
        NormType::L1 => delta.iter().map(|v| v.abs()).sum(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn info(view: DataView, test_rows: usize) -> DataInfo {
        DataInfo {
            class_names: Vec::new(),
            train_rows: 10,
            test_rows,
            steps_per_epoch: 1,
            total_steps: 1,
            view,
            built: None,
            rounds: None,
            second_worker: false,
        }
    }

    #[test]
    fn settings_become_probes_for_each_kind_of_data() {
        let settings = ProbeSettings::default()
            .apply(&ProbeEdit::Method(Method::Pgd))
            .apply(&ProbeEdit::Iterations(0))
            .apply(&ProbeEdit::Ball(0.2))
            .apply(&ProbeEdit::RandomStart(true))
            .apply(&ProbeEdit::Row(700));
        assert_eq!(settings.pgd_iterations, 1, "at least one step");
        let digits =
            settings.spec(&info(DataView::Digits { images: Vec::new() }, 500), (Some(0.0), Some(1.0)));
        let digits = digits.unwrap();
        assert_eq!((digits.rows.clone(), digits.saliency_steps), (vec![499], SALIENCY_STEPS));
        assert_eq!(digits.neighbor.pgd_epsilon, Some(0.2));
        assert!(digits.neighbor.random_init && digits.neighbor.clip_value_max == Some(1.0));
        let plane = ProbeSettings::default()
            .apply(&ProbeEdit::Method(Method::Vat))
            .spec(&info(DataView::Points { train: Vec::new(), test: Vec::new() }, 3), (None, None))
            .unwrap();
        assert_eq!(
            (plane.rows, plane.saliency_steps, plane.method),
            (vec![0, 1, 2], 0, ProbeMethod::Virtual)
        );
        assert_eq!((plane.neighbor.pgd_iterations, plane.neighbor.pgd_epsilon), (1, None));
        let graph = DataView::Graph {
            positions: Vec::new(),
            edges: Vec::new(),
            labels: Vec::new(),
            train: Vec::new(),
            pictures: Vec::new(),
        };
        assert!(settings.spec(&info(graph, 5), (None, None)).is_none());
        assert_eq!(Method::from_key(Method::Pgd.key()), Some(Method::Pgd));
    }

    #[test]
    fn norms_and_magnitudes() {
        let delta = [0.1, -0.3, 0.0];
        assert!((norm_of(&delta, NormType::Infinity) - 0.3).abs() < 1e-7);
        assert!((norm_of(&delta, NormType::L1) - 0.4).abs() < 1e-7);
        assert!((norm_of(&delta, NormType::L2) - 0.1f32.hypot(0.3)).abs() < 1e-7);
        assert_eq!(magnitude(&delta), 0.3);
        assert_eq!(magnitude(&[0.0, 0.0]), 1e-6);
    }
}
