#!/usr/bin/env bash
# The production shape on one machine: gunicorn, a Celery worker and Celery beat, against the
# PostgreSQL and Redis already running here. Ctrl-C stops all three.
set -euo pipefail
cd "$(dirname "$0")/.."
BIN=.venv/bin
export DATABASE_URL="${DATABASE_URL:-postgres://postgres@127.0.0.1:5432/qaldyq}"
export REDIS_URL="${REDIS_URL:-redis://127.0.0.1:6379/0}"
export CELERY_BROKER_URL="${CELERY_BROKER_URL:-$REDIS_URL}"
export QALDYQ_DEMO="${QALDYQ_DEMO:-1}"

"$BIN/python" - <<'PY'
import os
from urllib.parse import urlsplit
import psycopg
url = urlsplit(os.environ["DATABASE_URL"])
name = url.path.lstrip("/")
with psycopg.connect(host=url.hostname, port=url.port or 5432, user=url.username, dbname="postgres", autocommit=True) as db:
    if not db.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone():
        db.execute(f'CREATE DATABASE "{name}"')
PY
"$BIN/python" manage.py migrate --noinput
"$BIN/python" manage.py collectstatic --noinput -v0
"$BIN/python" manage.py load_demo

trap 'kill 0' EXIT INT TERM
"$BIN/celery" -A portal worker --loglevel=INFO --concurrency=2 &
"$BIN/celery" -A portal beat --loglevel=INFO --schedule="${QALDYQ_VAR_DIR:-var}/celerybeat-schedule" &
"$BIN/gunicorn" portal.wsgi --bind 127.0.0.1:8000 --workers 4 --access-logfile - &
wait
