"""The Redis cache backend (`portal.cache_backend`): Django's, with one client per connection pool and a rate limit's
counter raised in one round trip."""

import pytest
from django.core.cache import caches

from portal.cache_backend import RedisCache


@pytest.fixture
def backend() -> RedisCache:
    found = caches["default"]
    assert isinstance(found, RedisCache)
    return found


def test_a_counter_starts_at_one_with_its_expiry_which_later_counts_keep(backend):
    backend.delete("counted")
    assert backend.count("counted", timeout=60) == 1
    client = backend._cache.get_client(write=True)
    key = backend.make_key("counted")
    assert 0 < client.ttl(key) <= 60
    client.expire(key, 30)
    assert [backend.count("counted", timeout=60) for _ in range(3)] == [2, 3, 4]
    assert 0 < client.ttl(key) <= 30  # a window ends when it began, however often it is counted
    assert backend.get("counted") == 4  # stored as an integer, read back as one


def test_a_count_is_one_round_trip(backend, monkeypatch):
    client = backend._cache.get_client(write=True)
    sent = []
    connection_class = client.connection_pool.connection_class
    original = connection_class.send_packed_command

    def counting(self, command, check_health=True):
        sent.append(command)
        return original(self, command, check_health)

    monkeypatch.setattr(connection_class, "send_packed_command", counting)
    backend.count("counted-once", timeout=60)
    assert len(sent) == 1


def test_one_client_serves_every_command(backend):
    assert backend._cache.get_client(write=True) is backend._cache.get_client(write=False)
