#!/usr/bin/env bash
# Sets everything up and runs every test: formatting, clippy, the native tests (TensorFlow
# NSL conformance included when ../shared is present) and the wasm32 build of the app.
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
ensure_wasm_tools
ensure_vulkan
fetch_crates
cd "$ROOT"

step "cargo fmt --check"
cargo fmt --all --check

step "cargo clippy -D warnings"
cargo clippy --workspace --all-targets --locked -- -D warnings

step "native tests (CPU backend, and wgpu on Vulkan)"
cargo test --workspace --locked

step "wasm32 build of the library and the app (trunk, release, offline)"
# The same page without wasm-opt: wasm-opt (single-threaded JS) takes minutes and is the
# serve path's job; everything else is the shipped build.
sed 's/data-wasm-opt="z"/data-wasm-opt="0"/' www/index.html > www/index.ci.html
trunk build --release --offline --dist "$CARGO_TARGET_DIR/dist-ci" www/index.ci.html
rm -f www/index.ci.html
wasm="$(ls "$CARGO_TARGET_DIR"/dist-ci/*.wasm)"
printf 'app wasm (no wasm-opt): %s bytes, %s bytes gzipped\n' \
  "$(stat -c %s "$wasm")" "$(gzip -9 -c "$wasm" | wc -c)"
echo "all checks passed"
