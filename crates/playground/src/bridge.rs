//! The page's end of the training worker: starts it, posts it commands (holding them until its
//! module listens), hands its events on, and reports its failure — an uncaught error in the
//! worker (a trap, memory that could not grow) or a script that did not load. It also starts
//! the worker's twin when asked (the second worker of a what-if pair,
//! [`crate::worker::twin`]) and joins the two with a message channel. Dropping the bridge
//! terminates both workers: one that is stuck or silent is stopped too, not left running
//! beside its replacement.

use std::cell::RefCell;
use std::rc::Rc;

use wasm_bindgen::JsCast;
use wasm_bindgen::closure::Closure;
use web_sys::{ErrorEvent, MessageEvent, Worker, WorkerOptions};

use crate::protocol::{Command, Event};
use crate::wire::{self, FromWorker};
use crate::worker::twin;

/// A worker's error handler: `report` hears why it failed (an uncaught error's message, or
/// that its script did not load, which an error event with no message means).
fn failure_handler(report: impl Fn(String) + 'static) -> Closure<dyn FnMut(ErrorEvent)> {
    Closure::new(move |error: ErrorEvent| {
        // Handled here: the browser need not log it as uncaught in the page as well.
        error.prevent_default();
        let what = error.message();
        report(if what.is_empty() { "its script did not load".to_string() } else { what });
    })
}

/// The training worker's twin, while it runs.
#[derive(Debug)]
struct TwinWorker {
    /// Its number (the training worker's).
    number: u32,
    worker: Worker,
    _on_message: Closure<dyn FnMut(MessageEvent)>,
    _on_error: Closure<dyn FnMut(ErrorEvent)>,
}

impl TwinWorker {
    /// Starts twin `number` from the loader at `loader_url` and joins it to `trainer`: the
    /// trainer gets its end of the channel now, the twin once its module listens (a message
    /// posted before would be lost). A failure, then or later, is the trainer's to hear.
    fn start(number: u32, loader_url: &str, trainer: &Worker) -> Option<Self> {
        let failed = {
            let trainer = trainer.clone();
            move |reason: String| {
                let _ = trainer.post_message(&wire::encode(&Command::TwinFailed { twin: number, reason }));
            }
        };
        let options = WorkerOptions::new();
        options.set_name(twin::NAME);
        // `?twin` (ignored by the loader) tells the twin apart by address, for tools that list
        // workers so (the browser tests).
        let started = Worker::new_with_options(&format!("{loader_url}?twin"), &options)
            .and_then(|worker| web_sys::MessageChannel::new().map(|channel| (worker, channel)));
        let (worker, channel) = match started {
            Ok(started) => started,
            Err(e) => {
                failed(format!("the browser did not start a second worker ({e:?})"));
                return None;
            }
        };
        let (theirs, ours) = (channel.port1(), channel.port2());
        let numbered = js_sys::Array::of2(&number.into(), &ours);
        if let Err(e) = trainer.post_message_with_transfer(&numbered, &js_sys::Array::of1(&ours)) {
            failed(format!("its channel did not reach the trainer ({e:?})"));
            worker.terminate();
            return None;
        }
        let on_message = {
            let (worker, mut theirs, failed) = (worker.clone(), Some(theirs), failed.clone());
            Closure::<dyn FnMut(MessageEvent)>::new(move |message: MessageEvent| {
                if wire::decode::<FromWorker>(&message.data()) != FromWorker::Listening {
                    return;
                }
                if let Some(port) = theirs.take()
                    && let Err(e) = worker.post_message_with_transfer(&port, &js_sys::Array::of1(&port))
                {
                    failed(format!("its channel did not reach it ({e:?})"));
                }
            })
        };
        let on_error = failure_handler(failed);
        worker.set_onmessage(Some(on_message.as_ref().unchecked_ref()));
        worker.set_onerror(Some(on_error.as_ref().unchecked_ref()));
        Some(Self { number, worker, _on_message: on_message, _on_error: on_error })
    }
}

impl Drop for TwinWorker {
    fn drop(&mut self) {
        self.worker.terminate();
        self.worker.set_onmessage(None);
        self.worker.set_onerror(None);
    }
}

/// A running training worker.
#[derive(Debug)]
pub struct TrainerBridge {
    worker: Worker,
    /// Commands posted before the worker listens (`None` once it does).
    held: Rc<RefCell<Option<Vec<Command>>>>,
    /// Its twin, if it asked for one.
    twin: Rc<RefCell<Option<TwinWorker>>>,
    /// The handlers, kept as long as the worker they listen to.
    _on_message: Closure<dyn FnMut(MessageEvent)>,
    _on_error: Closure<dyn FnMut(ErrorEvent)>,
}

impl TrainerBridge {
    /// Starts the worker whose script is at `loader_url`; `on_event` receives what it says,
    /// `on_failure` why it failed (at most once per failure event).
    ///
    /// # Errors
    /// When the browser refuses to start a worker (the message it gave).
    pub fn spawn(
        loader_url: &str,
        on_event: impl Fn(Event) + 'static,
        on_failure: impl Fn(String) + 'static,
    ) -> Result<Self, String> {
        let options = WorkerOptions::new();
        options.set_name("NSL trainer");
        let worker = Worker::new_with_options(loader_url, &options)
            .map_err(|e| format!("the browser did not start the training worker ({e:?})"))?;
        let held: Rc<RefCell<Option<Vec<Command>>>> = Rc::new(RefCell::new(Some(Vec::new())));
        let twin: Rc<RefCell<Option<TwinWorker>>> = Rc::default();
        let on_message = {
            let (worker, held, twin, loader_url) =
                (worker.clone(), held.clone(), twin.clone(), loader_url.to_string());
            Closure::<dyn FnMut(MessageEvent)>::new(move |message: MessageEvent| {
                match wire::decode::<FromWorker>(&message.data()) {
                    FromWorker::Listening => {
                        for command in held.borrow_mut().take().unwrap_or_default() {
                            let _ = worker.post_message(&wire::encode(&command));
                        }
                    }
                    FromWorker::Event(event) => on_event(*event),
                    FromWorker::WantTwin(number) => {
                        // The one before (if any) stops first: a worker has one twin.
                        let mut twin = twin.borrow_mut();
                        *twin = None;
                        *twin = TwinWorker::start(number, &loader_url, &worker);
                    }
                    FromWorker::DropTwin(number) => {
                        let mut twin = twin.borrow_mut();
                        if twin.as_ref().is_some_and(|t| t.number == number) {
                            *twin = None;
                        }
                    }
                }
            })
        };
        let on_error = failure_handler(on_failure);
        worker.set_onmessage(Some(on_message.as_ref().unchecked_ref()));
        worker.set_onerror(Some(on_error.as_ref().unchecked_ref()));
        Ok(Self { worker, held, twin, _on_message: on_message, _on_error: on_error })
    }

    /// Posts `command` to the worker, or holds it until the worker listens.
    pub fn send(&self, command: &Command) {
        match self.held.borrow_mut().as_mut() {
            Some(held) => held.push(command.clone()),
            None => {
                let _ = self.worker.post_message(&wire::encode(command));
            }
        }
    }
}

impl Drop for TrainerBridge {
    fn drop(&mut self) {
        self.worker.terminate();
        self.twin.borrow_mut().take();
        // No event may reach the handlers once they are dropped with the bridge.
        self.worker.set_onmessage(None);
        self.worker.set_onerror(None);
    }
}
