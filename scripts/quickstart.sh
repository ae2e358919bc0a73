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

# sample_ids MODEL_DIR COUNT FIRST_SEED LENGTH FILE.npy: COUNT sequences that
# the model samples after BOS (token 1), as int64 [COUNT, LENGTH].
sample_ids() {
  local dir=$1 count=$2 first=$3 length=$4 file=$5
  for ((seed = first; seed < first + count; ++seed)); do
    echo "1 $("$build_dir/bin/resq-run" "$dir" --generate $((length - 1)) --prompt 1 \
      --sample --seed "$seed" 2>/dev/null | sed -n 's/^generated: //p')"
  done > "$file.txt"
  python3 -c "import numpy as np, sys; np.save(sys.argv[2], np.loadtxt(sys.argv[1], dtype=np.int64, ndmin=2))" \
    "$file.txt" "$file"
}

# compare_schemes ONNX FP32_DIR LENGTH: compile with ResQ (W4A4KV4, 8-bit
# high-variance subspace), calibrated on the FP32 model's samples, and print
# the perplexity of both on other samples.
compare_schemes() {
  local model=$1 fp32=$2 length=$3
  local resq="$fp32-resq"
  sample_ids "$fp32" 16 1000 "$length" "$fp32/calibration.npy"
  sample_ids "$fp32" 8 1 "$length" "$fp32/eval.npy"
  echo "== resq-compile $model --scheme resq --calibrate (16 sampled sequences) -o $resq"
  "$build_dir/bin/resq-compile" "$model" -o "$resq" --scheme resq \
    --calibrate "$fp32/calibration.npy" -v 2>&1 | grep -v 'calibration windows,'
  for dir in "$fp32" "$resq"; do
    echo "== perplexity of $dir on 8 other samples of the FP32 model"
    "$build_dir/bin/resq-run" "$dir" --perplexity "$fp32/eval.npy" 2>/dev/null
  done
}

if python3 -c "import numpy" 2>/dev/null; then
  compare_schemes "$model" "$out" 16
fi

# The real pretrained stories260K, when ../shared/models is beside the checkout.
stories=../shared/models/stories260K/stories260K_T64_static_op17.onnx
if [[ -f $stories ]]; then
  out="$build_dir/examples/stories260K"
  echo "== resq-compile $stories -o $out"
  "$build_dir/bin/resq-compile" "$stories" -o "$out"
  echo "== resq-run $out --generate 40 --prompt 1 (greedy continuation of BOS)"
  "$build_dir/bin/resq-run" "$out" --generate 40 --prompt 1
  if python3 -c "import numpy" 2>/dev/null; then
    compare_schemes "$stories" "$out" 64
  fi
fi
