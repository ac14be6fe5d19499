"""Each test process keeps its cache keys under its own prefix (CACHE_KEY_PREFIX, set in conftest.py), so that
parallel test processes sharing one Redis database do not see or clear each other's cache."""

import os

import redis
from django.conf import settings


def process_cache_prefix() -> str:
    """`qaldyq-test-gw0`, `qaldyq-test-gw1`, ... under pytest-xdist; `qaldyq-test-main` otherwise."""
    return f"qaldyq-test-{os.environ.get('PYTEST_XDIST_WORKER', 'main')}"


def clear_test_cache() -> None:
    """Delete this test process's cache keys: cache.clear() would empty the whole Redis database, under the feet of
    the other test processes (and of the Celery queues kept there)."""
    prefix = settings.CACHES["default"]["KEY_PREFIX"]
    assert prefix, "conftest.py sets a cache key prefix for each test process"
    with redis.Redis.from_url(settings.REDIS_URL) as client:
        keys = list(client.scan_iter(match=f"{prefix}:*", count=1000))
        if keys:
            client.delete(*keys)
