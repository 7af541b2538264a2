//! Helpers of the cross-crate tests: where `../shared` is, and skipping politely without it.

use std::path::PathBuf;

/// `../shared` beside the repository, if present (CI and developers have it; a user's fresh
/// clone does not).
pub fn shared_dir() -> Option<PathBuf> {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../shared");
    dir.is_dir().then_some(dir)
}

/// `../shared/<relative>`, or `None` after printing why the calling test skips.
pub fn shared(relative: &str) -> Option<PathBuf> {
    match shared_dir() {
        Some(dir) => Some(dir.join(relative)),
        None => {
            eprintln!("SKIPPED: ../shared is absent, so {relative} cannot be read");
            None
        }
    }
}

/// burn's wgpu device, or `None` after printing why the calling test skips. Without an adapter
/// the test skips, unless `NSL_REQUIRE_WGPU` is set (the test command sets it after installing
/// lavapipe), where a missing adapter is a failure.
pub fn wgpu_device() -> Option<nsl::burn::tensor::Device> {
    match nsl::device::device(nsl::device::Backend::Wgpu) {
        Ok(device) => Some(device),
        Err(e) if std::env::var_os("NSL_REQUIRE_WGPU").is_none() => {
            eprintln!("SKIPPED: no wgpu adapter ({e})");
            None
        }
        Err(e) => panic!("NSL_REQUIRE_WGPU is set but wgpu is unavailable: {e}"),
    }
}
