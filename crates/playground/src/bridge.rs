//! The page's end of the training worker: starts it, posts it commands (holding them until its
//! module listens), hands its events on, and reports its failure — an uncaught error in the
//! worker (a trap, memory that could not grow) or a script that did not load. Dropping the
//! bridge terminates the worker: one that is stuck or silent is stopped too, not left running
//! beside its replacement.

use std::cell::RefCell;
use std::rc::Rc;

use wasm_bindgen::JsCast;
use wasm_bindgen::closure::Closure;
use web_sys::{ErrorEvent, MessageEvent, Worker, WorkerOptions};

use crate::protocol::{Command, Event};
use crate::wire::{self, FromWorker};

/// A running training worker.
#[derive(Debug)]
pub struct TrainerBridge {
    worker: Worker,
    /// Commands posted before the worker listens (`None` once it does).
    held: Rc<RefCell<Option<Vec<Command>>>>,
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
        let on_message = {
            let (worker, held) = (worker.clone(), held.clone());
            Closure::<dyn FnMut(MessageEvent)>::new(move |message: MessageEvent| {
                match wire::decode::<FromWorker>(&message.data()) {
                    FromWorker::Listening => {
                        for command in held.borrow_mut().take().unwrap_or_default() {
                            let _ = worker.post_message(&wire::encode(&command));
                        }
                    }
                    FromWorker::Event(event) => on_event(*event),
                }
            })
        };
        let on_error = Closure::<dyn FnMut(ErrorEvent)>::new(move |error: ErrorEvent| {
            // Handled here: the browser need not log it as uncaught in the page as well.
            error.prevent_default();
            let what = error.message();
            on_failure(if what.is_empty() { "its script did not load".to_string() } else { what });
        });
        worker.set_onmessage(Some(on_message.as_ref().unchecked_ref()));
        worker.set_onerror(Some(on_error.as_ref().unchecked_ref()));
        Ok(Self { worker, held, _on_message: on_message, _on_error: on_error })
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
        // No event may reach the handlers once they are dropped with the bridge.
        self.worker.set_onmessage(None);
        self.worker.set_onerror(None);
    }
}
