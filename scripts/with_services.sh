#!/usr/bin/env bash
# Run a command with PostgreSQL and Redis: DATABASE_URL / REDIS_URL when set; otherwise throwaway
# servers started from the installed binaries (Debian packages postgresql and redis-server) and
# removed afterwards. Used by `make test` and `make bench`.
set -euo pipefail
cd "$(dirname "$0")/.."
BIN=.venv/bin
SCRATCH=$(mktemp -d /tmp/qaldyq-test.XXXXXX)
chmod 755 "$SCRATCH"

fail() { echo "$0: $*" >&2; exit 2; }

cleanup() {
  if [ -f "$SCRATCH/pg/postmaster.pid" ]; then
    as_postgres "$PG_BIN/pg_ctl" -D "$SCRATCH/pg" -m immediate stop >/dev/null 2>&1 || true
  fi
  if [ -f "$SCRATCH/redis.pid" ]; then kill "$(cat "$SCRATCH/redis.pid")" 2>/dev/null || true; fi
  rm -rf "$SCRATCH"
}
trap cleanup EXIT INT TERM

free_port() { "$BIN/python" -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }

# PostgreSQL refuses to run as root; a root shell runs it as the postgres user.
as_postgres() { if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi; }

if [ -z "${DATABASE_URL:-}" ]; then
  PG_BIN=$(dirname "$(ls /usr/lib/postgresql/*/bin/pg_ctl 2>/dev/null | sort -V | tail -n 1)" 2>/dev/null || true)
  [ -x "$PG_BIN/pg_ctl" ] || PG_BIN=$(dirname "$(command -v pg_ctl 2>/dev/null || echo /nonexistent/x)")
  [ -x "$PG_BIN/pg_ctl" ] || fail "PostgreSQL not found. Set DATABASE_URL, or install the Debian package 'postgresql'."
  if [ "$(id -u)" = 0 ]; then chown postgres "$SCRATCH"; fi
  PG_PORT=$(free_port)
  as_postgres "$PG_BIN/initdb" -D "$SCRATCH/pg" -U postgres --auth=trust -E UTF8 --no-locale >/dev/null
  as_postgres "$PG_BIN/pg_ctl" -D "$SCRATCH/pg" -l "$SCRATCH/pg.log" -w \
    -o "-p $PG_PORT -k $SCRATCH -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off -c full_page_writes=off" \
    start >/dev/null || { cat "$SCRATCH/pg.log" >&2; fail "the throwaway PostgreSQL did not start"; }
  # The database itself (tests create their own): `makemigrations --check` looks at its migration history.
  as_postgres "$PG_BIN/createdb" -h 127.0.0.1 -p "$PG_PORT" -U postgres qaldyq
  export DATABASE_URL="postgres://postgres@127.0.0.1:$PG_PORT/qaldyq"
  echo "throwaway PostgreSQL on port $PG_PORT"
fi

if [ -z "${REDIS_URL:-}" ]; then
  command -v redis-server >/dev/null || fail "Redis not found. Set REDIS_URL, or install the Debian package 'redis-server'."
  REDIS_PORT=$(free_port)
  # Bounded and evicting only keys with an expiry, as in production (README, Production shape).
  redis-server --port "$REDIS_PORT" --bind 127.0.0.1 --save "" --appendonly no --daemonize yes \
    --maxmemory 512mb --maxmemory-policy volatile-lru \
    --pidfile "$SCRATCH/redis.pid" --dir "$SCRATCH" --logfile "$SCRATCH/redis.log"
  export REDIS_URL="redis://127.0.0.1:$REDIS_PORT/0"
  echo "throwaway Redis on port $REDIS_PORT"
fi
export CELERY_BROKER_URL="${CELERY_BROKER_URL:-$REDIS_URL}"

# Fail loudly, before any test, if either server cannot be reached.
"$BIN/python" - <<'PY'
import os, sys, time
import psycopg, redis
from urllib.parse import urlsplit
url = urlsplit(os.environ["DATABASE_URL"])
for attempt in range(20):
    try:
        psycopg.connect(host=url.hostname, port=url.port or 5432, user=url.username, password=url.password,
                        dbname="postgres", connect_timeout=3).close()
        break
    except psycopg.OperationalError as exc:
        if attempt == 19:
            sys.exit(f"PostgreSQL at {url.hostname}:{url.port} is unreachable: {exc}")
        time.sleep(0.5)
try:
    redis.Redis.from_url(os.environ["REDIS_URL"], socket_connect_timeout=3).ping()
except redis.RedisError as exc:
    sys.exit(f"Redis at {os.environ['REDIS_URL']} is unreachable: {exc}")
PY

"$@"
