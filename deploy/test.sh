#!/usr/bin/env bash
# Installs the dependencies, builds, and runs the whole test suite with CTest, then the
# fuzz harnesses (deploy/fuzz.sh).
# Extra arguments go to ctest (and skip the fuzzing), e.g.: bash deploy/test.sh -R Storage
# Environment: BUILD_DIR (default: build), JOBS (default: 2).
# Exits with ctest's exit code, or the fuzzing's when the suite passed. SKIP_FUZZ=1 skips it.
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
# The fuzz harnesses, in their own clang + sanitizer build (bounded: FUZZ_SECONDS each).
# Skipped when ctest was given a selection (extra arguments) or with SKIP_FUZZ=1.
if [[ $# -eq 0 && "${SKIP_FUZZ:-0}" != 1 ]]; then
  set +e
  bash "$ROOT/deploy/fuzz.sh"
  fuzz_code=$?
  set -e
  if [[ $code -eq 0 ]]; then code=$fuzz_code; fi
fi
exit "$code"
