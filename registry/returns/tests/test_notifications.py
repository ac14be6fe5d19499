"""Messages about returns go through the outbox: stored in the transaction of the event, sent once it commits,
each e-mail once; and the return_accepted signal, sent only once the transaction commits."""

import pytest
from django.conf import settings
from django.utils import timezone

from portal import outbox
from portal.models import OutboxMessage
from portal.tests.factories import UserFactory
from portal.tests.mail import REFUSED, REFUSING_BACKEND
from registry.returns import services
from registry.returns.models import WasteReturn
from registry.returns.signals import return_accepted
from registry.returns.tests import helpers
from registry.tests.factories import InspectorAssignmentFactory, MembershipFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def received():
    """What return_accepted receivers are sent, while the test runs."""
    calls = []

    def receiver(sender, **kwargs):
        calls.append({"sender": sender, **{key: value for key, value in kwargs.items() if key != "signal"}})

    return_accepted.connect(receiver, dispatch_uid="test-returns-received")
    yield calls
    return_accepted.disconnect(dispatch_uid="test-returns-received")


def stored(code: str) -> list[tuple[str, str]]:
    return sorted(OutboxMessage.objects.filter(code=code).values_list("address", "dedupe_key"))


def test_submitting_stores_the_messages_with_the_submission_and_sends_them_on_commit(
    django_capture_on_commit_callbacks, mailoutbox, staff_a, inspector, draft_return
):
    with django_capture_on_commit_callbacks() as callbacks:
        waste_return = helpers.submit(staff_a, draft_return)
    version = waste_return.current.pk
    assert stored("returns.submitted") == [(inspector.email, f"return:{version}:submitted:{inspector.pk}")]
    assert mailoutbox == [], "nothing is sent before the transaction commits"

    for callback in callbacks:
        callback()

    assert [message.to for message in mailoutbox] == [[inspector.email]]
    assert OutboxMessage.objects.get().sent_at is not None


def test_submitting_through_the_page_sends_on_commit(
    django_capture_on_commit_callbacks, mailoutbox, web, staff_a, inspector, draft_return
):
    with django_capture_on_commit_callbacks(execute=True):
        assert web(staff_a).post(f"/returns/{draft_return.pk}/submit/").status_code == 302
    assert [message.to for message in mailoutbox] == [[inspector.email]]


def test_submitting_through_the_api_sends_on_commit(
    django_capture_on_commit_callbacks, mailoutbox, client_for, staff_a, inspector, draft_return
):
    with django_capture_on_commit_callbacks(execute=True):
        response = client_for(staff_a).post(f"/api/v1/returns/{draft_return.pk}/submit/", {}, format="json")
    assert response.status_code == 200
    assert [message.to for message in mailoutbox] == [[inspector.email]]


def test_a_refused_submission_stores_nothing(
    django_capture_on_commit_callbacks, client_for, staff_a, inspector, enterprise_a
):
    waste_return = helpers.create(staff_a, enterprise_a, lines=[])
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        response = client_for(staff_a).post(f"/api/v1/returns/{waste_return.pk}/submit/", {}, format="json")
    assert response.status_code == 400
    assert (callbacks, list(OutboxMessage.objects.all())) == ([], [])


def test_deciding_tells_the_enterprise(staff_a, inspector, enterprise_a):
    first = helpers.submit(staff_a, helpers.create(staff_a, enterprise_a, helpers.YEAR))
    second = helpers.submit(staff_a, helpers.create(staff_a, enterprise_a, helpers.YEAR - 1))

    helpers.accept(inspector, first)
    helpers.send_back(inspector, second)

    assert stored("returns.accepted") == [(staff_a.email, f"return:{first.current.pk}:accepted:{staff_a.pk}")]
    assert stored("returns.returned") == [(staff_a.email, f"return:{second.current.pk}:returned:{staff_a.pk}")]


def test_a_submission_is_mailed_to_the_regions_inspectors(
    mailoutbox, staff_a, inspector, other_inspector, draft_return, region
):
    second = InspectorAssignmentFactory(region=region, user__username="second_inspector").user
    InspectorAssignmentFactory(region=region, user__username="no_mail", user__email="")
    InspectorAssignmentFactory(region=region, user__username="gone", user__is_active=False)
    UserFactory(username="unassigned_inspector", role="inspector")
    waste_return = helpers.submit(staff_a, draft_return)

    assert outbox.send_due() == 2

    assert sorted(message.to[0] for message in mailoutbox) == sorted([inspector.email, second.email])
    assert all(len(message.to) == 1 for message in mailoutbox)
    assert {message.subject for message in mailoutbox} == {"Waste return submitted: Enterprise A LLP — 2024"}
    assert f"{settings.SITE_URL}/returns/{waste_return.pk}/" in mailoutbox[0].body
    assert "Version 1." in mailoutbox[0].body


def test_an_acceptance_is_mailed_to_the_enterprises_members(
    mailoutbox, staff_a, staff_b, inspector, accepted_return, enterprise_a
):
    OutboxMessage.objects.all().delete()
    colleague = MembershipFactory(enterprise=enterprise_a, user__username="colleague").user
    MembershipFactory(enterprise=enterprise_a, user__username="no_mail", user__email="")
    services._notify(helpers.fresh(accepted_return).current, "accepted")

    assert outbox.send_due() == 2

    assert sorted(message.to[0] for message in mailoutbox) == sorted([staff_a.email, colleague.email])
    assert {message.subject for message in mailoutbox} == {"Waste return accepted: Enterprise A LLP — 2024"}


def test_a_return_for_correction_is_mailed_with_the_reasons(mailoutbox, staff_a, inspector, submitted_return):
    OutboxMessage.objects.all().delete()
    helpers.send_back(inspector, submitted_return, reasons="Line 1 does not match the survey.")

    assert outbox.send_due() == 1
    (message,) = mailoutbox
    assert message.to == [staff_a.email]
    assert message.subject == "Waste return returned for correction: Enterprise A LLP — 2024"
    assert "Line 1 does not match the survey." in message.body


def test_a_message_is_written_in_the_recipients_language_when_sent(
    mailoutbox, settings, staff_a, inspector, draft_return
):
    helpers.submit(staff_a, draft_return)
    settings.LANGUAGE_CODE = "ru"

    outbox.send_due()

    assert mailoutbox[0].subject == "Подан отчёт об отходах: Enterprise A LLP — 2024"  # noqa: RUF001 (Russian)


def test_a_retried_producer_or_sender_sends_nothing_twice(mailoutbox, settings, staff_a, inspector, draft_return):
    """notify_return_event once sent every e-mail again when it was retried after one address failed."""
    settings.EMAIL_BACKEND = REFUSING_BACKEND
    refused = InspectorAssignmentFactory(region=inspector.inspector_assignments.get().region, user__email=REFUSED)
    waste_return = helpers.submit(staff_a, draft_return)
    services._notify(waste_return.current, "submitted")  # the producer runs again: nothing new

    assert outbox.send_due() == 1
    assert "No such user" in OutboxMessage.objects.get(address=REFUSED).last_error
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    OutboxMessage.objects.filter(address=REFUSED).update(next_attempt_at=timezone.now())  # its wait is over
    assert outbox.send_due() == 1
    assert outbox.send_due() == 0

    assert sorted(message.to[0] for message in mailoutbox) == sorted([inspector.email, refused.user.email])


def test_accepting_sends_return_accepted_in_its_transaction(
    django_capture_on_commit_callbacks, received, inspector, submitted_return, region
):
    # Within the accepting transaction, so that what the statistics mark commits with the acceptance (a crash
    # after the commit can lose nothing); their work is enqueued on commit.
    with django_capture_on_commit_callbacks():
        helpers.accept(inspector, submitted_return)
        assert received == [
            {"sender": WasteReturn, "waste_return_id": submitted_return.pk, "year": 2024, "region_id": region.pk}
        ]


def test_accepting_through_the_page_sends_return_accepted(
    django_capture_on_commit_callbacks, web, received, inspector, submitted_return, region
):
    with django_capture_on_commit_callbacks(execute=True):
        assert web(inspector).post(f"/returns/{submitted_return.pk}/accept/").status_code == 302
    assert received == [
        {"sender": WasteReturn, "waste_return_id": submitted_return.pk, "year": 2024, "region_id": region.pk}
    ]


def test_only_acceptance_sends_return_accepted(
    django_capture_on_commit_callbacks, received, staff_a, inspector, draft_return
):
    with django_capture_on_commit_callbacks(execute=True):
        helpers.send_back(inspector, helpers.submit(staff_a, draft_return))
    assert received == []
