#!/usr/bin/env bash
# The whole test suite: lint, migrations check, then pytest on two processes.
# Run through scripts/with_services.sh, which provides PostgreSQL and Redis.
set -euo pipefail
cd "$(dirname "$0")/.."
BIN=.venv/bin

if [ ! -x /usr/bin/chromium ]; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
    echo "make test: installing Debian's chromium for the browser tests"
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null
  else
    echo "make test: the browser tests need Chromium: install the Debian package 'chromium'." >&2
    exit 2
  fi
fi

"$BIN/ruff" check .
"$BIN/ruff" format --check .
"$BIN/python" manage.py makemigrations --check --dry-run
"$BIN/pytest" -n 2 --dist loadfile "$@"
