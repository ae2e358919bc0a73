#!/usr/bin/env bash
# The README's first command: build everything, then run the main job on the
# bundled example (one stories260K decoder layer with rotations to simplify).
set -euo pipefail
cd "$(dirname "$0")/.."

./scripts/build.sh
build_dir=${RESQ_BUILD_DIR:-build}
example=examples/mlir/llama_block.mlir

echo "== resq-opt --resq-simplify --cse $example"
"$build_dir/bin/resq-opt" --resq-simplify --cse "$example"
