//! Wrapping any [`NslModel`] with NSL regularization — the Rust counterpart of
//! `nsl.keras.GraphRegularization(model, config)` and `AdversarialRegularization`.
//!
//! ```no_run
//! # use nsl::prelude::*;
//! # fn demo(model: Mlp, batch: Batch) -> nsl::Result<()> {
//! let regularization = Regularization { adversarial: Some(AdvRegConfig::default()), ..Default::default() };
//! let wrapped = Regularized::new(model, regularization);
//! let loss = wrapped.training_loss(&batch)?;   // supervised + multiplier × adversarial
//! let logits = wrapped.predict(batch.x.clone()); // inference is the base model
//! # Ok(()) }
//! ```

use burn::tensor::{Int, Tensor};
use serde::{Deserialize, Serialize};

use crate::adversarial::{gen_adv_neighbor, input_gradient};
use crate::config::{AdvRegConfig, GraphRegConfig, VirtualAdvConfig};
use crate::error::{NslError, Result};
use crate::graph_reg::graph_loss;
use crate::loss::sparse_softmax_cross_entropy;
use crate::model::NslModel;
use crate::vat::virtual_adv_regularizer;

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
    pub neural_graph_machine: Option<crate::ngm::NgmConfig>,
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

/// The neighbors of a batch, `max_neighbors` per sample (missing ones have weight 0).
#[derive(Debug, Clone)]
pub struct Neighbors {
    /// Neighbor features, sample `i`'s neighbors in rows `i·n .. (i+1)·n`: `[batch · n, features]`.
    pub x: Tensor<2>,
    /// Edge weights: `[batch · n, 1]`.
    pub weights: Tensor<2>,
}

/// One training batch.
#[derive(Debug, Clone)]
pub struct Batch {
    /// Features: `[batch, features]`.
    pub x: Tensor<2>,
    /// Class labels: `[batch]`.
    pub y: Tensor<1, Int>,
    /// Graph neighbors, when graph regularization is on.
    pub neighbors: Option<Neighbors>,
}

/// The training loss and its parts (the regularizers already multiplied by their multipliers).
#[derive(Debug, Clone)]
pub struct LossParts {
    /// Supervised + every scaled regularizer: what is minimised. `[1]`
    pub total: Tensor<1>,
    /// Cross-entropy on the clean batch. `[1]`
    pub supervised: Tensor<1>,
    /// `multiplier × graph loss`. `[1]`
    pub graph: Option<Tensor<1>>,
    /// `multiplier × adversarial loss`. `[1]`
    pub adversarial: Option<Tensor<1>>,
    /// `multiplier × virtual adversarial loss`. `[1]`
    pub virtual_adversarial: Option<Tensor<1>>,
}

/// A model together with the regularization it is trained with.
#[derive(Debug, Clone)]
pub struct Regularized<M> {
    /// The base model; inference uses it alone.
    pub model: M,
    /// The regularizers added during training.
    pub regularization: Regularization,
}

impl<M: NslModel> Regularized<M> {
    /// Wraps `model`.
    pub fn new(model: M, regularization: Regularization) -> Self {
        Self { model, regularization }
    }

    /// Logits of the base model in inference mode (no dropout, no autodiff).
    ///
    /// # Shapes
    /// - `x`: `[batch, features]`; returns `[batch, classes]`.
    pub fn predict(&self, x: Tensor<2>) -> Tensor<2> {
        self.model.valid().forward(x.inner())
    }

    /// The training loss of a batch: supervised cross-entropy plus each enabled regularizer.
    ///
    /// The clean batch, its neighbors and its adversarial neighbors go through the model in
    /// one forward pass, so dropout and the cost of a pass are shared.
    pub fn training_loss(&self, batch: &Batch) -> Result<LossParts> {
        training_loss(&self.model, &self.regularization, batch)
    }
}

/// [`Regularized::training_loss`] for a borrowed model, for training loops that own the model
/// and step it with an optimizer.
pub fn training_loss<M: NslModel>(model: &M, reg: &Regularization, batch: &Batch) -> Result<LossParts> {
    let [b, features] = batch.x.dims();
    let supervised_loss = |x: Tensor<2>| sparse_softmax_cross_entropy(model.forward(x), batch.y.clone());

    let adversarial_x = match &reg.adversarial {
        Some(adv) => {
            let first = input_gradient(batch.x.clone(), &supervised_loss);
            Some(gen_adv_neighbor(batch.x.clone(), &supervised_loss, Some(first), &adv.adv_neighbor_config)?)
        }
        None => None,
    };
    let neighbors = match (&reg.graph, &batch.neighbors) {
        (Some(g), Some(n)) if g.neighbor_config.max_neighbors > 0 => {
            let [rows, f] = n.x.dims();
            if f != features || rows != b * g.neighbor_config.max_neighbors {
                return Err(NslError::Shape {
                    what: "neighbor features vs batch × max_neighbors",
                    left: vec![rows, f],
                    right: vec![b * g.neighbor_config.max_neighbors, features],
                });
            }
            Some(n)
        }
        (Some(g), None) if g.neighbor_config.max_neighbors > 0 => {
            return Err(NslError::Config("graph regularization needs batches with neighbors".into()));
        }
        _ => None,
    };

    let mut inputs = vec![batch.x.clone()];
    if let Some(n) = neighbors {
        inputs.push(n.x.clone());
    }
    if let Some(adv) = &adversarial_x {
        inputs.push(adv.clone());
    }
    let outputs = model.forward(Tensor::cat(inputs, 0));
    let classes = outputs.dims()[1];
    let mut row = 0;
    let mut take = |rows: usize| {
        let part = outputs.clone().slice([row..row + rows, 0..classes]);
        row += rows;
        part
    };
    let clean_logits = take(b);
    let supervised = sparse_softmax_cross_entropy(clean_logits.clone(), batch.y.clone());
    let mut total = supervised.clone();

    let graph = match (neighbors, &reg.graph) {
        (Some(n), Some(config)) => {
            let neighbor_logits = take(n.x.dims()[0]);
            let loss = graph_loss(clean_logits.clone(), neighbor_logits, n.weights.clone(), config)?
                .mul_scalar(config.multiplier);
            total = total + loss.clone();
            Some(loss)
        }
        _ => None,
    };
    let adversarial = match (&adversarial_x, &reg.adversarial) {
        (Some(_), Some(config)) => {
            let loss = sparse_softmax_cross_entropy(take(b), batch.y.clone()).mul_scalar(config.multiplier);
            total = total + loss.clone();
            Some(loss)
        }
        _ => None,
    };
    let virtual_adversarial = match &reg.virtual_adversarial {
        Some(vat) => {
            let embed = |x: Tensor<2>| model.forward(x);
            let loss = virtual_adv_regularizer(batch.x.clone(), &embed, &vat.config, Some(clean_logits))?
                .mul_scalar(vat.multiplier);
            total = total + loss.clone();
            Some(loss)
        }
        None => None,
    };
    Ok(LossParts { total, supervised, graph, adversarial, virtual_adversarial })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::{GraphNeighborConfig, NormType};
    use crate::model::MlpConfig;
    use crate::tensor::{labels, matrix, scalar};
    use burn::tensor::Device;

    fn setup() -> (Regularized<crate::model::Mlp>, Batch) {
        let device = Device::flex().autodiff();
        let model =
            MlpConfig { input: 3, hidden: vec![4], output: 2, activation: Default::default(), dropout: 0.0 }
                .init(9, &device);
        let batch = Batch {
            x: matrix(vec![0.1, 0.2, 0.3, -0.4, 0.5, 0.0], 2, 3, &device),
            y: labels(&[1, 0], &device),
            neighbors: Some(Neighbors {
                x: matrix(vec![0.0, 0.2, 0.3, 1.0, 1.0, 1.0, -0.4, 0.4, 0.1, 0.0, 0.0, 0.0], 4, 3, &device),
                weights: matrix(vec![1.0, 0.5, 1.0, 0.0], 4, 1, &device),
            }),
        };
        (Regularized::new(model, Regularization::default()), batch)
    }

    #[test]
    fn total_is_the_sum_of_the_scaled_parts() {
        let (mut wrapped, batch) = setup();
        wrapped.regularization = Regularization {
            graph: Some(GraphRegConfig {
                neighbor_config: GraphNeighborConfig { max_neighbors: 2 },
                multiplier: 0.3,
                ..Default::default()
            }),
            adversarial: Some(AdvRegConfig {
                multiplier: 0.2,
                adv_neighbor_config: crate::config::AdvNeighborConfig {
                    adv_step_size: 0.1,
                    adv_grad_norm: NormType::Infinity,
                    ..Default::default()
                },
            }),
            virtual_adversarial: Some(VatRegConfig::default()),
            neural_graph_machine: None,
        };
        let parts = wrapped.training_loss(&batch).unwrap();
        let sum = scalar(parts.supervised.clone())
            + scalar(parts.graph.clone().unwrap())
            + scalar(parts.adversarial.clone().unwrap())
            + scalar(parts.virtual_adversarial.clone().unwrap());
        assert!((scalar(parts.total.clone()) - sum).abs() < 1e-6);
        assert!(scalar(parts.graph.unwrap()) > 0.0 && scalar(parts.adversarial.unwrap()) > 0.0);
        // The base model alone gives the supervised loss; regularization only adds.
        let plain = Regularized::new(wrapped.model.clone(), Regularization::default());
        let base = plain.training_loss(&batch).unwrap();
        assert!((scalar(base.total) - scalar(parts.supervised)).abs() < 1e-6);
        assert_eq!(wrapped.predict(batch.x.clone()).dims(), [2, 2]);
    }

    #[test]
    fn graph_regularization_without_neighbors_is_an_error() {
        let (mut wrapped, mut batch) = setup();
        wrapped.regularization.graph = Some(GraphRegConfig {
            neighbor_config: GraphNeighborConfig { max_neighbors: 2 },
            ..Default::default()
        });
        batch.neighbors = None;
        assert!(matches!(wrapped.training_loss(&batch), Err(NslError::Config(_))));
        wrapped.regularization.graph = Some(GraphRegConfig {
            neighbor_config: GraphNeighborConfig { max_neighbors: 3 },
            ..Default::default()
        });
        let (_, with_two) = setup();
        assert!(matches!(wrapped.training_loss(&with_two), Err(NslError::Shape { .. })));
    }
}
