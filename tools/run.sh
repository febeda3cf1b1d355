#!/usr/bin/env bash
# Installs what is missing, builds, and runs the main job: `fundlog demo` on
# the embedded Trelleborg history, in ./fundlog-data (created if absent).
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/setup.sh"
cd "$FUNDLOG_ROOT"
exec "$FUNDLOG_BUILD/tools/fundlog/fundlog" demo "$@"
