#!/usr/bin/env bash
# Replays each libFuzzer target's corpus, then fuzzes each for a while.
# Installs clang and its runtimes when missing; builds the targets in
# build-asan/ (AddressSanitizer + UndefinedBehaviorSanitizer, see
# tools/sanitizer-setup.sh). Run by .ci/run after the sanitizer suite.
#
# Usage: tools/fuzz.sh [SECONDS_PER_TARGET [TARGET...]]
#   SECONDS_PER_TARGET  default 30 (0: replay the corpora only)
#   TARGET              sie batch checkpoint proof args (default: all)
#
# Seeds (read, never written): tests/fuzz/corpus/TARGET/ (real inputs and every
# input that once crashed: tests/fuzz/README.md), plus, for sie, the SIE test
# files in tests/data/sie/jsisie. New inputs the fuzzer finds go to a scratch
# directory (FUNDLOG_FUZZ_WORK, default a temporary one); a crashing input is
# written to FUNDLOG_FUZZ_ARTIFACTS (default fuzz-artifacts/) and the script
# fails.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/sanitizer-setup.sh"

seconds="${1:-30}"
shift || true
targets=("$@")
if [ ${#targets[@]} -eq 0 ]; then
  targets=(sie batch checkpoint proof args witness)
fi

fuzz_targets=()
for target in "${targets[@]}"; do
  fuzz_targets+=("${target}_fuzz")
done
fundlog_sanitizer_build "$FUNDLOG_ASAN_BUILD" address "${fuzz_targets[@]}"

if [ -n "${FUNDLOG_FUZZ_WORK:-}" ]; then
  work="$FUNDLOG_FUZZ_WORK"
else
  work="$(mktemp -d -t fundlog-fuzz-XXXXXX)"
  trap 'rm -rf "$work"' EXIT
fi
artifacts="${FUNDLOG_FUZZ_ARTIFACTS:-$FUNDLOG_ROOT/fuzz-artifacts}"
mkdir -p "$artifacts"
# Leaks inside one input are findings too; -rss_limit_mb bounds memory per
# input (the parsers promise bounded memory), -timeout time per input.
common=(-timeout=20 -rss_limit_mb=2048 -print_final_stats=1
        "-artifact_prefix=$artifacts/")

# Runs one libFuzzer invocation; prints the whole output on failure (the
# sanitizer report and the crashing input's file), the final figures else.
run_fuzzer() {
  local log="$work/$1.log"
  shift
  if ! "$@" >"$log" 2>&1; then
    cat "$log"
    echo "fuzz: $1 failed; the input is in $artifacts/" >&2
    exit 1
  fi
  grep -E "^(Done|stat::|INFO: (Loaded|seed corpus))|#[0-9]+.*(INITED|DONE)" "$log" || true
}

for target in "${targets[@]}"; do
  binary="$FUNDLOG_ASAN_BUILD/tests/fuzz/${target}_fuzz"
  seeds=("$FUNDLOG_ROOT/tests/fuzz/corpus/$target")
  options=()
  if [ "$target" = sie ]; then
    seeds+=("$FUNDLOG_ROOT/tests/data/sie/jsisie")
    # The jsisie files run to 170 kB; mutating inputs that long runs ~200
    # times a second. Their first 16 kB hold every kind of line.
    options+=(-max_len=16384)
  fi
  echo "== $target: replaying ${seeds[*]}"
  run_fuzzer "$target-replay" "$binary" "${common[@]}" -runs=0 "${seeds[@]}"
  if [ "$seconds" -gt 0 ]; then
    echo "== $target: fuzzing for ${seconds}s"
    mkdir -p "$work/$target"
    run_fuzzer "$target" "$binary" "${common[@]}" ${options[@]+"${options[@]}"} \
      -max_total_time="$seconds" \
      "$work/$target" "${seeds[@]}"
  fi
done
echo "fuzz: no crash in ${targets[*]}"
