//! Helpers of the cross-crate tests: where `../shared` is, and skipping politely without it
//! (a user's fresh clone) but failing under CI, where a skipped check would pass unseen.

use std::path::PathBuf;

/// `../shared` beside the repository, if present (CI and developers have it; a user's fresh
/// clone does not).
pub fn shared_dir() -> Option<PathBuf> {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../shared");
    dir.is_dir().then_some(dir)
}

/// `../shared/<relative>`, or `None` after printing why the calling test skips.
///
/// # Panics
/// With `CI` set (CI always has `../shared` beside the clone) a missing file is a failure.
pub fn shared(relative: &str) -> Option<PathBuf> {
    let path = shared_dir().map(|dir| dir.join(relative)).filter(|p| p.exists());
    if path.is_none() {
        assert!(std::env::var_os("CI").is_none(), "CI is set but ../shared/{relative} is absent");
        eprintln!("SKIPPED: ../shared/{relative} is absent");
    }
    path
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
