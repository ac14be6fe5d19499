"""Exceedances reach the inspector: the alert list page, the alerts API filtered by region and status, and the
chart of a point and pollutant with its MPC line."""

import pytest

from monitoring.models import Alert, AlertStatus
from monitoring.tests.helpers import ALERTS, json_script, make_point, row

pytestmark = pytest.mark.django_db


@pytest.fixture
def exceeded(points, staff_a, enterprise_a, inspector, submit):
    """Cu at AIR-1 at 15x the MPC (high), and Pb at GW-1 at 4x (high, hazard class 2); the inspector exists."""
    return submit(staff_a, enterprise_a, [row("AIR-1", "Cu", "0.03"), row("GW-1", "Pb", "0.04", "mg/l")])


def test_the_inspectors_alert_list_page(exceeded, inspector, web):
    response = web(inspector).get("/monitoring/alerts/")

    assert response.status_code == 200
    page = response.content.decode()
    alert = Alert.objects.get(point__code="AIR-1", pollutant__code="Cu")
    assert f'href="/monitoring/alerts/{alert.pk}/"' in page
    assert "Enterprise A LLP" in page
    assert "AIR-1" in page
    assert "GW-1" in page
    assert "high" in page
    # the inspector was notified: the alerts are listed as new for them
    assert "New for you" in page


def test_alerts_api_filtered_by_region_and_status(exceeded, inspector, region, other_region, client_for):
    client = client_for(inspector)

    response = client.get(ALERTS, {"region": region.iso_code, "status": "new"})

    assert response.status_code == 200
    alerts = {(item["point"], item["pollutant"]): item for item in response.json()["results"]}
    assert set(alerts) == {("AIR-1", "Cu"), ("GW-1", "Pb")}
    air = alerts[("AIR-1", "Cu")]
    assert air["region"] == region.iso_code
    assert air["status"] == "new"
    assert air["severity"] == "high"
    assert air["result_count"] == 1
    assert client.get(ALERTS, {"region": other_region.iso_code, "status": "new"}).json()["count"] == 0
    assert client.get(ALERTS, {"region": region.iso_code, "status": "resolved"}).json()["count"] == 0
    Alert.objects.filter(pollutant__code="Pb").update(status=AlertStatus.ACKNOWLEDGED)
    assert client.get(ALERTS, {"region": region.iso_code, "status": "new"}).json()["count"] == 1
    assert client.get(ALERTS, {"pollutant": "Pb", "status": "acknowledged"}).json()["count"] == 1


def test_the_chart_page_carries_the_series_with_the_mpc(air, staff_a, enterprise_a, submit, inspector, web):
    submit(staff_a, enterprise_a, [row("AIR-1", "Cu", "0.001"), row("AIR-1", "Cu", "0.03")])

    response = web(inspector).get(f"/monitoring/points/{air.pk}/Cu/")

    assert response.status_code == 200
    series = json_script(response.content.decode(), "series")
    assert [point["v"] for point in series] == pytest.approx([0.001, 0.03])
    assert [point["mpc"] for point in series] == pytest.approx([0.002, 0.002])
    assert [point["severity"] for point in series] == [0, 2]


def test_a_chart_of_an_unknown_pollutant_or_an_unpublished_point_of_another_region(
    reference, air, enterprise_a, other_inspector, inspector, web
):
    assert web(inspector).get(f"/monitoring/points/{air.pk}/XX/").status_code == 404
    hidden = make_point(enterprise_a, "AIR-9", "air", is_published=False)
    assert web(other_inspector).get(f"/monitoring/points/{hidden.pk}/Cu/").status_code == 404
    assert web(inspector).get(f"/monitoring/points/{hidden.pk}/Cu/").status_code == 200
