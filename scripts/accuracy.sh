#!/usr/bin/env bash
# The long runs kept out of the default test path: both built-in experiments at full length,
# checked against their targets, then the CPU benchmark. Needs ../shared.
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
cd "$ROOT"
step "built-in experiments against their targets"
# --workspace: the same feature set, hence the same build, as the test command.
cargo test --workspace --locked --test accuracy -- --ignored --nocapture --test-threads 1
step "benchmark (CPU backend)"
cargo build --workspace --locked -q
"$CARGO_TARGET_DIR/debug/nsl" bench
