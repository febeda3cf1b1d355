#!/usr/bin/env bash
# The whole suite again under AddressSanitizer + UndefinedBehaviorSanitizer
# (build-asan/, every finding fatal), then every test labelled "threads"
# under ThreadSanitizer (build-tsan/). Installs what is missing. Run by
# .ci/run after tools/test.sh; docs/reliability.md has the figures.
#
# Usage: tools/test-sanitizers.sh [asan|tsan]   (default: both)
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/sanitizer-setup.sh"

which="${1:-both}"

if [ "$which" = both ] || [ "$which" = asan ]; then
  echo "== AddressSanitizer + UndefinedBehaviorSanitizer: build-asan/"
  fundlog_sanitizer_build "$FUNDLOG_ASAN_BUILD" address
  (cd "$FUNDLOG_ASAN_BUILD" &&
    ctest --output-on-failure -j "${FUNDLOG_JOBS:-2}")
fi

if [ "$which" = both ] || [ "$which" = tsan ]; then
  echo "== ThreadSanitizer: build-tsan/ (tests labelled threads)"
  # The executables of the tests labelled "threads". ctest fails a test whose
  # executable is missing, so a new threaded test not listed here is noticed.
  fundlog_sanitizer_build "$FUNDLOG_TSAN_BUILD" thread store_thread_test \
    concurrent_read_test serve_threads_test serve_witness_test serve_verify_test
  (cd "$FUNDLOG_TSAN_BUILD" &&
    ctest --output-on-failure -j "${FUNDLOG_JOBS:-2}" -L threads)
fi
