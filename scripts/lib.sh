# Shared set-up for the README's commands: installs what is missing, idempotently, from the
# package registries only (crates.io, npm, Debian). Sourced, not run.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
# Compiled output and tools live outside the clone, so a fresh clone (CI) reuses them.
CACHE="${NSL_CACHE_DIR:-$HOME/.cache/nsl-playground}"
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$CACHE/target}"
export PATH="$HOME/.cargo/bin:$CACHE/tools/node_modules/.bin:$PATH"

TRUNK_VERSION=0.21.14     # trunk 0.22 needs rustc 1.96
BINARYEN_VERSION=132      # Debian's binaryen cannot read Rust 1.95's wasm
# The browser tests' npm packages (playwright-core, which drives Debian's Chromium and downloads
# no browser; axe-core, the accessibility audit) are pinned by tests/e2e/package.json and its
# lockfile, installed with `npm ci` outside the clone.
E2E_DEPS="$CACHE/e2e-deps"

# Each step with the time it starts (the logs then say how long each took).
step() { printf '\n==> [%s] %s\n' "$(date +%T)" "$*" >&2; }

# Runs apt-get as root, or through sudo.
apt_install() {
  local sudo=""
  [ "$(id -u)" -eq 0 ] || sudo="sudo"
  if [ -z "${NSL_APT_UPDATED:-}" ]; then
    $sudo apt-get update -qq
    export NSL_APT_UPDATED=1
  fi
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "$@"
}

# wasm-bindgen-cli must equal the wasm-bindgen version in Cargo.lock.
wasm_bindgen_version() {
  awk '/^name = "wasm-bindgen"$/ { getline; gsub(/[^0-9.]/, ""); print; exit }' "$ROOT/Cargo.lock"
}

ensure_wasm_tools() {
  if ! rustup target list --installed | grep -qx wasm32-unknown-unknown; then
    step "adding the wasm32-unknown-unknown target"
    rustup target add wasm32-unknown-unknown
  fi
  local wb
  wb="$(wasm_bindgen_version)"
  if [ "$(wasm-bindgen --version 2>/dev/null | awk '{print $2}')" != "$wb" ]; then
    step "installing wasm-bindgen-cli $wb (about 5 minutes)"
    # Without --locked: one of its pinned dependency versions is not served by the registry.
    cargo install wasm-bindgen-cli --version "=$wb"
  fi
  if [ "$(trunk --version 2>/dev/null | awk '{print $2}')" != "$TRUNK_VERSION" ]; then
    step "installing trunk $TRUNK_VERSION (about 14 minutes)"
    cargo install trunk --version "$TRUNK_VERSION" --locked
  fi
}

ensure_npm() {
  if ! command -v npm >/dev/null; then
    step "installing Node.js and npm (Debian)"
    apt_install nodejs npm
  fi
}

ensure_wasm_opt() {
  if [ "$(wasm-opt --version 2>/dev/null | awk '{print $3}')" != "$BINARYEN_VERSION" ]; then
    ensure_npm
    step "installing wasm-opt (npm binaryen@$BINARYEN_VERSION)"
    mkdir -p "$CACHE/tools"
    npm install --silent --no-audit --no-fund --prefix "$CACHE/tools" "binaryen@$BINARYEN_VERSION"
  fi
}

# The browser tests: Debian's Chromium, driven by playwright-core from tests/e2e's lockfile
# (installed again only when the lockfile changed).
ensure_browser_tools() {
  if ! command -v chromium >/dev/null; then
    step "installing Chromium (Debian)"
    apt_install chromium
  fi
  # The second browser of the CPU-backend tests (driven over WebDriver BiDi by puppeteer-core).
  if ! command -v firefox-esr >/dev/null; then
    step "installing Firefox ESR (Debian)"
    apt_install firefox-esr
  fi
  ensure_npm
  if ! cmp -s "$ROOT/tests/e2e/package-lock.json" "$E2E_DEPS/package-lock.json" \
    || [ ! -d "$E2E_DEPS/node_modules/playwright-core" ]; then
    step "installing the browser tests' npm packages (tests/e2e/package-lock.json)"
    rm -rf "$E2E_DEPS"
    mkdir -p "$E2E_DEPS"
    cp "$ROOT/tests/e2e/package.json" "$ROOT/tests/e2e/package-lock.json" "$E2E_DEPS/"
    (cd "$E2E_DEPS" && PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 npm ci --silent --no-audit --no-fund)
  fi
  export NSL_TOOLS="$E2E_DEPS"
}

# Python 3: the tests compile the exported TensorFlow NSL and TensorFlow GNN programs.
ensure_python() {
  if ! command -v python3 >/dev/null; then
    step "installing Python 3 (Debian)"
    apt_install python3
  fi
}

# Mesa's software Vulkan (lavapipe): burn's wgpu backend runs natively without a GPU.
ensure_vulkan() {
  if ! ls /usr/share/vulkan/icd.d/lvp_icd*.json >/dev/null 2>&1; then
    step "installing Mesa's software Vulkan driver (Debian mesa-vulkan-drivers)"
    apt_install mesa-vulkan-drivers libvulkan1
  fi
  export NSL_WGPU_API=vulkan NSL_REQUIRE_WGPU=1
  # Mesa's Vulkan loader complains on every start without it.
  export XDG_RUNTIME_DIR="${XDG_RUNTIME_DIR:-$(mktemp -d)}"
}

# Cargo on the workspace with clippy as the compiler of its own crates: clippy-driver lints them
# (-D warnings) and then compiles them, while rustc compiles the dependencies, so one native build
# of burn serves the lints, the tests, the nsl binary and the benchmarks. (`cargo clippy` beside
# `cargo test` checks every dependency a second time: 9 min 52 s of a cold run.) Every script
# that builds the workspace natively goes through here, so none rebuilds it for another wrapper.
# Usage: linted cargo test --workspace --locked …
linted() {
  local driver
  driver="$(rustup which clippy-driver 2>/dev/null || command -v clippy-driver || true)"
  # An empty wrapper is no wrapper: the build would pass unlinted.
  if [ -z "$driver" ]; then
    echo "clippy-driver not found: rustup component add clippy" >&2
    return 1
  fi
  RUSTC_WORKSPACE_WRAPPER="$driver" CLIPPY_ARGS=-Dwarnings "$@"
}

# Trunk runs offline: the crates it builds must be in cargo's cache first.
fetch_crates() {
  (cd "$ROOT" && cargo fetch --locked)
}

# The app as served and tested: trunk's release build of www/index.html (no wasm-opt), into
# $CARGO_TARGET_DIR/dist. Prints the module's size.
build_app() {
  step "wasm32 build of the library and the app (trunk, release, offline)"
  (cd "$ROOT" && trunk build --release --offline --dist "$CARGO_TARGET_DIR/dist" www/index.html)
  local wasm
  for wasm in "$CARGO_TARGET_DIR"/dist/*.wasm; do
    printf '%s (no wasm-opt): %s bytes, %s bytes gzipped\n' \
      "$(basename "$wasm")" "$(stat -c %s "$wasm")" "$(gzip -9 -c "$wasm" | wc -c)"
  done
}

# With CI set, a check that needs ../shared fails instead of skipping.
require_shared() {
  if [ -e "$ROOT/../shared/$1" ]; then
    return 0
  fi
  if [ -n "${CI:-}" ]; then
    echo "CI is set but ../shared/$1 is absent" >&2
    exit 1
  fi
  echo "SKIPPED: ../shared/$1 is absent"
  return 1
}
