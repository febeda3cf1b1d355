#!/usr/bin/env bash
# Shared set-up for tools/test-sanitizers.sh and tools/fuzz.sh: installs clang
# and its sanitizer and libFuzzer runtimes (Debian's clang 14 keeps them in
# libclang-rt-14-dev) besides what tools/setup.sh installs, and sets the
# sanitizers' run-time options. See docs/reliability.md.
#
# Usage: source tools/sanitizer-setup.sh
set -euo pipefail

FUNDLOG_SETUP_INSTALL_ONLY=1
source "$(dirname "${BASH_SOURCE[0]}")/setup.sh" clang libclang-rt-14-dev llvm
unset FUNDLOG_SETUP_INSTALL_ONLY

# build-asan: AddressSanitizer + UndefinedBehaviorSanitizer, with the fuzz
# targets (clang gives both; one build serves the suite and the fuzzers).
FUNDLOG_ASAN_BUILD="${FUNDLOG_ASAN_BUILD:-$FUNDLOG_ROOT/build-asan}"
# build-tsan: ThreadSanitizer, only the tests labelled "threads".
FUNDLOG_TSAN_BUILD="${FUNDLOG_TSAN_BUILD:-$FUNDLOG_ROOT/build-tsan}"

# A sanitizer report ends the process with exit status 99: never mistaken for
# fundlog's own 0-3 by the tests that drive the binary. Reports are
# symbolized by llvm-symbolizer.
symbolizer="$(command -v llvm-symbolizer || true)"
export ASAN_OPTIONS="exitcode=99:detect_leaks=1:check_initialization_order=1:strict_init_order=1${ASAN_OPTIONS:+:$ASAN_OPTIONS}"
export UBSAN_OPTIONS="exitcode=99:print_stacktrace=1${UBSAN_OPTIONS:+:$UBSAN_OPTIONS}"
export TSAN_OPTIONS="exitcode=99:second_deadlock_stack=1:suppressions=$FUNDLOG_ROOT/tools/tsan.supp${TSAN_OPTIONS:+:$TSAN_OPTIONS}"
export LSAN_OPTIONS="suppressions=$FUNDLOG_ROOT/tools/lsan.supp:print_suppressions=0${LSAN_OPTIONS:+:$LSAN_OPTIONS}"
if [ -n "$symbolizer" ]; then
  export ASAN_SYMBOLIZER_PATH="$symbolizer"
fi

# Configures and builds `$1` (a build directory) with sanitizer `$2`
# (address or thread); the remaining arguments are targets (none: all).
fundlog_sanitizer_build() {
  local dir="$1" sanitizer="$2"
  shift 2
  local fuzz=OFF
  if [ "$sanitizer" = address ]; then
    fuzz=ON
  fi
  CC=clang CXX=clang++ cmake -S "$FUNDLOG_ROOT" -B "$dir" -G Ninja \
    -DCMAKE_BUILD_TYPE=RelWithDebInfo -DFUNDLOG_SANITIZE="$sanitizer" \
    -DFUNDLOG_FUZZ="$fuzz" -DFUNDLOG_BENCHMARKS=OFF >/dev/null
  local targets=()
  for target in "$@"; do
    targets+=(--target "$target")
  done
  cmake --build "$dir" -j "${FUNDLOG_JOBS:-2}" "${targets[@]}"
}
