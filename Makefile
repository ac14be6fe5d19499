# Two commands for a newcomer: `make run` and `make test` (see README).
SHELL := /bin/bash
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
MANAGE := $(BIN)/python manage.py
export QALDYQ_VAR_DIR ?= $(CURDIR)/var

.PHONY: run test lint setup messages prod-local bench loadtest

$(BIN)/.installed: requirements.txt requirements-dev.txt
	@$(PYTHON) -c 'import sys; sys.exit(sys.version_info[:2] != (3, 11))' || { echo "Python 3.11 is required (found $$($(PYTHON) --version))."; exit 2; }
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -r requirements-dev.txt
	touch $@

node_modules/.installed: package.json package-lock.json
	@command -v npm >/dev/null || { echo "npm is required: apt-get install nodejs npm"; exit 2; }
	npm ci --no-audit --no-fund --ignore-scripts
	touch $@

setup: $(BIN)/.installed node_modules/.installed

## Set up and start the portal with demo data on SQLite, tasks in-process: http://127.0.0.1:8000/
run: setup
	QALDYQ_DEMO=1 $(MANAGE) migrate --noinput
	QALDYQ_DEMO=1 $(MANAGE) load_demo
	QALDYQ_DEMO=1 DEBUG=1 $(MANAGE) runserver 127.0.0.1:8000

## Set up and run the whole test suite on PostgreSQL and Redis (throwaway servers unless DATABASE_URL/REDIS_URL are set).
test: setup
	scripts/with_services.sh scripts/test.sh

## Benchmarks (bench/): each prints its figures as ratios against a baseline measured in the same run.
bench: setup
	scripts/with_services.sh $(BIN)/pytest bench -p no:xdist -p no:randomly -s -q -o python_files='bench_*.py'

## Load test: gunicorn (production settings, demo data) driven by wrk, 50 closed-loop clients on the public pages and
## the stats API for 30 s; fails on any error or a public-page p95 of 100 ms or more (LOADTEST_* variables, README).
loadtest: setup
	scripts/with_services.sh scripts/loadtest.sh


## Lint: ruff, types (mypy with the Django and DRF stubs), migrations, import layering (also part of `make test`).
lint: setup
	scripts/lint.sh

## Recompile translations after editing locale/*/LC_MESSAGES/django.po.
messages: setup
	$(MANAGE) makemessages --all --ignore=node_modules --ignore=.venv --ignore=var --no-obsolete
	$(MANAGE) compilemessages --ignore=.venv --ignore=node_modules

## gunicorn, Celery worker and beat against this machine's PostgreSQL and Redis.
prod-local: setup
	scripts/prod_local.sh
