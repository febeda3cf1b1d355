#!/usr/bin/env bash
# Fresh-process query costs against a fresh `fundlog show SEQ` on the same
# log, in the same run: each command is its own child process, timed and its
# peak RSS taken by GNU time (/usr/bin/time -f %M), wall time by date +%s%N. Prints, per command,
# the median wall time and peak RSS over REPS runs and the ratios to `show`.
#
#   tools/bench/cli_queries.sh FUNDLOG_BINARY LOG_DIR [REPS]
#
# The log is read only (no command here writes). Build Release first; the
# log is typically made with `fundlog init` + `fundlog synth --events N`
# (labelled synthetic) and `fundlog rebuild`.
set -euo pipefail
bin=$1
db=$2
reps=${3:-5}
size=$("$bin" --db "$db" checkpoint | sed -n 2p)  # line 2: the tree size
seq=$(( size / 2 ))

median() { sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }

measure() {  # name, then the fundlog arguments
  local name=$1; shift
  local times=() rss=()
  for _ in $(seq "$reps"); do
    local out start end
    start=$(date +%s%N)
    out=$( { /usr/bin/time -f "%M" "$bin" --db "$db" "$@" >/dev/null; } 2>&1 | tail -1)
    end=$(date +%s%N)
    times+=("$(( (end - start) / 1000 ))")  # microseconds, incl. time(1)
    rss+=("$out")
  done
  local t r
  t=$(printf '%s\n' "${times[@]}" | median)
  r=$(printf '%s\n' "${rss[@]}" | median)
  echo "$name $t $r"
}

results=$(
  measure show show "$seq"
  measure balance balance --as-of 2010-06-30
  measure balance_fund_restated balance --as-of 2016-03-31 --fund synthetic-fund-1 --view restated
  measure statement statement --year 2010
  measure balance_known_at balance --as-of 2010-06-30 --known-at 2012-01-01
  measure totals totals --from 2010-01-01 --to 2010-12-31
  measure timeline_fund_year timeline --from 2010-01-01 --to 2010-12-31 --fund synthetic-fund-1
)
echo "$results" | awk '
  NR == 1 { t0 = $2; r0 = $3 }
  { printf "%-24s %8.1f ms %9d KB   time %5.2fx show   rss %5.2fx show\n", $1, $2 / 1000, $3, $2 / t0, $3 / r0 }'
