"""One open alert per point and pollutant: later exceeding results extend it (count grows, severity is the
highest); once it is resolved or dismissed, the next exceedance opens a new alert."""

from datetime import timedelta

import pytest
from django.db import IntegrityError, transaction
from django.utils import timezone

from monitoring.models import Alert, AlertStatus, Result
from monitoring.tests.helpers import BASE_TIME, row, when

pytestmark = pytest.mark.django_db


def test_exceeding_results_of_one_point_and_pollutant_share_one_alert(points, staff_a, enterprise_a, submit):
    submit(
        staff_a,
        enterprise_a,
        [
            row("AIR-1", "Cu", "0.003"),  # exceedance
            row("AIR-1", "Cu", "0.03"),  # high
            row("AIR-1", "Cu", "0.001"),  # within the MPC
            row("AIR-1", "Pb", "0.0006"),  # another pollutant
            row("GW-1", "Cu", "0.002", "mg/l"),  # another point
        ],
    )

    alerts = {(alert.point.code, alert.pollutant.code): alert for alert in Alert.objects.all()}
    assert set(alerts) == {("AIR-1", "Cu"), ("AIR-1", "Pb"), ("GW-1", "Cu")}
    copper = alerts[("AIR-1", "Cu")]
    assert (copper.status, copper.result_count, copper.severity) == ("new", 2, 2)
    assert set(copper.results.values_list("severity", flat=True)) == {1, 2}
    assert Result.objects.get(point__code="AIR-1", pollutant__code="Cu", severity=0).alert is None


def test_a_later_submission_extends_the_open_alert(air, staff_a, enterprise_a, submit):
    first_time, second_time = BASE_TIME - timedelta(days=10), BASE_TIME - timedelta(days=3)
    submit(staff_a, enterprise_a, [row("AIR-1", "Cu", "0.003", sampled_at=when(first_time))])
    alert = Alert.objects.get()
    assert (alert.result_count, alert.severity, alert.last_sampled_at) == (1, 1, first_time)

    submit(staff_a, enterprise_a, [row("AIR-1", "Cu", "0.15", sampled_at=when(second_time))])

    assert Alert.objects.count() == 1
    alert.refresh_from_db()
    assert (alert.result_count, alert.severity, alert.last_sampled_at) == (2, 3, second_time)

    submit(staff_a, enterprise_a, [row("AIR-1", "Cu", "0.004", sampled_at=when(first_time, days=1))])

    alert.refresh_from_db()
    assert (alert.result_count, alert.severity, alert.last_sampled_at) == (3, 3, second_time), "the highest stays"


def test_an_acknowledged_alert_is_extended_too(air, staff_a, enterprise_a, submit):
    submit(staff_a, enterprise_a, [row("AIR-1", "Cu", "0.003")])
    Alert.objects.update(status=AlertStatus.INVESTIGATING)

    submit(staff_a, enterprise_a, [row("AIR-1", "Cu", "0.03")])

    alert = Alert.objects.get()
    assert (alert.status, alert.result_count, alert.severity) == ("investigating", 2, 2)


def test_compliant_results_do_not_extend_an_alert(air, staff_a, enterprise_a, submit):
    submit(staff_a, enterprise_a, [row("AIR-1", "Cu", "0.03")])

    submit(staff_a, enterprise_a, [row("AIR-1", "Cu", "0.001"), row("AIR-1", "Cu", "0.002")])

    alert = Alert.objects.get()
    assert alert.result_count == 1
    assert alert.results.count() == 1


@pytest.mark.parametrize("closed", [AlertStatus.RESOLVED, AlertStatus.DISMISSED])
def test_after_an_alert_is_closed_a_new_exceedance_opens_a_new_alert(air, staff_a, enterprise_a, submit, closed):
    submit(staff_a, enterprise_a, [row("AIR-1", "Cu", "0.15"), row("AIR-1", "Cu", "0.03")])
    old = Alert.objects.get()
    Alert.objects.filter(pk=old.pk).update(status=closed, closed_at=timezone.now())

    submit(staff_a, enterprise_a, [row("AIR-1", "Cu", "0.003")])

    new = Alert.objects.exclude(pk=old.pk).get()
    assert (new.status, new.result_count, new.severity) == ("new", 1, 1)
    old.refresh_from_db()
    assert (old.status, old.result_count, old.severity) == (closed, 2, 3)

    submit(staff_a, enterprise_a, [row("AIR-1", "Cu", "0.004")])

    assert Alert.objects.count() == 2
    new.refresh_from_db()
    assert new.result_count == 2


def test_the_database_refuses_a_second_open_alert(air, staff_a, enterprise_a, submit):
    submit(staff_a, enterprise_a, [row("AIR-1", "Cu", "0.03")])
    alert = Alert.objects.get()

    with pytest.raises(IntegrityError), transaction.atomic():
        Alert.objects.create(
            enterprise=enterprise_a, point=alert.point, pollutant=alert.pollutant, status=AlertStatus.ACKNOWLEDGED
        )
