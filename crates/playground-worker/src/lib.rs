//! The training worker's wasm module ([`playground::start_worker`]), loaded by
//! `www/worker-loader.js` in the dedicated worker the page spawns. The page's code — Yew, the
//! charts, the lessons — is left out of this module by the linker.

/// Entry point of the module, run when the worker loader initialises it.
#[wasm_bindgen::prelude::wasm_bindgen(start)]
pub fn start() {
    playground::start_worker();
}
