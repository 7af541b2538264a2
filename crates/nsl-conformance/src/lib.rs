//! Conformance against TensorFlow NSL and TensorFlow GNN: replays the cases of a vectors file
//! (the formats of `shared/reference/nsl-vectors.json` and `tfgnn-vectors.json`) through this
//! library and reports each case's error.

mod tfgnn;

use std::collections::BTreeMap;

use nsl::burn::tensor::{Device, Tensor};
use serde::Deserialize;

use nsl::config::Regularization;
use nsl::config::{
    AdvNeighborConfig, AdvRegConfig, DistanceConfig, DistanceType, GraphNeighborConfig, GraphRegConfig,
    NormType, Reduction, SumOverAxis, TransformType,
};
use nsl::model::{Mlp, NslModel};
use nsl::reg::adversarial::gen_adv_neighbor;
use nsl::reg::distance::pairwise_distance;
use nsl::reg::loss::sparse_softmax_cross_entropy;
use nsl::reg::regularized::{Batch, Neighbors, training_loss};
use nsl::tensor::{labels, matrix, to_vec};
use nsl::{NslError, Result};

/// Agreement required with TensorFlow's float32 values.
pub const TOLERANCE: f64 = 1e-5;

/// The outcome of one case.
#[derive(Debug, Clone, PartialEq)]
pub struct CaseResult {
    /// A name that identifies the case's parameters.
    pub name: String,
    /// Largest absolute difference over every value the case checks.
    pub max_error: f64,
    /// Which value had that difference.
    pub worst: String,
}

impl CaseResult {
    /// Whether the case agrees within [`TOLERANCE`].
    pub fn passed(&self) -> bool {
        self.max_error <= TOLERANCE
    }
}

#[derive(Deserialize)]
struct Vectors {
    distance: Vec<DistanceCase>,
    adversarial: Vec<AdversarialCase>,
    models: BTreeMap<String, ModelCase>,
    distance_inputs: DistanceInputs,
    adversarial_model: AdversarialModel,
}

#[derive(Deserialize)]
struct DistanceCase {
    distance_type: DistanceType,
    sum_over_axis: Option<i64>,
    transform_fn: TransformType,
    reduction: Reduction,
    value: f64,
}

#[derive(Deserialize)]
struct DistanceInputs {
    sources_repeated: Vec<Vec<f32>>,
    targets: Vec<Vec<f32>>,
    weights: Vec<Vec<f32>>,
}

#[derive(Deserialize)]
struct AdversarialModel {
    #[serde(rename = "W1")]
    w1: Vec<Vec<f32>>,
    b1: Vec<f32>,
    #[serde(rename = "W2")]
    w2: Vec<Vec<f32>>,
    b2: Vec<f32>,
    x: Vec<Vec<f32>>,
    labels: Vec<u32>,
}

#[derive(Deserialize)]
struct AdversarialCase {
    adv_grad_norm: NormType,
    adv_step_size: f32,
    clip_value_min: Option<f32>,
    clip_value_max: Option<f32>,
    pgd_iterations: usize,
    pgd_epsilon: Option<f32>,
    labeled_loss: f64,
    adv_x: Vec<Vec<f32>>,
    adv_loss: f64,
    #[serde(rename = "total_loss_multiplier_0.2")]
    total_loss: f64,
}

#[derive(Deserialize)]
struct ModelCase {
    neighbor_x: Vec<Vec<Vec<f32>>>,
    neighbor_weights: Vec<Vec<f32>>,
    multiplier: f32,
    max_neighbors: usize,
    distance_type: DistanceType,
    sum_over_axis: Option<i64>,
    supervised_loss: f64,
    scaled_graph_loss: f64,
    total_loss: f64,
}

/// Tracks the largest error of a case.
struct Check {
    max_error: f64,
    worst: String,
    /// Who computed the expected values.
    producer: &'static str,
}

impl Check {
    fn new(producer: &'static str) -> Self {
        Self { max_error: 0.0, worst: "nothing".into(), producer }
    }

    /// A disagreement that no number measures (a wrong shape).
    fn mismatch(&mut self, what: String) {
        self.max_error = f64::INFINITY;
        self.worst = what;
    }

    fn value(&mut self, what: &str, ours: f64, theirs: f64) {
        let error = if ours.is_finite() { (ours - theirs).abs() } else { f64::INFINITY };
        if error > self.max_error || self.worst == "nothing" {
            self.max_error = self.max_error.max(error);
            self.worst = format!("{what}: ours {ours:.7}, {} {theirs:.7}", self.producer);
        }
    }

    fn finish(self, name: String) -> CaseResult {
        CaseResult { name, max_error: self.max_error, worst: self.worst }
    }
}

fn rows_to_tensor(rows: &[Vec<f32>], device: &Device) -> Result<Tensor<2>> {
    let cols = rows.first().map_or(0, Vec::len);
    if rows.iter().any(|r| r.len() != cols) {
        return Err(NslError::Config("ragged matrix in the vectors file".into()));
    }
    Ok(matrix(rows.concat(), rows.len(), cols, device))
}

fn axis(value: Option<i64>) -> Result<Option<SumOverAxis>> {
    match value {
        None => Ok(None),
        Some(-1 | 1) => Ok(Some(SumOverAxis::Last)),
        Some(other) => {
            Err(NslError::Config(format!("sum_over_axis {other} is not supported for 2-D inputs")))
        }
    }
}

/// Replays every case of the vectors file `json` on `device` (CPU or wgpu): TensorFlow NSL's
/// or, when it holds `cases`, TensorFlow GNN's.
pub fn run(json: &str, device: &Device) -> Result<Vec<CaseResult>> {
    let value: serde_json::Value =
        serde_json::from_str(json).map_err(|e| NslError::Config(format!("vectors file: {e}")))?;
    if tfgnn::is_tfgnn(&value) {
        return tfgnn::run(value, device);
    }
    let vectors: Vectors =
        serde_json::from_value(value).map_err(|e| NslError::Config(format!("vectors file: {e}")))?;
    let device = device.clone().autodiff();
    let mut results = Vec::new();

    let inputs = &vectors.distance_inputs;
    let sources = rows_to_tensor(&inputs.sources_repeated, &device)?;
    let targets = rows_to_tensor(&inputs.targets, &device)?;
    let weights = rows_to_tensor(&inputs.weights, &device)?;
    for case in &vectors.distance {
        let config = DistanceConfig {
            distance_type: case.distance_type,
            reduction: case.reduction,
            sum_over_axis: axis(case.sum_over_axis)?,
            transform_fn: case.transform_fn,
        };
        let name = format!(
            "distance/{}/{}/axis={}/{}",
            json_name(&case.distance_type),
            json_name(&case.transform_fn),
            case.sum_over_axis.map_or("None".into(), |a| a.to_string()),
            json_name(&case.reduction)
        );
        let mut check = Check::new("TensorFlow NSL");
        let ours = pairwise_distance(sources.clone(), targets.clone(), Some(weights.clone()), &config)?;
        check.value("distance", f64::from(to_vec(ours)[0]), case.value);
        results.push(check.finish(name));
    }

    let m = &vectors.adversarial_model;
    let (inputs_dim, hidden, classes) = (m.w1.len(), m.b1.len(), m.b2.len());
    let model = Mlp::from_weights(
        &[(m.w1.concat(), m.b1.clone()), (m.w2.concat(), m.b2.clone())],
        &[inputs_dim, hidden, classes],
        &device,
    );
    let x = rows_to_tensor(&m.x, &device)?;
    let y = labels(&m.labels, &device);
    let loss_fn = |input: Tensor<2>| sparse_softmax_cross_entropy(model.forward(input), y.clone());

    for case in &vectors.adversarial {
        let neighbor = AdvNeighborConfig {
            adv_step_size: case.adv_step_size,
            adv_grad_norm: case.adv_grad_norm,
            clip_value_min: case.clip_value_min,
            clip_value_max: case.clip_value_max,
            pgd_iterations: case.pgd_iterations,
            pgd_epsilon: case.pgd_epsilon,
            ..Default::default()
        };
        let name = format!(
            "adversarial/{}/clip={}/pgd={}",
            json_name(&case.adv_grad_norm),
            case.clip_value_min.is_some() || case.clip_value_max.is_some(),
            case.pgd_iterations
        );
        let mut check = Check::new("TensorFlow NSL");
        let adv = gen_adv_neighbor(x.clone(), &loss_fn, None, &neighbor)?;
        for (i, (ours, theirs)) in to_vec(adv.clone()).iter().zip(case.adv_x.concat()).enumerate() {
            check.value(&format!("adv_x[{i}]"), f64::from(*ours), f64::from(theirs));
        }
        check.value("labeled_loss", f64::from(to_vec(loss_fn(x.clone()))[0]), case.labeled_loss);
        check.value("adv_loss", f64::from(to_vec(loss_fn(adv))[0]), case.adv_loss);
        // The total goes through the wrapper, as training computes it.
        let reg = Regularization {
            adversarial: Some(AdvRegConfig { multiplier: 0.2, adv_neighbor_config: neighbor }),
            ..Default::default()
        };
        let batch = Batch { x: x.clone(), y: y.clone(), neighbors: None };
        let parts = training_loss(&model, &reg, &batch)?;
        check.value("total_loss", f64::from(to_vec(parts.total)[0]), case.total_loss);
        results.push(check.finish(name));
    }

    for (key, case) in &vectors.models {
        let batch_size = case.neighbor_x.len();
        let n = case.max_neighbors;
        if case.neighbor_weights.iter().any(|w| w.len() != n) || case.neighbor_x.iter().any(|r| r.len() != n)
        {
            return Err(NslError::Config(format!(
                "models/{key}: neighbor rows must have max_neighbors entries"
            )));
        }
        let reg = Regularization {
            graph: Some(GraphRegConfig {
                neighbor_config: GraphNeighborConfig { max_neighbors: n },
                multiplier: case.multiplier,
                distance_config: DistanceConfig {
                    distance_type: case.distance_type,
                    sum_over_axis: axis(case.sum_over_axis)?,
                    ..Default::default()
                },
            }),
            ..Default::default()
        };
        let neighbor_rows: Vec<Vec<f32>> = case.neighbor_x.iter().flatten().cloned().collect();
        let batch = Batch {
            x: x.clone(),
            y: y.clone(),
            neighbors: Some(Neighbors {
                x: rows_to_tensor(&neighbor_rows, &device)?,
                weights: matrix(case.neighbor_weights.concat(), batch_size * n, 1, &device),
            }),
        };
        let parts = training_loss(&model, &reg, &batch)?;
        let mut check = Check::new("TensorFlow NSL");
        check.value("supervised_loss", f64::from(to_vec(parts.supervised)[0]), case.supervised_loss);
        let graph = parts.graph.ok_or_else(|| NslError::Config("graph loss missing".into()))?;
        check.value("scaled_graph_loss", f64::from(to_vec(graph)[0]), case.scaled_graph_loss);
        check.value("total_loss", f64::from(to_vec(parts.total)[0]), case.total_loss);
        results.push(check.finish(format!("models/{key}")));
    }
    Ok(results)
}

/// An enum's serde spelling (`"kl_divergence"`), for case names.
fn json_name<T: serde::Serialize>(value: &T) -> String {
    serde_json::to_value(value).ok().and_then(|v| v.as_str().map(str::to_owned)).unwrap_or_default()
}
