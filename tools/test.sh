#!/usr/bin/env bash
# Installs what is missing (including Go's sumdb packages and hledger for the
# interoperability tests), builds, and runs every test with ctest.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/setup.sh" golang-go golang-golang-x-mod-dev hledger iproute2
cd "$FUNDLOG_BUILD"
ctest --output-on-failure -j "${FUNDLOG_JOBS:-2}" "$@"
