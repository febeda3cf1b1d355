#!/usr/bin/env bash
# Shared set-up for tools/run.sh and tools/test.sh: installs the Debian
# packages that are missing (and only those), then configures and builds
# fundlog in Release with Ninja into build/.
#
# Usage: source tools/setup.sh [extra packages...]
# With FUNDLOG_SETUP_INSTALL_ONLY=1 it only installs (the sanitizer and fuzz
# scripts configure their own builds).
set -euo pipefail

FUNDLOG_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
FUNDLOG_BUILD="${FUNDLOG_BUILD:-$FUNDLOG_ROOT/build}"

fundlog_packages=(
  g++ cmake ninja-build pkg-config
  librocksdb-dev libprotobuf-dev protobuf-compiler libabsl-dev libssl-dev
  libgtest-dev libgmock-dev libbenchmark-dev zlib1g-dev libcpp-httplib-dev
  libsqlite3-dev  # bench-only: the SQLite peer (tools/bench/sqlite_peer.h)
  "$@"
)

fundlog_install_missing() {
  local missing=()
  for package in "${fundlog_packages[@]}"; do
    if ! dpkg-query -W -f='${Status}' "$package" 2>/dev/null |
        grep -q "install ok installed"; then
      missing+=("$package")
    fi
  done
  if [ ${#missing[@]} -eq 0 ]; then
    return 0
  fi
  echo "Installing missing packages: ${missing[*]}"
  local sudo=""
  if [ "$(id -u)" -ne 0 ]; then
    sudo="sudo"
  fi
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}"
}

fundlog_build() {
  cmake -S "$FUNDLOG_ROOT" -B "$FUNDLOG_BUILD" -G Ninja -DCMAKE_BUILD_TYPE=Release >/dev/null
  # Two jobs: the machines have two cores, and RocksDB-heavy units are large.
  cmake --build "$FUNDLOG_BUILD" -j "${FUNDLOG_JOBS:-2}"
}

fundlog_install_missing
if [ "${FUNDLOG_SETUP_INSTALL_ONLY:-0}" != 1 ]; then
  fundlog_build
fi
