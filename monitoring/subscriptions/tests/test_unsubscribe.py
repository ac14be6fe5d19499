"""One-click unsubscribe: every message to a subscriber carries its link in the text and in the List-Unsubscribe and
List-Unsubscribe-Post headers (RFC 8058); one GET or one POST (a mail program's, without a CSRF token), no login,
ends the subscription, and after it nothing more is sent."""

import pytest
from django.core import mail
from django.test import Client

from monitoring.subscriptions.models import Subscription, SubscriptionStatus
from monitoring.subscriptions.tests.events import alert_of_a
from monitoring.subscriptions.tests.helpers import link

pytestmark = pytest.mark.django_db


def test_every_message_carries_the_link_in_its_text_and_headers(enterprise_a, confirmed, settings):
    confirmed("reader@example.kz", enterprise=enterprise_a)
    mail.outbox.clear()

    alert_of_a(enterprise_a)

    [message] = mail.outbox
    path = link("unsubscribe", message.body)
    assert message.extra_headers["List-Unsubscribe"] == f"<{settings.SITE_URL}{path}>"
    assert message.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert "To stop these messages:" in message.body


@pytest.mark.parametrize("method", ["get", "post"])
def test_one_request_ends_it_and_nothing_is_sent_after(enterprise_a, confirmed, method):
    confirmed("reader@example.kz", enterprise=enterprise_a)
    mail.outbox.clear()
    alert_of_a(enterprise_a)
    path = link("unsubscribe", mail.outbox[0].body)
    mail_program = Client(enforce_csrf_checks=True)

    for _ in range(2):  # again: the same answer, nothing changes
        if method == "post":
            answer = mail_program.post(
                path, "List-Unsubscribe=One-Click", content_type="application/x-www-form-urlencoded"
            )
        else:
            answer = mail_program.get(path)
        assert answer.status_code == 200
        assert "You will receive no more e-mails" in answer.content.decode()
    subscription = Subscription.objects.get()
    assert subscription.status == SubscriptionStatus.UNSUBSCRIBED
    assert subscription.unsubscribed_at is not None

    mail.outbox.clear()
    alert_of_a(enterprise_a, code="AIR-2")
    assert mail.outbox == []


def test_a_bad_link_ends_nothing(enterprise_a, confirmed, client):
    confirmed("reader@example.kz", enterprise=enterprise_a)

    assert client.get("/subscriptions/unsubscribe/1:forged/").status_code == 404
    assert Subscription.objects.get().status == SubscriptionStatus.CONFIRMED
