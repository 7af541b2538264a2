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
