#!/usr/bin/env bash
# Sets everything up and runs every test: formatting, clippy, the native tests (TensorFlow
# NSL conformance included when ../shared is present), the wasm32 build of the app and its
# end-to-end test in headless Chromium (CPU and WebGPU).
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
ensure_wasm_tools
ensure_vulkan
ensure_browser_tools
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
for wasm in "$CARGO_TARGET_DIR"/dist-ci/*.wasm; do
  printf '%s (no wasm-opt): %s bytes, %s bytes gzipped\n' \
    "$(basename "$wasm")" "$(stat -c %s "$wasm")" "$(gzip -9 -c "$wasm" | wc -c)"
done

step "browser end-to-end test (headless Chromium: every data family on the CPU, then WebGPU)"
# Screenshots and measured figures: tests/artifacts/ (not committed).
node tests/e2e/playground.mjs "$CARGO_TARGET_DIR/dist-ci" "$ROOT/tests/artifacts"

step "browser end-to-end test of the graph editor (drawn with the mouse, trained graph-regularized)"
node tests/e2e/graph_editor.mjs "$CARGO_TARGET_DIR/dist-ci" "$ROOT/tests/artifacts"

step "browser end-to-end test of the graph explorer (Cora through the file input, pan/zoom, 2-hop sampling)"
if [ -d "$ROOT/../shared/data/cora" ]; then
  node tests/e2e/explorer.mjs "$CARGO_TARGET_DIR/dist-ci" "$ROOT/tests/artifacts" "$ROOT/../shared/data/cora"
else
  echo "SKIPPED: ../shared/data/cora is absent"
fi

step "browser end-to-end test of perturbations and robustness (checked against native nsl)"
# The native side is the nsl binary the test build above made.
NSL_BIN="$CARGO_TARGET_DIR/debug/nsl" node tests/e2e/adversary.mjs "$CARGO_TARGET_DIR/dist-ci" "$ROOT/tests/artifacts"
echo "all checks passed"
