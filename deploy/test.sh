#!/usr/bin/env bash
# Installs the dependencies, builds, and runs the whole test suite with CTest.
# Extra arguments go to ctest, e.g.: bash deploy/test.sh -R Storage
# Environment: BUILD_DIR (default: build), JOBS (default: 2).
# Exits with ctest's exit code.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"

BUILD_DIR="${BUILD_DIR:-build}"
JOBS="${JOBS:-2}"

bash "$ROOT/deploy/install-deps.sh" --test
bash "$ROOT/deploy/build.sh"

set +e
ctest --test-dir "$BUILD_DIR" --output-on-failure -j"$JOBS" "$@"
code=$?
set -e
exit "$code"
