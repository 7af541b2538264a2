#!/usr/bin/env bash
# The long runs kept out of the default test path: both built-in experiments at full length,
# checked against their targets, then the CPU benchmark. Needs ../shared.
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
cd "$ROOT"
step "built-in experiments against their targets"
cargo test --locked -p integration --test accuracy -- --ignored --nocapture --test-threads 1
step "benchmark (CPU backend)"
cargo run --locked -q -p nsl-cli -- bench
