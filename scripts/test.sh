#!/usr/bin/env bash
# The README's second command: build everything and run every test (lit,
# lit under --verify-roundtrip, unit tests, docs checks) through CTest.
set -euo pipefail
cd "$(dirname "$0")/.."

./scripts/build.sh
build_dir=${RESQ_BUILD_DIR:-build}
ctest --test-dir "$build_dir" -j "${RESQ_JOBS:-2}" --output-on-failure
