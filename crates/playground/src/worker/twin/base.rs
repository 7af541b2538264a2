//! The twin's side: the base model it trains ([`BaseRun`], pure) and the worker loop that
//! answers the trainer ([`listen`]).

use nsl::burn::tensor::Device;
use nsl::session::StepSession;
use nsl::spec::{ExperimentSpec, Variant};

use super::{FromTwin, ToTwin, TwinError};
use crate::worker::data::Loaded;
use crate::worker::engine::{correct_readout, open_run};

/// The base model of a what-if pair, trained by the twin on the CPU (where a read-back is
/// synchronous).
#[derive(Debug)]
pub struct BaseRun {
    run: Box<dyn StepSession>,
}

impl BaseRun {
    /// The base model of `spec`, fresh, over `loaded`.
    pub fn open(spec: &ExperimentSpec, loaded: &Loaded) -> nsl::Result<Self> {
        Ok(Self { run: open_run(spec, Variant::Base, loaded, &Device::flex())? })
    }

    /// Its optimizer steps per epoch.
    pub fn steps_per_epoch(&self) -> usize {
        self.run.steps_per_epoch()
    }

    /// The answer to `request` (all but [`ToTwin::Open`], which the worker loop answers).
    pub fn answer(&mut self, request: &ToTwin) -> FromTwin {
        match request {
            ToTwin::Open { .. } => FromTwin::failed(request, "opening is the worker's"),
            ToTwin::Update(spec) => FromTwin::Updated(self.update(spec).map_err(TwinError::from)),
            ToTwin::Train { to, at_step, options } => FromTwin::Trained(
                self.run
                    .run_steps(to.saturating_sub(self.run.steps_done()))
                    .and_then(|()| self.run.snapshot(options))
                    .and_then(|pending| pending.at_step(*at_step).read())
                    .map(Box::new)
                    .map_err(TwinError::from),
            ),
            ToTwin::Probe(spec) => FromTwin::Probed(
                self.run.probe(spec).and_then(|p| p.read()).map(Box::new).map_err(TwinError::from),
            ),
            ToTwin::Inspect(node) => FromTwin::Inspected(
                self.run.inspect_node(*node).and_then(|p| p.read()).map(Box::new).map_err(TwinError::from),
            ),
            ToTwin::Attack(attack) => FromTwin::Attacked(
                correct_readout(self.run.as_ref(), attack)
                    .and_then(|readout| readout.read())
                    .map(|values| values.first().copied().unwrap_or(0.0))
                    .map_err(TwinError::from),
            ),
        }
    }

    /// Applies `spec`'s knobs if the model takes them in place.
    fn update(&mut self, spec: &ExperimentSpec) -> nsl::Result<bool> {
        let base = spec.spec_of(Variant::Base);
        if !self.run.accepts(&base) {
            return Ok(false);
        }
        self.run.apply(&base)?;
        Ok(true)
    }
}

thread_local! {
    /// The twin's end of its channel to the trainer, once the page sent it.
    static TRAINER: std::cell::RefCell<Option<web_sys::MessagePort>> = const { std::cell::RefCell::new(None) };
}

/// Posts `message` to the trainer (`try_borrow`: a panic while the port was being set must not
/// panic again).
fn post(message: &FromTwin) {
    TRAINER.with(|trainer| {
        if let Ok(trainer) = trainer.try_borrow()
            && let Some(port) = trainer.as_ref()
        {
            let _ = port.post_message(&crate::wire::encode_exact(message));
        }
    });
}

/// Runs the twin in this worker: the page's first message is its end of a channel to the
/// trainer; requests from there go to one task that answers them in order, on the channel.
pub fn listen(scope: web_sys::DedicatedWorkerGlobalScope) {
    use futures::StreamExt;
    use futures::channel::mpsc::unbounded;
    use wasm_bindgen::JsCast;
    use wasm_bindgen::closure::Closure;
    use web_sys::{MessageEvent, MessagePort};

    {
        let scope = scope.clone();
        let log = std::panic::take_hook();
        std::panic::set_hook(Box::new(move |info| {
            log(info);
            post(&FromTwin::Crashed(info.payload_as_str().unwrap_or("a panic").to_string()));
            scope.close();
        }));
    }
    let (inbox, mut requests) = unbounded::<ToTwin>();
    let on_request = Closure::<dyn FnMut(MessageEvent)>::new(move |m: MessageEvent| {
        let _ = inbox.unbounded_send(crate::wire::decode_exact(&m.data()));
    });
    // The page's only message: the twin's end of a channel to the trainer.
    let on_port = Closure::<dyn FnMut(MessageEvent)>::new(move |m: MessageEvent| {
        let Ok(joined) = m.data().dyn_into::<MessagePort>() else { return };
        joined.set_onmessage(Some(on_request.as_ref().unchecked_ref()));
        TRAINER.with(|trainer| *trainer.borrow_mut() = Some(joined));
        post(&FromTwin::Listening);
    });
    scope.set_onmessage(Some(on_port.as_ref().unchecked_ref()));
    // The handlers live as long as the worker.
    on_port.forget();
    // The page sends the port once it hears this (a message posted before would be lost).
    let _ = scope.post_message(&crate::wire::encode(&crate::wire::FromWorker::Listening));
    wasm_bindgen_futures::spawn_local(async move {
        let mut bundled = crate::worker::data::Bundled::default();
        let mut base: Option<BaseRun> = None;
        while let Some(request) = requests.next().await {
            let reply = match &request {
                ToTwin::Open { spec, assets, files } => {
                    base = None;
                    match open(spec, assets, files.as_ref(), &mut bundled).await {
                        Ok(run) => {
                            let steps = run.steps_per_epoch();
                            base = Some(run);
                            FromTwin::Opened(Ok(steps))
                        }
                        Err(e) => FromTwin::Opened(Err(e)),
                    }
                }
                other => match &mut base {
                    Some(run) => run.answer(other),
                    None => FromTwin::failed(other, "no base model is open"),
                },
            };
            post(&reply);
        }
    });
}

/// Fetches what `spec` needs, loads its data and opens its base model.
async fn open(
    spec: &ExperimentSpec,
    assets: &str,
    files: Option<&(String, nsl::graph::Graph)>,
    bundled: &mut crate::worker::data::Bundled,
) -> Result<BaseRun, TwinError> {
    use crate::worker::data;
    data::fetch_bundled(spec, assets, bundled).await.map_err(TwinError::Failed)?;
    let files = files.map(|(name, graph)| (name.as_str(), graph));
    let loaded = data::load_for_training(spec, bundled, files)?;
    Ok(BaseRun::open(spec, &loaded)?)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::protocol::DataView;
    use crate::worker::engine::{Elsewhere, Engine, NextPoint};
    use nsl::data::load::load_data;
    use nsl::session::probe::ProbeSpec;
    use nsl::session::{Progress, SnapshotOptions};
    use nsl::spec::ModelSpec;

    /// The data an engine test trains on: the rows of `spec` when it trains on rows.
    fn loaded(spec: &ExperimentSpec, rows: bool) -> Loaded {
        let view = DataView::Points { train: Vec::new(), test: Vec::new() };
        let data = rows.then(|| load_data(spec).unwrap());
        Loaded { data, view, class_names: vec!["0".into(), "1".into()], graph: None, built: None }
    }

    /// `answer` as the trainer reads it: through the CBOR the workers post.
    fn posted(answer: FromTwin) -> FromTwin {
        crate::wire::from_cbor(&crate::wire::to_cbor(&answer)).unwrap()
    }

    fn read(pending: Vec<(Variant, nsl::session::PendingProgress)>) -> Vec<(Variant, Progress)> {
        pending.into_iter().map(|(v, p)| (v, p.read().unwrap())).collect()
    }

    /// `progress` without what the clock measured (a step's seconds differ from run to run).
    fn untimed(mut progress: Vec<(Variant, Progress)>) -> Vec<(Variant, Progress)> {
        for (_, p) in &mut progress {
            p.step_seconds = None;
        }
        progress
    }

    /// The pair with the base model in the twin reports, tick for tick, what the pair trained in
    /// one worker does — the same losses, accuracies, heatmaps, bit for bit, in the same order —
    /// also where the base model's epochs take another number of steps (a sampled GNN's
    /// full-batch base).
    #[test]
    fn the_base_model_in_the_twin_reports_what_it_does_beside_the_other() {
        let moons = {
            let mut spec = nsl::spec::builtin::builtin("moons-adv", None, 0).unwrap();
            spec.compare_with_base = true;
            spec.epochs = 2;
            spec
        };
        let sampled = ExperimentSpec { epochs: 3, ..crate::worker::engine::tests::sampled_gcn_pair(8) };
        for (spec, rows) in [(moons, true), (sampled, false)] {
            spec.validate().unwrap();
            let flex = Device::flex();
            let mut together = Engine::new(&spec, loaded(&spec, rows), &flex).unwrap();
            let mut base = BaseRun::open(&spec, &loaded(&spec, rows)).unwrap();
            let elsewhere = Elsewhere { variant: Variant::Base, steps_per_epoch: base.steps_per_epoch() };
            let mut apart = Engine::new(&spec, loaded(&spec, rows), &flex).unwrap();
            assert!(apart.hand_over(elsewhere));
            let options = SnapshotOptions { samples: 2, ..Default::default() };
            let per_epoch = together.info().steps_per_epoch;
            for steps in [1, 7, per_epoch + 3, 1000] {
                together.advance(steps).unwrap();
                let one_worker = read(together.snapshot(&options).unwrap());

                let target = apart.target(steps);
                let to = apart.elsewhere_target(target).unwrap();
                let options_there = Engine::snapshot_options(Variant::Base, &options);
                let answer =
                    posted(base.answer(&ToTwin::Train { to, at_step: target, options: options_there }));
                apart.advance_to(target).unwrap();
                let FromTwin::Trained(Ok(progress)) = answer else { panic!("{answer:?}") };
                let here = read(apart.snapshot(&options).unwrap());
                let two_workers = untimed(apart.merge(here, Some(*progress)));
                // Not assert_eq: a mismatch would print thousands of node predictions.
                let same = two_workers == untimed(one_worker);
                assert!(same, "{:?} after {steps} more steps", spec.model);
            }
            assert!(apart.finished() && together.finished());
        }
    }

    /// Probes, robustness points and knob changes reach the twin's model as they reach it here.
    #[test]
    fn the_twin_measures_and_takes_knobs_like_the_trainer() {
        let mut spec = nsl::spec::builtin::builtin("moons-adv", None, 0).unwrap();
        spec.compare_with_base = true;
        let flex = Device::flex();
        let mut together = Engine::new(&spec, loaded(&spec, true), &flex).unwrap();
        let mut base = BaseRun::open(&spec, &loaded(&spec, true)).unwrap();
        let elsewhere = Elsewhere { variant: Variant::Base, steps_per_epoch: base.steps_per_epoch() };
        let mut apart = Engine::new(&spec, loaded(&spec, true), &flex).unwrap();
        assert!(apart.hand_over(elsewhere));
        together.advance(15).unwrap();
        let train = ToTwin::Train { to: 15, at_step: 15, options: SnapshotOptions::default() };
        assert!(matches!(base.answer(&train), FromTwin::Trained(Ok(_))));

        let probe = ProbeSpec { rows: vec![0, 3], ..Default::default() };
        let here = together.probe(&probe).unwrap().remove(0).1.read().unwrap();
        assert_eq!(posted(base.answer(&ToTwin::Probe(probe))), FromTwin::Probed(Ok(Box::new(here))));

        let job = apart.robustness_job().unwrap();
        let Some(NextPoint::Elsewhere(attack)) = apart.next_robustness_point(&job).unwrap() else {
            panic!("the base model's points are the twin's")
        };
        let Some(NextPoint::Here(readout)) = together.next_robustness_point(&job).unwrap() else {
            panic!("both models train here")
        };
        let correct = readout.read().unwrap()[0];
        assert!(correct > 0.0);
        assert_eq!(base.answer(&ToTwin::Attack(attack)), FromTwin::Attacked(Ok(correct)));

        let mut knob = spec.clone();
        knob.optimizer.learning_rate = 0.01;
        assert_eq!(base.answer(&ToTwin::Update(knob)), FromTwin::Updated(Ok(true)));
        let mut model = spec.clone();
        model.model =
            ModelSpec::Mlp { hidden: vec![3], activation: Default::default(), dropout: 0.0, inputs: None };
        assert_eq!(
            base.answer(&ToTwin::Update(model)),
            FromTwin::Updated(Ok(false)),
            "a new model opens anew"
        );
        let open = ToTwin::Open { spec, assets: String::new(), files: None };
        assert!(matches!(base.answer(&open), FromTwin::Opened(Err(_))), "the worker loop opens");
    }
}
