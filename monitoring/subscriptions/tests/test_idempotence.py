"""Subscribing again is idempotent and tells nobody anything: the answer is the same whatever the address's state
(new, pending, confirmed, ended), one row per address and target, and a pending address gets a new link only an
hour after the last one (so a form sent over and over cannot fill a mailbox)."""

import datetime

import pytest
from django.core import mail

from monitoring.subscriptions.models import Subscription, SubscriptionStatus
from monitoring.subscriptions.tests.helpers import SUBSCRIBE_API

pytestmark = pytest.mark.django_db


def ask(client, enterprise, email):
    return client.post(SUBSCRIBE_API, {"email": email, "enterprise": enterprise.bin}, format="json")


def test_the_answer_is_the_same_whatever_the_address_state(enterprise_a, api_client, confirmed, client):
    confirmed("confirmed@example.kz", enterprise=enterprise_a)
    ask(api_client, enterprise_a, "pending@example.kz")

    answers = {ask(api_client, enterprise_a, email).content for email in (
        "new@example.kz", "pending@example.kz", "confirmed@example.kz", "CONFIRMED@example.kz",
    )}  # fmt: skip
    assert len(answers) == 1
    pages = {
        client.post("/subscriptions/", {"email": email, "enterprise": enterprise_a.pk})["Location"]
        for email in ("new2@example.kz", "pending@example.kz", "confirmed@example.kz")
    }
    assert pages == {"/subscriptions/requested/"}
    assert Subscription.objects.get(email="confirmed@example.kz").status == SubscriptionStatus.CONFIRMED


def test_one_row_per_address_and_one_link_an_hour(enterprise_a, request_subscription):
    for email in ("reader@example.kz", "Reader@Example.kz", "reader@example.kz "):
        request_subscription(email, enterprise=enterprise_a)

    assert Subscription.objects.count() == 1
    assert len(mail.outbox) == 1

    Subscription.objects.update(
        confirmation_sent_at=Subscription.objects.get().confirmation_sent_at - datetime.timedelta(hours=1)
    )
    request_subscription("reader@example.kz", enterprise=enterprise_a)
    assert len(mail.outbox) == 2


def test_a_confirmed_address_asking_again_is_sent_nothing(enterprise_a, confirmed, request_subscription):
    confirmed("reader@example.kz", enterprise=enterprise_a)
    mail.outbox.clear()

    request_subscription("reader@example.kz", enterprise=enterprise_a)

    assert mail.outbox == []
    assert Subscription.objects.get().status == SubscriptionStatus.CONFIRMED


def test_an_ended_subscription_asked_for_again_waits_for_a_new_confirmation(
    enterprise_a, confirmed, request_subscription
):
    subscription = confirmed("reader@example.kz", enterprise=enterprise_a)
    Subscription.objects.filter(pk=subscription.pk).update(status=SubscriptionStatus.UNSUBSCRIBED)
    mail.outbox.clear()

    request_subscription("reader@example.kz", enterprise=enterprise_a, language="kk")

    subscription.refresh_from_db()
    assert (subscription.status, subscription.language) == (SubscriptionStatus.PENDING, "kk")
    assert len(mail.outbox) == 1
