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
PLAYWRIGHT_VERSION=1.65.1 # drives Debian's Chromium in the browser tests (no browser download)

step() { printf '\n==> %s\n' "$*" >&2; }

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

# The browser tests: Debian's Chromium, driven by npm's playwright-core (which is told to use
# that Chromium; it never downloads a browser).
ensure_browser_tools() {
  if ! command -v chromium >/dev/null; then
    step "installing Chromium (Debian)"
    apt_install chromium
  fi
  ensure_npm
  local installed
  installed="$(node -p "require('$CACHE/tools/node_modules/playwright-core/package.json').version" 2>/dev/null || true)"
  if [ "$installed" != "$PLAYWRIGHT_VERSION" ]; then
    step "installing playwright-core $PLAYWRIGHT_VERSION (npm)"
    mkdir -p "$CACHE/tools"
    PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 npm install --silent --no-audit --no-fund --prefix "$CACHE/tools" \
      "playwright-core@$PLAYWRIGHT_VERSION"
  fi
  export NSL_TOOLS="$CACHE/tools"
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

# Trunk runs offline: the crates it builds must be in cargo's cache first.
fetch_crates() {
  (cd "$ROOT" && cargo fetch --locked)
}
