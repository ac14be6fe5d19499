"""The outbox: a message stored once per logical message, each e-mail claimed by one sender and sent once, a failing
address recorded on its own row and retried with backoff until it is failed, and retried from the admin."""

from datetime import timedelta

import pytest
from django.core import mail
from django.utils import timezone, translation

from portal import outbox
from portal.models import OutboxMessage
from portal.tests.factories import UserFactory
from portal.tests.mail import REFUSED, REFUSING_BACKEND

pytestmark = pytest.mark.django_db


@outbox.renderer("test.greeting")
def greeting(params):
    """Says which language it was written in, so that the tests can tell."""
    return outbox.Rendered(f"Hello {params['name']} ({translation.get_language()})", "Body.")


@pytest.fixture
def refusing(settings):
    settings.EMAIL_BACKEND = REFUSING_BACKEND


@pytest.fixture
def people():
    return [UserFactory(username=name) for name in ("aigerim", "bolat", "dana")]


def post(recipients, key="greeting:1", **options):
    outbox.post(
        key=key, code="test.greeting", params={"name": "A"}, link="/somewhere/", recipients=recipients, **options
    )


def test_one_row_per_recipient_and_channel_and_none_again_when_the_producer_runs_again(people):
    nobody = UserFactory(email="")
    for _ in range(2):
        post([*people, nobody], channels=("email", "in_app"))

    emails = OutboxMessage.objects.filter(channel="email")
    assert sorted(emails.values_list("address", flat=True)) == sorted(user.email for user in people)
    assert {row.dedupe_key for row in emails} == {f"greeting:1:{user.pk}" for user in people}
    on_site = OutboxMessage.objects.filter(channel="in_app")
    assert on_site.count() == 4, "a person without an address still reads it on the site"
    assert not on_site.filter(sent_at=None).exists(), "delivered when stored"
    assert not on_site.exclude(next_attempt_at=None).exists(), "never waits for the sender"


def test_the_address_is_the_one_at_creation(people):
    post(people[:1])
    people[0].email = "new@example.kz"
    people[0].save()

    outbox.send_due()

    assert mail.outbox[0].to == ["aigerim@example.kz"]


def test_each_e_mail_is_sent_once_however_often_the_sender_runs(people, settings):
    post(people)

    assert outbox.send_due() == 3
    assert outbox.send_due() == 0

    assert sorted(message.to[0] for message in mail.outbox) == sorted(user.email for user in people)
    message = mail.outbox[0]
    assert message.subject == "Hello A (en)"
    assert message.body == f"Hello A (en)\n\nBody.\n\n{settings.SITE_URL}/somewhere/"
    assert list(OutboxMessage.objects.values_list("attempts", "last_error")) == [(1, "")] * 3
    assert not OutboxMessage.objects.filter(sent_at=None).exists()


def test_an_e_mail_is_written_in_the_recipients_language(people, settings):
    """Users keep no language of their own yet: the portal's language, whatever the sender's is."""
    settings.LANGUAGE_CODE = "ru"
    post(people[:1])

    with translation.override("kk"):
        outbox.send_due()

    assert mail.outbox[0].subject == "Hello A (ru)"


def test_a_message_on_the_site_is_shown_in_the_readers_language(people):
    post(people[:1], channels=("in_app",))
    (message,) = outbox.unread(people[0])

    with translation.override("kk"):
        assert outbox.render(message).subject == "Hello A (kk)"


def test_two_senders_never_send_the_same_row(people, monkeypatch):
    """A second sender runs while the first is sending its first e-mail: the rows the first has claimed are not
    the second's, the second's are not the first's, and every e-mail goes out once."""
    post(people)
    send = outbox._send
    started, second = [], []

    def send_and_let_another_sender_run(message, connection):
        send(message, connection)
        if not started:
            started.append(message.pk)
            second.append(outbox.send_due())

    monkeypatch.setattr(outbox, "_send", send_and_let_another_sender_run)
    first = outbox.send_due()

    assert (first, second) == (1, [2])
    assert sorted(message.to[0] for message in mail.outbox) == sorted(user.email for user in people)
    assert list(OutboxMessage.objects.values_list("attempts", flat=True)) == [1, 1, 1]


def test_a_row_claimed_by_a_live_sender_is_left_alone_and_a_dead_senders_is_taken_over(people, settings):
    post(people)
    live, dead, free = OutboxMessage.objects.order_by("pk")
    OutboxMessage.objects.filter(pk=live.pk).update(claimed_at=timezone.now())
    stale = timezone.now() - timedelta(seconds=settings.OUTBOX_CLAIM_SECONDS + 1)
    OutboxMessage.objects.filter(pk=dead.pk).update(claimed_at=stale)

    assert outbox.send_due() == 2

    assert sorted(message.to[0] for message in mail.outbox) == sorted([dead.address, free.address])
    live.refresh_from_db()
    assert (live.sent_at, live.attempts) == (None, 0)


def test_a_refused_address_records_its_error_and_the_others_still_go_out(people, refusing, settings):
    refused = UserFactory(email=REFUSED)
    post([people[0], refused, people[1]])

    before = timezone.now()
    assert outbox.send_due() == 2

    assert sorted(message.to[0] for message in mail.outbox) == sorted([people[0].email, people[1].email])
    row = OutboxMessage.objects.get(recipient=refused)
    assert (row.sent_at, row.claimed_at, row.attempts) == (None, None, 1)
    assert "SMTPRecipientsRefused" in row.last_error
    assert "No such user" in row.last_error
    assert before + timedelta(seconds=settings.OUTBOX_RETRY_SECONDS) <= row.next_attempt_at
    assert row.status == "pending"

    assert outbox.send_due() == 0, "not before its time"


def test_backoff_doubles_up_to_its_cap(settings):
    settings.OUTBOX_RETRY_SECONDS, settings.OUTBOX_RETRY_MAX_SECONDS = 60, 3600
    assert [outbox.backoff(attempts).total_seconds() for attempts in range(1, 9)] == [
        60, 120, 240, 480, 960, 1920, 3600, 3600,
    ]  # fmt: skip
    assert outbox.backoff(10_000).total_seconds() == 3600


def test_after_the_last_attempt_the_row_stays_failed_with_its_error(refusing, settings):
    settings.OUTBOX_MAX_ATTEMPTS = 3
    post([UserFactory(email=REFUSED)])
    row = OutboxMessage.objects.get()

    for attempt in range(1, 4):
        OutboxMessage.objects.filter(pk=row.pk).exclude(next_attempt_at=None).update(next_attempt_at=timezone.now())
        assert outbox.send_due() == 0
        row.refresh_from_db()
        assert row.attempts == attempt

    assert (row.status, row.next_attempt_at) == ("failed", None)
    assert "SMTPRecipientsRefused" in row.last_error
    assert outbox.send_due() == 0
    row.refresh_from_db()
    assert row.attempts == 3


def test_a_renderer_that_fails_fails_its_row_only(people):
    outbox.post(key="unknown:1", code="test.no-such-code", params={}, link="", recipients=people[:1])
    post(people[1:2])

    assert outbox.send_due() == 1

    assert "KeyError" in OutboxMessage.objects.get(code="test.no-such-code").last_error


def test_mark_read(people):
    post(people[:2], channels=("email", "in_app"))

    outbox.mark_read(user=people[0], key="greeting:1")

    assert not outbox.unread(people[0]).exists()
    assert outbox.unread(people[1]).count() == 1
    assert OutboxMessage.objects.filter(channel="email", read_at=None).count() == 2


def test_the_admin_lists_the_outbox_and_retries_failed_e_mails(
    refusing, settings, web, administrator, django_capture_on_commit_callbacks
):
    settings.OUTBOX_MAX_ATTEMPTS = 1
    post([UserFactory(email=REFUSED), UserFactory(username="sent")])
    outbox.send_due()
    failed = OutboxMessage.objects.get(address=REFUSED)
    assert failed.status == "failed"

    page = web(administrator).get("/admin/portal/outboxmessage/?status=failed")
    assert page.status_code == 200
    content = page.content.decode()
    assert REFUSED in content or "refused" in content
    assert "No such user" in content
    assert "sent@example.kz" not in content
    assert web(administrator).get(f"/admin/portal/outboxmessage/{failed.pk}/change/").status_code == 200

    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    with django_capture_on_commit_callbacks(execute=True):
        response = web(administrator).post(
            "/admin/portal/outboxmessage/",
            {"action": "retry_failed", "_selected_action": [row.pk for row in OutboxMessage.objects.all()]},
        )
    assert response.status_code == 302

    failed.refresh_from_db()
    assert (failed.status, failed.attempts) == ("sent", 2), "sent by the task enqueued on commit"
    assert [message.to for message in mail.outbox] == [["sent@example.kz"], [REFUSED]]


def test_a_sender_that_dies_mid_send_on_the_last_attempt_leaves_the_row_failed_not_resent_for_ever(people, settings):
    post(people[:1])
    stale = timezone.now() - timedelta(seconds=settings.OUTBOX_CLAIM_SECONDS + 1)
    OutboxMessage.objects.update(claimed_at=stale, attempts=settings.OUTBOX_MAX_ATTEMPTS)

    assert outbox.send_due() == 0

    assert mail.outbox == []
    message = OutboxMessage.objects.get()
    assert (message.status, message.attempts, message.last_error) == (
        "failed",
        settings.OUTBOX_MAX_ATTEMPTS,
        "The sender stopped while sending.",
    )


def test_a_sender_whose_claim_was_taken_over_does_not_overwrite_the_new_claim(people, settings, monkeypatch):
    post(people[:1])
    row = OutboxMessage.objects.get()
    takeover = timezone.now() + timedelta(seconds=1)

    def send_slowly(message, connection):
        # Meanwhile the claim went stale and another sender took the row over.
        OutboxMessage.objects.filter(pk=message.pk).update(claimed_at=takeover)

    monkeypatch.setattr(outbox, "_send", send_slowly)
    outbox.send_due()

    row.refresh_from_db()
    assert (row.sent_at, row.claimed_at) == (None, takeover)
