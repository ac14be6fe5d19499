"""The start-up checks of the cache's memory (portal.checks): in production, a Redis that also holds the Celery
queues must be bounded and evict only cache entries, which all expire."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
import redis
from django.test import Client

from portal import checks
from portal.tests.factories import UserFactory

ROOT = Path(__file__).resolve().parents[2]
CACHE = "redis://cache.example.kz:6379/0"
BROKER_SAME_SERVER = "redis://cache.example.kz:6379/1"
BROKER_ELSEWHERE = "redis://queues.example.kz:6379/0"


@pytest.fixture
def production(settings):
    settings.PRODUCTION = True
    settings.REDIS_URL = CACHE
    settings.CELERY_BROKER_URL = BROKER_SAME_SERVER
    return settings


@pytest.fixture
def servers(monkeypatch):
    """The memory settings each Redis server answers, by host; an exception is raised instead."""
    answers: dict[str, dict[str, str] | Exception] = {}

    def config_get(self, pattern):
        answer = answers[self.connection_pool.connection_kwargs["host"]]
        if isinstance(answer, Exception):
            raise answer
        return answer

    monkeypatch.setattr(redis.Redis, "config_get", config_get)
    return answers


def ids(messages):
    return [message.id for message in messages]


def run_check():
    return checks.check_redis_memory(None)


def test_a_shared_redis_bounded_and_evicting_only_expiring_keys_passes(production, servers):
    servers["cache.example.kz"] = {"maxmemory": "1073741824", "maxmemory-policy": "volatile-lru"}
    assert run_check() == []


@pytest.mark.parametrize("policy", ["allkeys-lru", "allkeys-random", "noeviction"])
def test_a_shared_redis_that_may_evict_queued_tasks_or_refuse_them_stops_the_start(production, servers, policy):
    servers["cache.example.kz"] = {"maxmemory": "1073741824", "maxmemory-policy": policy}
    (error,) = run_check()
    assert error.id == "qaldyq.E103"
    assert policy in error.msg
    assert "volatile-lru" in error.hint


def test_an_unbounded_redis_stops_the_start(production, servers):
    servers["cache.example.kz"] = {"maxmemory": "0", "maxmemory-policy": "volatile-lru"}
    assert ids(run_check()) == ["qaldyq.E102"]


def test_a_cache_alone_may_evict_any_key_but_must_evict(production, servers):
    production.CELERY_BROKER_URL = BROKER_ELSEWHERE
    servers["queues.example.kz"] = {"maxmemory": "0", "maxmemory-policy": "noeviction"}
    servers["cache.example.kz"] = {"maxmemory": "1073741824", "maxmemory-policy": "allkeys-lru"}
    assert run_check() == []
    servers["cache.example.kz"] = {"maxmemory": "1073741824", "maxmemory-policy": "noeviction"}
    assert ids(run_check()) == ["qaldyq.E104"]


def test_a_broker_of_its_own_must_never_evict_the_queues(production, servers):
    production.CELERY_BROKER_URL = BROKER_ELSEWHERE
    servers["cache.example.kz"] = {"maxmemory": "1073741824", "maxmemory-policy": "allkeys-lru"}
    servers["queues.example.kz"] = {"maxmemory": "1073741824", "maxmemory-policy": "allkeys-lru"}
    assert ids(run_check()) == ["qaldyq.E105"]


def test_a_managed_redis_that_forbids_config_gives_a_warning_saying_what_to_check(production, servers):
    servers["cache.example.kz"] = redis.ResponseError("unknown command 'CONFIG'")
    (warning,) = run_check()
    assert warning.id == "qaldyq.W101"
    assert "cache.example.kz:6379" in warning.msg
    assert "maxmemory-policy volatile-lru" in warning.hint


def test_no_password_of_the_url_is_shown(production, servers):
    production.REDIS_URL = "redis://:s3cret@cache.example.kz:6379/0"
    servers["cache.example.kz"] = redis.ResponseError("NOPERM")
    (warning,) = run_check()
    assert "s3cret" not in warning.msg


def test_nothing_is_checked_outside_production(settings, servers):
    settings.PRODUCTION = False
    assert run_check() == []


def test_the_memory_settings_are_read_from_a_real_redis(settings):
    maxmemory, policy = checks._memory_settings(settings.REDIS_URL, "REDIS_URL")
    assert maxmemory >= 0
    assert policy in {*checks.VOLATILE_POLICIES, "noeviction", "allkeys-lru", "allkeys-lfu", "allkeys-random"}


def test_an_unreachable_redis_gives_a_warning_at_start_up():
    """`manage.py check` (as `migrate` runs it) in production, with nothing listening at REDIS_URL."""
    environment = {
        key: value for key, value in os.environ.items() if key not in {"DEBUG", "QALDYQ_DEMO", "CELERY_BROKER_URL"}
    }
    environment |= {
        "DJANGO_ENV": "production",
        "SECRET_KEY": "x7%Lq2!vR9#mZ4@tW8^bN1&cF6*hJ3(kP5)sD0_gY-aE+uI=oQ~lT|rV<eX>nM?",
        "ALLOWED_HOSTS": "qaldyq.example.kz",
        "DATABASE_URL": "postgres://qaldyq@db.example.kz:5432/qaldyq",
        "REDIS_URL": "redis://127.0.0.1:1/0",
    }
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT, env=environment, capture_output=True, text=True,
    )  # fmt: skip
    assert result.returncode == 1
    assert "qaldyq.W102" in result.stderr
    assert "127.0.0.1:1" in result.stderr


def test_a_cache_without_expiry_is_refused(settings):
    settings.CACHES = {"default": {**settings.CACHES["default"], "TIMEOUT": None}}
    assert ids(checks.check_cache_expiry(None)) == ["qaldyq.E101"]


@pytest.mark.django_db
def test_every_key_the_portal_stores_expires(client, settings):
    """Pages and statistics (anonymous), the API and its throttles, a logged-in reader: each key has a TTL."""
    client.get("/")
    client.get("/statistics/")
    client.get("/statistics/regions/")
    client.get("/api/v1/stats/waste/")
    client.get("/api/v1/registry/regions/")
    reader = Client()
    reader.force_login(UserFactory.create())
    reader.get("/registry/deposits/")
    prefix = settings.CACHES["default"]["KEY_PREFIX"]
    with redis.Redis.from_url(settings.REDIS_URL) as server:
        keys = list(server.scan_iter(match=f"{prefix}:*", count=1000))
        assert len(keys) > 3
        assert {key.decode(): server.ttl(key) for key in keys if server.ttl(key) < 0} == {}
