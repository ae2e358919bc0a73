#!/usr/bin/env bash
# The README's second command: build everything and run every test (lit,
# lit under --verify-roundtrip, unit tests, docs checks) through CTest.
set -euo pipefail
cd "$(dirname "$0")/.."

./scripts/build.sh
build_dir=${RESQ_BUILD_DIR:-build}

# Numeric checks compare against numpy / ONNX Runtime from PyPI when the
# python3 on PATH can get them; without them those tests report unsupported.
if ! python3 -c "import numpy, onnx, onnxruntime, onnx_ir" 2>/dev/null; then
  python3 -m pip install --quiet --disable-pip-version-check numpy onnx onnxruntime onnx_ir \
    >/dev/null 2>&1 || echo "resq: numpy/onnx/onnxruntime unavailable; numeric checks will be skipped"
fi
# The tokenizer test trains a small SentencePiece model with the Python package.
if ! python3 -c "import sentencepiece" 2>/dev/null; then
  python3 -m pip install --quiet --disable-pip-version-check sentencepiece \
    >/dev/null 2>&1 || echo "resq: Python sentencepiece unavailable; the tokenizer test will be skipped"
fi

ctest --test-dir "$build_dir" -j "${RESQ_JOBS:-2}" --output-on-failure
