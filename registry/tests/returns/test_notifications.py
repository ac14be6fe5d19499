"""E-mails and the return_accepted signal, all sent only once the transaction commits.

notify_return_event.delay is recorded by the `enqueued` fixture (conftest.py): with a broker set the
tests run no worker, so the task itself is called directly here."""

import pytest
from django.conf import settings

from portal.tests.factories import UserFactory
from registry.returns import tasks
from registry.returns.models import WasteReturn
from registry.signals import return_accepted
from registry.tests.factories import InspectorAssignmentFactory, MembershipFactory
from registry.tests.returns import helpers

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


def test_submitting_enqueues_the_notification_on_commit(
    django_capture_on_commit_callbacks, staff_a, draft_return, enqueued
):
    with django_capture_on_commit_callbacks() as callbacks:
        waste_return = helpers.submit(staff_a, draft_return)
    assert enqueued == [], "nothing is enqueued before the transaction commits"
    assert len(callbacks) == 1
    callbacks[0]()
    assert enqueued == [(waste_return.current.pk, "submitted")]


def test_submitting_through_the_page_enqueues_on_commit(
    django_capture_on_commit_callbacks, web, staff_a, draft_return, enqueued
):
    with django_capture_on_commit_callbacks(execute=True):
        assert web(staff_a).post(f"/returns/{draft_return.pk}/submit/").status_code == 302
    assert enqueued == [(draft_return.current.pk, "submitted")]


def test_submitting_through_the_api_enqueues_on_commit(
    django_capture_on_commit_callbacks, client_for, staff_a, draft_return, enqueued
):
    with django_capture_on_commit_callbacks(execute=True):
        response = client_for(staff_a).post(f"/api/v1/returns/{draft_return.pk}/submit/", {}, format="json")
    assert response.status_code == 200
    assert enqueued == [(draft_return.current.pk, "submitted")]


def test_a_refused_submission_enqueues_nothing(
    django_capture_on_commit_callbacks, client_for, staff_a, enterprise_a, enqueued
):
    waste_return = helpers.create(staff_a, enterprise_a, lines=[])
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        response = client_for(staff_a).post(f"/api/v1/returns/{waste_return.pk}/submit/", {}, format="json")
    assert response.status_code == 400
    assert (callbacks, enqueued) == ([], [])


def test_deciding_enqueues_the_notification_on_commit(
    django_capture_on_commit_callbacks, staff_a, inspector, enterprise_a, enqueued
):
    first = helpers.submit(staff_a, helpers.create(staff_a, enterprise_a, helpers.YEAR))
    second = helpers.submit(staff_a, helpers.create(staff_a, enterprise_a, helpers.YEAR - 1))
    with django_capture_on_commit_callbacks(execute=True):
        helpers.accept(inspector, first)
        helpers.send_back(inspector, second)
    assert enqueued == [(first.current.pk, "accepted"), (second.current.pk, "returned")]


def test_a_submission_is_mailed_to_the_regions_inspectors(
    mailoutbox, staff_a, inspector, other_inspector, submitted_return, region
):
    second = InspectorAssignmentFactory(region=region, user__username="second_inspector").user
    InspectorAssignmentFactory(region=region, user__username="no_mail", user__email="")
    InspectorAssignmentFactory(region=region, user__username="gone", user__is_active=False)
    UserFactory(username="unassigned_inspector", role="inspector")

    sent = tasks.notify_return_event(submitted_return.current.pk, "submitted")

    assert sent == 2
    assert sorted(message.to[0] for message in mailoutbox) == sorted([inspector.email, second.email])
    assert all(len(message.to) == 1 for message in mailoutbox)
    assert {message.subject for message in mailoutbox} == {"Waste return submitted: Enterprise A LLP — 2024"}
    assert f"{settings.SITE_URL}/returns/{submitted_return.pk}/" in mailoutbox[0].body
    assert "Version 1." in mailoutbox[0].body
    assert other_inspector.email not in [message.to[0] for message in mailoutbox]
    assert staff_a.email not in [message.to[0] for message in mailoutbox]


def test_an_acceptance_is_mailed_to_the_enterprises_members(
    mailoutbox, staff_a, staff_b, inspector, accepted_return, enterprise_a
):
    colleague = MembershipFactory(enterprise=enterprise_a, user__username="colleague").user
    MembershipFactory(enterprise=enterprise_a, user__username="no_mail", user__email="")

    sent = tasks.notify_return_event(accepted_return.current.pk, "accepted")

    assert sent == 2
    assert sorted(message.to[0] for message in mailoutbox) == sorted([staff_a.email, colleague.email])
    assert {message.subject for message in mailoutbox} == {"Waste return accepted: Enterprise A LLP — 2024"}
    assert inspector.email not in [message.to[0] for message in mailoutbox]
    assert staff_b.email not in [message.to[0] for message in mailoutbox]


def test_a_return_for_correction_is_mailed_with_the_reasons(mailoutbox, staff_a, inspector, submitted_return):
    waste_return = helpers.send_back(inspector, submitted_return, reasons="Line 1 does not match the survey.")

    assert tasks.notify_return_event(waste_return.current.pk, "returned") == 1
    (message,) = mailoutbox
    assert message.to == [staff_a.email]
    assert message.subject == "Waste return returned for correction: Enterprise A LLP — 2024"
    assert "Line 1 does not match the survey." in message.body


def test_no_recipient_no_mail(mailoutbox, staff_a, submitted_return, inspector):
    inspector.email = ""
    inspector.save()
    assert tasks.notify_return_event(submitted_return.current.pk, "submitted") == 0
    assert mailoutbox == []


def test_accepting_sends_return_accepted_after_commit(
    django_capture_on_commit_callbacks, received, inspector, submitted_return, region
):
    with django_capture_on_commit_callbacks() as callbacks:
        helpers.accept(inspector, submitted_return)
    assert received == [], "not sent before the transaction commits"
    for callback in callbacks:
        callback()
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
