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
out="$build_dir/examples/tiny_llama"
echo "== resq-compile $model -o $out (import, lower, compile to a shared library)"
"$build_dir/bin/resq-compile" "$model" -o "$out" -v
ls -l "$out"
echo "== resq-run $out: logits for the reference input, checked against PyTorch's"
"$build_dir/bin/resq-run" "$out" examples/models/tiny_llama_tied_ref_input_ids.npy \
  --output-dir "$out/results"
python3 - "$out/results/logits.npy" examples/models/tiny_llama_tied_ref_logits.npy <<'PY' || true
import sys
try:
    import numpy as np
except ImportError:
    sys.exit("(numpy missing: skipped the comparison)")
got, ref = np.load(sys.argv[1]), np.load(sys.argv[2])
print(f"max |resq - torch| / max |torch| = {np.abs(got - ref).max() / np.abs(ref).max():.2e}")
PY
echo "== resq-run $out --generate 12 --prompt 1,2,3 (greedy; random weights)"
"$build_dir/bin/resq-run" "$out" --generate 12 --prompt 1,2,3

# The real pretrained stories260K, when ../shared/models is beside the checkout.
stories=../shared/models/stories260K/stories260K_T64_static_op17.onnx
if [[ -f $stories ]]; then
  out="$build_dir/examples/stories260K"
  echo "== resq-compile $stories -o $out"
  "$build_dir/bin/resq-compile" "$stories" -o "$out"
  echo "== resq-run $out --generate 40 --prompt 1 (greedy continuation of BOS)"
  "$build_dir/bin/resq-run" "$out" --generate 40 --prompt 1
  echo "== perplexity of the model on 8 of its own samples (63 tokens after BOS each)"
  for seed in 1 2 3 4 5 6 7 8; do
    "$build_dir/bin/resq-run" "$out" --generate 63 --prompt 1 --sample --seed "$seed" 2>/dev/null |
      sed -n 's/^generated: //p'
  done > "$out/samples.txt"
  python3 -c "import numpy as np, sys; np.save(sys.argv[2], np.loadtxt(sys.argv[1], dtype=np.int64, ndmin=2))" \
    "$out/samples.txt" "$out/samples.npy" &&
    "$build_dir/bin/resq-run" "$out" --perplexity "$out/samples.npy" --bos-id 1
fi
