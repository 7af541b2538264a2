#!/usr/bin/env bash
# Sets everything up, builds and serves the playground at http://127.0.0.1:8080 as soon as a
# build exists (trunk's release build without wasm-opt, the build the tests run; rebuilt when a
# source changes: reload the page to see it). Safe to run again: it installs only what is missing. For the size-optimised
# static site a teacher can host anywhere, see scripts/build-site.sh.
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
ensure_wasm_tools
fetch_crates
cd "$ROOT"
step "building and serving the playground on http://127.0.0.1:8080 (a first build compiles burn for wasm32: ~20 minutes on 2 cores)"
exec trunk serve --release --offline "$@"
