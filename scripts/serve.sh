#!/usr/bin/env bash
# Sets everything up and serves the playground at http://127.0.0.1:8080 (release build,
# wasm-opt -Oz). Safe to run again: it installs only what is missing.
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
ensure_wasm_tools
ensure_wasm_opt
fetch_crates
cd "$ROOT"
step "building and serving the playground on http://127.0.0.1:8080 (first build: ~20 minutes)"
exec trunk serve --release "$@"
