//! The page's state and its reducer: the single source of truth of the UI. Pure: no DOM, no
//! async. Components render it and dispatch [`Action`]s; the app turns state changes into
//! worker commands.
//!
//! The state is split by what each part is about — the page around the setup, the training the
//! worker reports, the adversary cards, the drawing's undo history, the explorer, the inspected
//! node — and everything large in it is [`Shared`]: the reducer copies the state on every worker
//! event, and components receive pointers, not copies.

mod history;
mod lesson;

use std::collections::BTreeSet;
use std::rc::Rc;

use nsl::session::inspect::NodeInspection;
use nsl::session::probe::{ProbeResult, ProbeSpec};
use nsl::spec::ExperimentSpec;
use nsl::spec::drawn::DrawnGraph;
use yew::Reducible;

pub use crate::lesson::view::{LessonAction, LessonView, replay};
pub use history::{History, InsideViews, MAX_POINTS, Point, push_thinned};

use crate::adversary::{ProbeEdit, ProbeSettings};
use crate::edit::{Edit, Remembered, apply, drawing_of};
use crate::link::Section;
use crate::protocol::{
    BackendChoice, BackendInfo, DataInfo, Event, OpenedGraph, RobustnessProgress, SampleView, Stop, Variant,
};
use crate::sampling::{SamplingEdit, SamplingSetup};
use crate::shared::Shared;

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

/// The page around the setup: what a lesson link hides, the open panels, the backend, the
/// speed and what the page has to tell.
#[derive(Debug, Clone, PartialEq)]
pub struct Page {
    /// Controls hidden by a lesson link.
    pub hidden: BTreeSet<Section>,
    /// The learner asked to see hidden controls anyway.
    pub reveal: bool,
    /// The classroom panel (choose what a lesson hides) is open.
    pub classroom_open: bool,
    /// The lesson index is open.
    pub lessons_open: bool,
    /// Counts the lesson steps entered that start from fresh models (the app resets the
    /// trainer each time it grows).
    pub fresh_models: usize,
    /// The backend asked for.
    pub backend_choice: BackendChoice,
    /// The backend in use (after the worker's probe).
    pub backend: Option<BackendInfo>,
    /// Steps per snapshot.
    pub speed: usize,
    /// What a press on the plane does (the learner's own points).
    pub point_tool: crate::plane_points::PointTool,
    /// The test digit whose feature maps a CNN shows.
    pub digit: usize,
    /// Why the link in the address bar could not be read, or the edited spec is invalid.
    pub notice: Option<String>,
    /// Training workers lost so far: each loss starts the next one.
    pub workers_lost: usize,
    /// Workers lost since one last loaded a setup (two in a row: the setup is not the cause
    /// that can be undone, the opening scene is loaded instead).
    pub lost_in_a_row: usize,
}

/// What the worker trains and has reported.
#[derive(Debug, Clone, PartialEq)]
pub struct Training {
    /// Trainer status.
    pub status: Status,
    /// The loaded data.
    pub info: Option<Shared<DataInfo>>,
    /// The spec the worker trains, as it last confirmed it (loaded or applied).
    pub trained: Option<Shared<ExperimentSpec>>,
    /// The spec's model.
    pub regularized: History,
    /// The base model (what-if comparison).
    pub base: Option<History>,
    /// Counts the setups the worker loaded.
    pub generation: usize,
    /// How far the graph being built from the rows is (`None` when none is being built).
    pub building: Option<nsl::data::synthesized::BuildStep>,
}

/// The adversary and robustness cards.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Adversary {
    /// The perturbation the adversary panel shows.
    pub probe: ProbeSettings,
    /// That perturbation measured on each model.
    pub probes: Shared<Vec<(Variant, ProbeResult)>>,
    /// Robustness curves measured (or being measured) on the loaded models.
    pub robustness: Option<Shared<RobustnessProgress>>,
}

/// Earlier and undone drawings (the editor's undo and redo).
#[derive(Debug, Clone, PartialEq, Default)]
pub struct DrawingHistory {
    /// Earlier drawings, most recent last (undo).
    pub undo: Shared<Vec<DrawnGraph>>,
    /// Undone drawings, most recent last (redo).
    pub redo: Shared<Vec<DrawnGraph>>,
}

/// The graph explorer.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct ExplorerState {
    /// The explorer's graph.
    pub graph: Option<Rc<OpenedGraph>>,
    /// The worker is reading files or laying a graph out.
    pub busy: bool,
    /// Why the last file set or sampling failed.
    pub error: Option<String>,
    /// The sampling built in the explorer (in the URL).
    pub sampling: SamplingSetup,
    /// The last sampled subgraphs.
    pub sample: Option<Rc<SampleView>>,
    /// The sampling they were drawn with.
    pub sampled_with: Option<SamplingSetup>,
}

/// The graph node being inspected.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Inspector {
    /// The node.
    pub node: Option<u32>,
    /// What each model showed of it last.
    pub models: Shared<Vec<(Variant, NodeInspection)>>,
    /// The regularized model's neighbor terms of the node over training: `(step, term per
    /// neighbor)`.
    pub history: Shared<Vec<(usize, Vec<f32>)>>,
}

impl Inspector {
    /// Forgets what was measured (another node, or new models).
    fn clear(&mut self) {
        self.models = Shared::default();
        self.history = Shared::default();
    }
}

/// Everything the page shows.
#[derive(Debug, Clone, PartialEq)]
pub struct State {
    /// The setup as edited (what the URL carries and the worker trains).
    pub spec: Shared<ExperimentSpec>,
    /// Last settings of regularizers that are off.
    pub remembered: Remembered,
    /// The page around the setup.
    pub page: Page,
    /// What the worker trains and has reported.
    pub training: Training,
    /// The adversary and robustness cards.
    pub adversary: Adversary,
    /// The drawing's undo and redo.
    pub drawing: DrawingHistory,
    /// The graph explorer.
    pub explorer: ExplorerState,
    /// The inspected graph node.
    pub inspector: Inspector,
    /// The lesson being followed.
    pub lesson: Option<LessonView>,
    /// What the learner has done in each lesson (kept in the browser).
    pub progress: crate::lesson::progress::Progress,
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
            spec: Shared::new(spec),
            remembered,
            page: Page {
                hidden,
                reveal: false,
                classroom_open: false,
                lessons_open: false,
                fresh_models: 0,
                backend_choice,
                backend: None,
                speed,
                point_tool: Default::default(),
                digit: 0,
                notice: None,
                workers_lost: 0,
                lost_in_a_row: 0,
            },
            training: Training {
                status: Status::Loading,
                info: None,
                trained: None,
                regularized: History::default(),
                base: None,
                generation: 0,
                building: None,
            },
            adversary: Adversary::default(),
            drawing: DrawingHistory::default(),
            explorer: ExplorerState::default(),
            inspector: Inspector::default(),
            lesson: None,
            progress: Default::default(),
        }
    }

    /// Replaces the drawing the spec trains on (undo and redo), keeping everything else.
    fn set_drawing(&mut self, drawing: DrawnGraph) {
        self.spec.update(|spec| {
            if let nsl::spec::DataSpec::Graph { graph: nsl::spec::GraphSource::Drawn(d) } = &mut spec.data {
                *d = drawing;
            }
        });
    }

    /// Each model's predicted class and its probability for the inspected node.
    pub fn node_predictions(&self) -> Vec<(Variant, u32, f32)> {
        let Some(node) = self.inspector.node.map(|n| n as usize) else { return Vec::new() };
        let of = |variant: Variant, history: &History| {
            let nodes = history.latest.as_ref()?.nodes.as_ref()?;
            Some((variant, *nodes.classes.get(node)?, *nodes.confidence.get(node)?))
        };
        let base = self.training.base.as_ref().and_then(|b| of(Variant::Base, b));
        base.into_iter().chain(of(Variant::Regularized, &self.training.regularized)).collect()
    }

    /// The inspection of `variant`, if any.
    pub fn inspection_of(&self, variant: Variant) -> Option<NodeInspection> {
        self.inspector.models.iter().find(|(v, _)| *v == variant).map(|(_, i)| i.clone())
    }

    /// The probe measured on `variant`, if any.
    pub fn probe_of(&self, variant: Variant) -> Option<ProbeResult> {
        self.adversary.probes.iter().find(|(v, _)| *v == variant).map(|(_, p)| p.clone())
    }

    /// The probe the worker should measure for the loaded data (`None` for graphs and models
    /// trained over a whole graph, which take no row perturbations).
    pub fn probe_spec(&self) -> Option<ProbeSpec> {
        if self.spec.plan().reads_whole_graph() {
            return None;
        }
        self.adversary.probe.spec(self.training.info.as_deref()?, self.spec.data.input_range())
    }

    /// Whether the worker trains the setup as edited (it has loaded or applied the last edit).
    pub fn synced(&self) -> bool {
        self.training.status != Status::Loading
            && self.training.trained.as_ref().is_some_and(|t| **t == *self.spec)
    }

    /// Name of the setup the worker trains (its models are the ones shown; empty before one is
    /// loaded).
    pub fn loaded(&self) -> &str {
        self.training.trained.as_ref().map_or("", |spec| spec.name.as_str())
    }

    /// Whether a section's controls are shown.
    pub fn shows(&self, section: Section) -> bool {
        self.page.reveal || !self.page.hidden.contains(&section)
    }

    /// Optimizer steps done.
    pub fn step(&self) -> usize {
        self.training.regularized.step()
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
    OpeningGraph,
    /// The sampling builder changed.
    Sampling(SamplingEdit),
    /// Inspect a graph node (or none).
    Inspect(Option<u32>),
    /// The training worker is gone (why, in words): the app starts another on the setup the
    /// state then holds.
    WorkerLost(String),
    /// Something about the guided lesson.
    Lesson(LessonAction),
    /// Another point tool.
    PointTool(crate::plane_points::PointTool),
    /// Another test digit to see inside a CNN.
    ShowDigit(usize),
}

impl Reducible for State {
    type Action = Action;

    fn reduce(self: Rc<Self>, action: Action) -> Rc<Self> {
        // Cheap: every large part is shared, not copied.
        let mut next = (*self).clone();
        match action {
            Action::Edit(edit) => next.on_edit(edit),
            Action::Open(link) => {
                // A setup's link leaves the lesson.
                next.lesson = None;
                next.remembered.note(&link.spec.regularization);
                next.spec = Shared::new(link.spec);
                next.page.hidden = link.hidden;
                next.explorer.sampling = link.sampling.unwrap_or_default();
                next.page.reveal = false;
                next.page.notice = None;
            }
            Action::Worker(event) => next.on_event(event),
            Action::Speed(speed) => next.page.speed = speed,
            Action::Backend(choice) => next.page.backend_choice = choice,
            Action::Hide(section, hide) => {
                if hide {
                    next.page.hidden.insert(section);
                } else {
                    next.page.hidden.remove(&section);
                }
            }
            Action::Reveal(on) => next.page.reveal = on,
            Action::Classroom(open) => next.page.classroom_open = open,
            Action::Notice(notice) => next.page.notice = notice,
            Action::Probe(edit) => next.adversary.probe = next.adversary.probe.apply(&edit),
            Action::OpeningGraph => {
                next.explorer.busy = true;
                next.explorer.error = None;
            }
            Action::Sampling(edit) => next.explorer.sampling = next.explorer.sampling.apply(&edit),
            Action::Inspect(node) => {
                if node != next.inspector.node {
                    next.inspector.node = node;
                    next.inspector.clear();
                }
            }
            Action::WorkerLost(why) => next.on_worker_lost(&why),
            Action::Lesson(action) => next.on_lesson(action),
            Action::PointTool(tool) => next.page.point_tool = tool,
            Action::ShowDigit(digit) => next.page.digit = digit,
            Action::Undo => {
                if let (Some(previous), Some(now)) =
                    (next.drawing.undo.last().cloned(), drawing_of(&next.spec).cloned())
                {
                    next.drawing.undo.update(|undo| {
                        undo.pop();
                    });
                    next.drawing.redo.update(|redo| redo.push(now));
                    next.set_drawing(previous);
                }
            }
            Action::Redo => {
                if let (Some(later), Some(now)) =
                    (next.drawing.redo.last().cloned(), drawing_of(&next.spec).cloned())
                {
                    next.drawing.redo.update(|redo| {
                        redo.pop();
                    });
                    next.drawing.undo.update(|undo| undo.push(now));
                    next.set_drawing(later);
                }
            }
        }
        next.evaluate_lesson();
        Rc::new(next)
    }
}

impl State {
    fn on_edit(&mut self, edit: Edit) {
        if let (Edit::Drawing(_), Some(drawing)) = (&edit, drawing_of(&self.spec)) {
            let drawing = drawing.clone();
            self.drawing.undo.update(|undo| {
                if undo.len() == UNDO_DEPTH {
                    undo.remove(0);
                }
                undo.push(drawing);
            });
            self.drawing.redo = Shared::default();
        }
        self.remembered.note(&self.spec.regularization);
        let spec = apply(&self.spec, &edit, &self.remembered);
        match spec.validate() {
            Ok(()) => {
                // Another data set: the inspected node was a node of the old one.
                if spec.data != self.spec.data && !matches!(edit, Edit::Drawing(_)) {
                    self.inspector.node = None;
                    self.inspector.clear();
                }
                self.spec = Shared::new(spec);
                self.page.notice = None;
            }
            Err(e) => self.page.notice = Some(e.to_string()),
        }
    }

    /// What the page keeps when the worker dies: the drawing, the lesson view and every
    /// control stay; the setup is the last one the worker trained (a change it had not applied
    /// may be what killed it), or the opening scene when even that failed to load again.
    fn on_worker_lost(&mut self, why: &str) {
        self.page.workers_lost += 1;
        self.page.lost_in_a_row += 1;
        let trained = self.training.trained.take();
        let (setup, spec) = match trained {
            _ if self.page.lost_in_a_row > 1 => {
                ("it failed again on the same setup, so the opening setup is loaded", None)
            }
            Some(trained) if *trained != *self.spec => {
                ("your last change, which it had not applied yet, was undone", Some(trained))
            }
            Some(_) => ("it has the setup you were training", None),
            // It never loaded this setup: try once more.
            None => ("it loads the setup again", None),
        };
        if self.page.lost_in_a_row > 1 {
            self.spec = Shared::new(crate::presets::opening_scene());
            self.remembered.note(&self.spec.regularization);
        } else if let Some(spec) = spec {
            self.spec = spec;
        }
        self.training.status = Status::Loading;
        self.adversary.robustness = None;
        self.page.notice = Some(format!(
            "The trainer stopped: {why}. A new one has started and {setup}; the models start again from step 0."
        ));
    }

    fn on_event(&mut self, event: Event) {
        let training = &mut self.training;
        match event {
            Event::Backend(info) => self.page.backend = Some(info),
            Event::SecondWorker => {
                if let Some(info) = &mut training.info {
                    info.update(|info| info.second_worker = true);
                }
            }
            Event::Building(step) => training.building = Some(step),
            Event::Ready { info, spec } => {
                training.building = None;
                training.info = Some(Shared::new(*info));
                training.regularized = History::default();
                training.base = spec.compares_with_base().then(History::default);
                training.trained = Some(Shared::new(spec));
                training.status = Status::Idle;
                training.generation += 1;
                self.page.lost_in_a_row = 0;
                if let Some(view) = &mut self.lesson
                    && view.fresh_pending
                {
                    // The step's own models: what it counts from.
                    view.fresh_pending = false;
                    view.entered = training.generation;
                }
                // New models: what was measured on the old ones is gone (the worker keeps the
                // probe and the inspected node and measures them on the new models).
                self.adversary.probes = Shared::default();
                self.adversary.robustness = None;
                self.inspector.clear();
            }
            Event::Updated(spec) => {
                // Epochs may have changed: the run now ends elsewhere.
                if let Some(info) = &mut training.info {
                    info.update(|info| info.total_steps = info.steps_per_epoch * spec.epochs);
                }
                let total = training.info.as_ref().map_or(0, |i| i.total_steps);
                if training.status == Status::Stopped(Stop::Finished) && training.regularized.step() < total {
                    training.status = Status::Paused;
                }
                training.trained = Some(Shared::new(spec));
            }
            Event::Progress(snapshots) => {
                for (variant, progress) in snapshots {
                    match variant {
                        Variant::Regularized => training.regularized.record(progress),
                        Variant::Base => training.base.get_or_insert_with(History::default).record(progress),
                    }
                }
            }
            Event::Running => training.status = Status::Running,
            Event::Paused => {
                if training.status == Status::Running {
                    training.status = Status::Paused;
                }
            }
            Event::Stopped(stop) => {
                training.building = None;
                training.status = Status::Stopped(stop);
            }
            Event::Probed(probes) => self.adversary.probes = Shared::new(probes),
            Event::Robustness(progress) => self.adversary.robustness = Some(Shared::new(progress)),
            Event::GraphOpened(Ok(graph)) => {
                self.explorer.graph = Some(Rc::new(graph));
                self.explorer.busy = false;
                self.explorer.error = None;
                self.explorer.sample = None;
            }
            Event::GraphOpened(Err(e)) => {
                self.explorer.busy = false;
                self.explorer.error = Some(e);
            }
            Event::Sampled(Ok(sample)) => {
                self.explorer.sample = Some(Rc::new(sample));
                self.explorer.sampled_with = Some(self.explorer.sampling.clone());
                self.explorer.error = None;
            }
            Event::Sampled(Err(e)) => self.explorer.error = Some(e),
            Event::Inspected { step, models } => {
                // A late answer about a node no longer inspected is dropped.
                if !models.iter().any(|(_, i)| Some(i.node as u32) == self.inspector.node) {
                    return;
                }
                if let Some((_, regularized)) = models.iter().find(|(v, _)| *v == Variant::Regularized)
                    && self.inspector.history.last().is_none_or(|(s, _)| *s != step)
                {
                    let terms = regularized.neighbors.iter().map(|n| n.term).collect();
                    self.inspector.history.update(|h| push_thinned(h, MAX_POINTS / 4, (step, terms)));
                }
                self.inspector.models = Shared::new(models);
            }
            // Handled by the app as they arrive: a file to save, the watchdog's answer and a
            // crash (which the app turns into [`Action::WorkerLost`]).
            Event::GraphExport { .. } | Event::Alive(_) | Event::Crashed(_) => {}
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::presets::opening_scene;
    use nsl::session::{BurstLosses, Progress};

    pub(super) fn progress(step: usize, total: f32) -> Progress {
        Progress {
            step,
            epoch: step as f64 / 20.0,
            evaluated: true,
            losses: Some(BurstLosses {
                total,
                supervised: total,
                graph: None,
                adversarial: None,
                virtual_adversarial: None,
                dgi: None,
            }),
            train_acc: 0.5,
            test_acc: 0.5,
            attacked_acc: None,
            classes: 2,
            confusion: vec![1, 0, 0, 1],
            heatmap: None,
            samples: Vec::new(),
            nodes: None,
            network: None,
            digit_views: None,
            embeddings: None,
            batch: None,
            step_seconds: None,
            links: None,
            graphs: None,
            dgi_acc: None,
        }
    }

    /// Two classes of points, 40 steps.
    pub(super) fn points_info() -> DataInfo {
        DataInfo {
            class_names: vec!["a".into(), "b".into()],
            train_rows: 10,
            test_rows: 10,
            steps_per_epoch: 1,
            total_steps: 40,
            view: crate::protocol::DataView::Points { train: Vec::new(), test: Vec::new() },
            built: None,
            rounds: None,
            second_worker: false,
        }
    }

    fn ready(state: Rc<State>) -> Rc<State> {
        state.reduce(Action::Worker(Event::Ready { spec: opening_scene(), info: Box::new(points_info()) }))
    }

    #[test]
    fn progress_builds_curves_and_a_new_setup_clears_them() {
        let fresh = Rc::new(State::new(opening_scene(), BTreeSet::new(), BackendChoice::Auto, 10));
        assert!(!fresh.synced(), "nothing is loaded yet");
        let state = ready(fresh);
        assert_eq!(state.training.status, Status::Idle);
        assert!(state.synced(), "the worker loaded the setup as edited");
        let edited = state.clone().reduce(Action::Edit(Edit::LearningRate(0.01)));
        assert!(!edited.synced(), "an edit the worker has not confirmed");
        let confirmed = (*edited.spec).clone();
        assert!(edited.reduce(Action::Worker(Event::Updated(confirmed))).synced());
        assert!(state.training.base.is_some(), "the opening compares with the base model");
        let state = state.reduce(Action::Worker(Event::Running));
        let state = state.reduce(Action::Worker(Event::Progress(vec![
            (Variant::Base, progress(10, 0.6)),
            (Variant::Regularized, progress(10, 0.7)),
        ])));
        assert_eq!((state.step(), state.training.regularized.points.len()), (10, 1));
        assert_eq!(state.training.base.as_ref().unwrap().points[0].total, 0.6);
        let state = state.reduce(Action::Worker(Event::Paused));
        assert_eq!(state.training.status, Status::Paused);
        let mut longer = opening_scene();
        longer.epochs = 80;
        let state = state.reduce(Action::Worker(Event::Updated(longer)));
        assert_eq!(state.training.info.as_ref().unwrap().total_steps, 80, "one step per epoch in this setup");
        let state = state.reduce(Action::Worker(Event::Robustness(RobustnessProgress {
            total: 28,
            ..Default::default()
        })));
        assert!(
            state.adversary.robustness.is_some() && state.probe_spec().is_some_and(|p| p.rows.len() == 10)
        );
        let state = state.reduce(Action::Probe(ProbeEdit::Epsilon(0.25)));
        assert_eq!(state.probe_spec().unwrap().neighbor.adv_step_size, 0.25);
        // Digits are clipped to [0, 1] whether or not the FGSM evaluation is on.
        let mut digits = State::new(
            crate::presets::preset(crate::presets::Family::Digits, 0),
            BTreeSet::new(),
            BackendChoice::Auto,
            10,
        );
        digits.spec.update(|s| s.evaluation.fgsm = None);
        digits.training.info = state.training.info.as_ref().map(|i| {
            Shared::new(DataInfo {
                view: crate::protocol::DataView::Digits { images: Vec::new() },
                ..(**i).clone()
            })
        });
        assert_eq!(digits.probe_spec().unwrap().neighbor.clip_value_max, Some(1.0));
        let generation = state.training.generation;
        let state = ready(state);
        assert!(state.training.regularized.points.is_empty() && state.step() == 0);
        assert!(
            state.adversary.robustness.is_none() && state.training.generation == generation + 1,
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
        assert!(state.drawing.redo.is_empty(), "a new edit forgets what was undone");
        let state = state.reduce(Action::Inspect(Some(3)));
        let state = state.reduce(Action::Edit(Edit::Drawing(DrawingEdit::AddNode { x: 0.1, y: 0.1 })));
        assert_eq!(state.inspector.node, Some(3), "editing the drawing keeps the inspected node");
        let state = state.reduce(Action::Edit(Edit::Family(crate::presets::Family::Karate)));
        assert_eq!(state.inspector.node, None, "another data set forgets it");
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
    fn the_views_inside_a_model_stay_until_new_ones_come() {
        use nsl::session::digit_views::DigitViews;
        let mut history = History::default();
        let views = DigitViews::FirstLayer {
            side: 2,
            units: 1,
            weights: vec![0.5, -0.5, 0.25, 0.0],
            changes: vec![0.0; 4],
        };
        history.record(Progress { digit_views: Some(views.clone()), ..progress(10, 1.0) });
        let shown = history.inside.digits.clone().unwrap();
        history.record(progress(20, 0.9));
        assert_eq!(history.latest.as_ref().unwrap().step, 20);
        assert_eq!(history.latest.as_ref().unwrap().digit_views, None, "taken out of the snapshot");
        assert_eq!(
            history.inside.digits.clone(),
            Some(shown.clone()),
            "the same views, not a copy: nothing to redraw"
        );
        assert_eq!(*shown, views);
        let newer =
            DigitViews::FirstLayer { side: 2, units: 1, weights: vec![0.0; 4], changes: vec![0.1; 4] };
        history.record(Progress { digit_views: Some(newer.clone()), ..progress(30, 0.8) });
        assert_eq!(history.inside.digits.as_deref(), Some(&newer));
        assert_eq!(History::default().inside, InsideViews::default(), "a new model starts without them");
    }

    #[test]
    fn invalid_edits_are_refused_with_a_notice_and_lessons_hide_sections() {
        let state = Rc::new(State::new(opening_scene(), [Section::Data].into(), BackendChoice::Auto, 10));
        assert!(!state.shows(Section::Data) && state.shows(Section::Model));
        let state = state.reduce(Action::Edit(Edit::LearningRate(0.0)));
        assert!(state.page.notice.as_deref().unwrap_or_default().contains("learning_rate"));
        assert_eq!(*state.spec, opening_scene(), "the invalid value is not taken");
        let state = state.reduce(Action::Reveal(true));
        assert!(state.shows(Section::Data));
        let state = state.reduce(Action::Hide(Section::Model, true));
        assert_eq!(state.page.hidden, [Section::Data, Section::Model].into());
    }

    #[test]
    fn a_lost_worker_keeps_the_drawing_and_lesson_and_undoes_what_it_had_not_applied() {
        use crate::drawing::DrawingEdit;
        let drawn = crate::presets::preset(crate::presets::Family::Drawn, 0);
        let state = Rc::new(State::new(drawn.clone(), [Section::Data].into(), BackendChoice::Auto, 10));
        let info = points_info();
        let state = state.reduce(Action::Edit(Edit::Drawing(DrawingEdit::AddNode { x: 0.5, y: 0.9 })));
        let trained = (*state.spec).clone();
        let state = state
            .reduce(Action::Worker(Event::Ready { spec: trained.clone(), info: Box::new(info.clone()) }));
        let state = state.reduce(Action::Worker(Event::Running));

        // Lost while training the setup as edited: everything stays.
        let lost = state.clone().reduce(Action::WorkerLost("it panicked (capacity overflow)".into()));
        assert_eq!(*lost.spec, trained, "the drawing with its new node stays");
        assert_eq!(lost.drawing, state.drawing, "and its undo history");
        assert!(!lost.shows(Section::Data), "the lesson view stays");
        assert_eq!((lost.page.workers_lost, lost.training.status.key()), (1, "loading"));
        let notice = lost.page.notice.clone().unwrap();
        assert!(
            notice.contains("capacity overflow") && notice.contains("the setup you were training"),
            "{notice}"
        );

        // Lost on a change it had not applied: that change is undone.
        let edited = state.reduce(Action::Edit(Edit::LearningRate(0.5)));
        let lost = edited.reduce(Action::WorkerLost("it stopped answering".into()));
        assert_eq!(*lost.spec, trained);
        assert!(lost.page.notice.clone().unwrap().contains("was undone"));

        // Lost again before the new one loaded anything: the opening scene.
        let again = lost.clone().reduce(Action::WorkerLost("it stopped answering".into()));
        assert_eq!(*again.spec, opening_scene());
        assert_eq!(again.page.workers_lost, 2);
        // A loaded setup ends the run of losses.
        let loaded =
            lost.reduce(Action::Worker(Event::Ready { spec: trained.clone(), info: Box::new(info) }));
        assert_eq!(loaded.page.lost_in_a_row, 0);
        assert_eq!(*loaded.reduce(Action::WorkerLost("x".into())).spec, trained);
    }

    /// A worker event copies pointers, not data: what it does not change stays the same value.
    #[test]
    fn worker_events_share_what_they_do_not_change() {
        let state = ready(Rc::new(State::new(opening_scene(), BTreeSet::new(), BackendChoice::Auto, 10)));
        let progress = Event::Progress(vec![(Variant::Regularized, progress(1, 0.5))]);
        let next = state.clone().reduce(Action::Worker(progress));
        assert_eq!(next.training.info, state.training.info, "the data view is shared, not copied");
        assert_eq!((&next.spec, &next.drawing), (&state.spec, &state.drawing));
        assert_eq!(next.training.base, state.training.base, "the base model's curves did not change");
        assert_ne!(next.training.regularized.points, state.training.regularized.points);
        assert_eq!(next.training.regularized.points.len(), 1);
    }
}
