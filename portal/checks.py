"""System checks of the cache's memory (README, "Production shape"), run by `migrate`, `check` and `check --deploy`:
the deployment's `migrate` stops on an error before gunicorn starts.

Every cache entry expires (CACHES' TIMEOUT is never None, and the page cache and the statistics give each entry
its own), while the Celery broker's queues in the same Redis have no expiry. So a Redis that holds both must be
bounded (`maxmemory`) and evict only keys with an expiry (`maxmemory-policy volatile-lru`, or another volatile-*
policy): then a full Redis drops cache entries, never queued tasks. A Redis that holds the cache alone may evict
any key, but must evict (not `noeviction`, under which a full cache refuses every write); a Redis that holds the
queues alone must never evict them (`allkeys-*`). Managed Redis services often forbid CONFIG: then the check
warns and says what to check by hand.
"""

from collections.abc import Sequence
from typing import Any
from urllib.parse import urlsplit

import redis
from django.apps import AppConfig
from django.conf import settings
from django.core import checks

VOLATILE_POLICIES = ("volatile-lru", "volatile-lfu", "volatile-ttl", "volatile-random")
REDIS_SCHEMES = ("redis", "rediss", "unix")
CONNECT_SECONDS = 2
WHAT_TO_SET = "maxmemory (e.g. 1gb) and maxmemory-policy volatile-lru"


@checks.register(checks.Tags.caches)
def check_cache_expiry(app_configs: Sequence[AppConfig] | None, **kwargs: Any) -> list[checks.CheckMessage]:
    return [
        checks.Error(
            f"CACHES[{alias!r}] has TIMEOUT None: its entries would never expire, and a Redis shared with the Celery "
            "queues (maxmemory-policy volatile-lru) could never evict them.",
            hint="Give TIMEOUT a number of seconds.",
            id="qaldyq.E101",
        )
        for alias, config in settings.CACHES.items()
        if "TIMEOUT" in config and config["TIMEOUT"] is None
    ]


@checks.register(checks.Tags.caches)
def check_redis_memory(app_configs: Sequence[AppConfig] | None, **kwargs: Any) -> list[checks.CheckMessage]:
    """In production: the cache's Redis bounded, evicting only what it may (module docstring)."""
    if not settings.PRODUCTION or not settings.REDIS_URL:
        return []
    broker = settings.CELERY_BROKER_URL
    broker_on_redis = urlsplit(broker).scheme in REDIS_SCHEMES
    shared = broker_on_redis and _server(broker) == _server(settings.REDIS_URL)
    found = _memory_settings(settings.REDIS_URL, "REDIS_URL")
    if isinstance(found, checks.CheckMessage):
        return [found]
    maxmemory, policy = found
    messages: list[checks.CheckMessage] = []
    if maxmemory == 0:
        messages.append(
            checks.Error(
                f"The Redis of REDIS_URL ({_server(settings.REDIS_URL)}) has no maxmemory: the cache grows until the "
                "machine runs out of memory.",
                hint=f"Set {WHAT_TO_SET} in redis.conf (or CONFIG SET them).",
                id="qaldyq.E102",
            )
        )
    if shared and policy not in VOLATILE_POLICIES:
        messages.append(
            checks.Error(
                f"The Redis of REDIS_URL also holds the Celery queues (CELERY_BROKER_URL) and has maxmemory-policy "
                f"{policy}: " + ("a full Redis refuses every write, tasks too." if policy == "noeviction" else
                                 "a full Redis may evict queued tasks, which have no expiry."),
                hint=f"Set {WHAT_TO_SET}, which evicts only cache entries (they all expire).",
                id="qaldyq.E103",
            )
        )  # fmt: skip
    elif policy == "noeviction":
        messages.append(
            checks.Error(
                "The Redis of REDIS_URL has maxmemory-policy noeviction: once full, it refuses every cache write.",
                hint="Set maxmemory-policy allkeys-lru, or volatile-lru (every cache entry expires).",
                id="qaldyq.E104",
            )
        )
    if broker_on_redis and not shared:
        queues = _memory_settings(broker, "CELERY_BROKER_URL")
        if isinstance(queues, checks.CheckMessage):
            messages.append(queues)
        elif queues[1].startswith("allkeys-"):
            messages.append(
                checks.Error(
                    f"The Redis of CELERY_BROKER_URL has maxmemory-policy {queues[1]}: a full Redis may evict "
                    "queued tasks.",
                    hint="Set maxmemory-policy noeviction on the broker's Redis.",
                    id="qaldyq.E105",
                )
            )
    return messages


def _server(url: str) -> str:
    """A Redis server as host:port (or the socket's path), without the database number or any password."""
    parts = urlsplit(url)
    return parts.path if parts.scheme == "unix" else f"{parts.hostname}:{parts.port or 6379}"


def _memory_settings(url: str, variable: str) -> tuple[int, str] | checks.CheckMessage:
    """The server's maxmemory and maxmemory-policy, or a warning saying why they could not be read."""
    try:
        with redis.Redis.from_url(
            url, socket_connect_timeout=CONNECT_SECONDS, socket_timeout=CONNECT_SECONDS, decode_responses=True
        ) as client:
            found = client.config_get("maxmemory*")
        return int(found["maxmemory"]), found["maxmemory-policy"]
    except redis.ResponseError as exc:  # CONFIG renamed or forbidden, as on many managed services
        return checks.Warning(
            f"Could not read the memory settings of the Redis of {variable} ({_server(url)}): {exc}.",
            hint=f"Check by hand that it has {WHAT_TO_SET} (README, Production shape).",
            id="qaldyq.W101",
        )
    except (redis.ConnectionError, redis.TimeoutError, KeyError, ValueError) as exc:
        return checks.Warning(
            f"Could not check the memory settings of the Redis of {variable} ({_server(url)}): {exc!r}.",
            hint=f"Start it, then check that it has {WHAT_TO_SET} (README, Production shape).",
            id="qaldyq.W102",
        )
