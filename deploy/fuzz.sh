#!/usr/bin/env bash
# Builds the libFuzzer harnesses (tests/fuzz) with clang, AddressSanitizer and
# UndefinedBehaviorSanitizer in their own build tree, and runs each for a bounded time from
# its seed corpus (tests/fuzz/corpus/NAME). deploy/test.sh calls it after the test suite.
# Environment: FUZZ_BUILD_DIR (default: build-fuzz), JOBS (default: 2),
#              FUZZ_SECONDS (default: 25, per harness).
# Usage: bash deploy/fuzz.sh [extra ctest arguments, e.g. -R calendar]
# A failing input is left in FUZZ_BUILD_DIR/tests/fuzz/NAME.work/ and printed; replay it
# with FUZZ_BUILD_DIR/tests/fuzz/NAME FILE.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"

FUZZ_BUILD_DIR="${FUZZ_BUILD_DIR:-build-fuzz}"
JOBS="${JOBS:-2}"
export CCACHE_BASEDIR="$ROOT"

bash "$ROOT/deploy/install-deps.sh" --test

if [[ ! -f "$FUZZ_BUILD_DIR/CMakeCache.txt" ]]; then
  CXX=clang++ cmake -S . -B "$FUZZ_BUILD_DIR" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo \
    -DTICKETING_FUZZ=ON
fi
cmake --build "$FUZZ_BUILD_DIR" -j"$JOBS" --target fuzzers
ctest --test-dir "$FUZZ_BUILD_DIR" -L fuzz --output-on-failure -j"$JOBS" "$@"
