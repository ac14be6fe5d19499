"""Statistics are read far more often than they change: their computed data is cached under a version number
that every change of an aggregate or of the published tables bumps, so nothing stale is ever served."""

from collections.abc import Callable
from typing import TypeVar

from django.core.cache import cache
from django.db import transaction
from django.utils.translation import get_language

VERSION_KEY = "stats:version"
TIMEOUT = 24 * 3600
T = TypeVar("T")


def _version() -> int:
    return cache.get_or_set(VERSION_KEY, 1, timeout=None)


def invalidate() -> None:
    """Bump the version once the current transaction commits (readers never see data older than the commit)."""

    def bump() -> None:
        try:
            cache.incr(VERSION_KEY)
        except ValueError:  # the key expired or was evicted: any fresh version will do
            cache.set(VERSION_KEY, 2, timeout=None)

    transaction.on_commit(bump)


def cached(name: str, *parts: object, compute: Callable[[], T]) -> T:
    key = ":".join(["stats", str(_version()), get_language() or "", name, *map(str, parts)])
    value = cache.get(key)
    if value is None:
        value = compute()
        cache.set(key, value, timeout=TIMEOUT)
    return value
