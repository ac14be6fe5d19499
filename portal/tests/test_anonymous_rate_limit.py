"""Anonymous requests for pages are limited per client address (`ANON_HTML_RATE`), with a 429 and Retry-After;
the API (its own throttles), static files and logged-in users are not counted."""

import pytest
from django.core.cache import cache
from redis.exceptions import ConnectionError as RedisConnectionError

pytestmark = pytest.mark.django_db

PAGE = "/accounts/login/"
READER = "203.0.113.9"


@pytest.fixture(autouse=True)
def _rate(settings):
    settings.ANON_HTML_RATE = "3/minute"


def test_an_anonymous_reader_is_limited_per_address(client):
    responses = [client.get(PAGE, REMOTE_ADDR=READER) for _ in range(4)]

    assert [response.status_code for response in responses] == [200, 200, 200, 429]
    assert 0 < int(responses[-1]["Retry-After"]) <= 60
    assert "Try again in" in responses[-1].content.decode()
    assert client.get(PAGE, REMOTE_ADDR="198.51.100.7").status_code == 200


def test_every_page_counts_towards_one_limit(client):
    for path in (PAGE, "/", "/registry/deposits/"):
        client.get(path, REMOTE_ADDR=READER)
    assert client.get("/statistics/", REMOTE_ADDR=READER).status_code == 429


def test_behind_the_trusted_proxy_each_reader_is_limited_apart(client, settings):
    settings.TRUSTED_PROXIES = ["10.0.0.2"]
    for _ in range(3):
        client.get(PAGE, REMOTE_ADDR="10.0.0.2", HTTP_X_FORWARDED_FOR=READER)

    assert client.get(PAGE, REMOTE_ADDR="10.0.0.2", HTTP_X_FORWARDED_FOR=READER).status_code == 429
    assert client.get(PAGE, REMOTE_ADDR="10.0.0.2", HTTP_X_FORWARDED_FOR="198.51.100.7").status_code == 200


def test_the_api_and_static_files_are_not_counted(client):
    for _ in range(4):
        assert client.get("/api/v1/registry/regions/", REMOTE_ADDR=READER).status_code == 200
        assert client.get("/static/does-not-exist.css", REMOTE_ADDR=READER).status_code == 404
    assert client.get(PAGE, REMOTE_ADDR=READER).status_code == 200


def test_logged_in_users_are_not_counted(web, staff_a):
    browser = web(staff_a)
    assert {browser.get("/", REMOTE_ADDR=READER).status_code for _ in range(5)} == {200}


def test_pages_are_served_when_the_cache_cannot_be_reached(client, monkeypatch):
    def down(*args, **kwargs):
        raise RedisConnectionError("Redis is down")

    for method in ("add", "incr", "get", "count"):
        monkeypatch.setattr(cache, method, down)
    assert [client.get(PAGE, REMOTE_ADDR=READER).status_code for _ in range(5)] == [200] * 5
