"""Portal's outbox holds e-mails to bare addresses (no user): stored once per logical message and address, written
in the address's language, claimed and sent as any other, and a refused one failing on its own row with its error,
retried with backoff, while the others still go out."""

import pytest
from django.core import mail
from django.db import IntegrityError, transaction
from django.utils import translation

from portal import outbox
from portal.models import OutboxMessage
from portal.tests.mail import REFUSED, REFUSING_BACKEND

pytestmark = pytest.mark.django_db


@outbox.renderer("test.to-address")
def to_address(params):
    return outbox.Rendered(f"Hello ({translation.get_language()})", "Body.", unsubscribe="https://qaldyq.test/stop/")


def post(*emails, key="news:1"):
    addresses = [outbox.Address(ident=f"reader:{n}", email=email, language="kk") for n, email in enumerate(emails)]
    outbox.post_to_addresses(key=key, code="test.to-address", params={"n": 1}, link="/news/", addresses=addresses)


def test_stored_once_and_sent_in_the_address_language():
    for _ in range(2):
        post("one@example.kz", "two@example.kz")

    assert OutboxMessage.objects.filter(recipient=None).count() == 2
    assert outbox.send_due() == 2
    assert sorted(message.to[0] for message in mail.outbox) == ["one@example.kz", "two@example.kz"]
    message = mail.outbox[0]
    assert message.subject == "Hello (kk)"
    assert message.extra_headers["List-Unsubscribe"] == "<https://qaldyq.test/stop/>"
    assert message.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert "https://qaldyq.test/stop/" in message.body
    assert outbox.send_due() == 0, "sent once"


def test_a_refused_address_fails_on_its_own_row_with_its_error(settings):
    settings.EMAIL_BACKEND = REFUSING_BACKEND
    post("one@example.kz", REFUSED)

    assert outbox.send_due() == 1

    failed = OutboxMessage.objects.get(address=REFUSED)
    assert (failed.recipient, failed.sent_at, failed.attempts, failed.status) == (None, None, 1, "pending")
    assert "SMTPRecipientsRefused" in failed.last_error
    assert OutboxMessage.objects.get(address="one@example.kz").status == "sent"

    settings.OUTBOX_MAX_ATTEMPTS = 1
    OutboxMessage.objects.filter(pk=failed.pk).update(attempts=0, next_attempt_at=failed.created_at)
    assert outbox.send_due() == 0
    failed.refresh_from_db()
    assert (failed.status, failed.next_attempt_at) == ("failed", None)
    assert "No such user" in failed.last_error


def test_a_message_to_nobody_is_refused_by_the_database():
    with pytest.raises(IntegrityError), transaction.atomic():
        OutboxMessage.objects.create(channel="email", code="test.to-address", dedupe_key="x", address="")
    with pytest.raises(IntegrityError), transaction.atomic():
        OutboxMessage.objects.create(channel="in_app", code="test.to-address", dedupe_key="y", address="a@example.kz")
