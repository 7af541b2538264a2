//! Static constructors, run once. burn's GPU compiler (cubecl) registers its IR operations with
//! `inventory`, whose constructors wasm-ld gathers in `__wasm_call_ctors`. If no exported
//! function calls it, wasm-ld treats the module as a "command" and wraps *every* export in a
//! call to it — each call from JavaScript into wasm (every event handler, every message) then
//! re-ran all constructors, 300–600 ms a time. Calling it once from `start` makes the module a
//! "reactor": constructors run at start-up only.

#[cfg(target_family = "wasm")]
#[allow(unsafe_code)]
mod imp {
    unsafe extern "C" {
        fn __wasm_call_ctors();
    }

    pub fn run() {
        // SAFETY: called once, first thing in `start` (the module's start function, before any
        // other Rust code runs); the constructors only register static items and are idempotent.
        unsafe { __wasm_call_ctors() }
    }
}

/// Runs the static constructors (a no-op natively, where the platform runs them).
pub fn run_once() {
    #[cfg(target_family = "wasm")]
    imp::run();
}
