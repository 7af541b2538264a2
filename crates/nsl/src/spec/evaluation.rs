//! What is measured after (and while) training: accuracy under a white-box FGSM attack, and
//! robustness curves of accuracy against attack size. Plain data: the attacks themselves are
//! `train::robustness`'s.

use serde::{Deserialize, Serialize};

use crate::config::{AdvNeighborConfig, NormType};
use crate::error::{NslError, Result};

/// Measurements on the test data.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize, Default)]
#[serde(default, deny_unknown_fields)]
pub struct EvaluationSpec {
    /// Also measure accuracy under a white-box FGSM attack.
    pub fgsm: Option<FgsmSpec>,
    /// Also measure accuracy against attack size, FGSM and PGD (MLPs and CNNs).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub robustness: Option<RobustnessSpec>,
}

/// A white-box L∞ FGSM attack: `clip(x + ε·sign(∇ₓ loss))`.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FgsmSpec {
    /// Perturbation size ε.
    pub epsilon: f32,
    /// Lower bound of valid inputs.
    pub clip_min: Option<f32>,
    /// Upper bound of valid inputs.
    pub clip_max: Option<f32>,
}

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
