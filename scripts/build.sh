#!/usr/bin/env bash
# Configures and builds everything in build/ (installing packages if needed).
# Environment: RESQ_BUILD_DIR (default build), RESQ_JOBS (default 2).
set -euo pipefail
cd "$(dirname "$0")/.."

./scripts/install-deps.sh

build_dir=${RESQ_BUILD_DIR:-build}
if [ ! -f "$build_dir/build.ninja" ]; then
  cmake -G Ninja -S . -B "$build_dir" \
    -DCMAKE_BUILD_TYPE=Release \
    -DCMAKE_C_COMPILER=clang-22 -DCMAKE_CXX_COMPILER=clang++-22 \
    -DRESQ_WERROR=ON
fi
ninja -C "$build_dir" -j "${RESQ_JOBS:-2}"
