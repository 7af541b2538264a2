//! Probing a trained model with one perturbation, for showing it: the perturbed rows, the
//! model's probabilities before and after, and integrated-gradients saliency of the first row.
//! Everything is computed on the device and read back once ([`Readout`]), like a snapshot.

use std::ops::Range;

use burn::tensor::{Tensor, activation};
use serde::{Deserialize, Serialize};

use crate::attribution::integrated_gradients;
use crate::config::{AdvNeighborConfig, VirtualAdvConfig};
use crate::data::Examples;
use crate::error::{NslError, Result};
use crate::model::NslModel;
use crate::reg::adversarial::{clip_to_range, gen_adv_neighbor};
use crate::reg::loss::sparse_softmax_cross_entropy;
use crate::reg::vat::virtual_adv_perturbation;
use crate::session::readout::Readout;

/// Which perturbation to probe with.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "snake_case")]
pub enum ProbeMethod {
    /// Along the labeled loss's gradient: FGSM with one iteration, PGD with more
    /// (`gen_adv_neighbor`).
    #[default]
    Gradient,
    /// Along the virtual adversarial direction (VAT's power iteration; needs no label).
    Virtual,
}

/// What to probe.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct ProbeSpec {
    /// The perturbation.
    pub method: ProbeMethod,
    /// Step size (ε), norm, PGD iterations, ball and random start, clip range. For
    /// [`ProbeMethod::Virtual`] the step size, norm and clip range apply.
    pub neighbor: AdvNeighborConfig,
    /// Test rows to perturb.
    pub rows: Vec<usize>,
    /// Integrated-gradients steps for the first row's saliency (0: none).
    pub saliency_steps: usize,
}

impl Default for ProbeSpec {
    fn default() -> Self {
        Self {
            method: ProbeMethod::Gradient,
            neighbor: AdvNeighborConfig { adv_step_size: 0.1, ..Default::default() },
            rows: vec![0],
            saliency_steps: 0,
        }
    }
}

/// One probed row.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ProbedRow {
    /// Test row index.
    pub row: usize,
    /// True class.
    pub label: u32,
    /// The row's features.
    pub original: Vec<f32>,
    /// The perturbed features.
    pub perturbed: Vec<f32>,
    /// Class probabilities of the original.
    pub clean: Vec<f32>,
    /// Class probabilities of the perturbed row.
    pub attacked: Vec<f32>,
}

impl ProbedRow {
    /// `perturbed − original`.
    pub fn delta(&self) -> Vec<f32> {
        self.perturbed.iter().zip(&self.original).map(|(p, o)| p - o).collect()
    }

    /// Whether the perturbation changed the class the model predicts.
    pub fn flipped(&self) -> bool {
        top_class(&self.clean) != top_class(&self.attacked)
    }

    /// Whether the model misclassifies the perturbed row.
    pub fn attacked_wrong(&self) -> bool {
        top_class(&self.attacked) as u32 != self.label
    }
}

/// The class `probabilities` predict: the most probable, the first of equals (0 when empty).
pub fn top_class(probabilities: &[f32]) -> usize {
    probabilities
        .iter()
        .enumerate()
        .fold((0, f32::MIN), |best, (c, &p)| if p > best.1 { (c, p) } else { best })
        .0
}

/// What a probe found.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ProbeResult {
    /// The probed rows, in the spec's order.
    pub rows: Vec<ProbedRow>,
    /// Integrated gradients of the first row's true-class logit from a zero baseline (one
    /// value per feature), when asked for.
    pub saliency: Option<Vec<f32>>,
}

impl ProbeResult {
    /// How many probed rows the perturbation moved to another class.
    pub fn flipped(&self) -> usize {
        self.rows.iter().filter(|r| r.flipped()).count()
    }

    /// The share of probed rows moved to another class (`None` without rows).
    pub fn flipped_share(&self) -> Option<f64> {
        (!self.rows.is_empty()).then(|| self.flipped() as f64 / self.rows.len() as f64)
    }

    /// How many perturbed rows the model misclassifies.
    pub fn attacked_wrong(&self) -> usize {
        self.rows.iter().filter(|r| r.attacked_wrong()).count()
    }
}

/// A probe computed on the device, to be read back once.
#[derive(Debug)]
pub struct PendingProbe {
    readout: Readout,
    layout: ProbeLayout,
}

/// Where each value of a probe is in its read-back, and what the host already knows.
#[derive(Debug)]
struct ProbeLayout {
    perturbed: Range<usize>,
    clean: Range<usize>,
    attacked: Range<usize>,
    saliency: Option<Range<usize>>,
    /// `(test row, label, features)` of each probed row.
    rows: Vec<(usize, u32, Vec<f32>)>,
    classes: usize,
}

impl PendingProbe {
    /// Reads the probe back synchronously (native code, the CPU backend in a browser).
    pub fn read(self) -> Result<ProbeResult> {
        let values = self.readout.read()?;
        Ok(self.layout.result(&values))
    }

    /// Reads the probe back asynchronously (WebGPU in a browser).
    pub async fn read_async(self) -> Result<ProbeResult> {
        let values = self.readout.read_async().await?;
        Ok(self.layout.result(&values))
    }
}

impl ProbeLayout {
    fn result(self, v: &[f32]) -> ProbeResult {
        let (k, dim) = (self.classes, self.rows.first().map_or(0, |r| r.2.len()));
        let (perturbed, clean, attacked) = (&v[self.perturbed], &v[self.clean], &v[self.attacked]);
        let rows = self
            .rows
            .into_iter()
            .enumerate()
            .map(|(i, (row, label, original))| ProbedRow {
                row,
                label,
                original,
                perturbed: perturbed[i * dim..(i + 1) * dim].to_vec(),
                clean: clean[i * k..(i + 1) * k].to_vec(),
                attacked: attacked[i * k..(i + 1) * k].to_vec(),
            })
            .collect();
        ProbeResult { rows, saliency: self.saliency.map(|r| v[r].to_vec()) }
    }
}

/// Perturbs `spec.rows` of `test` against `model` (its inference copy) and measures it.
///
/// # Arguments
/// - `model`: the trained model.
/// - `test`: the test rows the spec's indices refer to.
/// - `spec`: the probe.
/// - `virtual_config`: distance and power iteration of the VAT direction (the step size, norm
///   and clip range are taken from `spec.neighbor`).
pub fn probe<M: NslModel>(
    model: &M,
    test: &Examples,
    spec: &ProbeSpec,
    virtual_config: &VirtualAdvConfig,
) -> Result<PendingProbe> {
    if spec.rows.is_empty() {
        return Err(NslError::Config("a probe needs at least one row".into()));
    }
    if let Some(&row) = spec.rows.iter().find(|&&r| r >= test.len()) {
        return Err(NslError::Config(format!("test row {row} does not exist ({} rows)", test.len())));
    }
    let inference = model.valid();
    let device = model.devices().first().cloned().expect("a model lives on a device").inner();
    let x = test.features_tensor(&spec.rows, &device);
    let y = test.labels_tensor(&spec.rows, &device);
    let neighbor = &spec.neighbor;
    let perturbed = match spec.method {
        ProbeMethod::Gradient => {
            let loss = |x: Tensor<2>| sparse_softmax_cross_entropy(inference.forward(x), y.clone());
            gen_adv_neighbor(x.clone(), &loss, None, neighbor)?
        }
        ProbeMethod::Virtual => {
            let config = VirtualAdvConfig { adv_neighbor_config: neighbor.clone(), ..virtual_config.clone() };
            let delta = virtual_adv_perturbation(x.clone(), &|x| inference.forward(x), &config)?;
            clip_to_range(x.clone() + delta, neighbor)
        }
    };
    let mut readout = Readout::default();
    let clean = readout.push(activation::softmax(inference.forward(x.clone()), 1));
    let attacked = readout.push(activation::softmax(inference.forward(perturbed.clone()), 1));
    let perturbed_range = readout.push(perturbed);
    let saliency = if spec.saliency_steps > 0 {
        let first = x.slice([0..1, 0..test.dim]);
        let class = test.labels[spec.rows[0]] as usize;
        let score = |x: Tensor<2>| inference.forward(x).slice([0..1, class..class + 1]).sum();
        let zeros = Tensor::zeros(first.dims(), &device);
        Some(readout.push(integrated_gradients(first, zeros, spec.saliency_steps, &score)?))
    } else {
        None
    };
    let rows = spec.rows.iter().map(|&r| (r, test.labels[r], test.row(r).to_vec())).collect();
    let layout =
        ProbeLayout { perturbed: perturbed_range, clean, attacked, saliency, rows, classes: test.classes };
    Ok(PendingProbe { readout, layout })
}

/// The `k` most probable classes with their probabilities, most probable first.
pub fn top_k(probabilities: &[f32], k: usize) -> Vec<(usize, f32)> {
    let mut ranked: Vec<(usize, f32)> = probabilities.iter().copied().enumerate().collect();
    ranked.sort_by(|a, b| b.1.total_cmp(&a.1).then(a.0.cmp(&b.0)));
    ranked.truncate(k);
    ranked
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::NormType;
    use crate::model::Mlp;
    use burn::tensor::Device;

    /// Logit gap 8·(x₀ − 0.5) between class 1 and class 0; x₁ is ignored.
    fn threshold_model(device: &Device) -> Mlp {
        Mlp::from_weights(&[(vec![-4.0, 4.0, 0.0, 0.0], vec![2.0, -2.0])], &[2, 2], device)
    }

    fn rows() -> Examples {
        Examples { features: vec![0.45, 0.9, 0.8, 0.1], labels: vec![0, 1], dim: 2, classes: 2 }
    }

    fn probed(label: u32, clean: [f32; 3], attacked: [f32; 3]) -> ProbedRow {
        ProbedRow {
            row: 0,
            label,
            original: vec![],
            perturbed: vec![],
            clean: clean.into(),
            attacked: attacked.into(),
        }
    }

    #[test]
    fn the_top_class_is_the_first_most_probable() {
        assert_eq!(top_class(&[0.2, 0.5, 0.3]), 1);
        assert_eq!(top_class(&[0.4, 0.2, 0.4]), 0);
        assert_eq!(top_class(&[]), 0);
    }

    #[test]
    fn flips_and_errors_are_counted_per_row() {
        let result = ProbeResult {
            rows: vec![
                // Moved from class 0 to 1, which is wrong.
                probed(0, [0.6, 0.3, 0.1], [0.3, 0.6, 0.1]),
                // Moved from class 2 (wrong) to class 1 (right).
                probed(1, [0.1, 0.2, 0.7], [0.1, 0.8, 0.1]),
                // Unmoved and right.
                probed(2, [0.1, 0.2, 0.7], [0.2, 0.2, 0.6]),
                // Unmoved and wrong.
                probed(0, [0.1, 0.7, 0.2], [0.1, 0.5, 0.4]),
            ],
            saliency: None,
        };
        assert_eq!(result.flipped(), 2);
        assert_eq!(result.flipped_share(), Some(0.5));
        assert_eq!(result.attacked_wrong(), 2);
        assert_eq!(ProbeResult { rows: vec![], saliency: None }.flipped_share(), None);
    }

    #[test]
    fn fgsm_crosses_the_boundary_only_when_close_and_saliency_is_complete() {
        let device = Device::flex();
        let model = threshold_model(&device);
        let spec = ProbeSpec {
            neighbor: AdvNeighborConfig {
                adv_step_size: 0.1,
                adv_grad_norm: NormType::Infinity,
                clip_value_min: Some(0.0),
                clip_value_max: Some(1.0),
                ..Default::default()
            },
            rows: vec![0, 1],
            saliency_steps: 64,
            ..Default::default()
        };
        let result = probe(&model, &rows(), &spec, &VirtualAdvConfig::default()).unwrap().read().unwrap();
        let (near, far) = (&result.rows[0], &result.rows[1]);
        // Row 0 sits 0.05 left of the boundary: one L∞ step of 0.1 pushes x₀ across; the
        // ignored feature's gradient is 0, so it stays (sign(0) = 0), clipped to [0, 1].
        assert!(
            (near.perturbed[0] - 0.55).abs() < 1e-6 && (near.perturbed[1] - 0.9).abs() < 1e-6,
            "{near:?}"
        );
        assert_eq!(top_k(&near.clean, 1)[0].0, 0);
        assert_eq!(top_k(&near.attacked, 1)[0].0, 1, "the adversarial row changes class");
        assert_eq!(top_k(&far.attacked, 1)[0].0, 1, "0.3 from the boundary it holds");
        assert!((far.delta()[0] + 0.1).abs() < 1e-6);
        // Completeness: Σ IG = logit₀(x) − logit₀(0) = (−4·0.45 + 2) − 2.
        let saliency = result.saliency.unwrap();
        assert_eq!(saliency.len(), 2);
        assert!((saliency.iter().sum::<f32>() + 1.8).abs() < 1e-3 && saliency[1] == 0.0, "{saliency:?}");
    }

    #[test]
    fn the_virtual_direction_moves_along_the_feature_the_model_reads() {
        let device = Device::flex();
        device.seed(4);
        let model = threshold_model(&device);
        let spec = ProbeSpec {
            method: ProbeMethod::Virtual,
            neighbor: AdvNeighborConfig {
                adv_step_size: 0.2,
                adv_grad_norm: NormType::L2,
                ..Default::default()
            },
            rows: vec![0],
            ..Default::default()
        };
        let virtual_config =
            VirtualAdvConfig { num_approx_steps: 2, approx_difference: 1e-3, ..Default::default() };
        let row = probe(&model, &rows(), &spec, &virtual_config).unwrap().read().unwrap().rows.remove(0);
        let delta = row.delta();
        assert!((delta[0].abs() - 0.2).abs() < 1e-3 && delta[1].abs() < 1e-3, "{delta:?}");
        assert!(probe(&model, &rows(), &ProbeSpec { rows: vec![5], ..spec }, &virtual_config).is_err());
        assert_eq!(top_k(&[0.1, 0.6, 0.3], 2), vec![(1, 0.6), (2, 0.3)]);
    }
}
