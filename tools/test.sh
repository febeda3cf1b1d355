#!/usr/bin/env bash
# Installs what is missing (including Go's sumdb packages and hledger for the
# interoperability tests, and Chromium, its driver and Selenium for the
# browser test of the auditors' page), builds, and runs every test with ctest.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/setup.sh" golang-go golang-golang-x-mod-dev hledger \
  chromium chromium-driver python3-selenium
cd "$FUNDLOG_BUILD"
ctest --output-on-failure -j "${FUNDLOG_JOBS:-2}" "$@"
