//! The worker's training engine: a session for each model the spec's variants name — its
//! model and, for a what-if comparison, the same model without regularization (same seed, same
//! data) — stepped in lockstep. The base model may train in another worker (the twin, see
//! `twin`): the engine then keeps its step count and says where it must be, the runtime sends
//! it there. Pure: no DOM, no async; the worker's runtime drives it and reads snapshots back.

use std::collections::VecDeque;

use nsl::burn::tensor::Device;
use nsl::config::AdvNeighborConfig;
use nsl::session::inspect::PendingInspection;
use nsl::session::probe::{PendingProbe, ProbeSpec};
use nsl::session::readout::Readout;
use nsl::session::{self, Accuracies, PendingProgress, Progress, SnapshotOptions, StepSession};
use nsl::spec::{Attack, ExperimentSpec, RobustnessSpec, Variant};
use nsl::train::robustness::RobustnessPoint;

use super::data::Loaded;

use crate::protocol::{DataInfo, RobustnessProgress};

/// Sessions of one setup: the models the spec's variants name, stepped in lockstep.
#[derive(Debug)]
pub struct Engine {
    spec: ExperimentSpec,
    /// The models trained in this worker.
    runs: Vec<(Variant, Box<dyn StepSession>)>,
    /// The model another worker trains, if one does.
    elsewhere: Option<Elsewhere>,
    info: DataInfo,
    /// Each model's accuracies as last measured, for the snapshots that skip them.
    measured: Vec<(Variant, Accuracies)>,
}

/// A model of the setup that another worker trains: which, and its steps per epoch (another
/// number than the spec's model's for the full-batch base of a model on sampled subgraphs).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Elsewhere {
    /// The model.
    pub variant: Variant,
    /// Its optimizer steps per epoch.
    pub steps_per_epoch: usize,
}

/// The model of `spec` that can train in a worker of its own: the base model of a what-if
/// pair (the spec's own model stays with the engine, which reports its steps and data).
pub fn twin_variant(spec: &ExperimentSpec) -> Option<Variant> {
    let variants = spec.variants();
    (variants.len() > 1).then_some(variants[0].0).filter(|v| *v == Variant::Base)
}

/// Where the next point of a robustness curve is measured.
#[derive(Debug)]
pub enum NextPoint {
    /// Here: the correct test rows as a device value, for one read-back.
    Here(Readout),
    /// In the worker that trains the model, under this attack.
    Elsewhere(AdvNeighborConfig),
}

/// Every point of every model's robustness curve; measured one at a time by the worker so that
/// it reports progress and stays responsive.
#[derive(Debug)]
pub struct RobustnessJob {
    spec: RobustnessSpec,
    queue: VecDeque<(Variant, Attack, f64)>,
    progress: RobustnessProgress,
    rows: usize,
}

impl RobustnessJob {
    /// Records the measured point (the correct test rows read back) and moves on.
    pub fn record(&mut self, values: &[f32]) {
        let Some((variant, attack, epsilon)) = self.queue.pop_front() else { return };
        let correct = f64::from(values.first().copied().unwrap_or(0.0));
        let accuracy = correct / self.rows.max(1) as f64;
        if let Some((_, curve)) = self.progress.curves.iter_mut().find(|(v, _)| *v == variant) {
            curve.push(RobustnessPoint { attack, epsilon, accuracy });
        }
        self.progress.done += 1;
    }

    /// Marks the job failed.
    pub fn fail(&mut self, message: String) {
        self.queue.clear();
        self.progress.error = Some(message);
    }

    /// What is measured so far.
    pub fn progress(&self) -> &RobustnessProgress {
        &self.progress
    }

    /// Whether nothing is left to measure.
    pub fn done(&self) -> bool {
        self.queue.is_empty()
    }
}

/// A fresh session for each model `spec`'s variants name, on `device`, over `loaded`.
pub fn open_runs(
    spec: &ExperimentSpec,
    loaded: &Loaded,
    device: &Device,
) -> nsl::Result<Vec<(Variant, Box<dyn StepSession>)>> {
    spec.variants()
        .into_iter()
        .map(|(variant, _)| Ok((variant, open_run(spec, variant, loaded, device)?)))
        .collect()
}

/// A fresh session for `variant` of `spec`, on `device`, over `loaded`: what the engine and
/// the twin open alike, so that the base model starts from the same weights in either worker.
pub fn open_run(
    spec: &ExperimentSpec,
    variant: Variant,
    loaded: &Loaded,
    device: &Device,
) -> nsl::Result<Box<dyn StepSession>> {
    session::open(&spec.spec_of(variant), spec.plan(), loaded.data.as_ref(), loaded.graph.as_ref(), device)
}

/// The step a model whose epochs take `own` steps is at when the spec's model, whose epochs
/// take `per_epoch`, is at `target`: epoch for epoch.
fn own_step(target: usize, own: usize, per_epoch: usize) -> usize {
    if own == per_epoch { target } else { target * own / per_epoch }
}

/// How many test rows `run` classifies correctly under `attack`, for one read-back.
pub fn correct_readout(run: &dyn StepSession, attack: &AdvNeighborConfig) -> nsl::Result<Readout> {
    let mut readout = Readout::default();
    readout.push(run.correct_under_attack(attack)?.float());
    Ok(readout)
}

impl Engine {
    /// Fresh models for `spec` (with the base model beside them if `spec.compare_with_base`):
    /// MLPs train on the loaded rows, GNNs and NGM over the loaded graph (read once for both).
    /// (A model trains in another worker only once it is handed over: [`Self::hand_over`].)
    pub fn new(spec: &ExperimentSpec, loaded: Loaded, device: &Device) -> nsl::Result<Self> {
        let runs = spec
            .variants()
            .into_iter()
            .map(|(variant, _)| Ok((variant, open_run(spec, variant, &loaded, device)?)))
            .collect::<nsl::Result<Vec<_>>>()?;
        let Loaded { view, class_names, built, .. } = loaded;
        let last = &runs.last().expect("a spec trains at least one model").1;
        let steps_per_epoch = last.steps_per_epoch();
        let (train_rows, test_rows) = last.split_sizes();
        let info = DataInfo {
            class_names,
            train_rows,
            test_rows,
            steps_per_epoch,
            total_steps: steps_per_epoch * spec.epochs,
            view,
            built,
            rounds: last.round_updates(),
            second_worker: false,
        };
        Ok(Self { spec: spec.clone(), runs, elsewhere: None, info, measured: Vec::new() })
    }

    /// The model another worker trains, if one does.
    pub fn elsewhere(&self) -> Option<Elsewhere> {
        self.elsewhere
    }

    /// Lets another worker train `elsewhere`'s model from now on, if it has not taken a step
    /// here (that worker opens it afresh from the same spec: the same model then); says
    /// whether it did.
    pub fn hand_over(&mut self, elsewhere: Elsewhere) -> bool {
        let Some(at) = self.runs.iter().position(|(v, run)| *v == elsewhere.variant && run.steps_done() == 0)
        else {
            return false;
        };
        if self.runs.len() < 2 {
            return false;
        }
        self.runs.remove(at);
        self.elsewhere = Some(elsewhere);
        self.info.second_worker = true;
        true
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
        let variants = |s: &ExperimentSpec| s.variants().into_iter().map(|(v, _)| v).collect::<Vec<_>>();
        if variants(spec) != variants(&self.spec) || spec.plan() != self.spec.plan() {
            return Ok(false);
        }
        if !self.runs.iter().all(|(variant, session)| session.accepts(&spec.spec_of(*variant))) {
            return Ok(false);
        }
        spec.validate()?;
        for (variant, session) in &mut self.runs {
            session.apply(&spec.spec_of(*variant))?;
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

    /// Probes every model with `spec`'s perturbation, for one read-back each.
    ///
    /// # Errors
    /// For models trained full batch over a graph (GNNs, NGM), which take no row perturbations.
    pub fn probe(&self, spec: &ProbeSpec) -> nsl::Result<Vec<(Variant, PendingProbe)>> {
        self.runs.iter().map(|(variant, run)| Ok((*variant, run.probe(spec)?))).collect()
    }

    /// The curve [`Engine::robustness_job`] measures: the spec's, else the default one clipped
    /// to the data's input range.
    pub fn robustness_spec(&self) -> RobustnessSpec {
        self.spec.evaluation.robustness.unwrap_or_else(|| {
            let (clip_min, clip_max) = self.spec.data.input_range();
            RobustnessSpec { clip_min, clip_max, ..Default::default() }
        })
    }

    /// Every point of every model's robustness curve, to measure one at a time.
    pub fn robustness_job(&self) -> nsl::Result<RobustnessJob> {
        let spec = self.robustness_spec();
        spec.validate()?;
        if self.spec.plan().reads_whole_graph() {
            return Err(session::step::rows_only());
        }
        let variants: Vec<Variant> = self.spec.variants().into_iter().map(|(v, _)| v).collect();
        let queue: VecDeque<_> = variants
            .iter()
            .flat_map(|variant| spec.points().into_iter().map(move |(a, e)| (*variant, a, e)))
            .collect();
        let progress = RobustnessProgress {
            step: self.steps_done(),
            done: 0,
            total: queue.len(),
            curves: variants.iter().map(|v| (*v, Vec::new())).collect(),
            error: None,
        };
        Ok(RobustnessJob { spec, queue, progress, rows: self.info.test_rows })
    }

    /// Starts measuring the next point of `job`: how many test rows that model classifies
    /// correctly under the attack — here, as a device value for one read-back, or the attack
    /// for the worker that trains the model (`None` when done).
    pub fn next_robustness_point(&self, job: &RobustnessJob) -> nsl::Result<Option<NextPoint>> {
        let Some(&(variant, attack, epsilon)) = job.queue.front() else { return Ok(None) };
        let config = job.spec.attack_config(attack, epsilon);
        let Some((_, run)) = self.runs.iter().find(|(v, _)| *v == variant) else {
            return Ok(Some(NextPoint::Elsewhere(config)));
        };
        Ok(Some(NextPoint::Here(correct_readout(run.as_ref(), &config)?)))
    }

    /// Inspects graph node `node` on every model (its graph-regularization neighbors and their
    /// terms; for GNNs the attribution of its prediction and a GAT's attention).
    pub fn inspect_node(&self, node: usize) -> nsl::Result<Vec<(Variant, PendingInspection)>> {
        self.runs.iter().map(|(variant, run)| Ok((*variant, run.inspect_node(node)?))).collect()
    }

    /// Keeps the accuracies each snapshot measured, and fills those a snapshot skipped with the
    /// model's last measured ones.
    pub fn fill_accuracies(&mut self, snapshots: &mut [(Variant, Progress)]) {
        for (variant, progress) in snapshots {
            let kept = self.measured.iter_mut().find(|(v, _)| v == variant);
            match (progress.accuracies(), kept) {
                (Some(now), Some((_, kept))) => *kept = now,
                (Some(now), None) => self.measured.push((*variant, now)),
                (None, Some((_, kept))) => progress.fill_accuracies(kept),
                (None, None) => {}
            }
        }
    }

    /// The step the spec's model reaches after up to `steps` more (never past the last epoch).
    pub fn target(&self, steps: usize) -> usize {
        (self.steps_done() + steps).min(self.info.total_steps.max(self.steps_done()))
    }

    /// The step the model trained elsewhere must reach when the spec's model is at `target`
    /// (`None`: every model trains here).
    pub fn elsewhere_target(&self, target: usize) -> Option<usize> {
        self.elsewhere.map(|e| own_step(target, e.steps_per_epoch, self.info.steps_per_epoch))
    }

    /// Runs up to `steps` steps on every model here (never past the last epoch). Models
    /// whose epochs take another number of steps (the full-batch base of a model on sampled
    /// subgraphs) keep up epoch for epoch.
    pub fn advance(&mut self, steps: usize) -> nsl::Result<()> {
        self.advance_to(self.target(steps))
    }

    /// Runs every model here until the spec's model is at step `target`.
    pub fn advance_to(&mut self, target: usize) -> nsl::Result<()> {
        let per_epoch = self.info.steps_per_epoch;
        for (_, run) in &mut self.runs {
            let own_target = own_step(target, run.steps_per_epoch(), per_epoch);
            run.run_steps(own_target.saturating_sub(run.steps_done()))?;
        }
        Ok(())
    }

    /// What `variant`'s snapshot includes of `options`: the views inside a model (network,
    /// digit views, embeddings) are the regularized model's only — the page draws only those.
    pub fn snapshot_options(variant: Variant, options: &SnapshotOptions) -> SnapshotOptions {
        match variant {
            Variant::Base => SnapshotOptions { network: None, digit: None, embeddings: false, ..*options },
            Variant::Regularized => *options,
        }
    }

    /// The models' results in the order of the spec's variants: those measured here, and the
    /// one from the worker that trains the model elsewhere (if any).
    pub fn merge<T>(&self, here: Vec<(Variant, T)>, elsewhere: Option<T>) -> Vec<(Variant, T)> {
        let mut all = here;
        if let (Some(away), Some(value)) = (self.elsewhere, elsewhere) {
            let at = self.spec.variants().iter().position(|(v, _)| *v == away.variant).unwrap_or(0);
            all.insert(at.min(all.len()), (away.variant, value));
        }
        all
    }

    /// Snapshots every model here, each reported at the spec's model's step (its losses: the
    /// mean since the previous snapshot), with [`Engine::snapshot_options`].
    pub fn snapshot(&mut self, options: &SnapshotOptions) -> nsl::Result<Vec<(Variant, PendingProgress)>> {
        let step = self.steps_done();
        self.runs
            .iter_mut()
            .map(|(variant, run)| {
                Ok((*variant, run.snapshot(&Self::snapshot_options(*variant, options))?.at_step(step)))
            })
            .collect()
    }

    /// [`Engine::advance`] by `steps`, then [`Engine::snapshot`]: what the tests take as one
    /// tick (the worker's tick may advance several times before its snapshot).
    #[cfg(test)]
    pub fn burst(
        &mut self,
        steps: usize,
        options: &SnapshotOptions,
    ) -> nsl::Result<Vec<(Variant, PendingProgress)>> {
        self.advance(steps)?;
        self.snapshot(options)
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use crate::protocol::DataView;
    use nsl::data::load::load_data;
    use nsl::spec::ModelSpec;

    fn engine(compare: bool) -> Engine {
        let mut spec = nsl::spec::builtin::builtin("moons-adv", None, 0).unwrap();
        spec.compare_with_base = compare;
        spec.epochs = 2;
        let data = load_data(&spec).unwrap();
        let view = DataView::Points { train: Vec::new(), test: Vec::new() };
        let loaded = Loaded {
            data: Some(data),
            view,
            class_names: vec!["0".into(), "1".into()],
            graph: None,
            built: None,
        };
        Engine::new(&spec, loaded, &Device::flex()).unwrap()
    }

    #[test]
    fn base_and_regularized_step_together_and_stop_at_the_last_epoch() {
        let mut engine = engine(true);
        assert_eq!(engine.info().total_steps, 40);
        let options = SnapshotOptions {
            grid: None,
            samples: 0,
            network: Some(nsl::session::network::neuron_grid()),
            ..Default::default()
        };
        let snapshots = engine.burst(30, &options).unwrap();
        let progress: Vec<_> = snapshots.into_iter().map(|(v, p)| (v, p.read().unwrap())).collect();
        assert_eq!(progress.len(), 2);
        let (base, regularized) = (&progress[0], &progress[1]);
        assert_eq!((base.0, regularized.0), (Variant::Base, Variant::Regularized));
        assert!(
            base.1.network.is_none() && regularized.1.network.is_some(),
            "the page draws the regularized model's"
        );
        assert_eq!((base.1.step, regularized.1.step), (30, 30));
        assert!(base.1.losses.unwrap().adversarial.is_none());
        assert!(regularized.1.losses.unwrap().adversarial.is_some());
        engine.burst(30, &SnapshotOptions::default()).unwrap();
        assert!(engine.finished() && engine.steps_done() == 40, "never past the last epoch");
    }

    /// A tick of several bursts reports what one burst of all their steps would: the same
    /// step, the losses' mean over every step since the last snapshot, the same model.
    #[test]
    fn bursts_without_a_snapshot_between_report_as_one_burst() {
        let read = |pending: Vec<(Variant, PendingProgress)>| -> Vec<(Variant, Progress)> {
            pending.into_iter().map(|(v, p)| (v, p.read().unwrap())).collect()
        };
        let options = SnapshotOptions { samples: 0, ..Default::default() };
        let mut in_bursts = engine(true);
        for _ in 0..3 {
            in_bursts.advance(7).unwrap();
        }
        let bursts = read(in_bursts.snapshot(&options).unwrap());
        let at_once = read(engine(true).burst(21, &options).unwrap());
        assert_eq!(bursts.len(), 2);
        for ((variant, a), (_, b)) in bursts.iter().zip(&at_once) {
            assert_eq!((a.step, b.step), (21, 21), "{variant:?}");
            assert_eq!(a.losses, b.losses, "{variant:?}: the mean over all 21 steps");
            assert_eq!((a.train_acc, a.test_acc), (b.train_acc, b.test_acc), "{variant:?}");
            assert_eq!(a.heatmap, b.heatmap, "{variant:?}");
        }
    }

    /// A tick that skips the accuracies shows the last measured ones; the chart knows them for
    /// old (`evaluated` stays false).
    #[test]
    fn snapshots_that_skip_the_accuracies_show_the_last_measured() {
        let mut engine = engine(true);
        let read = |pending: Vec<(Variant, PendingProgress)>| -> Vec<(Variant, Progress)> {
            pending.into_iter().map(|(v, p)| (v, p.read().unwrap())).collect()
        };
        let mut measured = read(engine.burst(10, &SnapshotOptions::default()).unwrap());
        engine.fill_accuracies(&mut measured);
        let quick = SnapshotOptions { evaluate: false, ..Default::default() };
        let mut skipped = read(engine.burst(5, &quick).unwrap());
        assert!(skipped.iter().all(|(_, p)| !p.evaluated && p.test_acc == 0.0));
        engine.fill_accuracies(&mut skipped);
        for ((variant, before), (_, now)) in measured.iter().zip(&skipped) {
            assert_eq!(now.step, 15);
            assert!(!now.evaluated);
            assert_eq!(
                (now.train_acc, now.test_acc, now.attacked_acc, &now.confusion),
                (before.train_acc, before.test_acc, before.attacked_acc, &before.confusion),
                "{variant:?}"
            );
        }
        let mut again = read(engine.burst(5, &SnapshotOptions::default()).unwrap());
        engine.fill_accuracies(&mut again);
        assert!(
            again.iter().all(|(_, p)| p.evaluated && p.step == 20 && p.confusion.iter().sum::<u32>() > 0)
        );
    }

    /// The base model goes to another worker only before its first step, and only from a pair.
    #[test]
    fn the_base_model_is_handed_over_only_fresh() {
        let away = Elsewhere { variant: Variant::Base, steps_per_epoch: 20 };
        let mut single = engine(false);
        assert!(!single.hand_over(away) && single.elsewhere().is_none(), "one model: nothing to hand over");
        let mut trained = engine(true);
        trained.advance(1).unwrap();
        assert!(!trained.hand_over(away), "a base model that took a step stays");
        let mut fresh = engine(true);
        assert!(fresh.hand_over(away));
        assert_eq!((fresh.elsewhere(), fresh.info().second_worker, fresh.runs.len()), (Some(away), true, 1));
        assert_eq!(fresh.elsewhere_target(7), Some(7));
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
    fn robustness_is_measured_point_by_point_for_both_models_and_probes_read_back() {
        let mut engine = engine(true);
        engine.burst(40, &SnapshotOptions { grid: None, samples: 0, ..Default::default() }).unwrap();
        let mut job = engine.robustness_job().unwrap();
        assert_eq!(job.progress().total, 2 * 2 * 7, "two models, FGSM and PGD, 7 sizes");
        while let Some(point) = engine.next_robustness_point(&job).unwrap() {
            let NextPoint::Here(readout) = point else { panic!("both models train here") };
            job.record(&readout.read().unwrap());
        }
        assert!(job.done() && job.progress().finished());
        let curves = &job.progress().curves;
        assert_eq!((curves[0].0, curves[1].0), (Variant::Base, Variant::Regularized));
        for (variant, curve) in curves {
            assert_eq!(curve.len(), 14);
            let (fgsm, pgd) = curve.split_at(7);
            assert_eq!(fgsm[0].accuracy, pgd[0].accuracy, "{variant:?}: ε = 0 is the clean accuracy");
            assert!(fgsm[0].accuracy > 0.8 && fgsm[6].accuracy < fgsm[0].accuracy, "{variant:?}: {fgsm:?}");
        }
        let probe = ProbeSpec { rows: (0..5).collect(), ..Default::default() };
        let probed = engine.probe(&probe).unwrap();
        assert_eq!(probed.len(), 2);
        for (_, pending) in probed {
            let result = pending.read().unwrap();
            assert_eq!(result.rows.len(), 5);
            assert!(result.rows.iter().all(|r| r.perturbed.len() == 2 && r.attacked.len() == 2));
        }
    }

    #[test]
    fn a_graph_read_from_files_trains_with_both_kinds_of_session() {
        let file = |name: &str, text: String| crate::protocol::GraphFile { name: name.into(), text };
        // Two communities of 10 papers; each cites its community's next two papers.
        let content: String = (0..20)
            .map(|i| {
                format!(
                    "p{i}\t{}\t{}\t{}\n",
                    u8::from(i < 10),
                    u8::from(i >= 10),
                    if i < 10 { "a" } else { "b" }
                )
            })
            .collect();
        let cites: String = (0..20)
            .flat_map(|i| (1..3).map(move |k| format!("p{i}\tp{}\n", (i / 10) * 10 + (i + k) % 10)))
            .collect();
        let split: String =
            (0..20).map(|i| format!("p{i}\t{}\n", if i % 10 < 3 { "train" } else { "test" })).collect();
        let files = [file("tiny.content", content), file("tiny.cites", cites), file("tiny.split", split)];
        let (name, graph) = crate::worker::explorer::parse_files(&files).unwrap();
        let loaded_graph = nsl::spec::LoadedGraph { name: name.clone(), nodes: 20, edges: 40 };
        for model in [None, Some(nsl::spec::GnnKind::Gcn)] {
            let mut spec = crate::presets::loaded_graph(loaded_graph.clone(), 0);
            if let Some(gnn) = model {
                spec.model = ModelSpec::Gnn { gnn, hidden: vec![8], dropout: 0.0, sampling: None };
            }
            let loaded =
                super::super::data::load(&spec, &mut Default::default(), Some((&name, &graph)), &|_| {})
                    .unwrap();
            let mut engine = Engine::new(&spec, loaded, &Device::flex()).unwrap();
            assert_eq!((engine.info().train_rows, engine.info().test_rows), (6, 14));
            let progress =
                engine.burst(30, &SnapshotOptions::default()).unwrap().pop().unwrap().1.read().unwrap();
            assert!(progress.test_acc > 0.9, "{model:?}: {}", progress.test_acc);
        }
        let spec = crate::presets::loaded_graph(loaded_graph, 0);
        let missing =
            super::super::data::load(&spec, &mut Default::default(), None, &|_| {}).unwrap_err().to_string();
        assert!(missing.contains("open those files again"), "{missing}");
    }

    #[test]
    fn gnns_train_on_built_in_graphs_beside_their_base() {
        let mut spec = crate::presets::preset(crate::presets::Family::Karate, 0);
        spec.model =
            ModelSpec::Gnn { gnn: nsl::spec::GnnKind::Gcn, hidden: vec![8], dropout: 0.0, sampling: None };
        spec.compare_with_base = true;
        let view = DataView::Points { train: Vec::new(), test: Vec::new() };
        let loaded = Loaded { data: None, view, class_names: Vec::new(), graph: None, built: None };
        let mut engine = Engine::new(&spec, loaded, &Device::flex()).unwrap();
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
        assert!(engine.probe(&ProbeSpec::default()).is_err() && engine.robustness_job().is_err());
        let mut inspected = engine.inspect_node(0).unwrap().into_iter().map(|(_, p)| p.read().unwrap());
        let (base, gcn) = (inspected.next().unwrap(), inspected.next().unwrap());
        assert!(
            base.neighbors.is_empty() && !gcn.neighbors.is_empty(),
            "only the regularized model has a graph term"
        );
        assert_eq!(gcn.heat.map(|h| h.len()), Some(34));
    }

    /// The motifs' graphs load as a grid of test graphs and train batch by batch; link
    /// prediction trains on the citation network with its held-out pairs.
    #[test]
    fn graph_classification_and_link_prediction_train_step_by_step() {
        let spec = crate::presets::preset(crate::presets::Family::Motifs, 0);
        let loaded = super::super::data::load(&spec, &mut Default::default(), None, &|_| {}).unwrap();
        let DataView::Graphs { graphs } = &loaded.view else { panic!("a grid of graphs") };
        assert_eq!(graphs.len(), 120);
        assert!(graphs.iter().all(|g| g.positions.len() >= 14 && !g.edges.is_empty()));
        let mut engine = Engine::new(&spec, loaded, &Device::flex()).unwrap();
        assert_eq!((engine.info().train_rows, engine.info().test_rows), (360, 120));
        let p = engine.burst(3, &SnapshotOptions::default()).unwrap().pop().unwrap().1.read().unwrap();
        assert_eq!(p.graphs.map(|g| g.classes.len()), Some(120));

        let mut links = crate::presets::preset(crate::presets::Family::Citation, 0);
        links = crate::edit::apply(
            &links,
            &crate::edit::Edit::Model(crate::edit::ModelChoice::Gcn),
            &Default::default(),
        );
        links = crate::edit::apply(&links, &crate::edit::Edit::LinkPrediction(true), &Default::default());
        let view = DataView::Points { train: Vec::new(), test: Vec::new() };
        let loaded = Loaded { data: None, view, class_names: Vec::new(), graph: None, built: None };
        let mut engine = Engine::new(&links, loaded, &Device::flex()).unwrap();
        let p = engine.burst(2, &SnapshotOptions::default()).unwrap().pop().unwrap().1.read().unwrap();
        let scores = p.links.expect("held-out pairs scored");
        assert_eq!(engine.info().test_rows, scores.edges.len() + scores.non_edges.len());
    }

    /// A GCN of `hidden` units on the citation graph's sampled subgraphs (8 roots, 3 and 3
    /// neighbors), beside the same GCN full batch: a base model whose epochs take one step.
    pub(crate) fn sampled_gcn_pair(hidden: usize) -> ExperimentSpec {
        let mut spec = crate::presets::preset(crate::presets::Family::Citation, 0);
        spec.model = ModelSpec::Gnn {
            gnn: nsl::spec::GnnKind::Gcn,
            hidden: vec![hidden],
            dropout: 0.0,
            sampling: Some(nsl::spec::SubgraphSampling {
                fanouts: vec![3, 3],
                batch_size: 8,
                strategy: Default::default(),
            }),
        };
        spec.regularization = Default::default();
        spec.compare_with_base = true;
        spec.validate().unwrap();
        spec
    }

    /// A GNN on sampled subgraphs trains beside the same GNN full batch, epoch for epoch.
    #[test]
    fn a_sampled_gnn_trains_beside_its_full_batch_base_epoch_for_epoch() {
        let spec = sampled_gcn_pair(16);
        let view = DataView::Points { train: Vec::new(), test: Vec::new() };
        let loaded = Loaded { data: None, view, class_names: Vec::new(), graph: None, built: None };
        let mut engine = Engine::new(&spec, loaded, &Device::flex()).unwrap();
        let per_epoch = engine.info().steps_per_epoch;
        assert!(per_epoch > 1, "{per_epoch} batches an epoch");
        let read = |pending: Vec<(Variant, PendingProgress)>| -> Vec<(Variant, nsl::session::Progress)> {
            pending.into_iter().map(|(v, p)| (v, p.read().unwrap())).collect()
        };
        let first = read(engine.burst(per_epoch + 1, &SnapshotOptions::default()).unwrap());
        let (full, sampled) = (&first[0].1, &first[1].1);
        assert_eq!((first[0].0, first[1].0), (Variant::Base, Variant::Regularized));
        assert_eq!(
            (full.step, full.epoch),
            (per_epoch + 1, 1.0),
            "one full epoch, drawn at the sampled step"
        );
        assert_eq!(sampled.step, per_epoch + 1);
        assert!(full.batch.is_none() && sampled.batch.is_some(), "only the sampled model has batches");
        let rest = read(engine.burst(10 * per_epoch, &SnapshotOptions::default()).unwrap());
        assert_eq!(rest[0].1.epoch, 11.0, "both at epoch 11");
        assert_eq!(rest[1].1.epoch, 11.0 + 1.0 / per_epoch as f64);
    }

    /// The base of a Neural Graph Machine is the same MLP trained full batch without graph
    /// terms: both models read the whole graph and take one step per epoch.
    #[test]
    fn neural_graph_machines_train_beside_their_full_batch_base() {
        let mut spec = crate::presets::preset(crate::presets::Family::Karate, 0);
        spec.model =
            ModelSpec::Mlp { hidden: vec![8], activation: Default::default(), dropout: 0.0, inputs: None };
        spec.regularization = nsl::config::Regularization {
            neural_graph_machine: Some(Default::default()),
            ..Default::default()
        };
        spec.compare_with_base = true;
        spec.validate().unwrap();
        let view = DataView::Points { train: Vec::new(), test: Vec::new() };
        let loaded = Loaded { data: None, view, class_names: Vec::new(), graph: None, built: None };
        let mut engine = Engine::new(&spec, loaded, &Device::flex()).unwrap();
        assert_eq!(engine.info().steps_per_epoch, 1);
        let progress: Vec<_> = engine
            .burst(5, &SnapshotOptions::default())
            .unwrap()
            .into_iter()
            .map(|(v, p)| (v, p.read().unwrap()))
            .collect();
        assert_eq!(progress.len(), 2);
        assert_eq!((progress[0].0, progress[0].1.step), (Variant::Base, 5));
        assert!(
            progress[0].1.losses.unwrap().graph.is_none() && progress[1].1.losses.unwrap().graph.is_some()
        );
    }
}
