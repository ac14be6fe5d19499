"""An outdated public page is rendered again by one request at a time (`reports.cache.RENDER_LEASE`): while one
renders it, the other readers get the previous version instead of rendering the same page side by side."""

import pytest
import redis
from django.conf import settings
from django.core.cache import cache

from portal import cache_tags
from registry.reference import load_regions
from reports.cache import HIT_HEADER

pytestmark = pytest.mark.django_db

URL = "/statistics/regions/KZ-35/"


@pytest.fixture(autouse=True)
def regions():
    load_regions()


def _page_key() -> str:
    """The key of the one page this test stored, as the cache names it (without the prefix and version)."""
    prefix = f"{settings.CACHES['default']['KEY_PREFIX']}:1:"
    with redis.Redis.from_url(settings.REDIS_URL) as client:
        keys = [key.decode() for key in client.scan_iter(match=f"{prefix}page:*", count=1000)]
    assert len(keys) == 1, keys
    return keys[0].removeprefix(prefix)


def _outdate(django_capture_on_commit_callbacks) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        cache_tags.bump(cache_tags.figures("waste", None, "KZ-35"))


def test_while_one_request_renders_an_outdated_page_the_others_get_the_previous_version(
    client, django_capture_on_commit_callbacks, django_assert_num_queries
):
    first = client.get(URL)
    assert first[HIT_HEADER] == "miss"
    lease = _page_key() + ":render"
    _outdate(django_capture_on_commit_callbacks)
    assert cache.add(lease, 1, timeout=60)  # another request is rendering the new version

    with django_assert_num_queries(0):
        stale = client.get(URL)
    assert stale.status_code == 200
    assert stale[HIT_HEADER] == "stale"
    assert b'<html lang="' in stale.content

    cache.delete(lease)  # that request stored it (or gave up): the next reader renders the page itself
    assert client.get(URL)[HIT_HEADER] == "miss"
    assert client.get(URL)[HIT_HEADER] == "hit"


def test_the_renderer_gives_the_lease_back_once_it_stored_the_page(client, django_capture_on_commit_callbacks):
    client.get(URL)
    lease = _page_key() + ":render"
    _outdate(django_capture_on_commit_callbacks)
    assert client.get(URL)[HIT_HEADER] == "miss"
    assert cache.get(lease) is None
    _outdate(django_capture_on_commit_callbacks)  # a later change is rendered at once, by whoever reads it first
    assert client.get(URL)[HIT_HEADER] == "miss"


def test_a_page_never_stored_is_rendered_whoever_holds_a_lease(client):
    client.get(URL)
    key = _page_key()
    cache.delete(key)
    assert cache.add(key + ":render", 1, timeout=60)
    assert client.get(URL)[HIT_HEADER] == "miss"  # nothing older to give
    assert client.get(URL)[HIT_HEADER] == "hit"
