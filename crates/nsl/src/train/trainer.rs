//! The training loop: batches from host data, the regularized loss, Adam, and per-epoch
//! statistics read back once per epoch (one device sync, not one per step).

use burn::optim::ModuleOptimizer;
use burn::tensor::{Device, Tensor};
use nsl_graph::rng::{SeededRng, seeded};
use rand::seq::SliceRandom;
use serde::{Deserialize, Serialize};

use crate::config::Regularization;
use crate::data::TrainingData;
use crate::error::{NslError, Result};
use crate::model::{Classifier, CnnConfig, MlpConfig};
use crate::optim::{Stepped, adam};
use crate::reg::regularized::{Batch, Neighbors, training_step};
use crate::spec::{ExperimentSpec, ModelSpec, OptimizerSpec};

/// Mean losses of one epoch, the regularizers already scaled by their multipliers.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct EpochStats {
    /// 1-based epoch number.
    pub epoch: usize,
    /// Mean total loss.
    pub total: f32,
    /// Mean supervised loss.
    pub supervised: f32,
    /// Mean scaled graph loss.
    pub graph: Option<f32>,
    /// Mean scaled adversarial loss.
    pub adversarial: Option<f32>,
    /// Mean scaled virtual adversarial loss.
    pub virtual_adversarial: Option<f32>,
}

/// Sums of the five loss parts of [`Trainer::train_step`] over several steps, kept on the
/// device so that they are read back once.
#[derive(Debug, Default)]
pub(crate) struct LossSums {
    sums: Option<[Tensor<1>; 5]>,
    steps: usize,
}

impl LossSums {
    /// Adds one step's parts.
    pub(crate) fn add(&mut self, parts: [Tensor<1>; 5]) {
        self.sums = Some(match self.sums.take() {
            None => parts,
            Some(sums) => {
                let mut it = parts.into_iter();
                sums.map(|acc| acc + it.next().expect("five parts"))
            }
        });
        self.steps += 1;
    }

    /// Mean of each part (total, supervised, graph, adversarial, VAT); zeros without steps.
    pub(crate) fn means(self) -> [f32; 5] {
        let steps = self.steps;
        match self.into_sums() {
            None => [0.0; 5],
            Some(sums) => means_of(&crate::tensor::to_vec(sums), steps),
        }
    }

    /// Steps added so far.
    pub(crate) fn steps(&self) -> usize {
        self.steps
    }

    /// The five sums as one `[5]` device tensor (`None` without steps), for a joint read-back.
    pub(crate) fn into_sums(self) -> Option<Tensor<1>> {
        self.sums.map(|sums| Tensor::cat(sums.to_vec(), 0))
    }
}

/// Means of five read-back sums over `steps` steps.
pub(crate) fn means_of(sums: &[f32], steps: usize) -> [f32; 5] {
    std::array::from_fn(|k| sums[k] / steps.max(1) as f32)
}

/// The graph, adversarial and VAT means of `means`, `None` for the regularizers that are off.
pub(crate) fn parts_in_force(regularization: &Regularization, means: &[f32; 5]) -> [Option<f32>; 3] {
    let on = regularizers_on(regularization);
    std::array::from_fn(|k| on[k].then_some(means[k + 2]))
}

/// Whether the graph, adversarial and VAT regularizers are on (their loss parts reported).
pub(crate) fn regularizers_on(regularization: &Regularization) -> [bool; 3] {
    [
        regularization.graph.is_some(),
        regularization.adversarial.is_some(),
        regularization.virtual_adversarial.is_some(),
    ]
}

/// The device seed of optimizer step `step` of a trainer seeded with `seed` (SplitMix64 of the
/// two, so that neighboring steps and seeds draw unrelated masks).
fn step_seed(seed: u64, step: usize) -> u64 {
    let mut z = seed.wrapping_add((step as u64).wrapping_add(1).wrapping_mul(0x9e37_79b9_7f4a_7c15));
    z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    z ^ (z >> 31)
}

/// Owns a model, its optimizer and the shuffling generator; trains epoch by epoch.
pub struct Trainer {
    model: Stepped<Classifier>,
    regularization: Regularization,
    optimizer: ModuleOptimizer,
    options: OptimizerSpec,
    rng: SeededRng,
    seed: u64,
    device: Device,
    epoch: usize,
    step: usize,
}

impl std::fmt::Debug for Trainer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // burn's optimizer has no Debug; its state is the model's business.
        f.debug_struct("Trainer")
            .field("model", &self.model)
            .field("regularization", &self.regularization)
            .field("options", &self.options)
            .field("epoch", &self.epoch)
            .field("step", &self.step)
            .finish_non_exhaustive()
    }
}

impl Trainer {
    /// A fresh `model` trained with `regularization` (which may differ from a spec's, for the
    /// base model beside it) and `optimizer` on `device` (autodiff is enabled here). `seed`
    /// draws the weights, the batch order and (through the device) dropout.
    ///
    /// # Arguments
    /// - `input`, `classes`: the data's feature width and number of classes.
    pub fn new(
        model: &ModelSpec,
        optimizer: &OptimizerSpec,
        regularization: Regularization,
        seed: u64,
        (input, classes): (usize, usize),
        device: &Device,
    ) -> Result<Self> {
        if optimizer.batch_size == 0 {
            return Err(NslError::Config("batch_size must be ≥ 1".into()));
        }
        let device = device.clone().autodiff();
        device.seed(seed);
        let model = match model {
            ModelSpec::Mlp { hidden, activation, dropout, inputs } => Classifier::Mlp(
                MlpConfig {
                    input,
                    hidden: hidden.clone(),
                    output: classes,
                    activation: *activation,
                    dropout: *dropout,
                    inputs: inputs.clone(),
                }
                .init(seed, &device),
            ),
            ModelSpec::Cnn { channels, dense, dropout } => {
                let side = (input as f64).sqrt().round() as usize;
                if side * side != input {
                    return Err(NslError::Config(format!(
                        "a CNN needs square images; rows have {input} values"
                    )));
                }
                let config = CnnConfig {
                    side,
                    channels: channels.clone(),
                    dense: *dense,
                    output: classes,
                    dropout: *dropout,
                };
                config.validate()?;
                Classifier::Cnn(config.init(seed, &device))
            }
            ModelSpec::Gnn { .. } | ModelSpec::Hetero { .. } => {
                return Err(NslError::Config(
                    "the minibatch trainer trains MLPs and CNNs; GNNs train full batch".into(),
                ));
            }
        };
        Ok(Self {
            model: Stepped::new(model),
            regularization,
            optimizer: adam(optimizer.weight_decay),
            options: *optimizer,
            rng: seeded(seed),
            seed,
            device,
            epoch: 0,
            step: 0,
        })
    }

    /// A fresh model for `spec`'s model, optimizer and seed (the spec checked first), trained
    /// with `regularization`.
    pub fn for_spec(
        spec: &ExperimentSpec,
        regularization: Regularization,
        shape: (usize, usize),
        device: &Device,
    ) -> Result<Self> {
        spec.validate()?;
        Self::new(&spec.model, &spec.optimizer, regularization, spec.seed, shape, device)
    }

    /// The model being trained.
    pub fn model(&self) -> &Classifier {
        self.model.get()
    }

    /// Epochs completed.
    pub fn epochs_done(&self) -> usize {
        self.epoch
    }

    /// The order of the next pass over `rows` training rows: `0..rows` shuffled by the
    /// trainer's generator. Every trainer (epoch by epoch here, step by step in
    /// the playground's step-wise session) takes its batches from this, so a spec trains the same
    /// model either way.
    pub fn epoch_order(&mut self, rows: usize) -> Vec<usize> {
        let mut order: Vec<usize> = (0..rows).collect();
        order.shuffle(&mut self.rng);
        order
    }

    /// One pass over `data.train` in a fresh random order. `on_step(done, total)` is called
    /// after every optimizer step.
    pub fn train_epoch(
        &mut self,
        data: &TrainingData,
        mut on_step: impl FnMut(usize, usize),
    ) -> Result<EpochStats> {
        let order = self.epoch_order(data.train.len());
        let batch_size = self.options.batch_size;
        let steps = order.len().div_ceil(batch_size);
        let mut sums = LossSums::default();
        for (i, chunk) in order.chunks(batch_size).enumerate() {
            sums.add(self.train_step(data, chunk)?);
            on_step(i + 1, steps);
        }
        self.epoch += 1;
        let means = sums.means();
        if !means[0].is_finite() {
            return Err(NslError::Diverged { epoch: self.epoch, step: self.step, value: means[0] });
        }
        let [graph, adversarial, virtual_adversarial] = parts_in_force(&self.regularization, &means);
        Ok(EpochStats {
            epoch: self.epoch,
            total: means[0],
            supervised: means[1],
            graph,
            adversarial,
            virtual_adversarial,
        })
    }

    /// One optimizer step on the training rows `indices`. Returns the loss parts (total,
    /// supervised, graph, adversarial, virtual adversarial; 0 where off) as device tensors,
    /// so that callers read back once for many steps.
    pub fn train_step(&mut self, data: &TrainingData, indices: &[usize]) -> Result<[Tensor<1>; 5]> {
        // Dropout draws its masks from the device's generator, which every model on the device
        // shares: seeded per step from this trainer's seed, the masks of step n are the same
        // whether the base model trains before this one (`nsl train`) or beside it in lockstep
        // (the playground).
        self.device.seed(step_seed(self.seed, self.step));
        let batch = self.batch(data, indices)?;
        let (parts, grads) = training_step(self.model.get(), &self.regularization, &batch)?;
        let zero = || Tensor::<1>::zeros([1], &self.device).inner();
        let values = [
            parts.total.inner(),
            parts.supervised.inner(),
            parts.graph.map_or_else(zero, |t| t.inner()),
            parts.adversarial.map_or_else(zero, |t| t.inner()),
            parts.virtual_adversarial.map_or_else(zero, |t| t.inner()),
        ];
        self.model.step(&mut self.optimizer, self.options.learning_rate, grads);
        self.step += 1;
        Ok(values)
    }

    /// Regularization from the next step on (a knob changed mid-run).
    pub fn set_regularization(&mut self, regularization: Regularization) {
        self.regularization = regularization;
    }

    /// The regularization in force.
    pub fn regularization(&self) -> &Regularization {
        &self.regularization
    }

    /// Learning rate from the next step on.
    pub fn set_learning_rate(&mut self, learning_rate: f64) {
        self.options.learning_rate = learning_rate;
    }

    /// Optimizer steps taken.
    pub fn steps_done(&self) -> usize {
        self.step
    }

    /// Uploads the rows `indices` of the training data (and their neighbors) as a batch.
    fn batch(&self, data: &TrainingData, indices: &[usize]) -> Result<Batch> {
        let x = data.train.features_tensor(indices, &self.device);
        let y = data.train.labels_tensor(indices, &self.device);
        let wanted = self.regularization.max_neighbors();
        let neighbors = match (&data.graph, wanted) {
            (_, 0) => None,
            (None, _) => return Err(NslError::Config("graph regularization needs graph data".into())),
            (Some(graph), _) => {
                let (nodes, weights) = graph.table.batch(indices);
                let per_sample = graph.table.max_neighbors;
                if per_sample != wanted {
                    return Err(NslError::Config(format!(
                        "neighbor table has {per_sample} slots, regularization wants {wanted}"
                    )));
                }
                Some(Neighbors {
                    x: graph.pool.features_tensor(&nodes, &self.device),
                    weights: crate::tensor::matrix(weights, nodes.len(), 1, &self.device),
                })
            }
        };
        Ok(Batch { x, y, neighbors })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::data::Examples;
    use crate::spec::{DataSpec, EvaluationSpec, TaskSpec};

    fn blobs(n: usize, seed: u64) -> Examples {
        use rand::RngExt;
        let mut rng = seeded(seed);
        let mut features = Vec::new();
        let mut labels = Vec::new();
        for i in 0..n {
            let class = (i % 2) as u32;
            let center = if class == 0 { -1.0 } else { 1.0 };
            features.push(center + rng.random_range(-0.5..0.5));
            features.push(center + rng.random_range(-0.5..0.5));
            labels.push(class);
        }
        Examples { features, dim: 2, labels, classes: 2 }
    }

    fn spec(regularization: Regularization) -> ExperimentSpec {
        ExperimentSpec {
            name: "blobs".into(),
            data: DataSpec::Mnist { dir: "unused".into(), train: 0, test: 0 },
            model: ModelSpec::Mlp {
                hidden: vec![8],
                activation: Default::default(),
                dropout: 0.0,
                inputs: None,
            },
            regularization,
            optimizer: OptimizerSpec { learning_rate: 0.05, batch_size: 16, weight_decay: 0.0 },
            epochs: 10,
            seed: 1,
            evaluation: EvaluationSpec::default(),
            compare_with_base: false,
            task: TaskSpec::Classification,
        }
    }

    #[test]
    fn loss_falls_and_runs_are_reproducible() {
        let data = TrainingData { train: blobs(64, 1), test: blobs(32, 2), graph: None };
        let reg = Regularization { adversarial: Some(Default::default()), ..Default::default() };
        let run = || {
            let mut t = Trainer::for_spec(&spec(reg.clone()), reg.clone(), (2, 2), &Device::flex()).unwrap();
            let mut steps = 0;
            let stats: Vec<EpochStats> =
                (0..10).map(|_| t.train_epoch(&data, |_, _| steps += 1).unwrap()).collect();
            assert_eq!(steps, 40);
            stats
        };
        let first = run();
        assert!(first[9].total < first[0].total * 0.5, "{first:?}");
        assert!(first[0].adversarial.is_some() && first[0].graph.is_none());
        assert_eq!(first, run(), "same seed, same run");
    }
}
