//! Which compute backend the page uses: burn's WebGPU backend when the browser offers an
//! adapter, otherwise burn's CPU backend.

use nsl::burn::tensor::Device;

thread_local! {
    /// The WebGPU device, once initialised (the page has one thread: the UI's).
    static WEBGPU: std::cell::RefCell<Option<Device>> = const { std::cell::RefCell::new(None) };
}

/// The outcome of probing the browser.
#[derive(Debug, Clone, PartialEq)]
pub enum BackendStatus {
    /// The probe is running.
    Detecting,
    /// WebGPU initialised.
    WebGpu,
    /// No usable WebGPU: the CPU backend, with the reason.
    Cpu {
        /// Why WebGPU is not used.
        reason: String,
    },
}

impl BackendStatus {
    /// A short label for the badge.
    pub fn label(&self) -> &'static str {
        match self {
            Self::Detecting => "detecting…",
            Self::WebGpu => "WebGPU",
            Self::Cpu { .. } => "CPU",
        }
    }

    /// The burn device of this backend (WebGPU's was initialised once, by [`detect`]).
    pub fn device(&self) -> Result<Device, String> {
        match self {
            Self::WebGpu => {
                WEBGPU.with(|d| d.borrow().clone()).ok_or_else(|| "WebGPU was not initialised".to_string())
            }
            Self::Detecting | Self::Cpu { .. } => Ok(Device::flex()),
        }
    }
}

/// Probes `navigator.gpu` and initialises burn's WebGPU runtime when it is there.
pub async fn detect() -> BackendStatus {
    if !navigator_has_gpu() {
        return BackendStatus::Cpu { reason: "this browser exposes no navigator.gpu".into() };
    }
    match init_webgpu().await {
        Ok(device) => {
            // burn registers one wgpu runtime per page: keep its device for every later use.
            WEBGPU.with(|d| *d.borrow_mut() = Some(device));
            BackendStatus::WebGpu
        }
        Err(reason) => BackendStatus::Cpu { reason },
    }
}

fn navigator_has_gpu() -> bool {
    let Some(window) = web_sys::window() else { return false };
    js_sys::Reflect::get(&window.navigator(), &"gpu".into()).is_ok_and(|gpu| !gpu.is_undefined())
}

#[cfg(target_family = "wasm")]
async fn init_webgpu() -> Result<Device, String> {
    Device::wgpu_options().init_async().await.map_err(|e| format!("WebGPU: {e}"))
}

#[cfg(not(target_family = "wasm"))]
async fn init_webgpu() -> Result<Device, String> {
    Err("WebGPU exists only in the browser build".into())
}
