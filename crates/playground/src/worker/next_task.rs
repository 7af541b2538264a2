//! Yielding to the worker's event loop between two ticks without a timer's delay: a timer of
//! 0 ms waits at least 4 ms once timers nest (the HTML standard's clamp), longer than a tick of
//! a small model takes; a message posted to ourselves over a `MessageChannel` is delivered as
//! the next task, after the page's messages already queued.

use std::cell::RefCell;

use wasm_bindgen::{JsCast, JsValue};

/// The channel: one port posts, the other wakes the waiting tick.
struct Channel {
    receiving: JsValue,
    sending: JsValue,
    post: js_sys::Function,
}

thread_local! {
    static CHANNEL: RefCell<Option<Channel>> = const { RefCell::new(None) };
}

/// The worker's channel to itself (made on first use), `None` where the scope has no
/// `MessageChannel`.
fn channel() -> Option<(JsValue, JsValue, js_sys::Function)> {
    CHANNEL.with(|cell| {
        let mut cell = cell.borrow_mut();
        if cell.is_none() {
            let global = js_sys::global();
            let constructor: js_sys::Function =
                js_sys::Reflect::get(&global, &"MessageChannel".into()).ok()?.dyn_into().ok()?;
            let made = js_sys::Reflect::construct(&constructor, &js_sys::Array::new()).ok()?;
            let receiving = js_sys::Reflect::get(&made, &"port1".into()).ok()?;
            let sending = js_sys::Reflect::get(&made, &"port2".into()).ok()?;
            let post = js_sys::Reflect::get(&sending, &"postMessage".into()).ok()?.dyn_into().ok()?;
            *cell = Some(Channel { receiving, sending, post });
        }
        cell.as_ref().map(|c| (c.receiving.clone(), c.sending.clone(), c.post.clone()))
    })
}

/// Resolves as the worker's next task (a 0 ms timer where there is no `MessageChannel`).
pub async fn next_task() {
    let Some((receiving, sending, post)) = channel() else {
        gloo_timers::future::TimeoutFuture::new(0).await;
        return;
    };
    let woken = js_sys::Promise::new(&mut |resolve, _reject| {
        // One waiter at a time (the runtime's loop): the handler is replaced each time.
        let _ = js_sys::Reflect::set(&receiving, &"onmessage".into(), &resolve);
        let _ = post.call1(&sending, &JsValue::NULL);
    });
    let _ = wasm_bindgen_futures::JsFuture::from(woken).await;
}
