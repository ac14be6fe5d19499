import pytest
from rest_framework.test import APIClient
from rest_framework.throttling import AnonRateThrottle


@pytest.mark.django_db
def test_anonymous_api_clients_are_rate_limited(monkeypatch):
    monkeypatch.setattr(AnonRateThrottle, "rate", "3/minute", raising=False)
    client = APIClient()
    statuses = [client.get("/api/v1/registry/regions/").status_code for _ in range(4)]
    assert statuses == [200, 200, 200, 429]


@pytest.mark.django_db
def test_the_limit_is_per_client_address(monkeypatch):
    monkeypatch.setattr(AnonRateThrottle, "rate", "1/minute", raising=False)
    client = APIClient()
    assert client.get("/api/v1/registry/regions/", REMOTE_ADDR="10.0.0.1").status_code == 200
    assert client.get("/api/v1/registry/regions/", REMOTE_ADDR="10.0.0.1").status_code == 429
    assert client.get("/api/v1/registry/regions/", REMOTE_ADDR="10.0.0.2").status_code == 200
