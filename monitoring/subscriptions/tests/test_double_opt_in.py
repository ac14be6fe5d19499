"""Double opt-in: asking stores a pending subscription and e-mails a signed link; only following it (a POST: the
link's page changes nothing, as mail scanners open links) confirms, and only confirmed subscriptions are written to."""

import time

import pytest
from django.core import mail, signing

from monitoring.subscriptions import links
from monitoring.subscriptions.models import Subscription, SubscriptionStatus
from monitoring.subscriptions.tests.helpers import link
from portal.models import OutboxMessage

pytestmark = pytest.mark.django_db


def test_asking_stores_a_pending_subscription_and_mails_the_link_to_confirm(enterprise_a, request_subscription):
    request_subscription("Reader@Example.KZ", enterprise=enterprise_a)

    subscription = Subscription.objects.get()
    assert (subscription.email, subscription.status, subscription.enterprise) == (
        "reader@example.kz", SubscriptionStatus.PENDING, enterprise_a,
    )  # fmt: skip
    row = OutboxMessage.objects.get()
    assert (row.recipient, row.address, row.language, row.code) == (
        None,
        "reader@example.kz",
        "en",
        "subscriptions.confirm",
    )
    [message] = mail.outbox
    assert message.to == ["reader@example.kz"]
    assert message.subject == "Confirm your subscription to the regime verdicts and alerts of Enterprise A LLP"
    assert "/subscriptions/confirm/" in message.body
    assert "List-Unsubscribe" not in message.extra_headers, "nothing to end yet"


def test_the_link_shows_what_it_confirms_and_only_its_post_confirms(enterprise_a, request_subscription, client):
    request_subscription("reader@example.kz", enterprise=enterprise_a)
    path = link("confirm", mail.outbox[0].body)

    page = client.get(path)
    assert page.status_code == 200
    assert "Enterprise A LLP" in page.content.decode()
    assert Subscription.objects.get().status == SubscriptionStatus.PENDING

    answer = client.post(path)
    assert answer.status_code == 200
    subscription = Subscription.objects.get()
    assert subscription.status == SubscriptionStatus.CONFIRMED
    assert subscription.confirmed_at is not None
    assert client.post(path).status_code == 200, "following it again changes nothing"


def test_a_link_made_elsewhere_or_too_old_confirms_nothing(enterprise_a, request_subscription, client, monkeypatch):
    request_subscription("reader@example.kz", enterprise=enterprise_a)
    pk = Subscription.objects.get().pk
    forged = signing.dumps(pk, salt="another purpose")
    unsubscribe_token = links.unsubscribe_url(pk).rstrip("/").rsplit("/", 1)[1]
    monkeypatch.setattr(time, "time", lambda: 1_000_000_000.0)  # a link made in 2001
    old = signing.dumps(pk, salt="subscriptions.confirm")
    monkeypatch.undo()

    for token in (forged, unsubscribe_token, old, "nonsense"):
        assert client.get(f"/subscriptions/confirm/{token}/").status_code == 404
        assert client.post(f"/subscriptions/confirm/{token}/").status_code == 404
    assert Subscription.objects.get().status == SubscriptionStatus.PENDING
