#!/usr/bin/env bash
# The exported TF-GNN programs run under TensorFlow GNN itself: a virtualenv with TensorFlow 2.15
# (CPU) and TensorFlow GNN 1.0.3 from PyPI (made once, under the cache), then the export test
# with NSL_TFGNN_PYTHON set, so that it runs two training steps of each exported program instead
# of only compiling it, then every typed-graph built-in exported and trained at full length under
# TF-GNN, its test accuracy printed beside `nsl train`'s. Needs Python 3.9–3.11 (Debian 12's).
# Usage: bash scripts/tfgnn.sh [BUILTIN…]   (default: every mag-* and motifs-* built-in)
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
ensure_python
cd "$ROOT"
VENV="$CACHE/tfgnn-venv"
if ! "$VENV/bin/python" -c "import tensorflow_gnn" 2>/dev/null; then
  step "making $VENV: tensorflow-cpu 2.15.1 and tensorflow-gnn 1.0.3 from PyPI (about 3 minutes)"
  python3 -m venv "$VENV" 2>/dev/null || { apt_install python3-venv && python3 -m venv "$VENV"; }
  "$VENV/bin/pip" install --quiet "tensorflow-cpu==2.15.1" "tensorflow-gnn==1.0.3"
fi
export NSL_TFGNN_PYTHON="$VENV/bin/python" TF_CPP_MIN_LOG_LEVEL=3

step "the export test, each exported program run for two steps under TF-GNN"
linted cargo test --workspace --locked -- export_writes_a_tf_gnn_program --nocapture

step "typed-graph built-ins at full length: nsl train, then the exported program under TF-GNN"
NSL="$CARGO_TARGET_DIR/debug/nsl"
builtins=("$@")
if [ ${#builtins[@]} -eq 0 ]; then
  mapfile -t builtins < <("$NSL" train --list 2>/dev/null | awk '{print $1}' | grep -E '^(mag|motifs)-')
fi
OUT="$(mktemp -d)"
for builtin in "${builtins[@]}"; do
  ours="$("$NSL" train --builtin "$builtin" | sed -n 's/.*"test_acc":\([0-9.]*\).*/\1/p' | head -1)"
  "$NSL" export --builtin "$builtin" --out "$OUT/$builtin" 2>/dev/null
  theirs="$(cd "$OUT/$builtin" && "$NSL_TFGNN_PYTHON" "$builtin.py" 2>/dev/null | sed -n 's/^test accuracy: //p')"
  printf '%-22s nsl %-8s TF-GNN %s\n' "$builtin" "$ours" "$theirs"
done
rm -rf "$OUT"
