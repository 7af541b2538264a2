//! Yielding to the worker's event loop between two ticks without a timer's delay: a timer of
//! 0 ms waits at least 4 ms once timers nest (the HTML standard's clamp) — an eighth of a tick
//! that trains for two frames. A message posted to ourselves over a `MessageChannel` is
//! delivered as the next task, after the page's messages already queued.

use wasm_bindgen::JsValue;
use wasm_bindgen_futures::JsFuture;
use web_sys::MessageChannel;

thread_local! {
    /// The worker's channel to itself, `None` where the scope has no `MessageChannel`.
    static CHANNEL: Option<MessageChannel> = MessageChannel::new().ok();
}

/// Resolves as the worker's next task (after a 0 ms timer where there is no `MessageChannel`).
pub async fn next_task() {
    let Some(channel) = CHANNEL.with(Clone::clone) else {
        gloo_timers::future::TimeoutFuture::new(0).await;
        return;
    };
    let woken = js_sys::Promise::new(&mut |resolve, _reject| {
        // One waiter at a time (the runtime's loop): the handler is replaced each time.
        channel.port1().set_onmessage(Some(&resolve));
        // Posting null to our own port cannot fail (nothing to clone or transfer).
        let _ = channel.port2().post_message(&JsValue::NULL);
    });
    // The promise only resolves.
    let _ = JsFuture::from(woken).await;
}
