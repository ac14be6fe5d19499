"""Every environment variable the settings read is validated at start-up, with a message naming it."""

import re
import runpy
from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured

SETTINGS = Path(__file__).resolve().parent.parent / "settings.py"

# A malformed value for each variable; a variable read by the settings and missing here fails the suite.
BAD = {
    "QALDYQ_VAR_DIR": None,  # any path is a path
    "DJANGO_ENV": "staging",
    "DEBUG": "maybe",
    "QALDYQ_DEMO": "sure",
    "SECRET_KEY": None,  # any string; required (and checked) in production
    "ALLOWED_HOSTS": None,  # a list of host names
    "DATABASE_URL": None,  # parsed by dj-database-url, which names it on error
    "CSRF_TRUSTED_ORIGINS": None,
    "DB_CONN_MAX_AGE": "-5",
    "CELERY_INGEST_QUEUE": "ingest queue",
    "REDIS_URL": "localhost:6379",
    "CACHE_KEY_PREFIX": None,
    "LOGIN_FAILURE_LIMIT": "0",
    "LOGIN_COOLOFF_MINUTES": "soon",
    "LOGIN_ADDRESS_FAILURE_RATE": "ten a minute",
    "TRUSTED_PROXIES": "10.0.0.1,proxy.example.kz",
    "ANON_HTML_RATE": "300/fortnight",
    "SUBSCRIBE_RATE": "ten an hour",
    "API_TOKEN_TTL_DAYS": "0",
    "API_TOKEN_LIMIT_PER_USER": "many",
    "UPLOAD_MAX_BYTES": "-1",
    "UPLOAD_MAX_COLUMNS": "20000",
    "UPLOAD_REQUEST_MAX_ROWS": "0",
    "UPLOAD_REQUEST_MAX_CELLS": "many",
    "UPLOAD_REQUEST_MAX_UNPACKED_MB": "2048",
    "UPLOAD_WORKER_MAX_ROWS": "1e6",
    "UPLOAD_WORKER_MAX_CELLS": "-40",
    "UPLOAD_WORKER_MAX_UNPACKED_MB": "0",
    "RETURNS_CHANGE_FACTOR": "1",
    "RETURNS_REMINDER_DAYS": "30,soon",
    "OUTBOX_MAX_ATTEMPTS": "0",
    "MAP_TILE_URL": "tiles.example.kz/{z}/{x}/{y}.png",
    "MAP_TILE_ATTRIBUTION": None,
    "API_ANON_RATE": "lots",
    "API_USER_RATE": "100/fortnight",
    "CELERY_BROKER_URL": "redis//nohost",
    "CELERY_RESULT_BACKEND": "http://results.example.kz",
    "MONITORING_PERSISTENT_PERCENT": "250",
    "STATISTICS_PROVISIONAL_BELOW_PERCENT": "120",
    "STATISTICS_MIN_CELL": "0",
    "MONITORING_PERSISTENT_MONTHS": "0",
    "EMISSIONS_SILENT_AFTER_MINUTES": "5",
    "TASK_LEASE_SECONDS": "5",
    "TASK_MAX_ATTEMPTS": "0",
    "EMAIL_HOST": None,
    "EMAIL_PORT": "70000",
    "EMAIL_HOST_USER": None,
    "EMAIL_HOST_PASSWORD": None,
    "EMAIL_USE_TLS": "perhaps",
    "SITE_URL": "qaldyq.kz",
    "DEFAULT_FROM_EMAIL": "Qaldyq <not an address>",
    "SECURE_SSL_REDIRECT": "always",
    "SECURE_HSTS_SECONDS": "-1",
    "LOG_LEVEL": "LOUD",
}
PRODUCTION_ONLY = {"SECURE_SSL_REDIRECT", "SECURE_HSTS_SECONDS"}
NEEDS_EMAIL_HOST = {"EMAIL_PORT", "EMAIL_USE_TLS"}


def test_every_variable_the_settings_read_has_a_case_here():
    read = set(re.findall(r'env_\w+\(\s*"([A-Z_]+)"', SETTINGS.read_text()))
    assert read == set(BAD), f"missing here: {sorted(read - set(BAD))}; no longer read: {sorted(set(BAD) - read)}"


@pytest.fixture
def start(monkeypatch):
    for name in BAD:
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("DATABASE_URL", "postgres://qaldyq@db.example.kz:5432/qaldyq")

    def run(**environment):
        for name, value in environment.items():
            monkeypatch.setenv(name, value)
        return runpy.run_path(str(SETTINGS))

    return run


@pytest.mark.parametrize("variable", sorted(name for name, bad in BAD.items() if bad is not None))
def test_a_malformed_value_stops_the_start_naming_the_variable(start, variable):
    environment = {variable: BAD[variable]}
    if variable in PRODUCTION_ONLY:
        environment |= {"DJANGO_ENV": "production", "SECRET_KEY": "x" * 50, "ALLOWED_HOSTS": "qaldyq.kz"}
    if variable in NEEDS_EMAIL_HOST:
        environment["EMAIL_HOST"] = "smtp.example.kz"

    with pytest.raises(ImproperlyConfigured, match=variable):
        start(**environment)


def test_good_values_are_taken(start):
    settings = start(
        API_ANON_RATE="30/min",
        MONITORING_PERSISTENT_PERCENT="100",
        SITE_URL="https://qaldyq.kz/",
        DEFAULT_FROM_EMAIL="noreply@qaldyq.kz",
        REDIS_URL="redis://127.0.0.1:6379/1",
        CELERY_INGEST_QUEUE="ingest",
    )

    assert settings["REST_FRAMEWORK"]["DEFAULT_THROTTLE_RATES"]["anon"] == "30/min"
    assert settings["MONITORING_PERSISTENT_SHARE"] == 1
    assert settings["SITE_URL"] == "https://qaldyq.kz"
    assert settings["CELERY_TASK_ROUTES"] == {
        "monitoring.tasks.ingest_file": {"queue": "ingest"},
        "monitoring.emissions.tasks.ingest_file": {"queue": "ingest"},
    }
