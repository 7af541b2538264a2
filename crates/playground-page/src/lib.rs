//! The page's wasm module: renders the app ([`playground::start_page`]). Everything the page
//! never calls — the trainer, burn — is left out of this module by the linker.

/// Entry point of the module, run by the loader Trunk writes into the page.
#[wasm_bindgen::prelude::wasm_bindgen(start)]
pub fn start() {
    playground::start_page();
}
