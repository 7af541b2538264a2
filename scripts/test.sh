#!/usr/bin/env bash
# Sets everything up and runs every test: formatting, clippy (as the compiler of the workspace's
# crates, so burn is built once), the import-cycle check, the
# native tests (TensorFlow NSL conformance included when ../shared is present; under CI it must
# be), the wasm32 build of the app and its end-to-end tests in headless Chromium (CPU and
# WebGPU). Speed is not asserted here (floors only): `bash scripts/bench.sh` measures it.
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
ensure_wasm_tools
ensure_vulkan
ensure_python
ensure_browser_tools
fetch_crates
cd "$ROOT"

step "cargo fmt --check"
cargo fmt --all --check

step "native build of every target, linted by clippy as it compiles (-D warnings)"
linted cargo build --workspace --all-targets --locked

step "native tests (CPU backend, and wgpu on Vulkan)"
linted cargo test --workspace --locked

build_app

step "the two modules keep to their halves (the page's without the trainer, the worker's without the page)"
# Read from the modules' name sections (kept without wasm-opt): a page that reached the trainer
# would carry burn's CPU backend and autodiff again (and its download with them).
page="$CARGO_TARGET_DIR/dist/playground-page_bg.wasm" worker="$CARGO_TARGET_DIR/dist/playground-worker_bg.wasm"
if grep -a -q -e burn_flex -e burn_autodiff "$page"; then
  echo "the page's module holds burn's CPU backend or autodiff: something the page calls reaches the trainer" >&2
  exit 1
fi
if grep -a -q -e 'yew::' -e 'plotters::' "$worker"; then
  echo "the worker's module holds Yew or plotters: something the worker calls reaches the page" >&2
  exit 1
fi
grep -a -q burn_autodiff "$worker" || { echo "the worker's module has no name section to check" >&2; exit 1; }

step "browser end-to-end test (headless Chromium: every data family on the CPU, then WebGPU)"
# Screenshots and measured figures: tests/artifacts/ (not committed).
node tests/e2e/playground.mjs "$CARGO_TARGET_DIR/dist" "$ROOT/tests/artifacts"

step "browser end-to-end test of the graph editor (drawn with the mouse, trained graph-regularized)"
node tests/e2e/graph_editor.mjs "$CARGO_TARGET_DIR/dist" "$ROOT/tests/artifacts"


step "browser end-to-end test of hostile links (oversized, malformed, markup: refused or shown as text)"
node tests/e2e/hostile_links.mjs "$CARGO_TARGET_DIR/dist" "$ROOT/tests/artifacts"

step "browser end-to-end test of the guided lessons (every built-in lesson walked as a learner would; links, presenter, progress, a malformed file)"
node tests/e2e/lessons.mjs "$CARGO_TARGET_DIR/dist" "$ROOT/tests/artifacts"

step "browser end-to-end test of the views inside the models (your own points with the mouse and a CSV, the network with x1², digits' first layer and CNN maps, a GCN layer stepped through; the views' cost printed)"
node tests/e2e/inside_models.mjs "$CARGO_TARGET_DIR/dist" "$ROOT/tests/artifacts"

step "browser end-to-end test of access (axe-core audit, keyboard only, the Content Security Policy, projector and tablet with touch)"
node tests/e2e/access.mjs "$CARGO_TARGET_DIR/dist" "$ROOT/tests/artifacts"

step "browser end-to-end test of a lost worker (a panic, an uncaught error, a stuck worker: replaced, nothing the learner made is lost)"
node tests/e2e/worker_crash.mjs "$CARGO_TARGET_DIR/dist" "$ROOT/tests/artifacts"

step "browser end-to-end test of the what-if pair in two workers (the same numbers as in one, bit for bit)"
node tests/e2e/two_workers.mjs "$CARGO_TARGET_DIR/dist" "$ROOT/tests/artifacts"

step "browser end-to-end test of the graph explorer (Cora through the file input, pan/zoom, 2-hop sampling)"
if require_shared data/cora; then
  node tests/e2e/explorer.mjs "$CARGO_TARGET_DIR/dist" "$ROOT/tests/artifacts" "$ROOT/../shared/data/cora"
fi

step "browser end-to-end test of perturbations and robustness (checked against native nsl)"
# The native side is the nsl binary the test build above made.
NSL_BIN="$CARGO_TARGET_DIR/debug/nsl" node tests/e2e/adversary.mjs "$CARGO_TARGET_DIR/dist" "$ROOT/tests/artifacts"

step "browser end-to-end test of sampled-subgraph training (fanouts and roots by keyboard, each step's batch drawn, cost beside full batch; checked against native nsl)"
NSL_BIN="$CARGO_TARGET_DIR/debug/nsl" node tests/e2e/sampled_training.mjs "$CARGO_TARGET_DIR/dist" "$ROOT/tests/artifacts"

step "browser end-to-end test of link prediction (held-out edges and non-edges drawn by score, ROC and AUC; checked against native nsl)"
NSL_BIN="$CARGO_TARGET_DIR/debug/nsl" node tests/e2e/link_prediction.mjs "$CARGO_TARGET_DIR/dist" "$ROOT/tests/artifacts"

step "browser end-to-end test of graph classification (the motifs' test graphs in a grid coloured by prediction, misclassified first, the read-out; checked against native nsl)"
NSL_BIN="$CARGO_TARGET_DIR/debug/nsl" node tests/e2e/graph_classification.mjs "$CARGO_TARGET_DIR/dist" "$ROOT/tests/artifacts"

step "browser end-to-end test of a heterogeneous graph (node sets by shape, edge sets by line, the legend filtering, each round's updates, the explorer sampling over every edge set, Deep Graph Infomax beside; checked against native nsl)"
NSL_BIN="$CARGO_TARGET_DIR/debug/nsl" node tests/e2e/heterogeneous.mjs "$CARGO_TARGET_DIR/dist" "$ROOT/tests/artifacts"

step "browser end-to-end test of graphs built from the data and bundled Cora (threshold moved with the mouse, trained; checked against native nsl)"
# Its Cora run is compared with `nsl train --builtin cora-graph-reg` on ../shared/data/cora.
if require_shared data/cora; then
  NSL_BIN="$CARGO_TARGET_DIR/debug/nsl" node tests/e2e/graphs_from_data.mjs "$CARGO_TARGET_DIR/dist" "$ROOT/tests/artifacts"
fi

step "the CPU-backend browser tests again in Firefox ESR (families, editor, hostile links, lessons, access, lost worker, two workers, explorer, adversary)"
# Chromium-only: WebGPU (Firefox ESR has none on Linux).
for test in playground graph_editor hostile_links lessons access worker_crash two_workers; do
  NSL_BROWSER=firefox node "tests/e2e/$test.mjs" "$CARGO_TARGET_DIR/dist" "$ROOT/tests/artifacts"
done
if require_shared data/cora; then
  NSL_BROWSER=firefox node tests/e2e/explorer.mjs "$CARGO_TARGET_DIR/dist" "$ROOT/tests/artifacts" "$ROOT/../shared/data/cora"
fi
NSL_BROWSER=firefox NSL_BIN="$CARGO_TARGET_DIR/debug/nsl" node tests/e2e/adversary.mjs "$CARGO_TARGET_DIR/dist" "$ROOT/tests/artifacts"
echo "all checks passed"
