#!/usr/bin/env bash
# Time from starting `fundlog serve` to its first line (the URL), and its
# resident memory just after; then stops it with SIGTERM.
#
#   tools/bench/serve_startup.sh FUNDLOG_BINARY LOG_DIR
#
# The log is only read. Prints "BINARY up MS ms, RSS KB KB".
set -euo pipefail
bin=$1
db=$2
start=$(date +%s%N)
coproc SERVE { exec "$bin" --db "$db" serve --listen 127.0.0.1:0 2>/dev/null; }
pid=$SERVE_PID
read -r _ <&"${SERVE[0]}"
end=$(date +%s%N)
sleep 0.2
rss=$(awk '/^VmRSS/ {print $2}' "/proc/$pid/status")
kill -TERM "$pid"
wait "$pid" 2>/dev/null || true
echo "$(basename "$bin") up $(( (end - start) / 1000000 )) ms, RSS ${rss} KB"
