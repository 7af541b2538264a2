#!/usr/bin/env bash
# The long runs kept out of the default test path: the built-in experiments at full length over
# several seeds, checked against their targets, then the CPU benchmark. Needs ../shared.
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
cd "$ROOT"
step "built-in experiments against their targets"
# The same cargo invocation as the test command (all test targets, so the same feature
# unification, the same build of burn and the same clippy wrapper); only the ignored tests run.
linted cargo test --workspace --locked -- --ignored --nocapture --test-threads 1
step "benchmark (CPU backend)"
# The nsl binary that build made for the CLI tests: no second build.
"$CARGO_TARGET_DIR/debug/nsl" bench
"$CARGO_TARGET_DIR/debug/nsl" bench-graph
