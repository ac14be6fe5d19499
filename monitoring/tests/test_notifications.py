"""The inspectors of the enterprise's region are notified of each alert once: one Notification row per inspector
and alert, each e-mail sent once however often the sender runs, and never one claimed by another sender."""

from datetime import timedelta

import pytest
from django.core import mail
from django.utils import timezone

from monitoring import services
from monitoring.models import Alert, Notification
from monitoring.tests.helpers import row

pytestmark = pytest.mark.django_db


@pytest.fixture
def inspectors(inspector, second_inspector, other_inspector):
    return [inspector, second_inspector]


def two_alerts() -> list[dict]:
    return [row("AIR-1", "Cu", "0.03"), row("AIR-1", "Cu", "0.004"), row("GW-1", "Pb", "0.04", "mg/l")]


def test_each_inspector_of_the_region_is_notified_once_per_alert(
    points, inspectors, other_inspector, staff_a, enterprise_a, submit, settings
):
    submit(staff_a, enterprise_a, two_alerts())

    alerts = list(Alert.objects.all())
    assert len(alerts) == 2
    pairs = set(Notification.objects.values_list("alert_id", "recipient_id"))
    assert pairs == {(alert.pk, user.pk) for alert in alerts for user in inspectors}
    assert not Notification.objects.filter(recipient=other_inspector).exists()
    assert not Notification.objects.filter(sent_at=None).exists()
    assert sorted(message.to[0] for message in mail.outbox) == sorted(
        [user.email for user in inspectors for _alert in alerts]
    )
    copper = Alert.objects.get(pollutant__code="Cu")
    subjects = [message.subject for message in mail.outbox if message.to == [inspectors[0].email]]
    assert "Exceedance: Cu at AIR-1 (Enterprise A LLP)" in subjects
    assert any(f"{settings.SITE_URL}/monitoring/alerts/{copper.pk}/" in message.body for message in mail.outbox)


def test_sending_again_sends_nothing(points, inspectors, staff_a, enterprise_a, submit):
    submit(staff_a, enterprise_a, two_alerts())
    sent = len(mail.outbox)
    assert sent == 4

    assert services.send_notifications() == 0
    assert services.send_notifications() == 0

    assert len(mail.outbox) == sent


def test_an_extended_alert_is_not_notified_again(points, inspectors, staff_a, enterprise_a, submit):
    submit(staff_a, enterprise_a, two_alerts())
    mail.outbox.clear()

    submit(staff_a, enterprise_a, [row("AIR-1", "Cu", "0.15")])

    assert Alert.objects.get(pollutant__code="Cu").result_count == 3
    assert Notification.objects.count() == 4
    assert mail.outbox == []


def test_a_new_alert_after_resolution_is_notified(air, inspector, staff_a, enterprise_a, submit):
    submit(staff_a, enterprise_a, [row("AIR-1", "Cu", "0.03")])
    Alert.objects.update(status="resolved", closed_at=timezone.now())
    mail.outbox.clear()

    submit(staff_a, enterprise_a, [row("AIR-1", "Cu", "0.03")])

    assert Notification.objects.count() == 2
    assert len(mail.outbox) == 1


def subject(alert: Alert) -> str:
    return f"Exceedance: {alert.pollutant.code} at {alert.point.code} ({alert.point.enterprise})"


@pytest.fixture
def unsent(points, inspectors, staff_a, enterprise_a, django_capture_on_commit_callbacks):
    """Notification rows written by an evaluation whose sending task has not run yet."""
    with django_capture_on_commit_callbacks(execute=False):
        submission = services.submission_create(actor=staff_a, enterprise=enterprise_a, rows=two_alerts())
    services.evaluate_submission(submission.pk)  # its on_commit never fires: the test's transaction never commits
    assert Notification.objects.filter(sent_at=None).count() == 4
    assert mail.outbox == []
    return list(Notification.objects.order_by("pk"))


def test_the_sender_sends_each_message_once(unsent):
    assert services.send_notifications() == 4
    assert services.send_notifications() == 0

    assert len(mail.outbox) == 4
    assert not Notification.objects.filter(sent_at=None).exists()
    assert Notification.objects.filter(claimed_at=None).count() == 0


def test_a_notification_claimed_by_another_sender_is_not_sent_again(unsent):
    claimed = unsent[0]
    Notification.objects.filter(pk=claimed.pk).update(claimed_at=timezone.now())

    assert services.send_notifications() == 3
    assert services.send_notifications() == 0

    assert len(mail.outbox) == 3
    claimed.refresh_from_db()
    assert claimed.sent_at is None
    assert {(message.to[0], message.subject) for message in mail.outbox} == {
        (notification.recipient.email, subject(notification.alert)) for notification in unsent[1:]
    }


def test_a_claim_left_by_a_dead_sender_is_taken_over_after_ten_minutes(unsent):
    Notification.objects.filter(pk=unsent[0].pk).update(claimed_at=timezone.now() - timedelta(minutes=11))

    assert services.send_notifications() == 4

    assert len(mail.outbox) == 4


def test_an_inspector_without_an_e_mail_address_is_marked_sent(points, inspector, staff_a, enterprise_a, submit):
    inspector.email = ""
    inspector.save()

    submit(staff_a, enterprise_a, [row("AIR-1", "Cu", "0.03")])

    assert mail.outbox == []
    assert Notification.objects.get().sent_at is not None
