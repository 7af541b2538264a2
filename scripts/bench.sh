#!/usr/bin/env bash
# The benchmarks, kept out of the test command: they print what they measure and assert no
# speed (machines of this kind differ up to 3×). Natively `nsl bench --mag` (CPU training seconds of
# the built-ins, and MtAlbis on the native MAG-like graph) and `nsl bench-graph`; in headless Chromium tests/e2e/bench.mjs (steps/s, view
# refreshes/s, the longest main-thread task while training, first paint and app ready) beside
# the baseline in tests/e2e/bench-baseline.json, and each setup's step in the browser against the
# same spec's step in native `nsl train --spec` (ms per step of the pair, and their ratio).
#
#   bash scripts/bench.sh [--record]   # --record: the browser figures become the new baseline
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
ensure_wasm_tools
ensure_browser_tools
fetch_crates
cd "$ROOT"
step "native build (the test command's: same profile and features, so burn is not built twice)"
linted cargo test --workspace --locked --no-run
step "native benchmark (CPU backend)"
"$CARGO_TARGET_DIR/debug/nsl" bench --mag
if require_shared data/cora; then
  "$CARGO_TARGET_DIR/debug/nsl" bench-graph --cora-dir "$ROOT/../shared/data/cora"
fi
build_app
step "browser benchmark (headless Chromium, CPU backend), each setup also run natively by nsl"
NSL_BIN="$CARGO_TARGET_DIR/debug/nsl" node tests/e2e/bench.mjs "$CARGO_TARGET_DIR/dist" "$ROOT/tests/artifacts" "$@"
