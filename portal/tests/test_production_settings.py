"""Production settings: refuse to start half-configured, and pass Django's deployment checks."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
PRODUCTION = {
    "DJANGO_ENV": "production",
    "SECRET_KEY": "x7%Lq2!vR9#mZ4@tW8^bN1&cF6*hJ3(kP5)sD0_gY-aE+uI=oQ~lT|rV<eX>nM?",
    "ALLOWED_HOSTS": "qaldyq.example.kz",
    "DATABASE_URL": "postgres://qaldyq@db.example.kz:5432/qaldyq",
}


def manage(*args: str, **env: str) -> subprocess.CompletedProcess:
    # Without the test run's Redis, whose memory settings are not production's (portal/tests/test_checks.py).
    dropped = {*PRODUCTION, "DEBUG", "QALDYQ_DEMO", "REDIS_URL", "CELERY_BROKER_URL"}
    clean = {key: value for key, value in os.environ.items() if key not in dropped}
    return subprocess.run(
        [sys.executable, "manage.py", *args], cwd=ROOT, env={**clean, **env}, capture_output=True, text=True
    )


def test_production_passes_check_deploy_with_no_warning():
    result = manage("check", "--deploy", "--fail-level", "WARNING", **PRODUCTION)
    assert result.returncode == 0, result.stderr
    assert "System check identified no issues" in result.stdout


@pytest.mark.parametrize("missing", ["SECRET_KEY", "ALLOWED_HOSTS", "DATABASE_URL"])
def test_production_refuses_to_start_without(missing):
    env = {key: value for key, value in PRODUCTION.items() if key != missing}
    result = manage("check", **env)
    assert result.returncode != 0
    assert missing in result.stderr


def test_malformed_boolean_stops_start_up_naming_the_variable():
    result = manage("check", DEBUG="maybe")
    assert result.returncode != 0
    assert "DEBUG" in result.stderr


def test_demo_mode_is_refused_in_production():
    result = manage("check", QALDYQ_DEMO="1", **PRODUCTION)
    assert result.returncode != 0
    assert "QALDYQ_DEMO" in result.stderr
