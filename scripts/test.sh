#!/usr/bin/env bash
# The whole test suite: lint (scripts/lint.sh), then pytest on two processes.
# Run through scripts/with_services.sh, which provides PostgreSQL and Redis.
set -euo pipefail
cd "$(dirname "$0")/.."
BIN=.venv/bin

scripts/need.sh chromium /usr/bin/chromium "the browser tests need Chromium"

scripts/lint.sh
"$BIN/pytest" -n 2 --dist loadfile "$@"
