import pytest
from rest_framework.test import APIClient

from portal.api.throttling import AnonRateThrottle

pytestmark = pytest.mark.django_db

REGIONS = "/api/v1/registry/regions/"


def test_anonymous_api_clients_are_rate_limited(monkeypatch):
    monkeypatch.setattr(AnonRateThrottle, "rate", "3/minute", raising=False)
    client = APIClient()
    statuses = [client.get(REGIONS).status_code for _ in range(4)]
    assert statuses == [200, 200, 200, 429]


def test_the_limit_is_per_client_address(monkeypatch):
    monkeypatch.setattr(AnonRateThrottle, "rate", "1/minute", raising=False)
    client = APIClient()
    assert client.get(REGIONS, REMOTE_ADDR="10.0.0.1").status_code == 200
    assert client.get(REGIONS, REMOTE_ADDR="10.0.0.1").status_code == 429
    assert client.get(REGIONS, REMOTE_ADDR="10.0.0.2").status_code == 200


def test_a_client_naming_new_addresses_in_x_forwarded_for_is_still_limited(monkeypatch):
    """DRF believed X-Forwarded-For from anyone: a new address in it with every request escaped the limit."""
    monkeypatch.setattr(AnonRateThrottle, "rate", "2/minute", raising=False)
    client = APIClient()
    statuses = [
        client.get(REGIONS, REMOTE_ADDR="203.0.113.66", HTTP_X_FORWARDED_FOR=f"192.0.2.{n}").status_code
        for n in range(3)
    ]
    assert statuses == [200, 200, 429]


def test_behind_the_trusted_proxy_each_client_is_limited_apart(monkeypatch, settings):
    settings.TRUSTED_PROXIES = ["10.0.0.0/24"]
    monkeypatch.setattr(AnonRateThrottle, "rate", "1/minute", raising=False)
    client = APIClient()

    def via_proxy(address):
        return client.get(REGIONS, REMOTE_ADDR="10.0.0.2", HTTP_X_FORWARDED_FOR=address).status_code

    assert [via_proxy("198.51.100.7"), via_proxy("198.51.100.7"), via_proxy("198.51.100.8")] == [200, 429, 200]
