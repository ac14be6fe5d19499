"""Every bad input is refused with its row and field, and nothing of the batch is saved."""

import datetime

import pytest
from django.utils import timezone

from monitoring.emissions.models import EmissionSubmission, EmissionValue
from monitoring.emissions.tests.conftest import row

URL = "/api/v1/emissions/values/"
FUTURE = (timezone.now() + datetime.timedelta(days=1)).replace(minute=0, second=0, microsecond=0).isoformat()


@pytest.mark.parametrize(
    ("bad", "field", "code"),
    [
        ({"unit": ""}, "unit", "required"),
        ({"unit": "kg/h"}, "unit", "unknown_unit"),
        ({"value": "-0.1"}, "value", "negative"),
        ({"unit": "mg/m3", "flow_m3s": "-3"}, "flow_m3s", "negative"),
        ({"unit": "mg/m3"}, "flow_m3s", "flow_required"),
        ({"flow_m3s": "12.5"}, "flow_m3s", "flow_not_allowed"),
        ({"interval_start": FUTURE}, "interval_start", "future"),
        ({"interval_start": "2025-01-15T10:10:00+05:00"}, "interval_start", "not_aligned"),
        ({"interval_start": "2025-01-15T10:00:00"}, "interval_start", "time_zone_required"),
        ({"source": "9999"}, "source", "unknown_source"),
        ({"substance": "XX"}, "substance", "unknown_substance"),
        ({"substance": "CO"}, "substance", "no_channel"),
        ({"value": "1.00000000001"}, "value", "decimal_places"),
        ({"value": "12345678901"}, "value", "too_large"),
        ({"unit": "mg/m3", "flow_m3s": "1.00001"}, "flow_m3s", "decimal_places"),
        ({"value": "abc"}, "value", "invalid"),
    ],
)
@pytest.mark.django_db
def test_refused_with_row_and_field(client_for, staff_a, enterprise_a, channels, limit, bad, field, code):
    from registry.permits.tests.factories import SubstanceFactory

    SubstanceFactory(code="CO")  # a known substance without a channel on the stack
    rows = [row(0), {**row(20), **bad}]
    answer = client_for(staff_a).post(URL, {"enterprise": enterprise_a.bin, "values": rows}, format="json")
    assert answer.status_code == 400, answer.json()
    errors = answer.json()["errors"]
    assert {"row": 2, "field": field, "code": code} in [
        {"row": e.get("row"), "field": e["field"], "code": e["code"]} for e in errors
    ], errors
    assert not EmissionValue.objects.exists()
    assert not EmissionSubmission.objects.exists()


@pytest.mark.django_db
def test_duplicate_in_batch(client_for, staff_a, enterprise_a, channels, limit):
    answer = client_for(staff_a).post(URL, {"enterprise": enterprise_a.bin, "values": [row(0), row(0)]}, format="json")
    assert answer.status_code == 400
    [error] = answer.json()["errors"]
    assert (error["row"], error["field"], error["code"]) == (2, "interval_start", "duplicate_row")
    assert not EmissionValue.objects.exists()


@pytest.mark.django_db
def test_duplicate_of_stored(client_for, staff_a, enterprise_a, channels, limit):
    client = client_for(staff_a)
    assert client.post(URL, {"enterprise": enterprise_a.bin, "values": [row(0)]}, format="json").status_code == 201
    answer = client.post(URL, {"enterprise": enterprise_a.bin, "values": [row(20), row(0)]}, format="json")
    assert answer.status_code == 400
    [error] = answer.json()["errors"]
    assert (error["row"], error["field"], error["code"]) == (2, "interval_start", "already_submitted")
    assert EmissionValue.objects.count() == 1
