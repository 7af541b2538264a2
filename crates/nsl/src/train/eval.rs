//! Evaluation: accuracy, clean and under white-box attacks (FGSM here; the robustness curves
//! of [`crate::train::robustness`] count with [`correct_under_attack`] too).

use burn::tensor::{Int, Tensor};
use serde::{Deserialize, Serialize};

use crate::config::{AdvNeighborConfig, NormType};
use crate::data::Examples;
use crate::error::Result;
use crate::model::NslModel;
use crate::reg::adversarial::gen_adv_neighbor;
use crate::reg::loss::sparse_softmax_cross_entropy;
use crate::spec::FgsmSpec;

/// Rows evaluated per forward pass.
pub(crate) const CHUNK: usize = 1024;

/// Test metrics of one trained model. Accuracies are fractions in `[0, 1]`.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize, Default)]
pub struct Metrics {
    /// Accuracy on the test rows (reported when no attack is configured).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub test_acc: Option<f64>,
    /// Accuracy on the unperturbed test rows (reported beside an attack).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub clean_acc: Option<f64>,
    /// Accuracy under the FGSM attack.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub fgsm_acc: Option<f64>,
    /// ROC AUC of held-out edges against non-edges (link prediction), by the model of the best
    /// validation epoch.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub test_auc: Option<f64>,
    /// The same by the model as trained to the last epoch (what the playground shows).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub last_test_auc: Option<f64>,
    /// Test accuracy of the model as trained to the last epoch, where `test_acc` is the best
    /// validation epoch's (graph classification and node classification on a typed graph; what
    /// the playground shows).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub last_test_acc: Option<f64>,
    /// Deep Graph Infomax's binary accuracy, clean states against shuffled ones (when DGI
    /// trains beside node classification).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub dgi_acc: Option<f64>,
    /// The same by the model as trained to the last epoch (what the playground shows).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub last_dgi_acc: Option<f64>,
}

/// Accuracy of `model` (its inference copy is used) on `examples`, and, with `fgsm`, under
/// the attack computed against the same model.
pub fn evaluate<M: NslModel>(model: &M, examples: &Examples, fgsm: Option<&FgsmSpec>) -> Metrics {
    let inference = model.valid();
    let device = model.devices().first().cloned().expect("a model lives on a device");
    let mut correct = Tensor::<1, Int>::zeros([1], &device.clone().inner());
    let mut attacked = correct.clone();
    let indices: Vec<usize> = (0..examples.len()).collect();
    for chunk in indices.chunks(CHUNK) {
        let x = examples.features_tensor(chunk, &device).inner();
        let y = examples.labels_tensor(chunk, &device).inner();
        correct = correct + count_correct(inference.forward(x.clone()), y.clone());
        if let Some(attack) = fgsm {
            attacked = attacked + fgsm_correct(&inference, x, y, attack);
        }
    }
    let n = examples.len().max(1) as f64;
    let read = |t: Tensor<1, Int>| read_count(t) as f64 / n;
    let accuracy = read(correct);
    match fgsm {
        None => Metrics { test_acc: Some(accuracy), ..Default::default() },
        Some(_) => {
            Metrics { clean_acc: Some(accuracy), fgsm_acc: Some(read(attacked)), ..Default::default() }
        }
    }
}

/// How many rows of `x` `inference` still classifies correctly under the white-box FGSM
/// `attack` computed against it.
pub(crate) fn fgsm_correct<M: NslModel>(
    inference: &M,
    x: Tensor<2>,
    y: Tensor<1, Int>,
    attack: &FgsmSpec,
) -> Tensor<1, Int> {
    let config = AdvNeighborConfig {
        adv_step_size: attack.epsilon,
        adv_grad_norm: NormType::Infinity,
        clip_value_min: attack.clip_min,
        clip_value_max: attack.clip_max,
        ..Default::default()
    };
    correct_under_attack(inference, x, y, &config).expect("a valid FGSM configuration")
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

/// A count computed on the device (`[1]`), read back.
pub(crate) fn read_count(count: Tensor<1, Int>) -> i64 {
    count.into_data().convert::<i64>().try_into_vec::<i64>().expect("a count reads back")[0]
}

pub(crate) fn count_correct(logits: Tensor<2>, labels: Tensor<1, Int>) -> Tensor<1, Int> {
    let [n, _] = logits.dims();
    logits.argmax(1).reshape([n]).equal(labels).int().sum()
}
