"""Each event tells each confirmed subscriber of its city or enterprise exactly once: one e-mail per subscriber
however often the event's producer runs, nothing to pending or ended subscriptions or to those of another target,
and nothing of what the public may not read (an unpublished point or source)."""

import pytest
from django.core import mail

from monitoring import services as monitoring_services
from monitoring.models import Alert
from monitoring.reference import load_monitoring_reference
from monitoring.regimes.models import Regime
from monitoring.subscriptions.models import Subscription, SubscriptionStatus
from monitoring.subscriptions.tests.events import alert_of_a, declare, final_verdict, send_verdict, tell_again
from monitoring.tests.helpers import make_point, row
from portal.models import OutboxMessage
from registry.tests.factories import InspectorAssignmentFactory

pytestmark = pytest.mark.django_db


def told(code: str) -> list[tuple[str, str]]:
    rows = OutboxMessage.objects.filter(code=code).order_by("address")
    return list(rows.values_list("address", "dedupe_key"))


@pytest.fixture
def readers(enterprise_a, enterprise_b, city, confirmed, request_subscription):
    """Two confirmed readers of A and one of the city; one reader of A still pending, one of B."""
    confirmed("one@example.kz", enterprise=enterprise_a)
    confirmed("two@example.kz", enterprise=enterprise_a)
    confirmed("city@example.kz", city=city)
    confirmed("b@example.kz", enterprise=enterprise_b)
    request_subscription("pending@example.kz", enterprise=enterprise_a)
    mail.outbox.clear()
    return {subscription.email: subscription for subscription in Subscription.objects.all()}


def test_an_alert_tells_the_confirmed_readers_of_its_enterprise_once(enterprise_a, readers):
    alert = alert_of_a(enterprise_a)
    tell_again(alert)  # a second evaluation extending the alert

    keys = [f"alert:{alert.pk}:subscription:{readers[email].pk}" for email in ("one@example.kz", "two@example.kz")]
    assert told("subscriptions.alert") == list(zip(["one@example.kz", "two@example.kz"], keys, strict=True))
    assert sorted(message.to[0] for message in mail.outbox) == ["one@example.kz", "two@example.kz"]
    assert mail.outbox[0].subject == "Alert at Enterprise A LLP: exceedance of an MPC"
    assert "AIR-1" in mail.outbox[0].body


def test_an_alert_at_an_unpublished_point_tells_the_public_nothing(enterprise_a, readers):
    alert_of_a(enterprise_a, code="AIR-HIDDEN", published=False)

    assert told("subscriptions.alert") == []
    assert not any("AIR-HIDDEN" in message.body for message in mail.outbox)


def test_a_regime_tells_the_confirmed_readers_of_its_city_once(city, readers, region):
    inspector = InspectorAssignmentFactory(region=region).user
    regime = declare(city, inspector)

    assert told("subscriptions.regime") == [
        ("city@example.kz", f"regime:{regime.pk}:subscription:{readers['city@example.kz'].pk}")
    ]
    [message] = [sent for sent in mail.outbox if sent.to == ["city@example.kz"]]
    assert message.subject == "Adverse-weather regime of the 2nd degree in Testcity"
    assert "No. 7" in message.body
    assert Regime.objects.count() == 1


def test_a_final_verdict_tells_the_readers_of_the_enterprise_once(enterprise_a, city, readers, region):
    regime = declare(city, InspectorAssignmentFactory(region=region).user)
    mail.outbox.clear()
    verdict = final_verdict(regime, enterprise_a)
    send_verdict(verdict)  # a verification run again sends it again

    assert [address for address, _key in told("subscriptions.verdict")] == ["one@example.kz", "two@example.kz"]
    assert len(mail.outbox) == 2
    assert mail.outbox[0].subject == "Adverse-weather regime verdict for Enterprise A LLP: cut made"
    assert "cut 20.0 % against the required 20.0 %" in mail.outbox[0].body


def test_a_verdict_on_an_unpublished_source_tells_the_public_nothing(enterprise_a, city, readers, region):
    regime = declare(city, InspectorAssignmentFactory(region=region).user)
    final_verdict(regime, enterprise_a, published=False)

    assert told("subscriptions.verdict") == []


def test_ended_subscriptions_hear_nothing(enterprise_a, readers):
    Subscription.objects.filter(email="one@example.kz").update(status=SubscriptionStatus.UNSUBSCRIBED)

    alert_of_a(enterprise_a)

    assert [address for address, _key in told("subscriptions.alert")] == ["two@example.kz"]


def test_an_evaluation_that_opens_an_alert_tells_them_once(
    enterprise_a, staff_a, readers, django_capture_on_commit_callbacks
):
    """The real path: results submitted and evaluated (set-based, in SQL), then evaluated again."""
    load_monitoring_reference()
    make_point(enterprise_a, "AIR-1", "air")
    with django_capture_on_commit_callbacks(execute=True):
        submission = monitoring_services.submission_create(
            actor=staff_a, enterprise=enterprise_a, rows=[row("AIR-1", "Cu", "0.03")]
        )
    with django_capture_on_commit_callbacks(execute=True):
        monitoring_services.submission_evaluate(submission_id=submission.pk)

    alert = Alert.objects.get()
    assert [key for _address, key in told("subscriptions.alert")] == [
        f"alert:{alert.pk}:subscription:{readers[email].pk}" for email in ("one@example.kz", "two@example.kz")
    ]
    assert sorted(message.to[0] for message in mail.outbox if message.to[0] in readers) == [
        "one@example.kz", "two@example.kz",
    ]  # fmt: skip
