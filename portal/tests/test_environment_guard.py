"""The root conftest stops the run (exit code 3) unless the tests reach PostgreSQL and Redis."""

import os
import subprocess
import sys
from pathlib import Path

from django.db import connections

from conftest import _environment_problems

ROOT = Path(__file__).resolve().parents[2]


def test_sqlite_is_a_problem(monkeypatch):
    monkeypatch.setattr(connections["default"], "vendor", "sqlite")
    (problem,) = _environment_problems()
    assert "DATABASE_URL" in problem


def test_in_process_cache_is_a_problem(settings):
    settings.REDIS_URL = ""
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    (problem,) = _environment_problems()
    assert "REDIS_URL is not set" in problem


def test_unreachable_redis_is_a_problem(settings):
    settings.REDIS_URL = "redis://127.0.0.1:1/0"
    settings.CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": "redis://127.0.0.1:1/0"}
    }
    (problem,) = _environment_problems()
    assert "cannot be reached" in problem


def test_the_run_stops_with_exit_code_3():
    env = {key: value for key, value in os.environ.items() if not key.startswith(("PYTEST_", "REDIS_URL"))}
    result = subprocess.run(
        # any cheap test: the guard stops the run before it; plugins it does not need are left out for speed
        [
            *(sys.executable, "-m", "pytest", "-q", "-p", "no:randomly", "-p", "no:schemathesis"),
            *("-p", "no:hypothesispytest", "-p", "no:anyio", "-p", "no:xdist"),
            "portal/tests/test_settings_env.py::test_list_and_str",
        ],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    output = result.stdout + result.stderr
    assert result.returncode == 3, output
    assert "Refusing to run the tests: REDIS_URL is not set" in output
    assert "1 passed" not in output
