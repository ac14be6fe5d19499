#!/usr/bin/env bash
# The whole test suite: lint (scripts/lint.sh), then pytest on three processes. Three on two cores, because a test
# spends much of its time waiting (on PostgreSQL, Redis, a Celery worker, Chromium); work-stealing, so that no slow
# file is left running alone at the end.
# Run through scripts/with_services.sh, which provides PostgreSQL and Redis.
set -euo pipefail
cd "$(dirname "$0")/.."
BIN=.venv/bin

scripts/need.sh chromium /usr/bin/chromium "the browser tests need Chromium"

scripts/lint.sh
"$BIN/pytest" -n 3 --dist worksteal "$@"
