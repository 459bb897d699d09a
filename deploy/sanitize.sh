#!/usr/bin/env bash
# Builds everything with AddressSanitizer and UndefinedBehaviorSanitizer (no recovery: the
# first report fails its test) in its own tree and runs the whole CTest suite there: unit,
# e2e and crash tests on sanitized binaries. Not part of deploy/test.sh: a second full
# build takes longer than CI's budget allows; run it before a release or after changing
# memory-sensitive code.
# Environment: SANITIZE_BUILD_DIR (default: build-asan), JOBS (default: 2).
# Usage: bash deploy/sanitize.sh [extra ctest arguments, e.g. -L e2e]
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"

SANITIZE_BUILD_DIR="${SANITIZE_BUILD_DIR:-build-asan}"
JOBS="${JOBS:-2}"
export CCACHE_BASEDIR="$ROOT"
# Leaks are reported at exit; gRPC and protobuf keep process-wide singletons on purpose.
export ASAN_OPTIONS="${ASAN_OPTIONS:-detect_leaks=0:abort_on_error=1}"
export UBSAN_OPTIONS="${UBSAN_OPTIONS:-print_stacktrace=1}"

bash "$ROOT/deploy/install-deps.sh" --test

if [[ ! -f "$SANITIZE_BUILD_DIR/CMakeCache.txt" ]]; then
  cmake -S . -B "$SANITIZE_BUILD_DIR" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo \
    -DTICKETING_SANITIZE=ON
fi
cmake --build "$SANITIZE_BUILD_DIR" -j"$JOBS"
ctest --test-dir "$SANITIZE_BUILD_DIR" --output-on-failure -j"$JOBS" "$@"
