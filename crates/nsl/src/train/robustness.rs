//! Robustness curves: test accuracy under white-box FGSM and PGD attacks of growing size ε.
//!
//! One [`RobustnessSpec`] in the experiment's evaluation names the curve; `nsl train` computes
//! it after training ([`robustness_curve`]) and the playground's worker computes the same
//! points one at a time ([`RobustnessSpec::points`], [`crate::train::eval::correct_under_attack`]) so that it can
//! report progress and read back asynchronously. Both call the same functions, which is what
//! lets the browser's figures be checked against the native ones.

use serde::{Deserialize, Serialize};

use crate::data::Examples;
use crate::error::Result;
use crate::model::NslModel;
use crate::spec::{Attack, RobustnessSpec};
use crate::train::eval::{CHUNK, correct_under_attack, read_count};

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
    use crate::config::NormType;
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
