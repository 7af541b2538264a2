//! A training session that advances by bursts of optimizer steps — what the playground's worker
//! drives (play, pause, step, a speed control): each burst reads the device back once, and
//! knob changes (regularization, learning rate) apply from the next step.

use burn::module::Module;
use burn::tensor::Device;
use rand::SeedableRng;
use rand::rngs::StdRng;
use rand::seq::SliceRandom;
use serde::{Deserialize, Serialize};

use crate::error::{NslError, Result};
use crate::eval::evaluate;
use crate::experiment::load_data;
use crate::heatmap::{Grid, class_probabilities};
use crate::spec::{ExperimentSpec, ModelSpec};
use crate::train::{LossSums, Trainer, TrainingData, parts_in_force};

/// Mean losses over a burst of steps; parts that are off are `None`.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct BurstLosses {
    /// Supervised plus every regularizer.
    pub total: f32,
    /// The supervised part.
    pub supervised: f32,
    /// Graph regularization, scaled.
    pub graph: Option<f32>,
    /// Adversarial regularization, scaled.
    pub adversarial: Option<f32>,
    /// Virtual adversarial regularization, scaled.
    pub virtual_adversarial: Option<f32>,
}

/// A snapshot for the view.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Progress {
    /// Optimizer steps so far.
    pub step: usize,
    /// Passes over the training data so far (fractional).
    pub epoch: f64,
    /// Losses of the last burst.
    pub losses: BurstLosses,
    /// Accuracy on the training rows.
    pub train_acc: f64,
    /// Accuracy on the test rows.
    pub test_acc: f64,
    /// For 2D data: class probabilities over the grid, `resolution² × classes`.
    pub heatmap: Option<Vec<f32>>,
}

/// An MLP experiment trained step by step.
#[derive(Debug)]
pub struct Session {
    spec: ExperimentSpec,
    data: TrainingData,
    trainer: Trainer,
    order: Vec<usize>,
    cursor: usize,
    rng: StdRng,
    device: Device,
}

impl Session {
    /// Loads `spec`'s data and a fresh model on `device`.
    pub fn new(spec: &ExperimentSpec, device: &Device) -> Result<Self> {
        if !matches!(spec.model, ModelSpec::Mlp { .. }) || spec.regularization.neural_graph_machine.is_some()
        {
            return Err(NslError::Config(
                "a step-wise session trains MLP experiments (GNNs and NGM train full batch)".into(),
            ));
        }
        let data = load_data(spec)?;
        let trainer =
            Trainer::new(spec, spec.regularization.clone(), data.train.dim, data.train.classes, device)?;
        let order = (0..data.train.len()).collect();
        Ok(Self {
            spec: spec.clone(),
            data,
            trainer,
            order,
            cursor: usize::MAX,
            rng: StdRng::seed_from_u64(spec.seed ^ 0x5e55),
            device: device.clone(),
        })
    }

    /// The spec in force.
    pub fn spec(&self) -> &ExperimentSpec {
        &self.spec
    }

    /// The training and test data.
    pub fn data(&self) -> &TrainingData {
        &self.data
    }

    /// Applies a changed spec from the next step: regularization and learning rate change in
    /// place; any other change (data, model, seed, batch size) needs a new session.
    pub fn apply(&mut self, spec: &ExperimentSpec) -> Result<()> {
        spec.validate()?;
        let mut comparable = spec.clone();
        comparable.regularization = self.spec.regularization.clone();
        comparable.optimizer.learning_rate = self.spec.optimizer.learning_rate;
        comparable.epochs = self.spec.epochs;
        comparable.name.clone_from(&self.spec.name);
        comparable.compare_with_base = self.spec.compare_with_base;
        comparable.evaluation = self.spec.evaluation;
        if comparable != self.spec {
            return Err(NslError::Config(
                "data, model, seed or batch size changed: start a new session".into(),
            ));
        }
        if spec.regularization.max_neighbors() != self.spec.regularization.max_neighbors() {
            return Err(NslError::Config(
                "the number of graph neighbors changed: start a new session".into(),
            ));
        }
        self.trainer.set_regularization(spec.regularization.clone());
        self.trainer.set_learning_rate(spec.optimizer.learning_rate);
        self.spec = spec.clone();
        Ok(())
    }

    /// Runs `steps` optimizer steps (reshuffling at each pass over the data) and returns their
    /// mean losses, read back once.
    pub fn run_steps(&mut self, steps: usize) -> Result<BurstLosses> {
        if steps == 0 {
            return Err(NslError::Config("a burst needs at least one step".into()));
        }
        let batch_size = self.spec.optimizer.batch_size;
        let mut sums = LossSums::default();
        for _ in 0..steps {
            if self.cursor >= self.order.len() {
                self.order.shuffle(&mut self.rng);
                self.cursor = 0;
            }
            let end = (self.cursor + batch_size).min(self.order.len());
            let batch: Vec<usize> = self.order[self.cursor..end].to_vec();
            self.cursor = end;
            sums.add(self.trainer.train_step(&self.data, &batch)?);
        }
        let means = sums.means();
        if !means[0].is_finite() {
            return Err(NslError::Diverged {
                epoch: self.trainer.steps_done() * batch_size / self.order.len().max(1),
                step: self.trainer.steps_done(),
                value: means[0],
            });
        }
        let [graph, adversarial, virtual_adversarial] = parts_in_force(self.trainer.regularization(), &means);
        Ok(BurstLosses { total: means[0], supervised: means[1], graph, adversarial, virtual_adversarial })
    }

    /// Accuracies and (for 2D data) the heatmap over `grid`, after `losses`.
    pub fn progress(&self, losses: BurstLosses, grid: &Grid) -> Result<Progress> {
        let model = self.trainer.model();
        let train_acc = evaluate(model, &self.data.train, None).test_acc.unwrap_or(0.0);
        let test_acc = evaluate(model, &self.data.test, None).test_acc.unwrap_or(0.0);
        let heatmap = if self.data.train.dim == 2 {
            Some(class_probabilities(&model.valid(), grid, &self.device.clone().inner())?)
        } else {
            None
        };
        let step = self.trainer.steps_done();
        let steps_per_epoch = self.order.len().div_ceil(self.spec.optimizer.batch_size).max(1);
        Ok(Progress {
            step,
            epoch: step as f64 / steps_per_epoch as f64,
            losses,
            train_acc,
            test_acc,
            heatmap,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::builtin::builtin;

    #[test]
    fn bursts_learn_moons_and_knobs_apply_mid_run() {
        let device = Device::flex();
        let spec = builtin("moons-adv", None, 0).unwrap();
        let mut session = Session::new(&spec, &device).unwrap();
        let first = session.run_steps(5).unwrap();
        assert!(first.adversarial.is_some());
        let mut last = first;
        for _ in 0..15 {
            last = session.run_steps(20).unwrap();
        }
        assert!(last.total < first.total * 0.7, "{first:?} → {last:?}");
        let grid = Grid { resolution: 10, ..Grid::default() };
        let progress = session.progress(last, &grid).unwrap();
        assert_eq!(progress.step, 305);
        assert!((progress.epoch - 305.0 / 20.0).abs() < 1e-9);
        assert!(progress.train_acc > 0.85 && progress.test_acc > 0.85, "{progress:?}");
        assert_eq!(progress.heatmap.as_ref().map(Vec::len), Some(10 * 10 * 2));

        let mut plain = spec.clone();
        plain.regularization = Default::default();
        plain.optimizer.learning_rate = 0.01;
        session.apply(&plain).unwrap();
        assert_eq!(
            session.run_steps(3).unwrap().adversarial,
            None,
            "no adversarial part after the knob change"
        );
        let mut other_data = spec.clone();
        other_data.seed = 9;
        assert!(session.apply(&other_data).unwrap_err().to_string().contains("new session"));
        assert!(Session::new(&builtin("cora-gcn", None, 0).unwrap(), &device).is_err());
    }
}
