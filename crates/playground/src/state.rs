//! The page's state and its reducer: the single source of truth of the UI. Pure: no DOM, no
//! async. Components render it and dispatch [`Action`]s; the app turns state changes into
//! worker commands.

use std::collections::BTreeSet;
use std::rc::Rc;

use nsl::session::Progress;
use nsl::spec::ExperimentSpec;
use yew::Reducible;

use nsl::inspect::NodeInspection;
use nsl::probe::{ProbeResult, ProbeSpec};

use crate::adversary::{ProbeEdit, ProbeSettings};
use nsl::data::drawn::DrawnGraph;

use crate::edit::{Edit, Remembered, apply, drawing_of};
use crate::link::Section;
use crate::protocol::{
    BackendChoice, BackendInfo, DataInfo, Event, OpenedGraph, RobustnessProgress, SampleView, Stop, Variant,
};
use crate::sampling::{SamplingEdit, SamplingSetup};

/// Most points kept per curve; beyond it every other point is dropped (the curve keeps its
/// shape, memory and drawing time stay bounded).
pub const MAX_POINTS: usize = 2000;

/// What the trainer is doing.
#[derive(Debug, Clone, PartialEq)]
pub enum Status {
    /// Waiting for the worker to load the setup.
    Loading,
    /// Models ready, not training.
    Idle,
    /// Training.
    Running,
    /// Paused by the user.
    Paused,
    /// Stopped by itself.
    Stopped(Stop),
}

impl Status {
    /// A short stable name (for styling and the browser tests).
    pub fn key(&self) -> &'static str {
        match self {
            Status::Loading => "loading",
            Status::Idle => "idle",
            Status::Running => "running",
            Status::Paused => "paused",
            Status::Stopped(Stop::Finished) => "finished",
            Status::Stopped(Stop::Diverged { .. }) => "diverged",
            Status::Stopped(Stop::Failed { .. }) => "failed",
        }
    }
}

/// One point of the curves.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Point {
    /// Optimizer step.
    pub step: usize,
    /// Total loss.
    pub total: f32,
    /// Supervised part.
    pub supervised: f32,
    /// Graph part.
    pub graph: Option<f32>,
    /// Adversarial part.
    pub adversarial: Option<f32>,
    /// VAT part.
    pub virtual_adversarial: Option<f32>,
    /// Train accuracy.
    pub train_acc: f64,
    /// Test accuracy.
    pub test_acc: f64,
    /// Test accuracy under FGSM.
    pub attacked_acc: Option<f64>,
}

/// Appends `item`, first dropping every other item when `items` holds `max` (a curve keeps its
/// shape, memory and drawing time stay bounded).
fn push_thinned<T>(items: &mut Vec<T>, max: usize, item: T) {
    if items.len() >= max {
        let mut i = 0;
        items.retain(|_| {
            i += 1;
            i % 2 == 1
        });
    }
    items.push(item);
}

/// The measurements of one model.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct History {
    /// Curve points, oldest first.
    pub points: Vec<Point>,
    /// The latest snapshot.
    pub latest: Option<Progress>,
    /// Loss of the first burst (kept when points are thinned).
    pub first_loss: Option<f32>,
}

impl History {
    fn record(&mut self, progress: Progress) {
        if let Some(l) = progress.losses {
            self.first_loss.get_or_insert(l.total);
            push_thinned(
                &mut self.points,
                MAX_POINTS,
                Point {
                    step: progress.step,
                    total: l.total,
                    supervised: l.supervised,
                    graph: l.graph,
                    adversarial: l.adversarial,
                    virtual_adversarial: l.virtual_adversarial,
                    train_acc: progress.train_acc,
                    test_acc: progress.test_acc,
                    attacked_acc: progress.attacked_acc,
                },
            );
        }
        self.latest = Some(progress);
    }
}

/// Everything the page shows.
#[derive(Debug, Clone, PartialEq)]
pub struct State {
    /// The setup as edited (what the URL carries and the worker trains).
    pub spec: ExperimentSpec,
    /// Last settings of regularizers that are off.
    pub remembered: Remembered,
    /// Controls hidden by a lesson link.
    pub hidden: BTreeSet<Section>,
    /// The learner asked to see hidden controls anyway.
    pub reveal: bool,
    /// The classroom panel (choose what a lesson hides) is open.
    pub classroom_open: bool,
    /// The backend asked for.
    pub backend_choice: BackendChoice,
    /// The backend in use (after the worker's probe).
    pub backend: Option<BackendInfo>,
    /// Steps per snapshot.
    pub speed: usize,
    /// Trainer status.
    pub status: Status,
    /// The loaded data.
    pub info: Option<DataInfo>,
    /// Name of the setup the worker loaded last (its models are the ones shown).
    pub loaded: String,
    /// The spec's model.
    pub regularized: History,
    /// The base model (what-if comparison).
    pub base: Option<History>,
    /// Why the link in the address bar could not be read, or the edited spec is invalid.
    pub notice: Option<String>,
    /// Counts the setups the worker loaded (each needs the probe sent again).
    pub generation: usize,
    /// The perturbation the adversary panel shows.
    pub probe: ProbeSettings,
    /// That perturbation measured on each model.
    pub probes: Vec<(Variant, ProbeResult)>,
    /// Robustness curves measured (or being measured) on the loaded models.
    pub robustness: Option<RobustnessProgress>,
    /// Earlier drawings, most recent last (undo).
    pub undo: Vec<DrawnGraph>,
    /// Undone drawings, most recent last (redo).
    pub redo: Vec<DrawnGraph>,
    /// The explorer's graph.
    pub explorer: Option<Rc<OpenedGraph>>,
    /// The worker is reading files or laying a graph out.
    pub explorer_busy: bool,
    /// Why the last file set or sampling failed.
    pub explorer_error: Option<String>,
    /// The sampling built in the explorer (in the URL).
    pub sampling: SamplingSetup,
    /// The last sampled subgraphs.
    pub sample: Option<Rc<SampleView>>,
    /// The graph node being inspected.
    pub inspected: Option<u32>,
    /// What each model showed of it last.
    pub inspection: Vec<(Variant, NodeInspection)>,
    /// The regularized model's neighbor terms of the inspected node over training:
    /// `(step, term per neighbor)`.
    pub inspection_history: Vec<(usize, Vec<f32>)>,
}

/// Drawings kept for undo.
pub const UNDO_DEPTH: usize = 200;

impl State {
    /// A page opened on `spec`.
    pub fn new(
        spec: ExperimentSpec,
        hidden: BTreeSet<Section>,
        backend_choice: BackendChoice,
        speed: usize,
    ) -> Self {
        let mut remembered = Remembered::default();
        remembered.note(&spec.regularization);
        Self {
            spec,
            remembered,
            hidden,
            reveal: false,
            classroom_open: false,
            backend_choice,
            backend: None,
            speed,
            status: Status::Loading,
            info: None,
            loaded: String::new(),
            regularized: History::default(),
            base: None,
            notice: None,
            generation: 0,
            probe: ProbeSettings::default(),
            probes: Vec::new(),
            robustness: None,
            undo: Vec::new(),
            redo: Vec::new(),
            explorer: None,
            explorer_busy: false,
            explorer_error: None,
            sampling: SamplingSetup::default(),
            sample: None,
            inspected: None,
            inspection: Vec::new(),
            inspection_history: Vec::new(),
        }
    }

    /// Replaces the drawing the spec trains on (undo and redo), keeping everything else.
    fn set_drawing(&mut self, drawing: DrawnGraph) {
        if let nsl::spec::DataSpec::Graph { graph: nsl::data::graphs::GraphSource::Drawn(d) } =
            &mut self.spec.data
        {
            *d = drawing;
        }
    }

    /// Each model's predicted class and its probability for the inspected node.
    pub fn node_predictions(&self) -> Vec<(Variant, u32, f32)> {
        let Some(node) = self.inspected.map(|n| n as usize) else { return Vec::new() };
        let of = |variant: Variant, history: &History| {
            let nodes = history.latest.as_ref()?.nodes.as_ref()?;
            Some((variant, *nodes.classes.get(node)?, *nodes.confidence.get(node)?))
        };
        let base = self.base.as_ref().and_then(|b| of(Variant::Base, b));
        base.into_iter().chain(of(Variant::Regularized, &self.regularized)).collect()
    }

    /// The inspection of `variant`, if any.
    pub fn inspection_of(&self, variant: Variant) -> Option<NodeInspection> {
        self.inspection.iter().find(|(v, _)| *v == variant).map(|(_, i)| i.clone())
    }

    /// The probe measured on `variant`, if any.
    pub fn probe_of(&self, variant: Variant) -> Option<ProbeResult> {
        self.probes.iter().find(|(v, _)| *v == variant).map(|(_, p)| p.clone())
    }

    /// The probe the worker should measure for the loaded data (`None` for graphs and models
    /// trained over a whole graph, which take no row perturbations).
    pub fn probe_spec(&self) -> Option<ProbeSpec> {
        if crate::worker::engine::full_batch(&self.spec) {
            return None;
        }
        self.probe.spec(self.info.as_ref()?, self.spec.data.input_range())
    }

    /// Whether a section's controls are shown.
    pub fn shows(&self, section: Section) -> bool {
        self.reveal || !self.hidden.contains(&section)
    }
}

/// Everything that can change the state.
#[derive(Debug, Clone, PartialEq)]
pub enum Action {
    /// A control changed the spec.
    Edit(Edit),
    /// A link was opened (the address bar's hash changed): its setup and lesson.
    Open(crate::link::Link),
    /// The worker said something.
    Worker(Event),
    /// The speed control moved.
    Speed(usize),
    /// The user picked a backend.
    Backend(BackendChoice),
    /// A section is hidden (`true`) or shown in lesson links.
    Hide(Section, bool),
    /// Show every control despite the lesson.
    Reveal(bool),
    /// Open or close the classroom panel.
    Classroom(bool),
    /// Something to tell the user (or `None` to clear it).
    Notice(Option<String>),
    /// The adversary panel's perturbation changed.
    Probe(ProbeEdit),
    /// Back to the drawing before the last change.
    Undo,
    /// Forward to the drawing an undo went back from.
    Redo,
    /// The explorer asked the worker to open a graph.
    Opening,
    /// The sampling builder changed.
    Sampling(SamplingEdit),
    /// Inspect a graph node (or none).
    Inspect(Option<u32>),
}

impl Reducible for State {
    type Action = Action;

    fn reduce(self: Rc<Self>, action: Action) -> Rc<Self> {
        let mut next = (*self).clone();
        match action {
            Action::Edit(edit) => {
                if let (Edit::Drawing(_), Some(drawing)) = (&edit, drawing_of(&next.spec)) {
                    if next.undo.len() == UNDO_DEPTH {
                        next.undo.remove(0);
                    }
                    next.undo.push(drawing.clone());
                    next.redo.clear();
                }
                next.remembered.note(&next.spec.regularization);
                let spec = apply(&next.spec, &edit, &next.remembered);
                match spec.validate() {
                    Ok(()) => {
                        // Another data set: the inspected node was a node of the old one.
                        if spec.data != next.spec.data && !matches!(edit, Edit::Drawing(_)) {
                            next.inspected = None;
                            next.inspection.clear();
                            next.inspection_history.clear();
                        }
                        next.spec = spec;
                        next.notice = None;
                    }
                    Err(e) => next.notice = Some(e.to_string()),
                }
            }
            Action::Open(link) => {
                next.remembered.note(&link.spec.regularization);
                next.spec = link.spec;
                next.hidden = link.hidden;
                next.sampling = link.sampling.unwrap_or_default();
                next.reveal = false;
                next.notice = None;
            }
            Action::Worker(event) => next.on_event(event),
            Action::Speed(speed) => next.speed = speed,
            Action::Backend(choice) => next.backend_choice = choice,
            Action::Hide(section, hide) => {
                if hide {
                    next.hidden.insert(section);
                } else {
                    next.hidden.remove(&section);
                }
            }
            Action::Reveal(on) => next.reveal = on,
            Action::Classroom(open) => next.classroom_open = open,
            Action::Notice(notice) => next.notice = notice,
            Action::Probe(edit) => next.probe = next.probe.apply(&edit),
            Action::Opening => {
                next.explorer_busy = true;
                next.explorer_error = None;
            }
            Action::Sampling(edit) => next.sampling = next.sampling.apply(&edit),
            Action::Inspect(node) => {
                if node != next.inspected {
                    next.inspected = node;
                    next.inspection.clear();
                    next.inspection_history.clear();
                }
            }
            Action::Undo => {
                if let (Some(previous), Some(now)) = (next.undo.pop(), drawing_of(&next.spec).cloned()) {
                    next.redo.push(now);
                    next.set_drawing(previous);
                }
            }
            Action::Redo => {
                if let (Some(later), Some(now)) = (next.redo.pop(), drawing_of(&next.spec).cloned()) {
                    next.undo.push(now);
                    next.set_drawing(later);
                }
            }
        }
        Rc::new(next)
    }
}

impl State {
    fn on_event(&mut self, event: Event) {
        match event {
            Event::Backend(info) => self.backend = Some(info),
            Event::Ready { info, spec } => {
                self.info = Some(info);
                self.loaded = spec.name;
                self.regularized = History::default();
                self.base = self.spec.compare_with_base.then(History::default);
                self.status = Status::Idle;
                self.generation += 1;
                self.probes.clear();
                self.robustness = None;
                self.inspection.clear();
                self.inspection_history.clear();
            }
            Event::Updated(spec) => {
                // Epochs may have changed: the run now ends elsewhere.
                if let Some(info) = &mut self.info {
                    info.total_steps = info.steps_per_epoch * spec.epochs;
                }
                if self.status == Status::Stopped(Stop::Finished)
                    && self.step() < self.info.as_ref().map_or(0, |i| i.total_steps)
                {
                    self.status = Status::Paused;
                }
            }
            Event::Progress(snapshots) => {
                for (variant, progress) in snapshots {
                    match variant {
                        Variant::Regularized => self.regularized.record(progress),
                        Variant::Base => self.base.get_or_insert_with(History::default).record(progress),
                    }
                }
            }
            Event::Running => self.status = Status::Running,
            Event::Paused => {
                if self.status == Status::Running {
                    self.status = Status::Paused;
                }
            }
            Event::Stopped(stop) => self.status = Status::Stopped(stop),
            Event::Probed(probes) => self.probes = probes,
            Event::Robustness(progress) => self.robustness = Some(progress),
            Event::GraphOpened(Ok(graph)) => {
                self.explorer = Some(Rc::new(graph));
                self.explorer_busy = false;
                self.explorer_error = None;
                self.sample = None;
            }
            Event::GraphOpened(Err(e)) => {
                self.explorer_busy = false;
                self.explorer_error = Some(e);
            }
            Event::Sampled(Ok(sample)) => {
                self.sample = Some(Rc::new(sample));
                self.explorer_error = None;
            }
            Event::Sampled(Err(e)) => self.explorer_error = Some(e),
            Event::Inspected { step, models } => {
                // A late answer about a node no longer inspected is dropped.
                if !models.iter().any(|(_, i)| Some(i.node as u32) == self.inspected) {
                    return;
                }
                if let Some((_, regularized)) = models.iter().find(|(v, _)| *v == Variant::Regularized)
                    && self.inspection_history.last().is_none_or(|(s, _)| *s != step)
                {
                    let terms = regularized.neighbors.iter().map(|n| n.term).collect();
                    push_thinned(&mut self.inspection_history, MAX_POINTS / 4, (step, terms));
                }
                self.inspection = models;
            }
            // Saved by the app as it arrives (a side effect, not state).
            Event::GraphExport { .. } => {}
        }
    }

    /// Optimizer steps done.
    pub fn step(&self) -> usize {
        self.regularized.latest.as_ref().map_or(0, |p| p.step)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::presets::opening;
    use nsl::session::BurstLosses;

    fn progress(step: usize, total: f32) -> Progress {
        Progress {
            step,
            epoch: step as f64 / 20.0,
            losses: Some(BurstLosses {
                total,
                supervised: total,
                graph: None,
                adversarial: None,
                virtual_adversarial: None,
            }),
            train_acc: 0.5,
            test_acc: 0.5,
            attacked_acc: None,
            classes: 2,
            confusion: vec![1, 0, 0, 1],
            heatmap: None,
            samples: Vec::new(),
            nodes: None,
        }
    }

    fn ready(state: Rc<State>) -> Rc<State> {
        let info = DataInfo {
            class_names: vec!["a".into(), "b".into()],
            train_rows: 10,
            test_rows: 10,
            steps_per_epoch: 1,
            total_steps: 40,
            view: crate::protocol::DataView::Points { train: Vec::new(), test: Vec::new() },
        };
        state.reduce(Action::Worker(Event::Ready { spec: opening(), info }))
    }

    #[test]
    fn progress_builds_curves_and_a_new_setup_clears_them() {
        let state = ready(Rc::new(State::new(opening(), BTreeSet::new(), BackendChoice::Auto, 10)));
        assert_eq!(state.status, Status::Idle);
        assert!(state.base.is_some(), "the opening compares with the base model");
        let state = state.reduce(Action::Worker(Event::Running));
        let state = state.reduce(Action::Worker(Event::Progress(vec![
            (Variant::Base, progress(10, 0.6)),
            (Variant::Regularized, progress(10, 0.7)),
        ])));
        assert_eq!((state.step(), state.regularized.points.len()), (10, 1));
        assert_eq!(state.base.as_ref().unwrap().points[0].total, 0.6);
        let state = state.reduce(Action::Worker(Event::Paused));
        assert_eq!(state.status, Status::Paused);
        let mut longer = opening();
        longer.epochs = 80;
        let state = state.reduce(Action::Worker(Event::Updated(longer)));
        assert_eq!(state.info.as_ref().unwrap().total_steps, 80, "one step per epoch in this setup");
        let state = state.reduce(Action::Worker(Event::Robustness(RobustnessProgress {
            total: 28,
            ..Default::default()
        })));
        assert!(state.robustness.is_some() && state.probe_spec().is_some_and(|p| p.rows.len() == 10));
        let state = state.reduce(Action::Probe(ProbeEdit::Epsilon(0.25)));
        assert_eq!(state.probe_spec().unwrap().neighbor.adv_step_size, 0.25);
        // Digits are clipped to [0, 1] whether or not the FGSM evaluation is on.
        let mut digits = State::new(
            crate::presets::preset(crate::presets::Family::Digits, 0),
            BTreeSet::new(),
            BackendChoice::Auto,
            10,
        );
        digits.spec.evaluation.fgsm = None;
        digits.info = state
            .info
            .clone()
            .map(|i| DataInfo { view: crate::protocol::DataView::Digits { images: Vec::new() }, ..i });
        assert_eq!(digits.probe_spec().unwrap().neighbor.clip_value_max, Some(1.0));
        let generation = state.generation;
        let state = ready(state);
        assert!(state.regularized.points.is_empty() && state.step() == 0);
        assert!(
            state.robustness.is_none() && state.generation == generation + 1,
            "new models, new measurements"
        );
    }

    #[test]
    fn drawing_edits_undo_and_redo() {
        use crate::drawing::DrawingEdit;
        let drawn = crate::presets::preset(crate::presets::Family::Drawn, 0);
        let start = drawing_of(&drawn).unwrap().clone();
        let state = Rc::new(State::new(drawn, BTreeSet::new(), BackendChoice::Auto, 10));
        let state = state.reduce(Action::Edit(Edit::Drawing(DrawingEdit::AddNode { x: 0.5, y: 0.9 })));
        let state = state.reduce(Action::Edit(Edit::Drawing(DrawingEdit::Connect { a: 8, b: 0 })));
        let drawn_now = drawing_of(&state.spec).unwrap().clone();
        assert_eq!((drawn_now.nodes.len(), drawn_now.edges.len()), (9, start.edges.len() + 1));
        let state = state.reduce(Action::Undo).reduce(Action::Undo);
        assert_eq!(drawing_of(&state.spec), Some(&start));
        let state = state.reduce(Action::Undo);
        assert_eq!(drawing_of(&state.spec), Some(&start), "nothing more to undo");
        let state = state.reduce(Action::Redo).reduce(Action::Redo);
        assert_eq!(drawing_of(&state.spec), Some(&drawn_now));
        let state = state.reduce(Action::Undo).reduce(Action::Edit(Edit::Drawing(DrawingEdit::Clear)));
        assert!(state.redo.is_empty(), "a new edit forgets what was undone");
        let state = state.reduce(Action::Inspect(Some(3)));
        let state = state.reduce(Action::Edit(Edit::Drawing(DrawingEdit::AddNode { x: 0.1, y: 0.1 })));
        assert_eq!(state.inspected, Some(3), "editing the drawing keeps the inspected node");
        let state = state.reduce(Action::Edit(Edit::Family(crate::presets::Family::Karate)));
        assert_eq!(state.inspected, None, "another data set forgets it");
    }

    #[test]
    fn curves_are_thinned_but_keep_the_first_loss() {
        let mut history = History::default();
        for step in 0..MAX_POINTS + 10 {
            history.record(progress(step, 1.0 / (step + 1) as f32));
        }
        assert!(history.points.len() <= MAX_POINTS && history.points.len() > MAX_POINTS / 2);
        assert_eq!(history.first_loss, Some(1.0));
        assert_eq!(history.points.last().unwrap().step, MAX_POINTS + 9);
    }

    #[test]
    fn invalid_edits_are_refused_with_a_notice_and_lessons_hide_sections() {
        let state = Rc::new(State::new(opening(), [Section::Data].into(), BackendChoice::Auto, 10));
        assert!(!state.shows(Section::Data) && state.shows(Section::Model));
        let state = state.reduce(Action::Edit(Edit::LearningRate(0.0)));
        assert!(state.notice.as_deref().unwrap_or_default().contains("learning_rate"));
        assert_eq!(state.spec, opening(), "the invalid value is not taken");
        let state = state.reduce(Action::Reveal(true));
        assert!(state.shows(Section::Data));
        let state = state.reduce(Action::Hide(Section::Model, true));
        assert_eq!(state.hidden, [Section::Data, Section::Model].into());
    }
}
