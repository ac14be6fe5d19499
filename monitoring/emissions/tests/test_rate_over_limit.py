"""A value above the source's g/s limit opens the RATE_OVER_LIMIT alert of the source and substance, or extends the
open one; the inspectors are told once, through the outbox."""

from decimal import Decimal

import pytest

from monitoring.emissions.models import EmissionValue
from monitoring.emissions.tests.conftest import row
from monitoring.models import Alert, AlertKind, AlertStatus
from portal.models import OutboxMessage

URL = "/api/v1/emissions/values/"


def post(client, enterprise, rows):
    answer = client.post(URL, {"enterprise": enterprise.bin, "values": rows}, format="json")
    assert answer.status_code == 201, answer.json()
    return answer.json()


@pytest.mark.django_db
def test_opened_then_extended(client_for, staff_a, enterprise_a, channels, limit, inspector):
    client = client_for(staff_a)
    # 2.0 g/s, and 1.2 mg/m3 x 1500 m3/s = 1.8 g/s: both above 1.5; 1.0 is not; NOx has no g/s limit.
    body = post(client, enterprise_a, [
        row(0, value="2.0"), row(20, value="1.2", unit="mg/m3", flow="1500"), row(40), row(0, substance="NOx",
                                                                                         value="99"),
    ])  # fmt: skip
    assert body["over_limit_count"] == 2
    alert = Alert.objects.get()
    assert alert.kind == AlertKind.RATE_OVER_LIMIT
    assert (alert.source.code, alert.substance.code) == ("0001", "SO2")
    assert alert.permitted_gs == Decimal("1.5") and alert.peak_gs == Decimal("2.0")
    assert alert.result_count == 2 and alert.last_sampled_at.minute == 20
    assert alert.enterprise_id == enterprise_a.pk
    assert set(EmissionValue.objects.filter(alert=alert).values_list("rate_gs", flat=True)) == {2.0, 1.8}
    told = OutboxMessage.objects.filter(dedupe_key__startswith=f"alert:{alert.pk}:", recipient=inspector).count()
    assert told >= 1

    post(client, enterprise_a, [row(60, value="3.5"), row(80, value="1.6")])
    alert.refresh_from_db()
    assert Alert.objects.count() == 1
    assert (alert.result_count, alert.peak_gs, alert.last_sampled_at.minute) == (4, Decimal("3.5"), 20)
    assert OutboxMessage.objects.filter(dedupe_key__startswith=f"alert:{alert.pk}:").count() == told  # told once


@pytest.mark.django_db
def test_closed_alert_gives_way_to_new(client_for, staff_a, enterprise_a, channels, limit, inspector):
    client = client_for(staff_a)
    post(client, enterprise_a, [row(0, value="2.0")])
    Alert.objects.update(status=AlertStatus.RESOLVED)
    post(client, enterprise_a, [row(20, value="2.5")])
    assert Alert.objects.filter(status=AlertStatus.NEW).get().peak_gs == Decimal("2.5")


@pytest.mark.django_db
def test_no_permit_no_alert(client_for, staff_a, enterprise_a, channels):
    post(client_for(staff_a), enterprise_a, [row(0, value="200")])
    assert not Alert.objects.exists()
