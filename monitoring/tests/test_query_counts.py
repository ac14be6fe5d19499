"""Lists of alerts and exceedances cost a fixed number of queries, however many rows they show (no N+1)."""

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from monitoring.models import Alert, MonitoringPoint, Pollutant
from monitoring.tests.helpers import ALERTS, BALKHASH, EXCEEDANCES, row

pytestmark = pytest.mark.django_db


def add_alerts(enterprise, count: int, assignee) -> None:
    """`count` points of `enterprise`, each with an open Cu alert, every other one assigned."""
    start = MonitoringPoint.objects.filter(enterprise=enterprise).count()
    points = MonitoringPoint.objects.bulk_create(
        MonitoringPoint(enterprise=enterprise, code=f"P-{start + index}", medium="air", **BALKHASH)
        for index in range(count)
    )
    copper = Pollutant.objects.get(code="Cu")
    Alert.objects.bulk_create(
        Alert(
            enterprise=enterprise,
            point=point,
            pollutant=copper,
            severity=1 + index % 3,
            last_sampled_at=timezone.now(),
            result_count=1,
            assigned_to=assignee if index % 2 else None,
        )
        for index, point in enumerate(points)
    )


def queries(client, url, params=None) -> tuple[int, object]:
    with CaptureQueriesContext(connection) as context:
        response = client.get(url, params)
    assert response.status_code == 200
    return len(context.captured_queries), response


@pytest.mark.parametrize("who", ["inspector", "staff_a", "administrator"])
def test_the_alert_api_list(reference, enterprise_a, inspector, client_for, request, who):
    client = client_for(request.getfixturevalue(who))
    add_alerts(enterprise_a, 5, inspector)
    few, response = queries(client, ALERTS)
    assert response.json()["count"] == 5

    add_alerts(enterprise_a, 45, inspector)
    many, response = queries(client, ALERTS)

    assert response.json()["count"] == 50
    assert {item["assigned_to"] for item in response.json()["results"]} == {"inspector", None}
    assert many == few


def test_the_alert_list_page(reference, enterprise_a, inspector, web):
    client = web(inspector)
    add_alerts(enterprise_a, 5, inspector)
    few, _response = queries(client, "/monitoring/alerts/")

    add_alerts(enterprise_a, 45, inspector)
    many, response = queries(client, "/monitoring/alerts/")

    assert len(re.findall(r'href="/monitoring/alerts/\d+/"', response.content.decode())) == 50
    assert many == few


def test_the_exceedance_api_list(air, enterprise_a, staff_a, inspector, submit, client_for):
    client = client_for(inspector)
    submit(staff_a, enterprise_a, [row("AIR-1", "Cu", "0.03") for _ in range(5)])
    few, response = queries(client, EXCEEDANCES)
    assert len(response.json()["results"]) == 5

    submit(staff_a, enterprise_a, [row("AIR-1", "Cu", "0.003") for _ in range(45)])
    many, response = queries(client, EXCEEDANCES)

    assert len(response.json()["results"]) == 50
    assert many == few
