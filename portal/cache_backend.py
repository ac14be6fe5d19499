"""Django's Redis cache, made cheaper for the request path: every answer from the public page cache costs a rate-limit
count and one read, so the Redis client work around them is most of its cost (issue 13).

- One `redis.Redis` client per connection pool, made once: Django's client makes a new one for every command,
  whose set-up (its response callbacks) took about a twentieth of a cached answer's time.
- `count`: a rate limit's window counter raised in one round trip (created with its expiry when it is the window's
  first event), where `incr` and `add` take two or three (Django's `incr` asks whether the key exists first).
"""

from typing import Any, cast

from django.core.cache.backends import redis as django_redis


class RedisCacheClient(django_redis.RedisCacheClient):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._clients: dict[int, Any] = {}

    def get_client(self, key: Any = None, *, write: bool = False) -> Any:
        # A Redis client holds no connection of its own (it takes one from the pool for each command): one per pool
        # serves every thread.
        pool = self._get_connection_pool(write)  # type: ignore[attr-defined]  # Django's, not in its stubs
        client = self._clients.get(id(pool))
        if client is None:
            client = self._clients[id(pool)] = self._client(connection_pool=pool)  # type: ignore[attr-defined]
        return client

    def count(self, key: str, timeout: int) -> int:
        # Integers are stored as such (Django's RedisSerializer), so `get` reads the count back.
        pipeline = self.get_client(key, write=True).pipeline(transaction=False)
        pipeline.set(key, 0, ex=timeout, nx=True)
        pipeline.incr(key)
        return int(pipeline.execute()[1])


class RedisCache(django_redis.RedisCache):
    def __init__(self, server: str, params: dict[str, Any]) -> None:
        super().__init__(server, params)
        self._class = RedisCacheClient

    def count(self, key: str, *, timeout: int, version: int | None = None) -> int:
        """Add one to the counter `key` and return it; a new counter starts at 1 and expires after `timeout`
        seconds (the window), which later counts do not extend."""
        client = cast(RedisCacheClient, self._cache)
        return client.count(self.make_and_validate_key(key, version=version), timeout)
