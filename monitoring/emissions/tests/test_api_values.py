"""The API way in: values checked, converted, stored; the answer is the submission with its gaps."""

import pytest

from monitoring.emissions.models import EmissionSubmission, EmissionValue
from monitoring.emissions.tests.conftest import row

URL = "/api/v1/emissions/values/"


def post(client, enterprise, rows):
    return client.post(URL, {"enterprise": enterprise.bin, "values": rows}, format="json")


@pytest.mark.django_db
def test_values_stored_converted(client_for, staff_a, enterprise_a, channels, limit):
    rows = [row(0), row(20, value="0.5", unit="mg/m3", flow="1000"), row(0, substance="NOx", value="2.25")]
    answer = post(client_for(staff_a), enterprise_a, rows)
    assert answer.status_code == 201, answer.json()
    assert answer.json()["received_count"] == 3
    assert answer.json()["gap_count"] == 0
    rates = sorted(EmissionValue.objects.values_list("rate_gs", flat=True))
    assert rates == [0.5, 1.0, 2.25]  # 0.5 mg/m3 x 1000 m3/s / 1000 = 0.5 g/s
    submission = EmissionSubmission.objects.get()
    assert submission.status == "processed" and submission.interval_from is not None


@pytest.mark.django_db
def test_gaps_reported(client_for, staff_a, enterprise_a, channels, limit):
    # 0, 20, [40, 60 missing], 80, [100 missing], 120
    rows = [row(minutes) for minutes in (0, 20, 80, 120)]
    answer = post(client_for(staff_a), enterprise_a, rows)
    assert answer.status_code == 201, answer.json()
    body = answer.json()
    assert body["gap_count"] == 3
    assert [(gap["intervals"], gap["from"][11:16], gap["to"][11:16]) for gap in body["gaps"]] == [
        (2, "05:40", "06:00"),
        (1, "06:40", "06:40"),
    ]


@pytest.mark.django_db
def test_list_values(client_for, staff_a, enterprise_a, channels, limit, inspector, staff_b):
    post(client_for(staff_a), enterprise_a, [row(0)])
    january = {"since": "2025-01-01", "until": "2025-01-31"}
    assert len(client_for(staff_a).get(URL, january).json()["results"]) == 1
    assert len(client_for(inspector).get(URL, january).json()["results"]) == 1
    assert client_for(staff_b).get(URL, january).json()["results"] == []
    assert client_for(None).get(URL).status_code == 401


@pytest.mark.django_db
def test_other_enterprise_refused(client_for, staff_b, enterprise_a, channels, limit):
    answer = post(client_for(staff_b), enterprise_a, [row(0)])
    assert answer.status_code == 403
    assert not EmissionSubmission.objects.exists()
