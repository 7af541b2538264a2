//! The root component: the reducer, the worker bridge, the URL hash and local settings. State
//! changes become worker commands here; components only render and dispatch.

use std::cell::{Cell, RefCell};
use std::collections::BTreeSet;
use std::rc::Rc;

use wasm_bindgen::JsCast;
use wasm_bindgen::closure::Closure;
use yew::prelude::*;

use crate::bridge::TrainerBridge;
use crate::components::adversary::AdversaryPanel;
use crate::components::charts::{Chart, ChartKind};
use crate::components::classroom::ClassroomPanel;
use crate::components::controls::{
    DataControls, EvaluationControls, ModelControls, OptimizerControls, RegularizationControls,
};
use crate::components::data_view::DataViewCanvas;
use crate::components::digit_views::DigitViewsPanel;
use crate::components::downloads::Downloads;
use crate::components::embeddings_view::EmbeddingsView;
use crate::components::explorer::GraphExplorer;
use crate::components::graph_editor::GraphEditor;
use crate::components::graph_grid::GraphGrid;
use crate::components::header::Header;
use crate::components::lesson::LessonPanel;
use crate::components::lesson_index::LessonIndex;
use crate::components::link_prediction::LinkView;
use crate::components::metrics::{Confusion, WhatIf};
use crate::components::network_view::NetworkView;
use crate::components::node_inspector::NodeInspector;
use crate::components::point_tools::PointTools;
use crate::components::robustness::RobustnessPanel;
use crate::components::sampled_training::SampledCost;
use crate::components::toolbar::Toolbar;
use crate::components::typed_graph::TypedGraph;
use crate::edit::{Edit, drawing_of};
use crate::lesson::address::{self, Address, Request, Source};
use crate::lesson::{Lesson, builtin};
use crate::link::{self, Link, Section};
use crate::protocol::{BackendChoice, Command, Event, GraphInput, Variant};
use crate::sampling::SamplingSetup;
use crate::shared::Shared;
use crate::state::{Action, LessonAction, State};
use crate::watchdog::{PING_EVERY_MS, Verdict, Watchdog};
use crate::worker::DEFAULT_SPEED;
use crate::{download, presets, storage};
use nsl::spec::{ModelSpec, PlaneFeature};

/// The page's address without its hash.
fn page_url() -> String {
    let href = web_sys::window().and_then(|w| w.location().href().ok()).unwrap_or_default();
    href.split('#').next().unwrap_or_default().to_string()
}

/// Where the page's bundled assets are served (the page's directory).
fn assets_url() -> String {
    let page = page_url();
    match page.rfind('/') {
        Some(i) => page[..=i].to_string(),
        None => page,
    }
}

/// Whether the page's address asks for one training worker (`?workers=1`): the what-if pair
/// then trains in it one model after the other, as on a one-core machine — to compare.
fn one_worker_asked() -> bool {
    let search = web_sys::window().and_then(|w| w.location().search().ok()).unwrap_or_default();
    search.trim_start_matches('?').split('&').any(|pair| pair == "workers=1")
}

fn current_hash() -> String {
    web_sys::window().and_then(|w| w.location().hash().ok()).unwrap_or_default()
}

/// The lesson an address names, read and checked.
fn resolve_lesson(address: &Address) -> Result<Rc<Lesson>, String> {
    match &address.source {
        Source::Builtin(id) => {
            builtin::find(id).ok_or_else(|| format!("There is no built-in lesson “{id}”."))
        }
        Source::File { name, text } => {
            crate::lesson::parse(name, text).map(Rc::new).map_err(|e| e.to_string())
        }
    }
}

/// What a lesson hash (`#lesson=…`, `#lesson-file=…`, `#lessons`) asks the page to do.
fn lesson_action(hash: &str) -> Result<LessonAction, String> {
    match address::decode(hash)? {
        Request::Index => Ok(LessonAction::Index(true)),
        Request::Lesson(address) => Ok(LessonAction::Open {
            lesson: resolve_lesson(&address)?,
            source: address.source,
            step: address.step,
            present: address.present,
        }),
    }
}

/// The state a visit opens with: the link in the address bar (a setup or a lesson), else the
/// last setup, else the opening scene.
fn initial_state() -> State {
    let backend = storage::backend();
    let speed = storage::speed().unwrap_or(DEFAULT_SPEED);
    let hash = current_hash();
    let progress = storage::lessons();
    if address::is_lesson_hash(&hash) {
        let mut state = State::new(presets::opening_scene(), BTreeSet::new(), backend, speed);
        state.progress = progress;
        return match lesson_action(&hash) {
            Ok(action) => Rc::unwrap_or_clone(Rc::new(state).reduce(Action::Lesson(action))),
            Err(e) => {
                state.page.notice = Some(format!("{e} — opened the default setup instead."));
                state
            }
        };
    }
    let (link, notice) = if hash.len() > 1 {
        match link::decode(&hash) {
            Ok(link) => (Some(link), None),
            Err(e) => (None, Some(format!("{e} — opened the default setup instead."))),
        }
    } else {
        (storage::setup().and_then(|h| link::decode(&h).ok()), None)
    };
    let link = link.unwrap_or_else(|| Link {
        spec: presets::opening_scene(),
        hidden: BTreeSet::new(),
        sampling: None,
    });
    let mut state = State::new(link.spec, link.hidden, backend, speed);
    state.explorer.sampling = link.sampling.unwrap_or_default();
    state.page.notice = notice;
    state.progress = progress;
    state
}

/// The hash of the lesson step on screen (`None` without a lesson, or in free play).
fn lesson_hash(state: &State) -> Option<String> {
    let view = state.lesson.as_ref().filter(|v| v.away.is_none())?;
    Some(address::encode(&Address { source: view.source.clone(), step: view.step, present: view.present }))
}

type Bridge = Rc<RefCell<Option<TrainerBridge>>>;

/// How long a worker's failure waits for the worker's own report of a panic (ms).
const FAILURE_GRACE_MS: u32 = 500;

/// Scrolls the page as little as it takes to show the first element matching `selector`
/// (`scrollIntoView({ block: "nearest" })`, called through `js_sys`: web-sys' options type would
/// add a feature, and with it a second build of burn's web crates).
fn bring_into_view(selector: &str) {
    use wasm_bindgen::JsCast;
    let document = web_sys::window().and_then(|w| w.document());
    let Some(element) = document.and_then(|d| d.query_selector(selector).ok().flatten()) else { return };
    let options = js_sys::Object::new();
    let _ = js_sys::Reflect::set(&options, &"block".into(), &"nearest".into());
    if let Ok(scroll) = js_sys::Reflect::get(&element, &"scrollIntoView".into())
        .and_then(|f| f.dyn_into::<js_sys::Function>())
    {
        let _ = scroll.call1(&element, &options);
    }
}

fn now_ms() -> f64 {
    js_sys::Date::now()
}

/// The page's side of its one training worker: the bridge, the watch over it and what a new
/// worker must be told again.
#[derive(Clone)]
struct Trainer {
    bridge: Bridge,
    watchdog: Rc<RefCell<Watchdog>>,
    /// Counts the workers started: events from an earlier one are dropped.
    started: Rc<Cell<usize>>,
    /// The last graph files the explorer opened and the last sampling asked for (a new worker
    /// gets them again: the learner does not pick the files twice).
    reopen: Rc<RefCell<(Option<Command>, Option<Command>)>>,
}

impl Trainer {
    fn new() -> Self {
        Self {
            bridge: Rc::new(RefCell::new(None)),
            watchdog: Rc::new(RefCell::new(Watchdog::new())),
            started: Rc::new(Cell::new(0)),
            reopen: Rc::new(RefCell::new((None, None))),
        }
    }

    /// Sends a command to the worker in use (every command of the page leaves here).
    fn send(&self, command: Command) {
        match &command {
            // Another graph: the sample remembered was of the one before (its roots may not exist).
            Command::OpenGraph(_) => *self.reopen.borrow_mut() = (Some(command.clone()), None),
            Command::Sample(_) => self.reopen.borrow_mut().1 = Some(command.clone()),
            _ => {}
        }
        if let Some(bridge) = self.bridge.borrow().as_ref() {
            bridge.send(&command);
        }
    }

    /// Starts a worker (terminating the one before, whatever became of it) and tells it the
    /// page's setup.
    fn start(&self, state: &State, dispatch: UseReducerDispatcher<State>) {
        let life = self.started.get() + 1;
        self.started.set(life);
        *self.watchdog.borrow_mut() = Watchdog::new();
        // The one before goes first: a stuck worker must not keep a core while the new one loads.
        self.bridge.borrow_mut().take();
        let (started, watchdog) = (self.started.clone(), self.watchdog.clone());
        let on_event = {
            let dispatch = dispatch.clone();
            move |event: Event| {
                if started.get() != life {
                    return;
                }
                watchdog.borrow_mut().heard(match event {
                    Event::Alive(n) => Some(n),
                    _ => None,
                });
                match event {
                    // A file to save: saved as it arrives.
                    Event::GraphExport { name, text } => {
                        if let Err(e) = download::download(&name, "text/plain", text.as_bytes()) {
                            dispatch.dispatch(Action::Notice(Some(e)));
                        }
                    }
                    Event::Alive(_) => {}
                    Event::Crashed(message) => {
                        dispatch.dispatch(Action::WorkerLost(format!("it panicked ({message})")));
                    }
                    event => dispatch.dispatch(Action::Worker(event)),
                }
            }
        };
        let on_failure = {
            let (started, dispatch) = (self.started.clone(), dispatch.clone());
            move |what: String| {
                // A panic is reported by the worker before its module traps: the report, which
                // says more, comes first and has already replaced this worker.
                let (started, dispatch) = (started.clone(), dispatch.clone());
                gloo_timers::callback::Timeout::new(FAILURE_GRACE_MS, move || {
                    if started.get() == life {
                        dispatch.dispatch(Action::WorkerLost(format!("it failed ({what})")));
                    }
                })
                .forget();
            }
        };
        let url = format!("{}{}", assets_url(), crate::WORKER_LOADER);
        let worker = match TrainerBridge::spawn(&url, on_event, on_failure) {
            Ok(worker) => worker,
            Err(why) => {
                dispatch.dispatch(Action::Notice(Some(why)));
                return;
            }
        };
        worker.send(&Command::Speed(state.page.speed));
        if one_worker_asked() {
            worker.send(&Command::SecondWorker(false));
        }
        if state.page.backend_choice != BackendChoice::Auto {
            worker.send(&Command::Backend(state.page.backend_choice));
        }
        // Files before the setup (it may train on the graph they hold); the current data's
        // graph after it.
        let (opened, sample) = self.reopen.borrow().clone();
        let files_first = matches!(opened, Some(Command::OpenGraph(GraphInput::Files(_))));
        let load = Command::Load { spec: (*state.spec).clone(), assets: assets_url() };
        let order = if files_first { [opened, Some(load)] } else { [Some(load), opened] };
        for command in order.into_iter().flatten().chain(sample) {
            worker.send(&command);
        }
        *self.bridge.borrow_mut() = Some(worker);
    }

    /// Pings the worker, or reports it gone.
    fn watch(&self, dispatch: &UseReducerDispatcher<State>) {
        let verdict = self.watchdog.borrow_mut().check(now_ms());
        match verdict {
            Verdict::Wait => {}
            Verdict::Ping(n) => self.send(Command::Ping(n)),
            Verdict::Gone(ms) => dispatch.dispatch(Action::WorkerLost(format!(
                "it stopped answering for {:.0} s (out of memory, or stuck)",
                ms / 1000.0
            ))),
        }
    }
}

/// The page.
#[function_component(App)]
pub fn app() -> Html {
    let state = use_reducer(initial_state);
    let lessons = use_memo((), |()| builtin::all());
    let trainer = use_memo((), |()| Trainer::new());
    let loaded_spec = use_mut_ref(|| None::<Shared<nsl::spec::ExperimentSpec>>);

    // The worker: at the start, and again each time one is lost. It answers into the reducer.
    {
        let (trainer, dispatch, state, loaded_spec) =
            (trainer.clone(), state.dispatcher(), state.clone(), loaded_spec.clone());
        use_effect_with(state.page.workers_lost, move |_| {
            trainer.start(&state, dispatch);
            *loaded_spec.borrow_mut() = Some(state.spec.clone());
        });
    }
    // The watch over it.
    {
        let (trainer, dispatch) = (trainer.clone(), state.dispatcher());
        use_effect_with((), move |()| {
            let interval = gloo_timers::callback::Interval::new(PING_EVERY_MS as u32, move || {
                trainer.watch(&dispatch);
            });
            move || drop(interval)
        });
    }
    // Every later setup change goes to the worker, which applies it in place or starts over.
    {
        let (trainer, loaded_spec) = (trainer.clone(), loaded_spec.clone());
        use_effect_with(state.spec.clone(), move |spec| {
            let mut loaded = loaded_spec.borrow_mut();
            if loaded.as_ref().is_some_and(|l| **l != **spec) {
                trainer.send(Command::Update((**spec).clone()));
                *loaded = Some(spec.clone());
            }
        });
    }
    // A lesson step with a setup starts from fresh models (after the setup's change above).
    {
        let trainer = trainer.clone();
        let seen = use_mut_ref(|| state.page.fresh_models);
        use_effect_with(state.page.fresh_models, move |fresh| {
            if *seen.borrow() != *fresh {
                *seen.borrow_mut() = *fresh;
                trainer.send(Command::Reset);
            }
        });
    }
    // The panel a lesson step points at comes into view (the least scroll that shows it) when
    // the step changes, and when its models are made: a panel drawn from them appears then.
    {
        let target = state.highlight().map(|p| p.selector());
        let step = state.lesson.as_ref().map(|v| v.step);
        use_effect_with((target, step, state.training.generation), |(target, ..)| {
            if let Some(selector) = target {
                bring_into_view(selector);
            }
        });
    }
    // The adversary panel's perturbation goes to the worker when it changes; the worker keeps
    // it (and measures it again) across new models.
    {
        let trainer = trainer.clone();
        let loaded = state.training.generation > 0;
        use_effect_with((loaded, state.probe_spec(), state.page.workers_lost), move |(loaded, probe, _)| {
            if *loaded {
                trainer.send(Command::Probe(probe.clone()));
            }
        });
    }
    // The inspected graph node likewise.
    {
        let trainer = trainer.clone();
        let graph = matches!(
            state.training.info.as_ref().map(|i| &i.view),
            Some(crate::protocol::DataView::Graph { .. })
        );
        let loaded = state.training.generation > 0;
        use_effect_with(
            (loaded, state.inspector.node, graph, state.page.workers_lost),
            move |(loaded, node, graph, _)| {
                if *loaded {
                    trainer.send(Command::InspectNode(node.filter(|_| *graph)));
                }
            },
        );
    }
    // The digit shown inside a CNN likewise.
    {
        let trainer = trainer.clone();
        let loaded = state.training.generation > 0;
        use_effect_with((loaded, state.page.digit, state.page.workers_lost), move |(loaded, digit, _)| {
            if *loaded {
                trainer.send(Command::ShowDigit(*digit));
            }
        });
    }
    // The address bar and local storage follow the setup (or the lesson step on screen).
    {
        use_effect_with(
            (
                state.spec.clone(),
                state.page.hidden.clone(),
                state.explorer.sampling.clone(),
                lesson_hash(&state),
            ),
            move |(spec, hidden, sampling, lesson)| {
                let sampling = (*sampling != SamplingSetup::default()).then(|| sampling.clone());
                let setup = link::encode(&Link { spec: (**spec).clone(), hidden: hidden.clone(), sampling });
                let hash = lesson.clone().unwrap_or_else(|| setup.clone());
                if let Some(history) = web_sys::window().and_then(|w| w.history().ok()) {
                    // replaceState: every knob move would otherwise be a history entry.
                    let _ = history.replace_state_with_url(
                        &wasm_bindgen::JsValue::NULL,
                        "",
                        Some(&format!("#{hash}")),
                    );
                }
                if lesson.is_none() {
                    storage::save_setup(&setup);
                }
            },
        );
    }
    // Lesson progress is kept in the browser.
    use_effect_with(state.progress.clone(), storage::save_lessons);
    // A hash typed or pasted into the address bar opens that setup.
    {
        let dispatch = state.dispatcher();
        use_effect_with((), move |()| {
            let listener = Closure::<dyn Fn()>::new(move || {
                let hash = current_hash();
                let action = if address::is_lesson_hash(&hash) {
                    lesson_action(&hash).map(Action::Lesson)
                } else {
                    link::decode(&hash).map(Action::Open)
                };
                dispatch.dispatch(action.unwrap_or_else(|e| Action::Notice(Some(e))));
            });
            let window = web_sys::window();
            if let Some(w) = &window {
                let _ = w.add_event_listener_with_callback("hashchange", listener.as_ref().unchecked_ref());
            }
            move || {
                if let Some(w) = window {
                    let _ = w
                        .remove_event_listener_with_callback("hashchange", listener.as_ref().unchecked_ref());
                }
            }
        });
    }

    let dispatch = {
        let dispatcher = state.dispatcher();
        Callback::from(move |action: Action| dispatcher.dispatch(action))
    };
    let on_edit = dispatch.reform(Action::Edit);
    let on_command = {
        let trainer = trainer.clone();
        Callback::from(move |command: Command| trainer.send(command))
    };
    let on_speed = {
        let (trainer, dispatch) = (trainer.clone(), state.dispatcher());
        Callback::from(move |speed: usize| {
            storage::save_speed(speed);
            dispatch.dispatch(Action::Speed(speed));
            trainer.send(Command::Speed(speed));
        })
    };
    let on_backend = {
        let (trainer, dispatch) = (trainer.clone(), state.dispatcher());
        Callback::from(move |choice: BackendChoice| {
            storage::save_backend(choice);
            dispatch.dispatch(Action::Backend(choice));
            trainer.send(Command::Backend(choice));
        })
    };
    let on_results = {
        let (state, dispatch) = (state.clone(), state.dispatcher());
        Callback::from(move |()| {
            let name = format!("{}-results.csv", download::stem(&state.spec));
            if let Err(e) = download::download(&name, "text/csv", download::results_csv(&state).as_bytes()) {
                dispatch.dispatch(Action::Notice(Some(e)));
            }
        })
    };
    let on_error = dispatch.reform(|e: String| Action::Notice(Some(e)));
    let lesson_link = format!(
        "{}#{}",
        page_url(),
        link::encode(&Link {
            spec: (*state.spec).clone(),
            hidden: state.page.hidden.clone(),
            sampling: None
        })
    );

    let s = &*state;
    let latest = s.training.regularized.latest.clone();
    let base_name = AttrValue::from(s.spec.base_label());
    let predicts_links = s.spec.plan() == nsl::spec::Plan::LinkPrediction;
    let last_loss = s.training.regularized.points.last().map(|p| p.total);
    let controls = |section: Section, html: Html| if s.shows(section) { html } else { Html::default() };
    // A classroom link's banner (a guided lesson says what it shows itself).
    let lesson = s.lesson.is_none() && !s.page.hidden.is_empty() && !s.page.reveal;
    let on_lesson = dispatch.reform(Action::Lesson);
    let highlight = s.highlight().map(|p| p.key());
    let present = s.lesson.as_ref().is_some_and(|v| v.present && v.away.is_none());
    let lesson_panel = s.lesson.as_ref().map(|view| {
        let task_checks = view.current().task.as_ref().map(|t| t.checks.as_slice()).unwrap_or_default();
        let live = s.live(task_checks);
        let checks: Vec<(String, bool)> =
            task_checks.iter().map(|c| (c.describe(s.spec.base_label()), c.holds(&live))).collect();
        // The learners' link: this step, without the presenter view.
        let address = Address { source: view.source.clone(), step: view.step, present: false };
        let step_link = format!("{}#{}", page_url(), address::encode(&address));
        html! {
            <LessonPanel view={view.clone()} done={s.progress.of(&view.lesson.id).done} checks={checks}
                step_link={AttrValue::from(step_link)} on_lesson={on_lesson.clone()} />
        }
    });
    let probing = s.probe_spec().is_some();
    let on_points = Some(on_edit.reform(Edit::OwnPoints));
    let inside = &s.training.regularized.inside;
    let robustness_settings = s.spec.evaluation.robustness.unwrap_or_default();
    html! {
        <div class={classes!("app", present.then_some("presenter"), s.lesson.as_ref().filter(|v| v.away.is_none()).map(|_| "has-lesson"))}
            data-highlight={highlight.map(AttrValue::from)}>
            <Header backend={s.page.backend.clone()} choice={s.page.backend_choice} show_switch={s.shows(Section::Backend)}
                second_worker={s.training.info.as_ref().is_some_and(|i| i.second_worker)}
                on_backend={on_backend} on_classroom={dispatch.reform(|()| Action::Classroom(true))}
                on_lessons={on_lesson.reform(|()| LessonAction::Index(true))} />
            if s.page.lessons_open {
                <LessonIndex lessons={lessons.clone()} progress={s.progress.clone()} on_lesson={on_lesson.clone()}
                    on_error={on_error.clone()} />
            }
            if s.page.classroom_open {
                <ClassroomPanel hidden={s.page.hidden.clone()} link={lesson_link}
                    on_hide={dispatch.reform(|(section, hide)| Action::Hide(section, hide))}
                    on_close={dispatch.reform(|()| Action::Classroom(false))} />
            }
            if let Some(notice) = &s.page.notice {
                <div class="notice" role="alert" id="notice">
                    { notice.clone() }
                    <button onclick={dispatch.reform(|_| Action::Notice(None))} aria-label="Dismiss">{ "×" }</button>
                </div>
            }
            if lesson {
                <div class="lesson" id="lesson-banner">
                    { "Lesson view: your teacher chose the controls shown here. " }
                    <button onclick={dispatch.reform(|_| Action::Reveal(true))}>{ "Show all controls" }</button>
                </div>
            }
            <div class="workspace">
            { lesson_panel.unwrap_or_default() }
            <div class="tool">
            <Toolbar status={s.training.status.clone()} step={s.step()} epoch={latest.as_ref().map_or(0.0, |p| p.epoch)}
                total_steps={s.training.info.as_ref().map_or(0, |i| i.total_steps)} speed={s.page.speed}
                on_command={on_command.clone()} on_speed={on_speed} loaded={AttrValue::from(s.loaded().to_string())} losses={(s.training.regularized.first_loss, last_loss)}
                synced={s.synced()} />
            <main class="layout">
                <div class="column">
                    { controls(Section::Data, html! { <DataControls spec={s.spec.clone()} on_edit={on_edit.clone()} built={s.training.info.as_ref().and_then(|i| i.built.clone())} building={s.training.building} /> }) }
                    if s.spec.data.is_plane() {
                        { controls(Section::Data, html! { <PointTools data={s.spec.data.clone()} tool={s.page.point_tool}
                            on_tool={dispatch.reform(Action::PointTool)} on_edit={on_edit.clone()} /> }) }
                    }
                    { controls(Section::Model, html! { <ModelControls spec={s.spec.clone()} on_edit={on_edit.clone()} /> }) }
                    { controls(Section::Optimizer, html! { <OptimizerControls spec={s.spec.clone()} on_edit={on_edit.clone()} /> }) }
                </div>
                <div class="column">
                    { controls(Section::Regularization, html! { <RegularizationControls spec={s.spec.clone()} on_edit={on_edit.clone()} /> }) }
                    { controls(Section::Evaluation, html! { <EvaluationControls spec={s.spec.clone()} on_edit={on_edit.clone()} /> }) }
                    { controls(Section::Export, html! { <Downloads spec={s.spec.clone()} on_results={on_results} on_error={on_error.clone()} /> }) }
                </div>
                <div class="column output">
                    if let Some(drawing) = drawing_of(&s.spec) {
                        <GraphEditor drawing={drawing.clone()} predictions={latest.as_ref().and_then(|p| p.nodes.clone())}
                            can_undo={!s.drawing.undo.is_empty()} can_redo={!s.drawing.redo.is_empty()}
                            on_edit={on_edit.reform(Edit::Drawing)} on_undo={dispatch.reform(|()| Action::Undo)}
                            on_redo={dispatch.reform(|()| Action::Redo)}
                            on_select={dispatch.reform(|node: usize| Action::Inspect(Some(node as u32)))} />
                    }
                    if let Some((info, graphs)) = s.training.info.as_ref().and_then(|i| match &i.view {
                        crate::protocol::DataView::Graphs { graphs } => Some((i, Rc::<[crate::protocol::SmallGraph]>::from(graphs.as_slice()))),
                        _ => None,
                    }) {
                        <GraphGrid graphs={graphs} class_names={info.class_names.clone()} progress={latest.clone()} spec={s.spec.clone()} />
                    } else if let Some(info) = s.training.info.as_ref().filter(|i| matches!(i.view, crate::protocol::DataView::Typed(_))) {
                        <TypedGraph info={info.clone()} predictions={latest.as_ref().and_then(|p| p.nodes.clone())} />
                    } else if let Some(info) = &s.training.info {
                        <div class="views">
                            if let Some(base) = &s.training.base {
                                <DataViewCanvas info={info.clone()} progress={base.latest.clone()} id="base-canvas" title={base_name.clone()}
                                probe={s.probe_of(Variant::Base)} inspection={s.inspection_of(Variant::Base)}
                                tool={s.page.point_tool} on_points={on_points.clone()}
                                on_node={dispatch.reform(|n: u32| Action::Inspect(Some(n)))} />
                            }
                            <DataViewCanvas info={info.clone()} progress={latest.clone()} id="data-canvas" probe={s.probe_of(Variant::Regularized)}
                                tool={s.page.point_tool} on_points={on_points.clone()}
                                inspection={s.inspection_of(Variant::Regularized)} on_node={dispatch.reform(|n: u32| Action::Inspect(Some(n)))}
                                title={AttrValue::from(if s.training.base.is_some() { format!("{} model", s.spec.variant_name()) } else { "model".to_string() })} />
                        </div>
                    }
                    if let (Some(network), ModelSpec::Mlp { inputs, activation, .. }) = (&inside.network, &s.spec.model) {
                        <NetworkView network={network.clone()} activation={AttrValue::from(format!("{activation:?}").to_lowercase())}
                            points={s.training.info.as_ref().and_then(|i| match &i.view {
                                crate::protocol::DataView::Points { train, .. } => Some(Rc::from(train.as_slice())),
                                _ => None,
                            })}
                            inputs={PlaneFeature::read(inputs.as_deref()).iter().map(|f| f.label()).collect::<Vec<_>>()} />
                    }
                    if let (Some(layers), Some(info)) = (&inside.embeddings, &s.training.info) {
                        <EmbeddingsView layers={layers.clone()} info={info.clone()} node={s.inspector.node} />
                    }
                    if let (Some(views), Some(info)) = (&inside.digits, &s.training.info) {
                        <DigitViewsPanel views={views.clone()} info={info.clone()} digit={s.page.digit}
                            on_digit={dispatch.reform(Action::ShowDigit)} />
                    }
                    <Chart kind={ChartKind::Loss} regularized={s.training.regularized.clone()} base={s.training.base.clone()} base_name={base_name.clone()} />
                    <Chart kind={if predicts_links { ChartKind::Auc } else { ChartKind::Accuracy }} regularized={s.training.regularized.clone()} base={s.training.base.clone()} base_name={base_name.clone()} />
                    if predicts_links {
                        <LinkView progress={latest.clone()} />
                    } else if let (true, Some(info)) = (s.spec.samples_subgraphs(), &s.training.info) {
                        <SampledCost full={s.training.base.as_ref().and_then(|b| b.latest.clone())} sampled={latest.clone()}
                            steps_per_epoch={info.steps_per_epoch} />
                    } else if s.training.base.is_some() {
                        <WhatIf base={s.training.base.as_ref().and_then(|b| b.latest.clone())} regularized={latest.clone()}
                            variant={AttrValue::from(s.spec.variant_name())} epsilon={s.spec.evaluation.fgsm.map(|f| f.epsilon)}
                            difference={if s.spec.trains_dgi_beside() { "Deep Graph Infomax beside" } else { "regularization" }} />
                    }
                    if let (Some(info), Some(p)) = (&s.training.info, &latest) {
                        <Confusion class_names={if p.links.is_some() { vec!["non-edge".to_string(), "edge".to_string()] } else { info.class_names.clone() }}
                            progress={p.clone()} />
                    }
                    if let Some(info) = s.training.info.as_ref().filter(|i| !predicts_links && matches!(i.view, crate::protocol::DataView::Graph { .. })) {
                        <NodeInspector info={info.clone()} node={s.inspector.node} inspection={s.inspector.models.clone()}
                            history={s.inspector.history.clone()} predictions={s.node_predictions()}
                            variant_name={AttrValue::from(s.spec.variant_name())} base_name={base_name.clone()} on_node={dispatch.reform(Action::Inspect)} />
                    }
                    if let (Some(info), true) = (&s.training.info, probing) {
                        <AdversaryPanel settings={s.adversary.probe.clone()} probes={s.adversary.probes.clone()} info={info.clone()}
                            variant_name={AttrValue::from(s.spec.variant_name())} on_edit={dispatch.reform(Action::Probe)} />
                        <RobustnessPanel settings={robustness_settings} progress={s.adversary.robustness.clone()}
                            variant_name={AttrValue::from(s.spec.variant_name())} stem={AttrValue::from(download::stem(&s.spec))}
                            step={s.step()} on_run={on_command.reform(|()| Command::Robustness)}
                            on_edit={on_edit.clone()} on_error={on_error.clone()} />
                    }
                </div>
            </main>
            <div class="wide">
                <GraphExplorer graph={s.explorer.graph.clone()} busy={s.explorer.busy} error={s.explorer.error.clone()}
                    sampling={s.explorer.sampling.clone()} sample={s.explorer.sample.clone()} data_is_graph={s.spec.data.is_graph() || matches!(s.spec.data, nsl::spec::DataSpec::Mag(_))}
                    on_command={on_command.clone()} on_opening={dispatch.reform(|()| Action::OpeningGraph)}
                    on_sampling={dispatch.reform(Action::Sampling)} on_edit={on_edit.clone()} />
            </div>
            </div>
            </div>
        </div>
    }
}
