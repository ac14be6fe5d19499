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


def test_the_alert_list_shows_the_multiple_of_the_mpc_in_bounded_queries(
    exceeded, inspector, web, staff_a, enterprise_a, submit, django_assert_max_num_queries
):
    client = web(inspector)
    client.get("/monitoring/alerts/")  # the session and caches are warm
    with django_assert_max_num_queries(12) as few:
        page = client.get("/monitoring/alerts/").content.decode()
    submit(staff_a, enterprise_a, [row("AIR-1", "Zn", "5"), row("GW-1", "Cu", "0.5", "mg/l")])
    with django_assert_max_num_queries(len(few.captured_queries)):
        client.get("/monitoring/alerts/")
    assert "15.0\u00d7" in page  # Cu at AIR-1: 0.03 against an MPC of 0.002
    assert "4.0\u00d7" in page  # Pb at GW-1


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


def test_alerts_api_filtered_by_point(exceeded, inspector, client_for):
    client = client_for(inspector)

    response = client.get(ALERTS, {"point": "GW-1"})

    assert response.status_code == 200
    assert [(item["point"], item["pollutant"]) for item in response.json()["results"]] == [("GW-1", "Pb")]
    assert client.get(ALERTS, {"point": "SOIL-1"}).json()["count"] == 0


def test_the_chart_page_carries_the_series_with_the_mpc(air, staff_a, enterprise_a, submit, inspector, web):
    submit(staff_a, enterprise_a, [row("AIR-1", "Cu", "0.001"), row("AIR-1", "Cu", "0.03")])

    response = web(inspector).get(f"/monitoring/points/{air.pk}/Cu/")

    assert response.status_code == 200
    series = json_script(response.content.decode(), "series")
    assert [point["v"] for point in series] == pytest.approx([0.001, 0.03])
    assert [point["mpc"] for point in series] == pytest.approx([0.002, 0.002])
    assert [point["severity"] for point in series] == [0, 2]
    page = response.content.decode()
    assert 'data-axis-label="Concentration, mg/m³"' in page
    assert 'data-exceeding-label="Exceeds the MPC"' in page


def test_a_chart_of_an_unknown_pollutant_or_an_unpublished_point_of_another_region(
    reference, air, enterprise_a, other_inspector, inspector, web
):
    assert web(inspector).get(f"/monitoring/points/{air.pk}/XX/").status_code == 404
    hidden = make_point(enterprise_a, "AIR-9", "air", is_published=False)
    assert web(other_inspector).get(f"/monitoring/points/{hidden.pk}/Cu/").status_code == 404
    assert web(inspector).get(f"/monitoring/points/{hidden.pk}/Cu/").status_code == 200
