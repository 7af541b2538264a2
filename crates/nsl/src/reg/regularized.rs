//! Wrapping any [`NslModel`] with NSL regularization — the Rust counterpart of
//! `nsl.keras.GraphRegularization(model, config)` and `AdversarialRegularization`.
//!
//! ```no_run
//! # use nsl::prelude::*;
//! # fn demo(model: Mlp, batch: Batch) -> nsl::Result<()> {
//! let regularization = Regularization { adversarial: Some(AdvRegConfig::default()), ..Default::default() };
//! let wrapped = Regularized::new(model, regularization);
//! let loss = wrapped.training_loss(&batch)?;   // supervised + multiplier × adversarial
//! let (parts, grads) = wrapped.training_step(&batch)?; // and the gradients, on one tape
//! let logits = wrapped.predict(batch.x.clone()); // inference is the base model
//! # Ok(()) }
//! ```

use burn::optim::{GradientsAccumulator, GradientsParams};
use burn::tensor::{Int, Tensor};

use crate::config::Regularization;
use crate::error::{NslError, Result};
use crate::model::NslModel;
use crate::reg::adversarial::{gen_adv_neighbor, raw_input_gradient, validate};
use crate::reg::graph::graph_loss;
use crate::reg::loss::sparse_softmax_cross_entropy;
use crate::reg::vat::virtual_adv_regularizer;

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

impl LossParts {
    /// The same values cut from the autodiff graph (for reporting after a backward pass).
    pub fn detached(&self) -> Self {
        let cut = |t: &Option<Tensor<1>>| t.clone().map(Tensor::detach);
        Self {
            total: self.total.clone().detach(),
            supervised: self.supervised.clone().detach(),
            graph: cut(&self.graph),
            adversarial: cut(&self.adversarial),
            virtual_adversarial: cut(&self.virtual_adversarial),
        }
    }
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

    /// One training step: the loss parts and the gradients of the total with respect to the
    /// model's parameters, computed as TensorFlow NSL does (see [`training_step`]).
    pub fn training_step(&self, batch: &Batch) -> Result<(LossParts, GradientsParams)> {
        training_step(&self.model, &self.regularization, batch)
    }
}

/// [`Regularized::training_loss`] for a borrowed model. The loss alone, in one forward pass
/// of the clean rows, their neighbors and their adversarial neighbors (whose direction comes
/// from a pass of its own); training steps use [`training_step`].
pub fn training_loss<M: NslModel>(model: &M, reg: &Regularization, batch: &Batch) -> Result<LossParts> {
    let adversarial_x = match &reg.adversarial {
        Some(adv) => {
            let config = &adv.adv_neighbor_config;
            let labeled_loss = |x: Tensor<2>| sparse_softmax_cross_entropy(model.forward(x), batch.y.clone());
            // A random start discards the gradient at the clean rows: it is not computed.
            let first = (!config.random_init).then(|| raw_input_gradient(batch.x.clone(), &labeled_loss));
            Some(gen_adv_neighbor(batch.x.clone(), &labeled_loss, first, config)?)
        }
        None => None,
    };
    let terms = forward_terms(model, reg, batch, adversarial_x, true)?;
    let supervised = terms.supervised.clone().expect("the clean rows went through the model");
    Ok(terms.into_parts(supervised))
}

/// One training step's loss parts and the gradients of its total loss with respect to the
/// model's parameters, computed as TensorFlow NSL's `AdversarialRegularization` computes them:
/// one forward pass of the clean batch gives the labeled loss, and one backward of it yields
/// both the input gradient (the adversarial direction) and the labeled loss's parameter
/// gradients — the same dropout mask for both. A second pass takes the regularizers' terms
/// (the adversarial neighbors; with graph or VAT terms the clean rows and their neighbors too)
/// and its backward adds their gradients. Without adversarial regularization the step is one
/// pass of [`training_loss`].
///
/// PGD with more than one iteration, and a random start, take further input gradients as
/// [`gen_adv_neighbor`] does (NSL's PGD loop does the same).
pub fn training_step<M: NslModel>(
    model: &M,
    reg: &Regularization,
    batch: &Batch,
) -> Result<(LossParts, GradientsParams)> {
    let Some(adv) = &reg.adversarial else {
        let parts = training_loss(model, reg, batch)?;
        let reported = parts.detached();
        let grads = GradientsParams::from_grads(parts.total.backward(), model);
        return Ok((reported, grads));
    };
    let config = &adv.adv_neighbor_config;
    validate(config, batch.x.dims()[1])?;
    // Pass 1: the labeled loss on the clean rows, traced from the input (unless the search
    // starts at a random point, which needs no gradient at the clean rows).
    let x = if config.random_init { batch.x.clone() } else { batch.x.clone().detach().require_grad() };
    let supervised = sparse_softmax_cross_entropy(model.forward(x.clone()), batch.y.clone());
    let supervised_value = supervised.clone().detach();
    let mut gradients = supervised.backward();
    let first = (!config.random_init)
        .then(|| x.grad_remove(&mut gradients).expect("the labeled loss depends on its input"));
    let mut accumulated = GradientsAccumulator::<M>::new();
    accumulated.accumulate(model, GradientsParams::from_grads(gradients, model));
    let labeled_loss = |x: Tensor<2>| sparse_softmax_cross_entropy(model.forward(x), batch.y.clone());
    let adversarial_x = gen_adv_neighbor(batch.x.clone(), &labeled_loss, first, config)?;
    // Pass 2: the regularizers' terms; the clean rows only when a graph or VAT term needs them.
    let clean = reg.max_neighbors() > 0 && reg.graph.is_some() || reg.virtual_adversarial.is_some();
    let terms = forward_terms(model, reg, batch, Some(adversarial_x), clean)?;
    let reported = terms.detached().into_parts(supervised_value);
    let regularizers = terms.regularizers().expect("the adversarial term is on");
    accumulated.accumulate(model, GradientsParams::from_grads(regularizers.backward(), model));
    Ok((reported, accumulated.grads()))
}

/// The loss terms of one forward pass.
struct Terms {
    supervised: Option<Tensor<1>>,
    graph: Option<Tensor<1>>,
    adversarial: Option<Tensor<1>>,
    virtual_adversarial: Option<Tensor<1>>,
}

impl Terms {
    /// The sum of the regularizers' terms (`None` when none is on).
    fn regularizers(&self) -> Option<Tensor<1>> {
        [&self.graph, &self.adversarial, &self.virtual_adversarial]
            .into_iter()
            .flatten()
            .cloned()
            .reduce(|sum, term| sum + term)
    }

    /// The same values cut from the autodiff graph (for reporting after a backward pass).
    fn detached(&self) -> Self {
        let cut = |t: &Option<Tensor<1>>| t.clone().map(Tensor::detach);
        Self {
            supervised: cut(&self.supervised),
            graph: cut(&self.graph),
            adversarial: cut(&self.adversarial),
            virtual_adversarial: cut(&self.virtual_adversarial),
        }
    }

    /// The parts with `supervised` as the supervised loss; the total is their sum.
    fn into_parts(self, supervised: Tensor<1>) -> LossParts {
        let total = match self.regularizers() {
            Some(sum) => supervised.clone() + sum,
            None => supervised.clone(),
        };
        LossParts {
            total,
            supervised,
            graph: self.graph,
            adversarial: self.adversarial,
            virtual_adversarial: self.virtual_adversarial,
        }
    }
}

/// Runs the batch's rows through the model in one pass — the clean rows (if `clean`), their
/// graph neighbors (when graph regularization takes any) and `adversarial_x` — and computes
/// each term: the supervised loss of the clean rows, the scaled graph, adversarial and VAT
/// losses (graph and VAT terms need the clean rows).
fn forward_terms<M: NslModel>(
    model: &M,
    reg: &Regularization,
    batch: &Batch,
    adversarial_x: Option<Tensor<2>>,
    clean: bool,
) -> Result<Terms> {
    let [b, features] = batch.x.dims();
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
    let mut inputs = Vec::with_capacity(3);
    if clean {
        inputs.push(batch.x.clone());
    }
    if let (true, Some(n)) = (clean, neighbors) {
        inputs.push(n.x.clone());
    }
    let adversarial_rows = adversarial_x.is_some();
    if let Some(adv) = adversarial_x {
        inputs.push(adv);
    }
    if inputs.is_empty() {
        return Ok(Terms { supervised: None, graph: None, adversarial: None, virtual_adversarial: None });
    }
    let outputs = model.forward(Tensor::cat(inputs, 0));
    let classes = outputs.dims()[1];
    let mut row = 0;
    let mut take = |rows: usize| {
        let part = outputs.clone().slice([row..row + rows, 0..classes]);
        row += rows;
        part
    };
    let clean_logits = clean.then(|| take(b));
    let supervised = clean_logits.clone().map(|logits| sparse_softmax_cross_entropy(logits, batch.y.clone()));
    let graph = match (&clean_logits, neighbors, &reg.graph) {
        (Some(logits), Some(n), Some(config)) => {
            let neighbor_logits = take(n.x.dims()[0]);
            Some(
                graph_loss(logits.clone(), neighbor_logits, n.weights.clone(), config)?
                    .mul_scalar(config.multiplier),
            )
        }
        _ => None,
    };
    let adversarial = match (adversarial_rows, &reg.adversarial) {
        (true, Some(config)) => {
            Some(sparse_softmax_cross_entropy(take(b), batch.y.clone()).mul_scalar(config.multiplier))
        }
        _ => None,
    };
    let virtual_adversarial = match (&reg.virtual_adversarial, clean_logits) {
        (Some(vat), Some(logits)) => {
            let embed = |x: Tensor<2>| model.forward(x);
            Some(
                virtual_adv_regularizer(batch.x.clone(), &embed, &vat.config, Some(logits))?
                    .mul_scalar(vat.multiplier),
            )
        }
        _ => None,
    };
    Ok(Terms { supervised, graph, adversarial, virtual_adversarial })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::{AdvRegConfig, GraphRegConfig, VatRegConfig};
    use crate::config::{GraphNeighborConfig, NormType};
    use crate::model::MlpConfig;
    use crate::tensor::{labels, matrix, scalar};
    use burn::tensor::Device;

    fn setup() -> (Regularized<crate::model::Mlp>, Batch) {
        let device = Device::flex().autodiff();
        let model = MlpConfig {
            input: 3,
            hidden: vec![4],
            output: 2,
            activation: Default::default(),
            dropout: 0.0,
            inputs: None,
        }
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

    /// Graph regularization over `max_neighbors` neighbors with `multiplier`.
    fn graph_reg(max_neighbors: usize, multiplier: f32) -> GraphRegConfig {
        GraphRegConfig {
            neighbor_config: GraphNeighborConfig { max_neighbors },
            multiplier,
            ..Default::default()
        }
    }

    #[test]
    fn total_is_the_sum_of_the_scaled_parts() {
        let (mut wrapped, batch) = setup();
        wrapped.regularization = Regularization {
            graph: Some(graph_reg(2, 0.3)),
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
        wrapped.regularization.graph = Some(graph_reg(2, GraphRegConfig::default().multiplier));
        batch.neighbors = None;
        assert!(matches!(wrapped.training_loss(&batch), Err(NslError::Config(_))));
        wrapped.regularization.graph = Some(graph_reg(3, GraphRegConfig::default().multiplier));
        let (_, with_two) = setup();
        assert!(matches!(wrapped.training_loss(&with_two), Err(NslError::Shape { .. })));
    }

    /// A model that counts the rows it is asked to classify.
    #[derive(burn::module::Module, Debug)]
    struct Counting {
        mlp: crate::model::Mlp,
        #[module(skip)]
        rows: std::sync::Arc<std::sync::atomic::AtomicUsize>,
    }

    impl NslModel for Counting {
        fn forward(&self, x: Tensor<2>) -> Tensor<2> {
            self.rows.fetch_add(x.dims()[0], std::sync::atomic::Ordering::Relaxed);
            self.mlp.forward(x)
        }
    }

    /// One tape, as NSL: the labeled loss's pass gives the input gradient too, so an FGSM step
    /// costs two passes over the batch (clean, adversarial) — not three (a pass of its own for
    /// the gradient, then clean and adversarial rows together). With a random start the clean
    /// gradient is not taken at all.
    #[test]
    fn the_adversarial_step_takes_its_direction_from_the_labeled_pass() {
        let (wrapped, batch) = setup();
        let rows = std::sync::Arc::new(std::sync::atomic::AtomicUsize::new(0));
        let model = Counting { mlp: wrapped.model, rows: rows.clone() };
        let adversarial = |random_init| Regularization {
            adversarial: Some(AdvRegConfig {
                multiplier: 0.2,
                adv_neighbor_config: crate::config::AdvNeighborConfig {
                    adv_step_size: 0.1,
                    adv_grad_norm: NormType::Infinity,
                    random_init,
                    ..Default::default()
                },
            }),
            ..Default::default()
        };
        let counted = |reg: &Regularization| {
            rows.store(0, std::sync::atomic::Ordering::Relaxed);
            let (parts, _) = training_step(&model, reg, &batch).unwrap();
            (rows.load(std::sync::atomic::Ordering::Relaxed), parts)
        };
        let (fgsm_rows, parts) = counted(&adversarial(false));
        assert_eq!(fgsm_rows, 2 * 2, "clean and adversarial rows of a batch of 2, once each");
        // The same loss as the one-pass definition (no dropout here).
        let loss = training_loss(&model, &adversarial(false), &batch).unwrap();
        assert!((scalar(parts.total) - scalar(loss.total)).abs() < 1e-6);
        assert!((scalar(parts.supervised) - scalar(loss.supervised)).abs() < 1e-6);
        let (random_rows, _) = counted(&adversarial(true));
        assert_eq!(random_rows, 3 * 2, "clean, the gradient at the random start, adversarial");
    }

    /// The gradients of a step are those of its total loss, whichever passes computed them.
    #[test]
    fn step_gradients_are_those_of_the_total_loss() {
        use burn::module::Module;
        let (mut wrapped, batch) = setup();
        wrapped.regularization = Regularization {
            graph: Some(graph_reg(2, 0.3)),
            adversarial: Some(AdvRegConfig::default()),
            ..Default::default()
        };
        let (_, mut stepped) = training_step(&wrapped.model, &wrapped.regularization, &batch).unwrap();
        let total = wrapped.training_loss(&batch).unwrap().total;
        let mut direct = GradientsParams::from_grads(total.backward(), &wrapped.model);
        for layer in &wrapped.model.layers {
            let id = layer.weight.id;
            let a = crate::tensor::to_vec(stepped.remove::<2>(id).unwrap().reshape([-1]));
            let b = crate::tensor::to_vec(direct.remove::<2>(id).unwrap().reshape([-1]));
            assert!(a.iter().zip(&b).all(|(a, b)| (a - b).abs() < 1e-5), "{a:?} vs {b:?}");
        }
        assert!(wrapped.model.num_params() > 0);
    }
}
