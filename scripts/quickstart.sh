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

model=examples/models/tiny_llama_tied_op17.onnx
mkdir -p "$build_dir/examples"
echo "== resq-import $model (ops, then the imported module's first lines)"
"$build_dir/bin/resq-import" "$model" --op-stats
"$build_dir/bin/resq-import" "$model" -o "$build_dir/examples/tiny_llama.mlir"
head -c 1500 "$build_dir/examples/tiny_llama.mlir"; echo " ..."
echo "(weights in $build_dir/examples/tiny_llama.safetensors)"
