"""GET /api/v1/monitoring/results/: every evaluated result, exceeding or not, with its MPC and ratio; filtered by
point, pollutant, sampling day and whether it exceeds; restricted like the exceedances; a fixed number of queries."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from monitoring.tests.helpers import BASE_TIME, make_point, row, when

pytestmark = pytest.mark.django_db

RESULTS = "/api/v1/monitoring/results/"


@pytest.fixture
def sampled(points, staff_a, enterprise_a, submit):
    """Cu at AIR-1 within (0.5x) and above (15x) its MPC of 0.002 mg/m3, ten days apart; Pb at GW-1 within."""
    early = when(BASE_TIME - datetime.timedelta(days=10))
    return submit(
        staff_a,
        enterprise_a,
        [row("AIR-1", "Cu", "0.001", sampled_at=early), row("AIR-1", "Cu", "0.03"), row("GW-1", "Pb", "0.001", "mg/l")],
    )


def listed(client, **params) -> list[dict]:
    response = client.get(RESULTS, params)
    assert response.status_code == 200, response.content
    return response.json()["results"]


def test_every_evaluated_result_with_its_ratio(sampled, inspector, client_for):
    results = listed(client_for(inspector), point="AIR-1")

    assert [(item["value"], item["exceeds"], item["severity"]) for item in results] == [
        ("0.0300000000", True, "high"),
        ("0.0010000000", False, "none"),
    ]
    within = results[1]
    assert within["ratio"] == "0.500000000000"  # a decimal string of 12 significant digits, no float artefacts
    assert within["mpc"] == "0.0020000000"
    assert within["alert"] is None
    assert results[0]["ratio"] == "15.0000000000"


def test_filtered_by_pollutant_day_and_exceeding(sampled, staff_a, client_for):
    client = client_for(staff_a)
    newest = (BASE_TIME - datetime.timedelta(days=1)).date().isoformat()

    assert {item["pollutant"] for item in listed(client, pollutant="Pb")} == {"Pb"}
    assert [item["value"] for item in listed(client, exceeds="true")] == ["0.0300000000"]
    assert len(listed(client, exceeds="false")) == 2
    assert [item["point"] for item in listed(client, until=newest)] == ["AIR-1"]
    assert len(listed(client, since=newest)) == 2


def test_restricted_like_the_exceedances(sampled, staff_b, other_inspector, api_client, client_for):
    assert listed(client_for(staff_b)) == []
    assert listed(client_for(other_inspector)) == []
    assert api_client.get(RESULTS).status_code == 401


def test_the_list_costs_the_same_queries_however_long(air, enterprise_a, staff_a, inspector, submit, client_for):
    client = client_for(inspector)
    make_point(enterprise_a, "AIR-2", "air")

    def queries() -> int:
        with CaptureQueriesContext(connection) as context:
            assert client.get(RESULTS).status_code == 200
        return len(context.captured_queries)

    submit(staff_a, enterprise_a, [row("AIR-1", "Cu", "0.03")])
    few = queries()
    submit(staff_a, enterprise_a, [row(point, "Cu", "0.001") for point in ("AIR-1", "AIR-2") for _ in range(10)])

    assert queries() == few
