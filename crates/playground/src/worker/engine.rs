//! The worker's training engine: one session for the spec's model and, for a what-if
//! comparison, one for the same model without regularization (same seed, same data), stepped in
//! lockstep. Pure: no DOM, no async; the worker's runtime drives it and reads snapshots back.

use nsl::burn::tensor::Device;
use nsl::session::{PendingProgress, Session, SnapshotOptions};
use nsl::spec::ExperimentSpec;
use nsl::train::TrainingData;

use crate::protocol::{DataInfo, DataView, Variant};

/// Sessions of one setup.
#[derive(Debug)]
pub struct Engine {
    spec: ExperimentSpec,
    runs: Vec<(Variant, Session)>,
    info: DataInfo,
}

/// The spec of the what-if base model: the same experiment without regularization.
pub fn base_spec(spec: &ExperimentSpec) -> ExperimentSpec {
    ExperimentSpec { regularization: Default::default(), compare_with_base: false, ..spec.clone() }
}

impl Engine {
    /// Fresh models for `spec` on `data` (with the base model beside them if
    /// `spec.compare_with_base`).
    pub fn new(
        spec: &ExperimentSpec,
        data: TrainingData,
        view: DataView,
        class_names: Vec<String>,
        device: &Device,
    ) -> nsl::Result<Self> {
        let mut runs = Vec::new();
        if spec.compare_with_base {
            runs.push((Variant::Base, Session::with_data(&base_spec(spec), data.clone(), device)?));
        }
        let (train_rows, test_rows) = (data.train.len(), data.test.len());
        let session = Session::with_data(spec, data, device)?;
        let steps_per_epoch = session.steps_per_epoch();
        runs.push((Variant::Regularized, session));
        let info = DataInfo {
            class_names,
            train_rows,
            test_rows,
            steps_per_epoch,
            total_steps: steps_per_epoch * spec.epochs,
            view,
        };
        Ok(Self { spec: spec.clone(), runs, info })
    }

    /// The setup in force.
    pub fn spec(&self) -> &ExperimentSpec {
        &self.spec
    }

    /// The data.
    pub fn info(&self) -> &DataInfo {
        &self.info
    }

    /// Applies `spec` to the running models if only knobs changed (regularization, learning
    /// rate, epochs, evaluation); returns `false` when a new engine is needed.
    pub fn update(&mut self, spec: &ExperimentSpec) -> nsl::Result<bool> {
        if spec.compare_with_base != self.spec.compare_with_base {
            return Ok(false);
        }
        let target = |variant: Variant| match variant {
            Variant::Base => base_spec(spec),
            Variant::Regularized => spec.clone(),
        };
        if !self.runs.iter().all(|(variant, session)| session.accepts(&target(*variant))) {
            return Ok(false);
        }
        spec.validate()?;
        for (variant, session) in &mut self.runs {
            session.apply(&target(*variant))?;
        }
        self.info.total_steps = self.info.steps_per_epoch * spec.epochs;
        self.spec = spec.clone();
        Ok(true)
    }

    /// Optimizer steps taken (the same for every model).
    pub fn steps_done(&self) -> usize {
        self.runs.last().map_or(0, |(_, s)| s.steps_done())
    }

    /// Whether the spec's epochs are done.
    pub fn finished(&self) -> bool {
        self.steps_done() >= self.info.total_steps
    }

    /// Runs up to `steps` steps on every model (never past the last epoch) and snapshots them.
    pub fn burst(
        &mut self,
        steps: usize,
        options: &SnapshotOptions,
    ) -> nsl::Result<Vec<(Variant, PendingProgress)>> {
        let steps = steps.min(self.info.total_steps.saturating_sub(self.steps_done()));
        self.runs
            .iter_mut()
            .map(|(variant, session)| {
                session.run_steps(steps)?;
                Ok((*variant, session.snapshot(options)?))
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use nsl::experiment::load_data;

    fn engine(compare: bool) -> Engine {
        let mut spec = nsl::builtin::builtin("moons-adv", None, 0).unwrap();
        spec.compare_with_base = compare;
        spec.epochs = 2;
        let data = load_data(&spec).unwrap();
        let view = DataView::Points { train: Vec::new(), test: Vec::new() };
        Engine::new(&spec, data, view, vec!["0".into(), "1".into()], &Device::flex()).unwrap()
    }

    #[test]
    fn base_and_regularized_step_together_and_stop_at_the_last_epoch() {
        let mut engine = engine(true);
        assert_eq!(engine.info().total_steps, 40);
        let snapshots = engine.burst(30, &SnapshotOptions { grid: None, samples: 0 }).unwrap();
        let progress: Vec<_> = snapshots.into_iter().map(|(v, p)| (v, p.read().unwrap())).collect();
        assert_eq!(progress.len(), 2);
        let (base, regularized) = (&progress[0], &progress[1]);
        assert_eq!((base.0, regularized.0), (Variant::Base, Variant::Regularized));
        assert_eq!((base.1.step, regularized.1.step), (30, 30));
        assert!(base.1.losses.unwrap().adversarial.is_none());
        assert!(regularized.1.losses.unwrap().adversarial.is_some());
        engine.burst(30, &SnapshotOptions::default()).unwrap();
        assert!(engine.finished() && engine.steps_done() == 40, "never past the last epoch");
    }

    #[test]
    fn knob_changes_apply_in_place_and_data_changes_do_not() {
        let mut engine = engine(false);
        let mut knob = engine.spec().clone();
        knob.regularization.adversarial.as_mut().unwrap().multiplier = 0.7;
        knob.epochs = 5;
        assert!(engine.update(&knob).unwrap());
        assert_eq!(engine.info().total_steps, 100);
        let mut data = knob.clone();
        data.seed = 4;
        assert!(!engine.update(&data).unwrap());
        let mut compare = knob;
        compare.compare_with_base = true;
        assert!(!engine.update(&compare).unwrap());
    }
}
