//! Choosing the worker's compute device: burn's WebGPU backend when the browser hands out an
//! adapter, burn's `flex` CPU backend otherwise (or when the user asks for it).

use nsl::burn::tensor::Device;

/// Initialises burn's WebGPU runtime, or says why it cannot.
#[cfg(target_family = "wasm")]
pub async fn init_webgpu() -> Result<Device, String> {
    use wasm_bindgen::JsCast;
    let navigator = js_sys::Reflect::get(&js_sys::global(), &"navigator".into())
        .map_err(|_| "this worker has no navigator".to_string())?;
    let gpu = js_sys::Reflect::get(&navigator, &"gpu".into()).unwrap_or(wasm_bindgen::JsValue::UNDEFINED);
    if gpu.is_undefined() {
        return Err("this browser exposes no WebGPU (navigator.gpu is missing)".into());
    }
    // Ask for an adapter ourselves first: a browser may expose navigator.gpu yet have no
    // adapter (blocklisted GPU, headless without --enable-unsafe-webgpu).
    let request: js_sys::Function = js_sys::Reflect::get(&gpu, &"requestAdapter".into())
        .ok()
        .and_then(|f| f.dyn_into().ok())
        .ok_or_else(|| "navigator.gpu.requestAdapter is missing".to_string())?;
    let promise: js_sys::Promise = request
        .call0(&gpu)
        .ok()
        .and_then(|p| p.dyn_into().ok())
        .ok_or_else(|| "requestAdapter() failed".to_string())?;
    let adapter = wasm_bindgen_futures::JsFuture::from(promise)
        .await
        .map_err(|e| format!("requestAdapter() rejected: {e:?}"))?;
    if adapter.is_null() || adapter.is_undefined() {
        return Err("the browser offers no WebGPU adapter".into());
    }
    Device::wgpu_options().init_async().await.map_err(|e| format!("WebGPU: {e}"))
}

/// WebGPU exists only in the browser build.
#[cfg(not(target_family = "wasm"))]
pub async fn init_webgpu() -> Result<Device, String> {
    Err("WebGPU exists only in the browser build".into())
}
