"""The inspectors of the enterprise's region are told of each alert once, through the outbox: an e-mail and a
message on the site ("New for you") per inspector and alert, each e-mail sent once however often the evaluation or
the sender runs, and one refused address recorded on its own row while the others still go out."""

import pytest
from django.core import mail
from django.utils import timezone

from monitoring.models import Alert
from monitoring.services import evaluation
from monitoring.tests.helpers import row
from portal import outbox
from portal.models import OutboxMessage
from portal.tests.mail import REFUSED, REFUSING_BACKEND
from registry.tests.factories import InspectorAssignmentFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def inspectors(inspector, second_inspector, other_inspector):
    return [inspector, second_inspector]


def two_alerts() -> list[dict]:
    return [row("AIR-1", "Cu", "0.03"), row("AIR-1", "Cu", "0.004"), row("GW-1", "Pb", "0.04", "mg/l")]


def keys(channel: str) -> set[str]:
    return set(
        OutboxMessage.objects.filter(code="monitoring.alert", channel=channel).values_list("dedupe_key", flat=True)
    )


def test_each_inspector_of_the_region_is_told_once_per_alert(
    points, inspectors, other_inspector, staff_a, enterprise_a, submit, settings
):
    submit(staff_a, enterprise_a, two_alerts())

    alerts = list(Alert.objects.all())
    assert len(alerts) == 2
    expected = {f"alert:{alert.pk}:{user.pk}" for alert in alerts for user in inspectors}
    assert keys("email") == keys("in_app") == expected
    assert not OutboxMessage.objects.filter(recipient=other_inspector).exists()
    assert not OutboxMessage.objects.filter(sent_at=None).exists()
    assert sorted(message.to[0] for message in mail.outbox) == sorted(
        [user.email for user in inspectors for _alert in alerts]
    )
    copper = Alert.objects.get(pollutant__code="Cu")
    subjects = [message.subject for message in mail.outbox if message.to == [inspectors[0].email]]
    assert "Exceedance: Cu at AIR-1 (Enterprise A LLP)" in subjects
    assert any(f"{settings.SITE_URL}/monitoring/alerts/{copper.pk}/" in message.body for message in mail.outbox)


def test_evaluating_or_sending_again_sends_nothing(points, inspectors, staff_a, enterprise_a, submit):
    submission = submit(staff_a, enterprise_a, two_alerts())
    assert len(mail.outbox) == 4

    evaluation._notify_once(list(Alert.objects.values_list("pk", flat=True)))
    assert outbox.send_due() == 0

    assert len(mail.outbox) == 4
    assert OutboxMessage.objects.count() == 8
    assert submission.status == "processed"


def test_an_extended_alert_is_not_notified_again(points, inspectors, staff_a, enterprise_a, submit):
    submit(staff_a, enterprise_a, two_alerts())
    mail.outbox.clear()

    submit(staff_a, enterprise_a, [row("AIR-1", "Cu", "0.15")])

    assert Alert.objects.get(pollutant__code="Cu").result_count == 3
    assert OutboxMessage.objects.filter(channel="email").count() == 4
    assert mail.outbox == []


def test_a_new_alert_after_resolution_is_notified(air, inspector, staff_a, enterprise_a, submit):
    submit(staff_a, enterprise_a, [row("AIR-1", "Cu", "0.03")])
    Alert.objects.update(status="resolved", closed_at=timezone.now())
    mail.outbox.clear()

    submit(staff_a, enterprise_a, [row("AIR-1", "Cu", "0.03")])

    assert OutboxMessage.objects.filter(channel="email").count() == 2
    assert len(mail.outbox) == 1


def test_a_refused_address_is_recorded_and_the_other_inspectors_are_still_told(
    points, inspector, region, staff_a, enterprise_a, submit, settings
):
    """send_notifications once stopped at the first SMTP error and recorded nothing."""
    settings.EMAIL_BACKEND = REFUSING_BACKEND
    refused = InspectorAssignmentFactory(region=region, user__username="aaa_refused", user__email=REFUSED).user

    submit(staff_a, enterprise_a, two_alerts())

    assert sorted(message.to[0] for message in mail.outbox) == [inspector.email] * 2
    failed = OutboxMessage.objects.filter(channel="email", recipient=refused)
    assert failed.count() == 2
    for row_ in failed:
        assert (row_.sent_at, row_.attempts) == (None, 1)
        assert "SMTPRecipientsRefused" in row_.last_error
        assert row_.next_attempt_at is not None


def test_an_inspector_without_an_e_mail_address_is_told_on_the_site(points, inspector, staff_a, enterprise_a, submit):
    inspector.email = ""
    inspector.save()

    submit(staff_a, enterprise_a, [row("AIR-1", "Cu", "0.03")])

    assert mail.outbox == []
    assert list(OutboxMessage.objects.values_list("channel", flat=True)) == ["in_app"]


def test_new_for_you_lists_the_unread_alerts_until_each_is_opened(
    points, inspector, staff_a, enterprise_a, submit, web
):
    submit(staff_a, enterprise_a, two_alerts())
    copper = Alert.objects.get(pollutant__code="Cu")
    client = web(inspector)

    page = client.get("/monitoring/alerts/").content.decode()
    assert "New for you" in page
    lead = page.split('data-testid="new-alerts"')[1].split("</table>")[0]
    assert f'<a href="/monitoring/alerts/{copper.pk}/">Cu</a>' in lead
    assert "Enterprise A LLP" in lead and "AIR-1" in lead and "high" in lead and "15.0\u00d7" in lead

    assert client.get(f"/monitoring/alerts/{copper.pk}/").status_code == 200
    page = client.get("/monitoring/alerts/").content.decode()
    lead = page.split('data-testid="new-alerts"')[1].split("</table>")[0]
    assert f"/monitoring/alerts/{copper.pk}/" not in lead
    assert "GW-1" in lead and ">Pb</a>" in lead
    assert OutboxMessage.objects.filter(channel="email", read_at=None).count() == 2, "e-mails are not 'read'"
