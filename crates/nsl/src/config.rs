//! Configurations mirroring `nsl.configs` of TensorFlow NSL 1.4, with the same defaults.
//!
//! Every config is serde-serialisable with NSL's own spelling of enum values
//! (`"infinity"`, `"kl_divergence"`, `"sum_by_nonzero_weights"`, ...), so an experiment
//! spec written for the playground reads like the Python configuration it mirrors.

use serde::{Deserialize, Serialize};

pub mod tfgnn;

/// The norm used to normalise gradients and to bound perturbations (`nsl.configs.NormType`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "snake_case")]
pub enum NormType {
    /// Sum of absolute values.
    L1,
    /// Euclidean norm (NSL's default).
    #[default]
    L2,
    /// Maximum absolute value (FGSM's sign direction).
    Infinity,
}

/// How adversarial neighbors are generated (`nsl.configs.AdvNeighborConfig`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct AdvNeighborConfig {
    /// 0/1 mask multiplied into the gradient, broadcast over the batch (one value per
    /// feature). `None` perturbs every feature.
    pub feature_mask: Option<Vec<f32>>,
    /// Step size of each gradient step.
    pub adv_step_size: f32,
    /// Norm used to turn the gradient into a unit direction.
    pub adv_grad_norm: NormType,
    /// Lower clip bound of the perturbed features.
    pub clip_value_min: Option<f32>,
    /// Upper clip bound of the perturbed features.
    pub clip_value_max: Option<f32>,
    /// Number of projected-gradient steps (1 is FGSM-like).
    pub pgd_iterations: usize,
    /// Radius of the ball around the input that PGD projects back onto.
    pub pgd_epsilon: Option<f32>,
    /// Start PGD from a uniformly random point of the `pgd_epsilon` ball.
    pub random_init: bool,
}

impl Default for AdvNeighborConfig {
    fn default() -> Self {
        Self {
            feature_mask: None,
            adv_step_size: 0.001,
            adv_grad_norm: NormType::L2,
            clip_value_min: None,
            clip_value_max: None,
            pgd_iterations: 1,
            pgd_epsilon: None,
            random_init: false,
        }
    }
}

/// Adversarial regularization (`nsl.configs.AdvRegConfig`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct AdvRegConfig {
    /// Weight of the adversarial loss in the total loss.
    pub multiplier: f32,
    /// How the adversarial neighbors are generated.
    pub adv_neighbor_config: AdvNeighborConfig,
}

impl Default for AdvRegConfig {
    fn default() -> Self {
        Self { multiplier: 0.2, adv_neighbor_config: AdvNeighborConfig::default() }
    }
}

/// Distance functions of `nsl.configs.DistanceType`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "snake_case")]
pub enum DistanceType {
    /// Absolute difference.
    L1,
    /// Squared difference (NSL's L2 is `mean_squared_error`, not the Euclidean norm).
    #[default]
    L2,
    /// One minus the cosine similarity along `sum_over_axis`.
    Cosine,
    /// Jensen-Shannon divergence between distributions along `sum_over_axis`.
    JensenShannonDivergence,
    /// Kullback-Leibler divergence `KL(source || target)` along `sum_over_axis`.
    KlDivergence,
}

impl DistanceType {
    /// Whether the distance reduces along an axis itself (and so needs `sum_over_axis`).
    pub fn needs_axis(self) -> bool {
        matches!(self, Self::Cosine | Self::JensenShannonDivergence | Self::KlDivergence)
    }
}

/// Reductions of `tf.compat.v1.losses.Reduction`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "snake_case")]
pub enum Reduction {
    /// Weighted losses, unreduced.
    None,
    /// Sum of the weighted losses.
    Sum,
    /// Sum divided by the sum of the (broadcast) weights.
    Mean,
    /// Sum divided by the number of loss elements.
    SumOverBatchSize,
    /// Sum divided by the number of (broadcast) non-zero weights (NSL's default).
    #[default]
    SumByNonzeroWeights,
}

impl Reduction {
    /// Whether the reduction averages (NSL rescales vector distances for these).
    pub fn averages(self) -> bool {
        matches!(self, Self::Mean | Self::SumOverBatchSize | Self::SumByNonzeroWeights)
    }
}

/// Transform applied to both sides before the distance (`nsl.configs.TransformType`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "snake_case")]
pub enum TransformType {
    /// Use the values as they are.
    #[default]
    None,
    /// Softmax along `sum_over_axis` (or the last axis).
    Softmax,
}

/// The axis a vector distance is summed over. NSL accepts `None` or an axis index; the
/// tensors here are `[batch, features]`, so the only other meaningful axis is the last.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum SumOverAxis {
    /// `sum_over_axis = -1`: one distance per sample pair.
    #[serde(rename = "-1")]
    Last,
}

/// How a distance between sources and targets is computed (`nsl.configs.DistanceConfig`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(default, deny_unknown_fields)]
pub struct DistanceConfig {
    /// The distance function.
    pub distance_type: DistanceType,
    /// How the weighted distances are reduced to a scalar.
    pub reduction: Reduction,
    /// `None`: average over feature pairs; `Last` (`-1`): over sample pairs.
    #[serde(with = "axis_serde")]
    pub sum_over_axis: Option<SumOverAxis>,
    /// Transform applied to both sides first.
    pub transform_fn: TransformType,
}

/// `sum_over_axis` is written as NSL writes it: `null` or `-1`.
mod axis_serde {
    use super::SumOverAxis;
    use serde::{Deserialize, Deserializer, Serializer, de::Error};

    pub fn serialize<S: Serializer>(axis: &Option<SumOverAxis>, s: S) -> Result<S::Ok, S::Error> {
        match axis {
            None => s.serialize_none(),
            Some(SumOverAxis::Last) => s.serialize_i64(-1),
        }
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Option<SumOverAxis>, D::Error> {
        match Option::<i64>::deserialize(d)? {
            None => Ok(None),
            Some(-1 | 1) => Ok(Some(SumOverAxis::Last)),
            Some(other) => Err(D::Error::custom(format!(
                "sum_over_axis must be null or -1 for [batch, features] tensors, got {other}"
            ))),
        }
    }
}

/// Which neighbors a sample carries (`nsl.configs.GraphNeighborConfig`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(default, deny_unknown_fields)]
pub struct GraphNeighborConfig {
    /// Neighbors used per sample; 0 disables graph regularization (NSL's default).
    pub max_neighbors: usize,
}

/// Graph regularization (`nsl.configs.GraphRegConfig`).
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct GraphRegConfig {
    /// Which neighbors enter the loss.
    pub neighbor_config: GraphNeighborConfig,
    /// Weight of the graph loss in the total loss.
    pub multiplier: f32,
    /// Distance between a sample's output and its neighbors' outputs.
    pub distance_config: DistanceConfig,
}

impl Default for GraphRegConfig {
    fn default() -> Self {
        Self {
            neighbor_config: GraphNeighborConfig::default(),
            multiplier: 0.01,
            distance_config: DistanceConfig::default(),
        }
    }
}

/// Virtual adversarial training (`nsl.configs.VirtualAdvConfig`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct VirtualAdvConfig {
    /// Step size, norm and mask of the virtual adversarial perturbation.
    pub adv_neighbor_config: AdvNeighborConfig,
    /// Distance between the clean and the perturbed outputs.
    pub distance_config: DistanceConfig,
    /// Power-iteration steps approximating the dominant Hessian direction.
    pub num_approx_steps: usize,
    /// Finite difference `xi` of the power iteration.
    pub approx_difference: f32,
}

impl Default for VirtualAdvConfig {
    fn default() -> Self {
        Self {
            adv_neighbor_config: AdvNeighborConfig::default(),
            distance_config: DistanceConfig::default(),
            num_approx_steps: 1,
            approx_difference: 1e-6,
        }
    }
}

// ---- Regularization settings: which regularizers a model trains with -------------------------

/// Virtual adversarial regularization: a multiplier and NSL's VAT configuration.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct VatRegConfig {
    /// Weight of the virtual adversarial loss in the total loss.
    pub multiplier: f32,
    /// How the perturbation and its distance are computed.
    pub config: VirtualAdvConfig,
}

impl Default for VatRegConfig {
    fn default() -> Self {
        Self { multiplier: 0.2, config: VirtualAdvConfig::default() }
    }
}

/// Which regularizers are added to the supervised loss. Any combination may be on.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Regularization {
    /// Graph regularization over the batch's neighbors.
    pub graph: Option<GraphRegConfig>,
    /// Adversarial regularization (FGSM/PGD neighbors).
    pub adversarial: Option<AdvRegConfig>,
    /// Virtual adversarial training.
    pub virtual_adversarial: Option<VatRegConfig>,
    /// Neural Graph Machines over all edges (full batch on graph data; not combinable with the
    /// minibatch regularizers above).
    pub neural_graph_machine: Option<NgmConfig>,
}

impl Regularization {
    /// Whether any regularizer is on.
    pub fn is_none(&self) -> bool {
        self.graph.is_none()
            && self.adversarial.is_none()
            && self.virtual_adversarial.is_none()
            && self.neural_graph_machine.is_none()
    }

    /// Neighbors each sample needs in its batch (0 without graph regularization).
    pub fn max_neighbors(&self) -> usize {
        self.graph.map_or(0, |g| g.neighbor_config.max_neighbors)
    }
}

/// NGM's weights and schedule.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct NgmConfig {
    /// α₁: edges between two labeled (training) nodes.
    pub alpha_labeled_labeled: f32,
    /// α₂: edges between a labeled and an unlabeled node.
    pub alpha_labeled_unlabeled: f32,
    /// α₃: edges between two unlabeled nodes.
    pub alpha_unlabeled_unlabeled: f32,
    /// Epochs over which the α ramp linearly from 0 (0: full weight from the start).
    pub warmup_epochs: usize,
    /// What an edge term compares.
    pub distance: NgmDistance,
}

/// The per-edge term of [`NgmConfig`].
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum NgmDistance {
    /// `‖ĥ_u − ĥ_v‖²` between L2-normalised last-hidden-layer embeddings (the paper's choice
    /// of layer, made scale-free).
    HiddenCosine,
    /// `−Σ_c p_v,c · log p_u,c` with the neighbor's prediction `p_v` held fixed: each node is
    /// pulled toward its neighbors' predicted classes (summed over its edges, a neighbor-mean
    /// target), and the fixed target removes the incentive to collapse.
    #[default]
    NeighborPredictions,
}

impl Default for NgmConfig {
    fn default() -> Self {
        Self {
            alpha_labeled_labeled: 0.0,
            alpha_labeled_unlabeled: 2.0,
            alpha_unlabeled_unlabeled: 0.5,
            warmup_epochs: 20,
            distance: NgmDistance::NeighborPredictions,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_match_nsl() {
        let adv = AdvRegConfig::default();
        assert_eq!(adv.multiplier, 0.2);
        assert_eq!(adv.adv_neighbor_config.adv_step_size, 0.001);
        assert_eq!(adv.adv_neighbor_config.adv_grad_norm, NormType::L2);
        assert_eq!(adv.adv_neighbor_config.pgd_iterations, 1);
        assert_eq!(GraphRegConfig::default().multiplier, 0.01);
        assert_eq!(GraphRegConfig::default().neighbor_config.max_neighbors, 0);
        let d = DistanceConfig::default();
        assert_eq!(
            (d.distance_type, d.reduction, d.sum_over_axis, d.transform_fn),
            (DistanceType::L2, Reduction::SumByNonzeroWeights, None, TransformType::None)
        );
        let vat = VirtualAdvConfig::default();
        assert_eq!((vat.num_approx_steps, vat.approx_difference), (1, 1e-6));
    }

    #[test]
    fn serde_uses_nsl_spelling() {
        let json = r#"{"distance_type":"kl_divergence","reduction":"sum","sum_over_axis":-1,"transform_fn":"softmax"}"#;
        let d: DistanceConfig = serde_json::from_str(json).unwrap();
        assert_eq!(d.distance_type, DistanceType::KlDivergence);
        assert_eq!(d.sum_over_axis, Some(SumOverAxis::Last));
        assert_eq!(serde_json::to_string(&d).unwrap(), json);
        let bad = r#"{"sum_over_axis":0}"#;
        assert!(serde_json::from_str::<DistanceConfig>(bad).is_err());
        let norm: NormType = serde_json::from_str("\"infinity\"").unwrap();
        assert_eq!(norm, NormType::Infinity);
    }
}
