//! Choosing the burn device a run computes on.

use burn::tensor::Device;
use serde::{Deserialize, Serialize};

use crate::error::{NslError, Result};

/// Compute backends the library can run on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "snake_case")]
pub enum Backend {
    /// burn's pure-Rust `flex` CPU backend: everywhere, natively and in wasm.
    #[default]
    Cpu,
    /// burn's wgpu backend: WebGPU in the browser, Vulkan/Metal/DX12 natively.
    Wgpu,
}

impl std::fmt::Display for Backend {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            Self::Cpu => "cpu",
            Self::Wgpu => "wgpu",
        })
    }
}

/// The device of `backend`, initialised synchronously (native code; the browser initialises
/// wgpu asynchronously itself). `NSL_WGPU_API=vulkan` pins wgpu to Vulkan.
pub fn device(backend: Backend) -> Result<Device> {
    match backend {
        Backend::Cpu => Ok(Device::flex()),
        Backend::Wgpu => wgpu_device(),
    }
}

#[cfg(all(feature = "wgpu", not(target_family = "wasm")))]
fn wgpu_device() -> Result<Device> {
    use burn::tensor::wgpu::WgpuBackend;
    let api = match std::env::var("NSL_WGPU_API").as_deref() {
        Ok("vulkan") => WgpuBackend::Vulkan,
        Ok("auto") | Err(_) => WgpuBackend::Auto,
        Ok(other) => return Err(NslError::Device(format!("NSL_WGPU_API={other}: use vulkan or auto"))),
    };
    Device::wgpu_options().graphics_api(api).init().map_err(|e| NslError::Device(format!("wgpu: {e}")))
}

#[cfg(not(all(feature = "wgpu", not(target_family = "wasm"))))]
fn wgpu_device() -> Result<Device> {
    Err(NslError::Device("this build has no native wgpu backend (feature `wgpu`)".into()))
}
