//! NSL Playground: Neural Structured Learning in the browser.
//!
//! Two wasm modules are built from this library: the page's (`crates/playground-page`, calling
//! [`start_page`]) renders the app; the dedicated worker's, which the page spawns
//! (`crates/playground-worker` through `www/worker-loader.js`, calling [`start_worker`]),
//! trains. The page ([`app`], [`state`], [`components`]) renders the state held by one reducer
//! and sends [`protocol::Command`]s through [`bridge`] (as [`wire`] messages) to the training
//! worker ([`worker`]), which owns the burn device (WebGPU or CPU) and the sessions and streams
//! [`protocol::Event`]s back. The experiment spec is the single source of truth: the controls
//! edit it ([`edit`]), the URL hash carries it ([`link`]), the downloads write it ([`download`]).
//! Data flows one way: spec → worker → progress → view.

pub mod adversary;
pub mod app;
pub mod bridge;
pub mod components;
mod ctors;
pub mod download;
pub mod drawing;
pub mod edit;
pub mod fragment;
pub mod graph_view;
pub mod lesson;
pub mod link;
pub mod plane_points;
pub mod presets;
pub mod protocol;
pub mod sampling;
pub mod shared;
pub mod state;
pub mod storage;
pub mod typed_view;
pub mod watchdog;
pub mod wire;
pub mod worker;

/// Where the worker loader is served (beside the page).
pub const WORKER_LOADER: &str = "worker-loader.js";

/// The page's entry point (the `playground-page` module): the app in the window.
pub fn start_page() {
    ctors::run_once();
    panic_to_console();
    if let Some(splash) =
        web_sys::window().and_then(|w| w.document()).and_then(|d| d.get_element_by_id("splash"))
    {
        splash.remove();
    }
    yew::Renderer::<app::App>::new().render();
}

/// The training worker's entry point (the `playground-worker` module): the trainer listens.
pub fn start_worker() {
    ctors::run_once();
    panic_to_console();
    worker::listen();
}

/// Sends panic messages to the browser console (they are lost otherwise in wasm).
pub fn panic_to_console() {
    std::panic::set_hook(Box::new(|info| {
        // The JavaScript stack names the wasm functions (the module keeps its name section
        // unless wasm-opt strips it).
        if let Ok(error) = js_sys::Reflect::get(&js_sys::global(), &"Error".into()) {
            // V8 keeps 10 frames by default: too few to see past the panic machinery.
            let _ = js_sys::Reflect::set(&error, &"stackTraceLimit".into(), &64.into());
        }
        let stack = js_sys::Reflect::get(&js_sys::Error::new(""), &"stack".into())
            .ok()
            .and_then(|s| s.as_string())
            .unwrap_or_default();
        web_sys::console::error_1(&format!("NSL Playground panicked: {info}\n{stack}").into());
    }));
}
