#!/usr/bin/env bash
# Lint: ruff (style and errors), mypy (types, with the Django and DRF stubs; zero errors), the migrations check,
# and the import contracts of docs/architecture.md. Run by `make lint` and by `make test`.
set -euo pipefail
cd "$(dirname "$0")/.."
BIN=.venv/bin

"$BIN/ruff" check .
"$BIN/ruff" format --check .
"$BIN/mypy" .
"$BIN/python" manage.py makemigrations --check --dry-run
"$BIN/lint-imports"
