//! The trainer's end of the twin: starts it (the worker module again, by the twin's name),
//! posts its requests (held until it listens) and hands each answer to the request it
//! answers — they come in the order asked. A twin that crashes or fails answers every request
//! then and after with why; dropping the link terminates it.

use std::cell::RefCell;
use std::collections::VecDeque;
use std::rc::Rc;

use futures::channel::oneshot;
use wasm_bindgen::JsCast;
use wasm_bindgen::closure::Closure;
use web_sys::{ErrorEvent, MessageEvent, Worker, WorkerOptions};

use super::{FromTwin, NAME, ToTwin};
use crate::wire;

/// What the handlers and the link share.
#[derive(Debug, Default)]
struct Pending {
    /// Requests posted before the twin listens (`None` once it does).
    held: Option<Vec<ToTwin>>,
    /// Who waits for each answer, in the order asked.
    waiting: VecDeque<oneshot::Sender<FromTwin>>,
    /// Why the twin is gone, once it is.
    lost: Option<String>,
}

impl Pending {
    /// The twin is gone: every waiting request hears why (its sender dropped), and so will
    /// every later one.
    fn lose(&mut self, reason: String) {
        self.lost.get_or_insert(reason);
        self.held = None;
        self.waiting.clear();
    }
}

/// A running twin.
#[derive(Debug)]
pub struct Twin {
    worker: Worker,
    pending: Rc<RefCell<Pending>>,
    _on_message: Closure<dyn FnMut(MessageEvent)>,
    _on_error: Closure<dyn FnMut(ErrorEvent)>,
}

impl Twin {
    /// Starts the twin from the worker loader at `loader_url`. Its name makes it the twin; its
    /// address says so too (`?twin`, which the loader ignores), for tools that list workers by
    /// address (the browser tests).
    ///
    /// # Errors
    /// When the browser refuses to start a worker from this one.
    pub fn spawn(loader_url: &str) -> Result<Self, String> {
        let options = WorkerOptions::new();
        options.set_name(NAME);
        let worker = Worker::new_with_options(&format!("{loader_url}?twin"), &options)
            .map_err(|e| format!("the browser did not start a second worker ({e:?})"))?;
        let pending = Rc::new(RefCell::new(Pending { held: Some(Vec::new()), ..Default::default() }));
        let on_message = {
            let (worker, pending) = (worker.clone(), pending.clone());
            Closure::<dyn FnMut(MessageEvent)>::new(move |message: MessageEvent| {
                let mut pending = pending.borrow_mut();
                match wire::decode_exact::<FromTwin>(&message.data()) {
                    FromTwin::Listening => {
                        for request in pending.held.take().unwrap_or_default() {
                            let _ = worker.post_message(&wire::encode_exact(&request));
                        }
                    }
                    FromTwin::Crashed(reason) => pending.lose(format!("it panicked: {reason}")),
                    answer => {
                        if let Some(waiting) = pending.waiting.pop_front() {
                            let _ = waiting.send(answer);
                        }
                    }
                }
            })
        };
        let on_error = {
            let pending = pending.clone();
            Closure::<dyn FnMut(ErrorEvent)>::new(move |error: ErrorEvent| {
                error.prevent_default();
                let what = error.message();
                pending.borrow_mut().lose(if what.is_empty() {
                    "its script did not load".into()
                } else {
                    what
                });
            })
        };
        worker.set_onmessage(Some(on_message.as_ref().unchecked_ref()));
        worker.set_onerror(Some(on_error.as_ref().unchecked_ref()));
        Ok(Self { worker, pending, _on_message: on_message, _on_error: on_error })
    }

    /// Posts `request` now (or holds it until the twin listens); the answer comes when awaited.
    ///
    /// # Errors
    /// Why the twin is gone, if it is or goes before answering.
    pub fn ask(&self, request: &ToTwin) -> impl Future<Output = Result<FromTwin, String>> + use<> {
        let (answer, answered) = oneshot::channel();
        let lost = {
            let mut pending = self.pending.borrow_mut();
            if pending.lost.is_none() {
                pending.waiting.push_back(answer);
                match pending.held.as_mut() {
                    Some(held) => held.push(request.clone()),
                    None => {
                        let _ = self.worker.post_message(&wire::encode_exact(request));
                    }
                }
            }
            self.pending.clone()
        };
        async move { answered.await.map_err(|_| lost.borrow().lost.clone().unwrap_or_else(|| "it closed".into())) }
    }

    /// Why the twin is gone, if it is.
    pub fn lost(&self) -> Option<String> {
        self.pending.borrow().lost.clone()
    }
}

impl Drop for Twin {
    fn drop(&mut self) {
        self.worker.terminate();
        self.worker.set_onmessage(None);
        self.worker.set_onerror(None);
    }
}
