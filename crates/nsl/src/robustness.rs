//! Robustness curves: test accuracy under white-box FGSM and PGD attacks of growing size ε.
//!
//! One [`RobustnessSpec`] in the experiment's evaluation names the curve; `nsl train` computes
//! it after training ([`robustness_curve`]) and the playground's worker computes the same
//! points one at a time ([`RobustnessSpec::points`], [`correct_under_attack`]) so that it can
//! report progress and read back asynchronously. Both call the same functions, which is what
//! lets the browser's figures be checked against the native ones.

use burn::tensor::{Int, Tensor};
use serde::{Deserialize, Serialize};

use crate::adversarial::gen_adv_neighbor;
use crate::config::{AdvNeighborConfig, NormType};
use crate::data::Examples;
use crate::error::{NslError, Result};
use crate::eval::{CHUNK, count_correct, read_count};
use crate::loss::sparse_softmax_cross_entropy;
use crate::model::NslModel;

/// The attacks of a robustness curve.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Attack {
    /// One step of size ε along the normalised gradient.
    Fgsm,
    /// `pgd_iterations` steps of size 2.5·ε / iterations, projected onto the ε ball
    /// (Madry et al.'s step rule).
    Pgd,
}

impl Attack {
    /// Both attacks, in the order curves list them.
    pub const ALL: [Attack; 2] = [Attack::Fgsm, Attack::Pgd];

    /// Short name for tables and legends.
    pub fn name(self) -> &'static str {
        match self {
            Attack::Fgsm => "FGSM",
            Attack::Pgd => "PGD",
        }
    }
}

/// Which accuracies against attack size to measure.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct RobustnessSpec {
    /// The largest ε; the curve runs from 0 to it in equal steps.
    pub max_epsilon: f64,
    /// Points on the curve (ε = 0 included), at least 2.
    pub points: usize,
    /// Norm of the attacks' steps and ball.
    pub norm: NormType,
    /// PGD steps.
    pub pgd_iterations: usize,
    /// PGD starts from a random point of the ε ball (seeded by the device's generator).
    pub pgd_random_start: bool,
    /// Lower bound of valid inputs (0 for images).
    pub clip_min: Option<f32>,
    /// Upper bound of valid inputs (1 for images).
    pub clip_max: Option<f32>,
}

impl Default for RobustnessSpec {
    fn default() -> Self {
        Self {
            max_epsilon: 0.3,
            points: 7,
            norm: NormType::Infinity,
            pgd_iterations: 10,
            pgd_random_start: false,
            clip_min: None,
            clip_max: None,
        }
    }
}

/// Accuracy of one model under one attack of one size.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct RobustnessPoint {
    /// The attack.
    pub attack: Attack,
    /// Its size.
    pub epsilon: f64,
    /// Fraction of test rows still classified correctly.
    pub accuracy: f64,
}

impl RobustnessSpec {
    /// Rejects curves that cannot be meant.
    pub fn validate(&self) -> Result<()> {
        if !(self.max_epsilon.is_finite() && self.max_epsilon > 0.0) {
            return Err(NslError::Config(format!(
                "robustness max_epsilon must be > 0, got {}",
                self.max_epsilon
            )));
        }
        if !(2..=101).contains(&self.points) {
            return Err(NslError::Config(format!("robustness points must be 2..=101, got {}", self.points)));
        }
        if self.pgd_iterations == 0 {
            return Err(NslError::Config("robustness pgd_iterations must be ≥ 1".into()));
        }
        Ok(())
    }

    /// The sizes ε on the curve, `0` first (rounded to 6 decimals, so 0.3 / 6 is 0.05).
    pub fn epsilons(&self) -> Vec<f64> {
        let last = (self.points - 1) as f64;
        (0..self.points).map(|i| (self.max_epsilon * i as f64 / last * 1e6).round() / 1e6).collect()
    }

    /// Every (attack, ε) point in computing order: FGSM's curve, then PGD's.
    pub fn points(&self) -> Vec<(Attack, f64)> {
        Attack::ALL.iter().flat_map(|&a| self.epsilons().into_iter().map(move |e| (a, e))).collect()
    }

    /// The adversarial-neighbor configuration of `attack` at size `epsilon`.
    pub fn attack_config(&self, attack: Attack, epsilon: f64) -> AdvNeighborConfig {
        let epsilon = epsilon as f32;
        let (adv_step_size, pgd_iterations, pgd_epsilon, random_init) = match attack {
            Attack::Fgsm => (epsilon, 1, None, false),
            Attack::Pgd => (
                2.5 * epsilon / self.pgd_iterations as f32,
                self.pgd_iterations,
                Some(epsilon),
                self.pgd_random_start,
            ),
        };
        AdvNeighborConfig {
            adv_step_size,
            adv_grad_norm: self.norm,
            clip_value_min: self.clip_min,
            clip_value_max: self.clip_max,
            pgd_iterations,
            pgd_epsilon,
            random_init,
            feature_mask: None,
        }
    }
}

/// How many rows of `x` `inference` classifies correctly after the white-box attack `attack`
/// (computed against the same model); ε = 0 counts the clean rows.
///
/// # Shapes
/// - `x`: `[rows, features]`, `y`: `[rows]`; returns `[1]`, on the device (nothing is read).
pub fn correct_under_attack<M: NslModel>(
    inference: &M,
    x: Tensor<2>,
    y: Tensor<1, Int>,
    attack: &AdvNeighborConfig,
) -> Result<Tensor<1, Int>> {
    if attack.adv_step_size == 0.0 {
        return Ok(count_correct(inference.forward(x), y));
    }
    let loss = |x: Tensor<2>| sparse_softmax_cross_entropy(inference.forward(x), y.clone());
    let adv = gen_adv_neighbor(x, &loss, None, attack)?;
    Ok(count_correct(inference.forward(adv), y))
}

/// The whole curve of `model` (its inference copy) on `examples`, read back synchronously.
pub fn robustness_curve<M: NslModel>(
    model: &M,
    examples: &Examples,
    spec: &RobustnessSpec,
) -> Result<Vec<RobustnessPoint>> {
    spec.validate()?;
    let inference = model.valid();
    let device = model.devices().first().cloned().expect("a model lives on a device").inner();
    let rows: Vec<usize> = (0..examples.len()).collect();
    let chunks: Vec<_> = rows
        .chunks(CHUNK)
        .map(|c| (examples.features_tensor(c, &device), examples.labels_tensor(c, &device)))
        .collect();
    let mut curve = Vec::new();
    for (attack, epsilon) in spec.points() {
        let config = spec.attack_config(attack, epsilon);
        let mut correct = 0i64;
        for (x, y) in &chunks {
            let count = correct_under_attack(&inference, x.clone(), y.clone(), &config)?;
            correct += read_count(count);
        }
        curve.push(RobustnessPoint {
            attack,
            epsilon,
            accuracy: correct as f64 / examples.len().max(1) as f64,
        });
    }
    Ok(curve)
}

/// Curves of several models as CSV, one row per point: `model,attack,epsilon,accuracy`
/// (what `nsl train --robustness-csv` writes and the playground exports).
pub fn curves_csv<'a>(curves: impl IntoIterator<Item = (&'a str, &'a [RobustnessPoint])>) -> String {
    let mut csv = String::from("model,attack,epsilon,accuracy\n");
    for (model, points) in curves {
        for p in points {
            csv += &format!("{model},{},{:.4},{:.4}\n", p.attack.name(), p.epsilon, p.accuracy);
        }
    }
    csv
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Mlp;
    use burn::tensor::Device;

    #[test]
    fn the_grid_and_attack_configurations() {
        let spec =
            RobustnessSpec { points: 4, clip_min: Some(0.0), clip_max: Some(1.0), ..Default::default() };
        let eps = spec.epsilons();
        assert_eq!(eps.len(), 4);
        assert_eq!((eps[0], eps[3]), (0.0, 0.3));
        assert_eq!(eps[1], 0.1);
        assert_eq!(spec.points().len(), 8);
        assert_eq!(spec.points()[4], (Attack::Pgd, 0.0));
        let fgsm = spec.attack_config(Attack::Fgsm, 0.2);
        assert_eq!((fgsm.adv_step_size, fgsm.pgd_iterations, fgsm.pgd_epsilon), (0.2, 1, None));
        assert_eq!((fgsm.adv_grad_norm, fgsm.clip_value_max), (NormType::Infinity, Some(1.0)));
        let pgd = spec.attack_config(Attack::Pgd, 0.2);
        assert_eq!((pgd.pgd_iterations, pgd.pgd_epsilon), (10, Some(0.2)));
        assert!((pgd.adv_step_size - 0.05).abs() < 1e-7);
        assert!(RobustnessSpec { points: 1, ..spec }.validate().is_err());
        assert!(RobustnessSpec { max_epsilon: 0.0, ..spec }.validate().is_err());
        assert!(RobustnessSpec { pgd_iterations: 0, ..spec }.validate().is_err());
    }

    #[test]
    fn accuracy_falls_with_epsilon_and_pgd_is_at_least_as_strong() {
        // A linear model that separates x₀ < 0.5 from x₀ > 0.5 by the logit gap 8·(x₀ − 0.5):
        // an L∞ attack of size ε flips exactly the rows within ε of the boundary.
        let device = Device::flex();
        let model = Mlp::from_weights(&[(vec![-4.0, 4.0], vec![2.0, -2.0])], &[1, 2], &device);
        let xs: Vec<f32> = (0..100).map(|i| (i as f32 + 0.5) / 100.0).collect();
        let labels: Vec<u32> = xs.iter().map(|&x| u32::from(x > 0.5)).collect();
        let examples = Examples { features: xs.clone(), labels, dim: 1, classes: 2 };
        let spec =
            RobustnessSpec { points: 4, clip_min: Some(0.0), clip_max: Some(1.0), ..Default::default() };
        let curve = robustness_curve(&model, &examples, &spec).unwrap();
        assert_eq!(curve.len(), 8);
        for point in &curve {
            let flipped = xs.iter().filter(|&&x| (x - 0.5).abs() < point.epsilon as f32).count();
            let expected = 1.0 - flipped as f64 / 100.0;
            assert!((point.accuracy - expected).abs() < 0.011, "{point:?}: expected {expected}");
        }
        let (fgsm, pgd) = curve.split_at(4);
        assert!(fgsm.iter().zip(pgd).all(|(f, p)| p.accuracy <= f.accuracy + 1e-9));
        assert!(fgsm[0].accuracy == 1.0 && fgsm[3].accuracy < 0.5);
        let csv = curves_csv([("base", &curve[..2])]);
        assert_eq!(
            csv.lines().collect::<Vec<_>>(),
            [
                "model,attack,epsilon,accuracy",
                "base,FGSM,0.0000,1.0000",
                &format!("base,FGSM,0.1000,{:.4}", curve[1].accuracy),
            ]
        );
    }
}
