"""Fixtures of the subscription tests: a city around enterprise A, and helpers that subscribe an address and follow
the links it is e-mailed, as its owner would. No broker is set, so the outbox's sender runs in-process on commit
(django_capture_on_commit_callbacks stands in for the commit)."""

from decimal import Decimal

import pytest
from django.core import mail

from monitoring.regimes.models import City
from monitoring.subscriptions import services
from monitoring.subscriptions.models import Subscription
from monitoring.subscriptions.tests.helpers import link


@pytest.fixture
def city(enterprise_a):
    return City.objects.create(
        code="testcity", name="Testcity", name_en="Testcity", name_ru="Тестград", name_kk="Тестқала",
        region=enterprise_a.region, latitude=Decimal("46.84"), longitude=Decimal("74.98"), radius_km=Decimal("10"),
    )  # fmt: skip


@pytest.fixture
def request_subscription(django_capture_on_commit_callbacks):
    """Ask (through the service) for `email` to follow `target`; the confirmation e-mail is sent on commit."""

    def do(email: str, *, enterprise=None, city=None, language: str = "en") -> None:
        with django_capture_on_commit_callbacks(execute=True):
            services.subscription_request(email=email, enterprise=enterprise, city=city, language=language)

    return do


@pytest.fixture
def confirmed(request_subscription, client):
    """A confirmed subscription of `email`, confirmed by following the link of its e-mail."""

    def do(email: str, **target) -> Subscription:
        request_subscription(email, **target)
        message = [sent for sent in mail.outbox if sent.to == [email.lower()]][-1]
        assert client.post(link("confirm", str(message.body))).status_code == 200
        return Subscription.objects.get(email=email.lower(), **target)

    return do
