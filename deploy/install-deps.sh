#!/usr/bin/env bash
# Installs every Debian 12 package needed to build, test and run the ticket server.
# Idempotent: does nothing (not even `apt-get update`) when all are installed.
# Usage: bash deploy/install-deps.sh [--test]
#   --test  also the tools only the test suite needs (clang, for the thread-safety check
#           and, with libclang-rt-14-dev, the libFuzzer harnesses of deploy/fuzz.sh;
#           openssl, to make the TLS tests' certificates)
set -euo pipefail

PACKAGES=(
  build-essential
  g++
  cmake
  ninja-build
  ccache
  pkg-config
  git
  ca-certificates
  procps
  protobuf-compiler
  protobuf-compiler-grpc
  libprotobuf-dev
  libgrpc++-dev
  libssl-dev
  librocksdb-dev
  libabsl-dev
  libgtest-dev
  libgmock-dev
  libbenchmark-dev
  libcsv-dev
  libgoogle-perftools-dev
  tzdata
)

if [[ "${1:-}" == "--test" ]]; then
  PACKAGES+=(clang libclang-rt-14-dev openssl)
fi

missing=()
for pkg in "${PACKAGES[@]}"; do
  status="$(dpkg-query -W -f='${db:Status-Status}' "$pkg" 2>/dev/null || true)"
  if [[ "$status" != "installed" ]]; then
    missing+=("$pkg")
  fi
done

if [[ ${#missing[@]} -eq 0 ]]; then
  echo "install-deps: all ${#PACKAGES[@]} packages are installed"
  exit 0
fi

if [[ "$(id -u)" -eq 0 ]]; then
  SUDO=()
elif command -v sudo >/dev/null 2>&1; then
  SUDO=(sudo)
else
  echo "install-deps: missing packages: ${missing[*]}" >&2
  echo "install-deps: run as root or install sudo to install them" >&2
  exit 1
fi

if ! command -v apt-get >/dev/null 2>&1; then
  echo "install-deps: apt-get not found; this script supports Debian 12 (bookworm)" >&2
  exit 1
fi

echo "install-deps: installing ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
"${SUDO[@]}" env DEBIAN_FRONTEND=noninteractive apt-get update
"${SUDO[@]}" env DEBIAN_FRONTEND=noninteractive \
  apt-get install -y --no-install-recommends "${missing[@]}"
