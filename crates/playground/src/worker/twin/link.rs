//! The trainer's end of the twin. The page starts the twin and joins the two workers with a
//! message channel: the trainer asks for a twin ([`FromWorker::WantTwin`]), the page starts it,
//! posts it one end of a `MessageChannel` and the trainer the other (`[number, port]`, read by
//! [`arrived`]); from then on trainer and twin talk over it. (The trainer started the twin
//! itself at first: a worker started from a worker now and then stopped Firefox's trainer
//! thread for good, as far as CI's runs tell — a page stuck at "Loading…", a Play never
//! heard —, and older Safari releases start none.) Requests are held until the twin listens;
//! answers come in the order asked. A twin that crashes or fails answers every request then
//! and after with why; dropping the link has the page stop it.

use std::cell::{Cell, RefCell};
use std::collections::VecDeque;
use std::rc::{Rc, Weak};

use futures::channel::oneshot;
use wasm_bindgen::closure::Closure;
use wasm_bindgen::{JsCast, JsValue};
use web_sys::{MessageEvent, MessagePort};

use super::{FromTwin, ToTwin};
use crate::wire::{self, FromWorker};

/// What the twin's end of the channel and the link share.
#[derive(Debug, Default)]
struct Pending {
    /// The trainer's end of the channel, once the page sent it.
    port: Option<MessagePort>,
    /// Its handler, kept as long as the port.
    on_message: Option<Closure<dyn FnMut(MessageEvent)>>,
    /// Requests asked before the twin listens (`None` once it does).
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

    /// What the twin said.
    fn hear(&mut self, message: FromTwin) {
        match message {
            FromTwin::Listening => {
                for request in self.held.take().unwrap_or_default() {
                    self.post(&request);
                }
            }
            FromTwin::Crashed(reason) => self.lose(format!("it panicked: {reason}")),
            answer => {
                if let Some(waiting) = self.waiting.pop_front() {
                    let _ = waiting.send(answer);
                }
            }
        }
    }

    /// Posts `request` to the twin (nothing before the page sent the port: it is held then).
    fn post(&self, request: &ToTwin) {
        if let Some(port) = &self.port {
            let _ = port.post_message(&wire::encode_exact(request));
        }
    }
}

thread_local! {
    /// The twin of this worker (at most one), by number: the page's answers name it.
    static CURRENT: RefCell<Option<(u32, Weak<RefCell<Pending>>)>> = const { RefCell::new(None) };
    /// The next twin's number.
    static NEXT: Cell<u32> = const { Cell::new(0) };
}

/// The twin `number`, if it is this worker's current one.
fn current(number: u32) -> Option<Rc<RefCell<Pending>>> {
    CURRENT.with(|c| c.borrow().as_ref().filter(|(n, _)| *n == number).and_then(|(_, p)| p.upgrade()))
}

/// Posts `message` to the page.
fn tell_page(message: &FromWorker) {
    let scope: web_sys::DedicatedWorkerGlobalScope = js_sys::global().unchecked_into();
    let _ = scope.post_message(&wire::encode(message));
}

/// Takes a message the page posted if it is a twin's end of a channel (`[number, port]`): the
/// current twin's is joined, a stale one (of a twin dropped since) closed. `false`: the
/// message is something else (a command).
pub fn arrived(data: &JsValue) -> bool {
    if !js_sys::Array::is_array(data) {
        return false;
    }
    let pair: js_sys::Array = data.clone().unchecked_into();
    let (Some(number), Ok(port)) = (pair.get(0).as_f64(), pair.get(1).dyn_into::<MessagePort>()) else {
        return false;
    };
    match current(number as u32) {
        Some(pending) if pending.borrow().port.is_none() => join(&pending, port),
        _ => port.close(),
    }
    true
}

/// The page could not start the twin `number`, or it failed (an uncaught error): `reason`.
pub fn failed(number: u32, reason: String) {
    if let Some(pending) = current(number) {
        pending.borrow_mut().lose(reason);
    }
}

/// Listens to the twin on `port`.
fn join(pending: &Rc<RefCell<Pending>>, port: MessagePort) {
    let weak = Rc::downgrade(pending);
    let on_message = Closure::<dyn FnMut(MessageEvent)>::new(move |message: MessageEvent| {
        if let Some(pending) = weak.upgrade() {
            pending.borrow_mut().hear(wire::decode_exact::<FromTwin>(&message.data()));
        }
    });
    port.set_onmessage(Some(on_message.as_ref().unchecked_ref()));
    let mut pending = pending.borrow_mut();
    pending.port = Some(port);
    pending.on_message = Some(on_message);
}

/// A twin: asked for, then running.
#[derive(Debug)]
pub struct Twin {
    number: u32,
    pending: Rc<RefCell<Pending>>,
}

impl Twin {
    /// Asks the page for a twin; requests wait until it listens.
    pub fn start() -> Self {
        let number = NEXT.get();
        NEXT.set(number.wrapping_add(1));
        let pending = Rc::new(RefCell::new(Pending { held: Some(Vec::new()), ..Default::default() }));
        CURRENT.with(|c| *c.borrow_mut() = Some((number, Rc::downgrade(&pending))));
        tell_page(&FromWorker::WantTwin(number));
        Self { number, pending }
    }

    /// Posts `request` now (or holds it until the twin listens); the answer comes when awaited.
    ///
    /// # Errors
    /// Why the twin is gone, if it is or goes before answering.
    pub fn ask(&self, request: &ToTwin) -> impl Future<Output = Result<FromTwin, String>> + use<> {
        let (answer, answered) = oneshot::channel();
        {
            let mut pending = self.pending.borrow_mut();
            if pending.lost.is_none() {
                pending.waiting.push_back(answer);
                match pending.held.as_mut() {
                    Some(held) => held.push(request.clone()),
                    None => pending.post(request),
                }
            }
        }
        let lost = self.pending.clone();
        async move { answered.await.map_err(|_| lost.borrow().lost.clone().unwrap_or_else(|| "it closed".into())) }
    }

    /// Why the twin is gone, if it is.
    pub fn lost(&self) -> Option<String> {
        self.pending.borrow().lost.clone()
    }
}

impl Drop for Twin {
    fn drop(&mut self) {
        CURRENT.with(|c| {
            let mut c = c.borrow_mut();
            if c.as_ref().is_some_and(|(n, _)| *n == self.number) {
                *c = None;
            }
        });
        let mut pending = self.pending.borrow_mut();
        if let Some(port) = pending.port.take() {
            // No answer may reach the handler once it is dropped.
            port.set_onmessage(None);
            port.close();
        }
        pending.on_message = None;
        tell_page(&FromWorker::DropTwin(self.number));
    }
}
