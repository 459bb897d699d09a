#!/usr/bin/env bash
# Installs the dependencies, configures (once) and builds everything.
# Environment: BUILD_DIR (default: build), JOBS (default: 2),
#              BUILD_TYPE (default: RelWithDebInfo; used only when configuring).
# Usage: bash deploy/build.sh [extra `cmake --build` arguments, e.g. --target tktctl]
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"

BUILD_DIR="${BUILD_DIR:-build}"
JOBS="${JOBS:-2}"
BUILD_TYPE="${BUILD_TYPE:-RelWithDebInfo}"
# Lets ccache share results between checkouts in different directories.
export CCACHE_BASEDIR="$ROOT"

bash "$ROOT/deploy/install-deps.sh"

if [[ ! -f "$BUILD_DIR/CMakeCache.txt" ]]; then
  cmake -S . -B "$BUILD_DIR" -G Ninja -DCMAKE_BUILD_TYPE="$BUILD_TYPE"
fi
cmake --build "$BUILD_DIR" -j"$JOBS" "$@"
