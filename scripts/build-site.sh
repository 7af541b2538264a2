#!/usr/bin/env bash
# Builds the playground as a static site, optimised for size (wasm-opt -Oz: several minutes on
# top of the release build), into DIR (default: dist/ in the clone). Any static file server
# can host DIR as it is: index.html, the two wasm modules (page, worker) and their JS glue,
# the worker loader, the bundled digits and Cora.
#
#   bash scripts/build-site.sh [DIR]
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
ensure_wasm_tools
ensure_wasm_opt
fetch_crates
cd "$ROOT"
out="$(realpath -m "${1:-$ROOT/dist}")"
step "building the static site into $out (release, wasm-opt -Oz)"
sed 's/data-wasm-opt="0"/data-wasm-opt="z"/' www/index.html > www/index.site.html
trap 'rm -f "$ROOT/www/index.site.html"' EXIT
trunk build --release --offline --dist "$out" www/index.site.html
for wasm in "$out"/*.wasm; do
  printf '%s: %s bytes, %s bytes gzipped\n' "$(basename "$wasm")" "$(stat -c %s "$wasm")" "$(gzip -9 -c "$wasm" | wc -c)"
done
echo "static site ready: serve $out with any static file server"
