#!/usr/bin/env bash
# The load test of the public pages and the stats API (`make loadtest`, README "Load test"): gunicorn in the
# production shape on PostgreSQL and Redis with the demo data, driven by wrk with LOADTEST_CONNECTIONS
# closed-loop clients (no think time) for LOADTEST_DURATION. Exits non-zero on any error (non-2xx answer or
# socket error) or when the public pages' p95 reaches LOADTEST_P95_MS.
# Run through scripts/with_services.sh, which provides DATABASE_URL and REDIS_URL; the demo data goes into
# its own database beside DATABASE_URL's (name + "_loadtest"), created afresh for every run.
set -euo pipefail
cd "$(dirname "$0")/.."
BIN=.venv/bin
CONNECTIONS="${LOADTEST_CONNECTIONS:-50}"
DURATION="${LOADTEST_DURATION:-30s}"
P95_MS="${LOADTEST_P95_MS:-100}"
# gunicorn's sync workers, as in the production shape behind a proxy, one per core: an answer from the page cache
# is about 0.7 ms of CPU-bound Python, so more processes only take turns on the cores (longer
# tails), and threads would share one interpreter lock and keep each connection on one process (unfair queues).
WORKERS="${LOADTEST_WORKERS:-$(nproc)}"

scripts/need.sh wrk wrk "the load generator is wrk"

SCRATCH=$(mktemp -d /tmp/qaldyq-loadtest.XXXXXX)
GUNICORN_PID=""
cleanup() {
  if [ -n "$GUNICORN_PID" ]; then kill "$GUNICORN_PID" 2>/dev/null && wait "$GUNICORN_PID" 2>/dev/null || true; fi
  rm -rf "$SCRATCH"
}
trap cleanup EXIT INT TERM

DATABASE_URL=$("$BIN/python" - <<'PY'
import os
from urllib.parse import urlsplit
import psycopg
url = urlsplit(os.environ["DATABASE_URL"])
name = url.path.lstrip("/") + "_loadtest"
with psycopg.connect(host=url.hostname, port=url.port or 5432, user=url.username, password=url.password,
                     dbname="postgres", autocommit=True) as db:
    db.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    db.execute(f'CREATE DATABASE "{name}"')
print(url._replace(path="/" + name).geturl())
PY
)
export DATABASE_URL
export QALDYQ_VAR_DIR="${QALDYQ_VAR_DIR:-var}/loadtest"
# Tasks run in-process while the demo loads, so that the database is complete without a worker.
unset CELERY_BROKER_URL
export LOG_LEVEL=WARNING

echo "loadtest: demo data in $(echo "$DATABASE_URL" | sed 's/:[^:@\/]*@/@/')"
QALDYQ_DEMO=1 "$BIN/python" manage.py migrate --noinput -v0
QALDYQ_DEMO=1 "$BIN/python" manage.py load_demo

PORT=$("$BIN/python" -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
# The production settings (secure cookies, HSTS, SSL redirect, compressed static files); wrk says
# X-Forwarded-Proto: https as the TLS-terminating proxy would.
export DJANGO_ENV=production ALLOWED_HOSTS=127.0.0.1
# The clients stand for readers at as many addresses, each with the anonymous API rate (120/minute by default);
# they share one here. (Answers from the page cache are not counted anyway; only what it renders is.) The limit on
# anonymous pages counts every answer, and closed-loop clients ask far faster than readers: it is lifted here.
export API_ANON_RATE="${API_ANON_RATE:-$((CONNECTIONS * 120))/minute}"
export ANON_HTML_RATE="${ANON_HTML_RATE:-1000000000/minute}"
SECRET_KEY=$("$BIN/python" -c 'import secrets; print(secrets.token_urlsafe(50))')
export SECRET_KEY
"$BIN/python" manage.py collectstatic --noinput -v0

"$BIN/gunicorn" portal.wsgi --bind "127.0.0.1:$PORT" --workers "$WORKERS" --log-level warning &
GUNICORN_PID=$!

# The URLs: every public page kind and the stats API, from the demo data.
"$BIN/python" manage.py shell -v0 -c 'from bench.public_urls import public_urls; print("\n".join(public_urls()))' >"$SCRATCH/urls.txt"

for _ in $(seq 100); do
  curl -fsS -o /dev/null -H "X-Forwarded-Proto: https" "http://127.0.0.1:$PORT/" 2>/dev/null && break
  kill -0 "$GUNICORN_PID" 2>/dev/null || { echo "loadtest: gunicorn did not start" >&2; exit 2; }
  sleep 0.2
done

# Warm-up: every URL once in each language (fills the page cache and fails early on a broken page), then a
# few seconds of load so that every gunicorn thread has its connections and imports.
BASE="http://127.0.0.1:$PORT"
while read -r _group _kind path; do
  for language in ru kk en; do
    # The headers wrk sends (no Accept: the API's answer varies on it).
    status=$(curl -sS -o /dev/null -w '%{http_code}' -H "Accept:" -H "X-Forwarded-Proto: https" \
      -H "Accept-Language: $language" "$BASE$path")
    [ "$status" = 200 ] || { echo "loadtest: $path ($language) answered $status during the warm-up" >&2; exit 1; }
  done
done <"$SCRATCH/urls.txt"
wrk -t"$CONNECTIONS" -c"$CONNECTIONS" -d5s -s scripts/loadtest.lua "$BASE" -- "$SCRATCH/urls.txt" 100000 \
  >"$SCRATCH/warm-up.txt" || { cat "$SCRATCH/warm-up.txt"; echo "loadtest: the warm-up failed" >&2; exit 1; }

# CPU time in clock ticks: the whole machine's busy time, and gunicorn's (master and workers).
TICKS=$(getconf CLK_TCK)
machine_busy() { awk '/^cpu /{print $2 + $3 + $4 + $7 + $8}' /proc/stat; }
gunicorn_busy() {
  for pid in "$GUNICORN_PID" $(pgrep -P "$GUNICORN_PID"); do cat "/proc/$pid/stat"; done | awk '{sum += $14 + $15} END {print sum}'
}

echo "loadtest: $(wc -l <"$SCRATCH/urls.txt") URLs x 3 languages, $CONNECTIONS connections for $DURATION against" \
  "gunicorn ($WORKERS sync workers) on $(nproc) cores; load average before: $(cut -d' ' -f1-3 /proc/loadavg)"
busy_before=$(machine_busy) gunicorn_before=$(gunicorn_busy)
TIMEFORMAT="%U %S" status=0
{ time wrk -t"$CONNECTIONS" -c"$CONNECTIONS" -d"$DURATION" --timeout 10s --latency -s scripts/loadtest.lua "$BASE" \
  -- "$SCRATCH/urls.txt" "$P95_MS" >"$SCRATCH/wrk.txt"; } 2>"$SCRATCH/wrk-time.txt" || status=$?
busy=$(( $(machine_busy) - busy_before )) gunicorn=$(( $(gunicorn_busy) - gunicorn_before ))
cat "$SCRATCH/wrk.txt"
# `time` wrote wrk's user and system seconds last.
tail -n 1 "$SCRATCH/wrk-time.txt" | awk -v busy="$busy" -v gunicorn="$gunicorn" -v ticks="$TICKS" '{
  wrk = $1 + $2; total = busy / ticks
  printf "CPU time during the run: %.1f s busy in all: gunicorn %.1f s, wrk %.1f s, the rest %.1f s " \
    "(Redis, PostgreSQL, kernel networking, any other process)\n", total, gunicorn / ticks, wrk,
    total - gunicorn / ticks - wrk
}'
exit "$status"
