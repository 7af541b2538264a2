//! The worker's training engine: one session for the spec's model and, for a what-if
//! comparison, one for the same model without regularization (same seed, same data), stepped in
//! lockstep. Pure: no DOM, no async; the worker's runtime drives it and reads snapshots back.

use nsl::burn::tensor::Device;
use nsl::gnn::node_session::NodeSession;
use nsl::session::{PendingProgress, Session, SnapshotOptions};
use nsl::spec::{ExperimentSpec, ModelSpec};
use nsl::train::TrainingData;

use crate::protocol::{DataInfo, DataView, Variant};

/// Sessions of one setup.
#[derive(Debug)]
pub struct Engine {
    spec: ExperimentSpec,
    runs: Vec<(Variant, Run)>,
    info: DataInfo,
}

/// A model trained step by step: an MLP on minibatches of rows, or a GNN full batch.
#[derive(Debug)]
enum Run {
    Rows(Box<Session>),
    Nodes(Box<NodeSession>),
}

/// Whether `spec` trains full batch over a whole graph (GNNs, Neural Graph Machines); its base
/// model then does too, so that both take the same steps.
pub fn full_batch(spec: &ExperimentSpec) -> bool {
    matches!(spec.model, ModelSpec::Gnn { .. }) || spec.regularization.neural_graph_machine.is_some()
}

impl Run {
    fn new(
        spec: &ExperimentSpec,
        full_batch: bool,
        data: Option<&TrainingData>,
        device: &Device,
    ) -> nsl::Result<Self> {
        match (full_batch, data) {
            (true, _) => Ok(Run::Nodes(Box::new(NodeSession::new(spec, device)?))),
            (false, Some(data)) => Ok(Run::Rows(Box::new(Session::with_data(spec, data.clone(), device)?))),
            (false, None) => Err(nsl::NslError::Config("no training rows were loaded".into())),
        }
    }

    fn accepts(&self, spec: &ExperimentSpec) -> bool {
        match self {
            Run::Rows(s) => s.accepts(spec),
            Run::Nodes(s) => s.accepts(spec),
        }
    }

    fn apply(&mut self, spec: &ExperimentSpec) -> nsl::Result<()> {
        match self {
            Run::Rows(s) => s.apply(spec),
            Run::Nodes(s) => s.apply(spec),
        }
    }

    fn steps_done(&self) -> usize {
        match self {
            Run::Rows(s) => s.steps_done(),
            Run::Nodes(s) => s.steps_done(),
        }
    }

    fn burst(&mut self, steps: usize, options: &SnapshotOptions) -> nsl::Result<PendingProgress> {
        match self {
            Run::Rows(s) => {
                s.run_steps(steps)?;
                s.snapshot(options)
            }
            Run::Nodes(s) => {
                s.run_steps(steps)?;
                s.snapshot()
            }
        }
    }

    /// Optimizer steps per epoch, and training and test rows.
    fn shape(&self) -> (usize, usize, usize) {
        match self {
            Run::Rows(s) => (s.steps_per_epoch(), s.data().train.len(), s.data().test.len()),
            Run::Nodes(s) => {
                let (train, test) = s.split_sizes();
                (1, train, test)
            }
        }
    }
}

/// The spec of the what-if base model: the same experiment without regularization.
pub fn base_spec(spec: &ExperimentSpec) -> ExperimentSpec {
    ExperimentSpec { regularization: Default::default(), compare_with_base: false, ..spec.clone() }
}

impl Engine {
    /// Fresh models for `spec` (with the base model beside them if `spec.compare_with_base`):
    /// MLPs train on `data`'s rows, GNNs load the spec's graph themselves.
    pub fn new(
        spec: &ExperimentSpec,
        data: Option<TrainingData>,
        view: DataView,
        class_names: Vec<String>,
        device: &Device,
    ) -> nsl::Result<Self> {
        let mut runs = Vec::new();
        let whole_graph = full_batch(spec);
        if spec.compare_with_base {
            runs.push((Variant::Base, Run::new(&base_spec(spec), whole_graph, data.as_ref(), device)?));
        }
        let run = Run::new(spec, whole_graph, data.as_ref(), device)?;
        let (steps_per_epoch, train_rows, test_rows) = run.shape();
        runs.push((Variant::Regularized, run));
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
        if spec.compare_with_base != self.spec.compare_with_base || full_batch(spec) != full_batch(&self.spec)
        {
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
        self.runs.iter_mut().map(|(variant, run)| Ok((*variant, run.burst(steps, options)?))).collect()
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
        Engine::new(&spec, Some(data), view, vec!["0".into(), "1".into()], &Device::flex()).unwrap()
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

    #[test]
    fn gnns_train_on_built_in_graphs_beside_their_base() {
        let mut spec = crate::presets::preset(crate::presets::Family::Karate, 0);
        spec.model =
            ModelSpec::Gnn { gnn: nsl::gnn::GnnKind::Gcn, hidden: vec![8], dropout: 0.0, sampling: None };
        spec.compare_with_base = true;
        let view = DataView::Points { train: Vec::new(), test: Vec::new() };
        let mut engine = Engine::new(&spec, None, view, Vec::new(), &Device::flex()).unwrap();
        assert_eq!(
            (engine.info().steps_per_epoch, engine.info().train_rows, engine.info().test_rows),
            (1, 2, 32)
        );
        let snapshots = engine.burst(40, &SnapshotOptions::default()).unwrap();
        let progress: Vec<_> = snapshots.into_iter().map(|(v, p)| (v, p.read().unwrap())).collect();
        let (base, gcn) = (&progress[0].1, &progress[1].1);
        assert!(base.losses.unwrap().graph.is_none() && gcn.losses.unwrap().graph.is_some());
        assert!(gcn.test_acc >= 0.8, "a GCN with graph regularization on the club: {}", gcn.test_acc);
        assert_eq!(gcn.nodes.as_ref().unwrap().classes.len(), 34);
    }
}
