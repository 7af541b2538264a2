#!/usr/bin/env bash
# Fuzz every parser with cargo-fuzz (libFuzzer + AddressSanitizer) for RUNS executions each
# (default 1,000,000) and print executions and crashes per target. Needs the nightly toolchain,
# which this script installs with rustup, and cargo-fuzz from crates.io. Not part of CI: a full
# run takes several minutes. Usage: bash scripts/fuzz.sh [RUNS] [TARGET…]
# FUZZ_SANITIZER=none builds without AddressSanitizer: the link target compiles burn, which
# takes half an hour instrumented on 2 cores; the code under test is safe Rust, where what the
# fuzzer hunts is a panic, found with or without the sanitizer.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/lib.sh

RUNS="${1:-1000000}"
shift || true
rustup toolchain list | grep -q '^nightly' || rustup toolchain install nightly --profile minimal
command -v cargo-fuzz >/dev/null || cargo install cargo-fuzz --locked
export CARGO_TARGET_DIR="$CACHE/fuzz-target"

targets=("$@")
if [ ${#targets[@]} -eq 0 ]; then
  mapfile -t targets < <(cargo +nightly fuzz list)
fi
SANITIZER="${FUZZ_SANITIZER:-address}"
for target in "${targets[@]}"; do cargo +nightly fuzz build --sanitizer "$SANITIZER" "$target"; done

summary=()
status=0
for target in "${targets[@]}"; do
  corpus="$CACHE/fuzz-corpus/$target"
  mkdir -p "$corpus"
  log="$CACHE/fuzz-$target.log"
  started=$(date +%s)
  # A lesson file is longer than a link: its seeds (the built-in lessons) must fit whole.
  max_len=4096
  [ "$target" = lesson_file ] && max_len=16384
  if cargo +nightly fuzz run --sanitizer "$SANITIZER" "$target" "$corpus" "fuzz/seeds/$target" -- \
      -runs="$RUNS" -max_len="$max_len" -rss_limit_mb=2048 -print_final_stats=1 >"$log" 2>&1; then
    crashes=0
  else
    crashes=1
    status=1
  fi
  execs=$(grep -o 'stat::number_of_executed_units: *[0-9]*' "$log" | grep -o '[0-9]*$' | tail -1)
  line="$target: ${execs:-?} executions, $crashes crashes, $(( $(date +%s) - started )) s"
  echo "$line"
  summary+=("$line")
  if [ "$crashes" -ne 0 ]; then
    grep -E 'panicked|ERROR|SUMMARY|Test unit written' "$log" | head -5
  fi
done
printf '%s\n' "${summary[@]}" > "$CACHE/fuzz-summary.txt"
exit $status
