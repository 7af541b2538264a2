//! The training worker: a dedicated Web Worker that owns the device and the sessions, takes
//! [`Command`]s from the page and streams [`Event`]s back. One async task handles commands in
//! order and, while playing, trains bursts of steps for up to two frames' time and ends each
//! tick with one snapshot read-back. Its
//! measurements besides training (probe, inspected node, robustness curves) are in `measure.rs`,
//! the graph explorer's commands in `graphs.rs`. The base model of a what-if pair may train
//! in a second worker, the twin (`twin`), beside this one.

pub mod data;
mod device;
pub mod engine;
pub mod explorer;
mod graphs;
mod measure;
mod next_task;
mod timing;
pub mod twin;

use std::cell::RefCell;
use std::rc::Rc;

use futures::StreamExt;
use futures::channel::mpsc::{TryRecvError, UnboundedReceiver, unbounded};
use nsl::NslError;
use nsl::burn::tensor::Device;
use nsl::data::synthesized::BuildStep;
use nsl::session::SnapshotOptions;
use nsl::session::heatmap::Grid;
use nsl::spec::ExperimentSpec;

use crate::protocol::{BackendChoice, BackendInfo, Command, Event, StepTimes, Stop};
use crate::wire::{self, FromWorker};
use engine::{Elsewhere, Engine, RobustnessJob};
use explorer::ExplorerGraph;
use nsl::session::probe::ProbeSpec;
use nsl::spec::Variant;
use twin::link::Twin;
use twin::{FromTwin, ToTwin};

/// Runs the trainer in this worker: commands posted by the page go to the runtime task, in
/// order; what the runtime says is posted back. Then tells the page it listens (what the page
/// posted before was held there).
pub fn listen() {
    use wasm_bindgen::JsCast;
    use wasm_bindgen::closure::Closure;
    let scope: web_sys::DedicatedWorkerGlobalScope = js_sys::global().unchecked_into();
    if scope.name() == twin::NAME {
        return twin::base::listen(scope);
    }
    let (inbox, commands) = unbounded::<Command>();
    let send: Reply = {
        let scope = scope.clone();
        Rc::new(move |event: Event| {
            let _ = scope.post_message(&wire::encode(&FromWorker::Event(Box::new(event))));
        })
    };
    report_panics(send.clone());
    let on_message =
        Closure::<dyn FnMut(web_sys::MessageEvent)>::new(move |message: web_sys::MessageEvent| {
            let data = message.data();
            if twin::link::arrived(&data) {
                return;
            }
            match wire::decode(&data) {
                Command::TwinFailed { twin, reason } => twin::link::failed(twin, reason),
                // The runtime lives as long as the worker: the channel is never closed.
                command => {
                    let _ = inbox.unbounded_send(command);
                }
            }
        });
    scope.set_onmessage(Some(on_message.as_ref().unchecked_ref()));
    // The handler lives as long as the worker.
    on_message.forget();
    wasm_bindgen_futures::spawn_local(Runtime::new(send).run(commands));
    let _ = scope.post_message(&wire::encode(&FromWorker::Listening));
}

/// How the runtime answers the page.
type Reply = Rc<dyn Fn(Event)>;

thread_local! {
    /// Where events from outside the runtime task go — a panic's report, the steps of a graph
    /// build (synchronous code that holds no reply) —: the page; set once the worker exists.
    static PAGE: RefCell<Option<Reply>> = const { RefCell::new(None) };
    /// When the page last heard of a graph build's progress (ms since the epoch).
    static BUILD_STEP_SENT: std::cell::Cell<f64> = const { std::cell::Cell::new(0.0) };
}

/// Least time between two reports of a build's progress.
const BUILD_STEP_INTERVAL_MS: f64 = 50.0;

/// Posts `event` to the page from outside the runtime task (`try_borrow`: a panic while the
/// page was being set must not panic again).
fn post_outside(event: Event) {
    let send = PAGE.with(|page| page.try_borrow().ok().and_then(|send| send.clone()));
    if let Some(send) = send {
        send(event);
    }
}

/// Tells the page how a graph build goes: when a stage starts, and at most every
/// [`BUILD_STEP_INTERVAL_MS`] as pairs are compared (the build itself blocks this worker).
fn report_build_step(step: BuildStep) {
    let now = js_sys::Date::now();
    let starts = matches!(step, BuildStep::Embedding | BuildStep::Comparing { done: 0, .. });
    if starts || now - BUILD_STEP_SENT.get() >= BUILD_STEP_INTERVAL_MS {
        BUILD_STEP_SENT.set(now);
        post_outside(Event::Building(step));
    }
}

/// From now on a panic in this worker is logged (the hook set before), sent to the page as
/// [`Event::Crashed`] and closes the worker: after a panic the module's state is unknown, so
/// the page starts a fresh worker rather than talk to this one again.
fn report_panics(send: Reply) {
    use wasm_bindgen::JsCast;
    PAGE.with(|page| *page.borrow_mut() = Some(send));
    let log = std::panic::take_hook();
    std::panic::set_hook(Box::new(move |info| {
        log(info);
        let what = info.payload_as_str().unwrap_or("a panic");
        let message = match info.location() {
            Some(at) => format!("{what} (at {}:{})", at.file(), at.line()),
            None => what.to_string(),
        };
        post_outside(Event::Crashed(message));
        js_sys::global().unchecked_into::<web_sys::DedicatedWorkerGlobalScope>().close();
    }));
}

/// Steps per tick when the page has not said otherwise.
pub const DEFAULT_SPEED: usize = 10;

/// How long the training worker waits for the twin to open the base model: its module and the
/// data load in well under this; longer means it is stuck (a module that never started raises
/// no error event). This worker then trains both models itself.
const TWIN_OPEN_GRACE_MS: u32 = 10_000;

/// `future`'s output, or `None` once `ms` have passed.
async fn within<T>(ms: u32, future: impl Future<Output = T>) -> Option<T> {
    use futures::future::{Either, select};
    match select(std::pin::pin!(future), gloo_timers::future::TimeoutFuture::new(ms)).await {
        Either::Left((value, _)) => Some(value),
        Either::Right(_) => None,
    }
}

/// The cores the browser reports (`navigator.hardwareConcurrency`; at least one).
fn cores() -> usize {
    let navigator = js_sys::Reflect::get(&js_sys::global(), &"navigator".into());
    let cores = navigator.and_then(|n| js_sys::Reflect::get(&n, &"hardwareConcurrency".into()));
    cores.ok().and_then(|c| c.as_f64()).map_or(1, |c| c.max(1.0) as usize)
}

/// What the runtime task owns.
struct Runtime {
    send: Reply,
    choice: BackendChoice,
    webgpu: Option<Result<Device, String>>,
    device: Device,
    /// Whether `device` is WebGPU's.
    on_webgpu: bool,
    /// The last setup timed on both backends (its [`timing::cost_key`]) and its times: the
    /// choice holds until a setup's step would cost otherwise.
    timed: Option<(String, StepTimes)>,
    spec: Option<ExperimentSpec>,
    assets: String,
    bundled: data::Bundled,
    engine: Option<Engine>,
    /// Whether the base model of a what-if pair may train in a second worker (on the CPU,
    /// where the browser reports two cores or more).
    second_worker: bool,
    /// That worker, once started.
    twin: Option<Twin>,
    running: bool,
    speed: usize,
    /// What a training step of this worker's models took in the last tick (ms): how many
    /// bursts the next tick plans.
    ms_per_step: Option<f64>,
    /// The perturbation the page shows, re-measured as the models train.
    probe: Option<ProbeSpec>,
    /// When the probe was last measured (ms since the epoch).
    probed_at: f64,
    /// The probe changed and is to be measured once the queued commands are handled.
    probe_due: bool,
    /// Robustness curves being measured (one point per loop turn).
    robustness: Option<RobustnessJob>,
    /// The graph explorer's graph.
    explorer: Option<ExplorerGraph>,
    /// The graph node being inspected.
    inspected: Option<u32>,
    /// The test digit whose feature maps a CNN shows.
    digit: usize,
    /// When a snapshot last carried the views inside the models.
    views_at: f64,
    /// It changed and is to be measured once the queued commands are handled.
    inspect_due: bool,
    /// When a snapshot last measured the accuracies (ms since the epoch), and what that tick
    /// took (ms).
    evaluated_at: f64,
    evaluation_ms: f64,
    /// The last snapshot skipped the accuracies (the page shows earlier ones).
    stale: bool,
}

/// How long a tick trains on the CPU before it snapshots: about two frames. A burst of the
/// page's steps per update that takes less is followed by another: each snapshot runs the
/// heatmap's grid through every model, and on a 2-core machine the page's redraws take the
/// worker's core time (measured with `tests/e2e/bench.mjs`: at 16 ms the 2D set's and
/// karate's step was 1.8 and 1.8–2.2 times native's, at 33 ms 1.6 and 1.5–1.8, the page still
/// refreshed ~27 times a second). A burst that takes longer is a tick of its own.
const TICK_MS: f64 = 33.0;

/// Most bursts a tick plans (against a step timed at nothing by the browser's coarse clock).
const MAX_BURSTS: usize = 1000;

/// How many bursts of `steps` a tick trains before its snapshot, planned before it starts
/// (the twin is told where to take the base model while this worker trains the other): as
/// many as fill [`TICK_MS`] at `ms_per_step` (the last tick's), rounded up — but one while not
/// playing (a step by hand), on WebGPU (a step only queues work there, its time says nothing
/// until a read-back), in a run's first tick (`first`: the curves' first point is the mean
/// over the first burst, the untrained model's loss) or before any step was timed; none for
/// a tick of no steps (it shows something at once: a digit picked, a pause's measurement).
fn planned_bursts(
    steps: usize,
    ms_per_step: Option<f64>,
    running: bool,
    on_webgpu: bool,
    first: bool,
) -> usize {
    if steps == 0 {
        return 0;
    }
    match ms_per_step {
        Some(ms) if running && !on_webgpu && !first => {
            let bursts = TICK_MS / (ms * steps as f64);
            if bursts.is_finite() { (bursts.ceil() as usize).clamp(1, MAX_BURSTS) } else { MAX_BURSTS }
        }
        _ => 1,
    }
}

/// Least time between two probes while training: a probe costs a few forward and backward
/// passes, the page redraws it at most this often anyway.
const PROBE_INTERVAL_MS: f64 = 250.0;

/// Least time between two snapshots that measure the accuracies (every training and test row
/// through each model): what a chart of accuracy needs to look live.
const EVALUATION_INTERVAL_MS: f64 = 100.0;

/// Training ticks between two that measure the accuracies take at least this many times as
/// long as the measuring tick did: measuring then costs at most a tenth of the time. For a CNN
/// on the digits a measurement is more than a hundred training steps' arithmetic (~450 ms in
/// Chromium here); measured at every tick it made the browser's step thirty times native's,
/// at a fifth of the time the digits MLP's step was 2.2 times native's, at a tenth 1.9.
const EVALUATION_SPACING: f64 = 9.0;

/// Most time between two measurements while training, whatever one costs (the first, in a
/// fresh worker, is the slowest): the accuracy chart moves at least this often. (The CNN's
/// measurement then takes ~15% of the time.)
const EVALUATION_MAX_INTERVAL_MS: f64 = 2500.0;

/// Least time between two snapshots that carry the views inside the models (neurons, feature
/// maps, embeddings): snapshots come up to ~30 times a second while training, some thirty canvases
/// need not be redrawn with each (ten times a second looks live), and a GNN's embeddings cost
/// a PCA each.
const VIEWS_INTERVAL_MS: f64 = 100.0;

impl Runtime {
    fn new(send: Reply) -> Self {
        Self {
            send,
            choice: BackendChoice::Auto,
            webgpu: None,
            device: Device::flex(),
            on_webgpu: false,
            timed: None,
            spec: None,
            assets: String::new(),
            bundled: data::Bundled::default(),
            engine: None,
            second_worker: true,
            twin: None,
            running: false,
            speed: DEFAULT_SPEED,
            ms_per_step: None,
            probe: None,
            probed_at: 0.0,
            probe_due: false,
            robustness: None,
            explorer: None,
            inspected: None,
            inspect_due: false,
            digit: 0,
            views_at: 0.0,
            evaluated_at: 0.0,
            evaluation_ms: 0.0,
            stale: false,
        }
    }

    async fn run(mut self, mut commands: UnboundedReceiver<Command>) {
        self.select_backend().await;
        loop {
            // Commands first, in order; while there is work to do, only those already queued
            // (so that a burst of probe changes from a moving slider is measured once).
            let mut ahead: Option<Command> = None;
            loop {
                let command = if let Some(command) = ahead.take() {
                    command
                } else if self.running || self.robustness.is_some() || self.probe_due || self.inspect_due {
                    match commands.try_recv() {
                        Ok(command) => command,
                        Err(TryRecvError::Empty) => break,
                        Err(TryRecvError::Closed) => return,
                    }
                } else {
                    match commands.next().await {
                        Some(command) => command,
                        None => return,
                    }
                };
                // A slider dragged over the data (a threshold, the noise) sends an edit per
                // pixel, each one a rebuild: only the last of a run of queued edits is built.
                let mut command = command;
                while matches!(command, Command::Update(_)) {
                    match commands.try_recv() {
                        Ok(next @ Command::Update(_)) => command = next,
                        Ok(other) => {
                            ahead = Some(other);
                            break;
                        }
                        Err(TryRecvError::Empty) => break,
                        Err(TryRecvError::Closed) => return,
                    }
                }
                self.handle(command).await;
            }
            if self.probe_due || self.inspect_due {
                self.probe_now().await;
                self.inspect_now().await;
            } else if self.robustness.is_some() {
                self.measure_robustness().await;
            } else if self.running {
                self.tick(self.speed).await;
            }
            // Let the page's messages in between ticks (without the 4 ms a 0 ms timer waits).
            next_task::next_task().await;
        }
    }

    async fn handle(&mut self, command: Command) {
        match command {
            Command::Load { spec, assets } => {
                self.assets = assets;
                self.spec = Some(spec);
                self.rebuild().await;
            }
            Command::Update(spec) => {
                let applied = match &mut self.engine {
                    Some(engine) => engine.update(&spec),
                    None => Ok(false),
                };
                let applied = match applied {
                    Ok(true) => self.update_twin(&spec).await,
                    other => other,
                };
                match applied {
                    Ok(true) => {
                        // Kept for what rebuilds the models later (reset, a backend switch):
                        // they start from the setup as edited, not the one first loaded.
                        self.spec = Some(spec.clone());
                        (self.send)(Event::Updated(spec));
                    }
                    Ok(false) => {
                        self.spec = Some(spec);
                        self.rebuild().await;
                    }
                    Err(e) => self.stop(Stop::Failed { message: e.to_string() }),
                }
            }
            Command::Play => {
                if let Some(engine) = &self.engine {
                    if engine.finished() {
                        (self.send)(Event::Stopped(Stop::Finished));
                    } else {
                        self.running = true;
                        // The first tick measures: the accuracy curves start where training does.
                        self.evaluated_at = 0.0;
                        (self.send)(Event::Running);
                    }
                }
            }
            Command::Pause => {
                self.running = false;
                // Paused, the page shows the accuracies of the step it stopped at (measured
                // before it hears of the pause).
                if self.stale {
                    self.tick(0).await;
                }
                (self.send)(Event::Paused);
            }
            Command::Step => {
                if self.engine.as_ref().is_some_and(|e| !e.finished()) {
                    self.tick(1).await;
                }
            }
            Command::Reset => self.rebuild().await,
            Command::Speed(steps) => self.speed = steps.clamp(1, 500),
            // From the next setup on (a load, a reset).
            Command::SecondWorker(allowed) => self.second_worker = allowed,
            // Heard on arrival (`listen`).
            Command::TwinFailed { .. } => {}
            Command::Backend(choice) => {
                self.choice = choice;
                self.select_backend().await;
                self.rebuild().await;
            }
            Command::Probe(spec) => {
                self.probe = spec;
                self.probe_due = true;
            }
            Command::OpenGraph(input) => self.open_graph(input).await,
            Command::InspectNode(node) => {
                self.inspected = node;
                self.inspect_due = true;
            }
            Command::ShowDigit(digit) => {
                self.digit = digit;
                // Shown at once, paused or not.
                self.tick(0).await;
            }
            Command::Sample(request) => self.sample(&request),
            Command::ExportGraph(format) => self.export_graph(format),
            Command::Robustness => self.start_robustness(),
            // Answered in turn, after the commands before it: an answer means this loop runs.
            Command::Ping(n) => (self.send)(Event::Alive(n)),
        }
    }

    /// Picks the device for the user's choice (probing WebGPU once) and reports it. Left to the
    /// worker, the choice is made when a setup loads ([`Runtime::time_backends`]); the CPU
    /// computes until then.
    async fn select_backend(&mut self) {
        if self.webgpu.is_none() {
            self.webgpu = Some(device::init_webgpu().await);
        }
        self.timed = None;
        let webgpu = self.webgpu.as_ref().expect("probed above");
        self.on_webgpu = self.choice == BackendChoice::WebGpu && webgpu.is_ok();
        self.device = match webgpu {
            Ok(device) if self.on_webgpu => device.clone(),
            _ => Device::flex(),
        };
        self.report_backend(false);
    }

    /// Tells the page which backend computes, and why.
    fn report_backend(&self, timing: bool) {
        (self.send)(Event::Backend(BackendInfo {
            webgpu: self.on_webgpu,
            webgpu_unavailable: self.webgpu.as_ref().and_then(|w| w.as_ref().err().cloned()),
            timing,
            times: self.timed.as_ref().map(|(_, times)| *times),
        }));
    }

    /// With the choice left to the worker and WebGPU available, times the setup's step on each
    /// backend and computes on the faster (unless a setup of the same cost was timed last).
    async fn time_backends(&mut self, spec: &ExperimentSpec, loaded: &data::Loaded) {
        let Some(Ok(webgpu)) = &self.webgpu else { return };
        let key = timing::cost_key(spec);
        if self.choice != BackendChoice::Auto || self.timed.as_ref().is_some_and(|(k, _)| *k == key) {
            return;
        }
        let webgpu = webgpu.clone();
        self.timed = None;
        self.report_backend(true);
        // A setup the CPU cannot train fails to load after this; one WebGPU cannot train
        // trains on the CPU.
        let times = match timing::ms_per_step(spec, loaded, &Device::flex()).await {
            Ok(cpu_ms) => timing::ms_per_step(spec, loaded, &webgpu)
                .await
                .ok()
                .map(|webgpu_ms| StepTimes { cpu_ms, webgpu_ms }),
            Err(_) => None,
        };
        self.on_webgpu = times.as_ref().is_some_and(timing::webgpu_wins);
        self.timed = times.map(|times| (key, times));
        self.device = if self.on_webgpu { webgpu } else { Device::flex() };
        self.report_backend(false);
    }

    /// Fresh models for the current spec (fetching the digits once if needed), then a first
    /// snapshot so that the page shows the untrained state.
    async fn rebuild(&mut self) {
        self.running = false;
        self.engine = None;
        self.robustness = None;
        self.ms_per_step = None;
        let Some(spec) = self.spec.clone() else { return };
        if let Err(message) = data::fetch_bundled(&spec, &self.assets, &mut self.bundled).await {
            return self.stop(Stop::Failed { message });
        }
        let files = self.explorer.as_ref().map(|e| (e.name(), e.graph()));
        let loaded = match data::load(&spec, &mut self.bundled, files, &report_build_step) {
            Ok(loaded) => loaded,
            Err(e) => return self.stop(Stop::Failed { message: e.to_string() }),
        };
        self.time_backends(&spec, &loaded).await;
        match Engine::new(&spec, loaded, &self.device) {
            Ok(engine) => {
                (self.send)(Event::Ready {
                    spec: engine.spec().clone(),
                    info: Box::new(engine.info().clone()),
                });
                self.engine = Some(engine);
                // The probe and the inspected node stay: measured again on the new models (the
                // page sends new ones when the data changed them).
                self.probe_due = self.probe.is_some();
                self.inspect_due = self.inspected.is_some();
                self.tick(0).await;
            }
            Err(e) => self.stop(Stop::Failed { message: e.to_string() }),
        }
    }

    /// Whether a twin runs for `spec`'s base model, started if need be — if a second worker may
    /// train it: a what-if pair, two cores or more (the caller rules WebGPU out). A twin that was lost
    /// is not started again: this worker trains both models from then on.
    fn start_twin(&mut self, spec: &ExperimentSpec) -> bool {
        if let Some(reason) = self.twin.as_ref().and_then(Twin::lost) {
            web_sys::console::warn_1(
                &format!("the base model's worker stopped ({reason}): one worker trains both").into(),
            );
            self.twin = None;
            self.second_worker = false;
        }
        let wanted = self.second_worker && engine::twin_variant(spec).is_some() && cores() >= 2;
        if !wanted {
            self.twin = None;
            return false;
        }
        if self.twin.is_none() {
            self.twin = Some(Twin::start());
        }
        true
    }

    /// The base model as the twin opened it, or `None` (this worker trains it) when it could
    /// not: a setup the twin cannot open fails here too, and says why then.
    fn opened(&mut self, answer: Result<FromTwin, String>) -> Option<Elsewhere> {
        match answer {
            Ok(FromTwin::Opened(Ok(steps_per_epoch))) => {
                Some(Elsewhere { variant: Variant::Base, steps_per_epoch })
            }
            Ok(other) => {
                web_sys::console::warn_1(&format!("the base model's worker: {other:?}").into());
                None
            }
            Err(reason) => {
                web_sys::console::warn_1(&format!("the base model's worker stopped ({reason})").into());
                self.twin = None;
                self.second_worker = false;
                None
            }
        }
    }

    /// Before a fresh what-if pair's first step, on the CPU: the twin (started if need be)
    /// opens the base model and trains it from then on — both workers open it from the same
    /// spec, so it is the model this worker holds. Only training brings a second worker in: a
    /// page that is opened and left starts none.
    async fn bring_in_twin(&mut self) {
        let Some(engine) = &self.engine else { return };
        if self.on_webgpu || engine.steps_done() > 0 || engine.elsewhere().is_some() {
            return;
        }
        let spec = engine.spec().clone();
        if !self.start_twin(&spec) {
            return;
        }
        // The explorer's graph goes along only for a setup that trains on it (Cora's is 15 MB).
        let files = self
            .explorer
            .as_ref()
            .filter(|_| data::reads_opened_graph(&spec))
            .map(|e| (e.name().to_string(), e.graph().clone()));
        let open = ToTwin::Open { spec, assets: self.assets.clone(), files };
        let Some(opening) = self.twin.as_ref().map(|twin| twin.ask(&open)) else { return };
        let answer = within(TWIN_OPEN_GRACE_MS, opening).await.unwrap_or_else(|| {
            Err(format!("it had not opened the model after {} s", TWIN_OPEN_GRACE_MS / 1000))
        });
        if let Some(elsewhere) = self.opened(answer)
            && let Some(engine) = &mut self.engine
            && engine.hand_over(elsewhere)
        {
            (self.send)(Event::SecondWorker);
        }
    }

    /// Applies the knobs of `spec` to the twin's model, if it trains one (`false`: it needs
    /// opening again).
    async fn update_twin(&mut self, spec: &ExperimentSpec) -> nsl::Result<bool> {
        let (Some(engine), Some(twin)) = (&self.engine, &self.twin) else { return Ok(true) };
        if engine.elsewhere().is_none() {
            return Ok(true);
        }
        let answer = Some(twin.ask(&ToTwin::Update(spec.clone())));
        let applied = twin::received(answer, |a| match a {
            FromTwin::Updated(applied) => Ok(applied),
            other => Err(other),
        });
        Ok(applied.await?.unwrap_or(true))
    }

    /// `steps` steps on every model — while playing on the CPU, as many bursts of `steps` as
    /// fill [`TICK_MS`] — and one snapshot each, read back asynchronously. The twin, if it
    /// trains the base model, takes it to the same step meanwhile.
    async fn tick(&mut self, steps: usize) {
        if steps > 0 {
            self.bring_in_twin().await;
        }
        let Some(engine) = &mut self.engine else { return };
        let started = js_sys::Date::now();
        let done = engine.steps_done();
        let bursts = planned_bursts(steps, self.ms_per_step, self.running, self.on_webgpu, done == 0);
        let target = engine.target(bursts * steps);
        // The views inside the models: when not playing (a step by hand), in a tick of no steps
        // (it shows something at once: a digit picked), with the last burst, or once the
        // interval has passed (the page keeps the last ones between).
        let now = started;
        let finished = target >= engine.info().total_steps;
        let views = !self.running || steps == 0 || finished || now - self.views_at >= VIEWS_INTERVAL_MS;
        if views {
            self.views_at = now;
        }
        // The accuracies: when not playing (a step by hand, a new setup), with the last burst,
        // or once measuring has had its share of the time.
        let since = now - self.evaluated_at;
        let evaluate = !self.running
            || finished
            || since
                >= (EVALUATION_SPACING * self.evaluation_ms)
                    .clamp(EVALUATION_INTERVAL_MS, EVALUATION_MAX_INTERVAL_MS);
        let options = SnapshotOptions {
            grid: Some(Grid::default()),
            samples: data::SHOWN_DIGITS,
            network: views.then(nsl::session::network::neuron_grid),
            digit: views.then_some(self.digit),
            embeddings: views,
            evaluate,
        };
        let elsewhere = match (engine.elsewhere_target(target), &self.twin) {
            (Some(to), Some(twin)) => Some(twin.ask(&ToTwin::Train {
                to,
                at_step: target,
                options: Engine::snapshot_options(Variant::Base, &options),
            })),
            (Some(_), None) => return self.fail(twin::lost("it is gone")),
            (None, _) => None,
        };
        if let Err(e) = engine.advance_to(target) {
            return self.fail(e);
        }
        let trained = js_sys::Date::now();
        if target > done {
            self.ms_per_step = Some((trained - started) / (target - done) as f64);
        }
        let pending = match engine.snapshot(&options) {
            Ok(pending) => pending,
            Err(e) => return self.fail(e),
        };
        let mut snapshots = Vec::with_capacity(pending.len() + 1);
        for (variant, snapshot) in pending {
            match snapshot.read_async().await {
                Ok(progress) => snapshots.push((variant, progress)),
                Err(e) => return self.fail(e),
            }
        }
        let merged = self.merged(snapshots, elsewhere, |a| match a {
            FromTwin::Trained(progress) => Ok(progress.map(|p| *p)),
            other => Err(other),
        });
        let mut snapshots = match merged.await {
            Ok(snapshots) => snapshots,
            Err(e) => return self.fail(e),
        };
        let Some(engine) = &mut self.engine else { return };
        let finished = engine.finished();
        engine.fill_accuracies(&mut snapshots);
        self.stale = snapshots.iter().any(|(_, p)| !p.evaluated);
        if evaluate {
            self.evaluated_at = js_sys::Date::now();
            self.evaluation_ms = self.evaluated_at - trained;
        }
        (self.send)(Event::Progress(snapshots));
        if (self.probe.is_some() || self.inspected.is_some())
            && (!self.running || finished || js_sys::Date::now() - self.probed_at >= PROBE_INTERVAL_MS)
        {
            self.probe_now().await;
            self.inspect_now().await;
        }
        if finished && steps > 0 {
            self.stop(Stop::Finished);
        }
    }

    fn fail(&mut self, error: NslError) {
        let stop = match error {
            NslError::Diverged { step, value, .. } => Stop::Diverged {
                message: format!("the loss became {value} at step {step}: training diverged and stopped"),
                advice: divergence_advice(self.spec.as_ref()),
            },
            other => Stop::Failed { message: other.to_string() },
        };
        self.stop(stop);
    }

    fn stop(&mut self, stop: Stop) {
        self.running = false;
        (self.send)(Event::Stopped(stop));
    }
}

/// What to try after a divergence, naming the knobs that are high.
pub fn divergence_advice(spec: Option<&ExperimentSpec>) -> String {
    let mut tips = Vec::new();
    if let Some(spec) = spec {
        tips.push(format!("lower the learning rate (now {})", spec.optimizer.learning_rate));
        let r = &spec.regularization;
        if let Some(adv) = &r.adversarial {
            tips.push(format!(
                "lower the adversarial multiplier ({}) or step size ({})",
                adv.multiplier, adv.adv_neighbor_config.adv_step_size
            ));
        }
        if let Some(graph) = &r.graph {
            tips.push(format!("lower the graph multiplier ({})", graph.multiplier));
        }
    }
    tips.push("then press Reset".into());
    let mut text = tips.join(", ");
    text[..1].make_ascii_uppercase();
    text + "."
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_tick_plans_bursts_for_two_frames_on_the_cpu_only_while_playing_past_the_first() {
        let plan = |steps, ms, running, webgpu, first| planned_bursts(steps, ms, running, webgpu, first);
        assert_eq!(plan(10, Some(1.5), true, false, false), 3, "15 ms bursts: three fill 33 ms");
        assert_eq!(plan(10, Some(4.0), true, false, false), 1, "a burst longer than the tick is one");
        assert_eq!(plan(1, Some(0.5), true, false, false), 66);
        assert_eq!(plan(1, Some(0.0), true, false, false), MAX_BURSTS, "a step the clock could not see");
        assert_eq!(plan(10, None, true, false, false), 1, "nothing timed yet");
        assert_eq!(plan(1, Some(0.1), false, false, false), 1, "a step by hand is one burst");
        assert_eq!(plan(0, Some(0.1), true, false, false), 0, "a tick of no steps shows at once");
        assert_eq!(plan(10, Some(0.1), true, true, false), 1, "on WebGPU a tick is one burst");
        assert_eq!(plan(10, Some(0.1), true, false, true), 1, "a run's first point is its first burst");
    }

    #[test]
    fn divergence_advice_names_the_high_knobs() {
        let spec = nsl::spec::builtin::builtin("moons-adv", None, 0).unwrap();
        let advice = divergence_advice(Some(&spec));
        assert!(advice.starts_with("Lower the learning rate (now 0.03)"), "{advice}");
        assert!(advice.contains("adversarial multiplier") && advice.ends_with("press Reset."), "{advice}");
        assert_eq!(divergence_advice(None), "Then press Reset.");
    }
}
