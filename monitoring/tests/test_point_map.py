"""The point map: the page holds the points only (so that it stays cached while results arrive); each popup reads
its point's latest result of each pollutant (value, unit, ratio to the MPC, date, link to the point's chart, not
the enterprise) from the point's `latest` answer, and the rings their state (exceeding, within, none) from one
small answer, for the legend."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from monitoring.models import Result
from monitoring.tests.helpers import json_script, make_point, row, when

pytestmark = pytest.mark.django_db


def test_popups_read_the_latest_results_and_link_to_the_chart(points, staff_a, enterprise_a, submit, web):
    submit(
        staff_a,
        enterprise_a,
        [
            row("AIR-1", "Cu", "0.03", sampled_at=when(days=-2)),  # older: not shown
            row("AIR-1", "Cu", "0.0005", sampled_at=when(days=-1)),
            row("GW-1", "Pb", "0.04", "mg/l"),
        ],
    )
    client = web(staff_a)

    page = client.get("/monitoring/points/").content.decode()
    shown = {p["name"].split(" ")[0]: p for p in json_script(page, "map-points")}
    assert "results" not in str(shown) and "state" not in str(shown), "the page shows the points only"
    air = client.get(shown["AIR-1"]["latest"]).json()
    water = client.get(shown["GW-1"]["latest"]).json()
    soil = client.get(shown["SOIL-1"]["latest"]).json()
    states = client.get(json_script(page, "map-settings")["ring_states"]).json()

    assert shown["AIR-1"]["latest"] == f"/monitoring/points/{points['air'].pk}/latest/"
    assert air["url"] == f"/monitoring/points/{points['air'].pk}/Cu/"
    (latest,) = air["results"]
    newest = Result.objects.filter(point=points["air"]).latest("sampled_at")
    assert (latest["pollutant"], latest["value"], latest["unit"]) == ("Cu", 0.0005, "mg/m³")
    assert latest["date"] == newest.sampled_on.isoformat()
    assert latest["ratio"] == pytest.approx(0.25)
    assert latest["chart"] == air["url"]
    assert water["results"][0]["exceeds"] is True
    assert water["results"][0]["ratio"] == pytest.approx(4)
    assert soil == {"url": None, "results": []}
    assert states == {str(points["air"].pk): "within", str(points["groundwater"].pk): "exceeding",
                      str(points["soil"].pk): "none"}  # fmt: skip
    assert "enterprises" not in str([air, water])


def monitoring_queries(client, url) -> int:
    """The queries an answer costs on the monitoring tables (a signed-in reader is answered fresh, not from the
    page cache; the session's and the permission's queries are the same for every answer)."""
    with CaptureQueriesContext(connection) as context:
        assert client.get(url).status_code == 200
    return len([query for query in context.captured_queries if '"monitoring_' in query["sql"]])


def test_a_popup_costs_three_queries_however_many_results(points, staff_a, enterprise_a, submit, web):
    """The point, the newest (time, id) of each pollutant (an index step each), those rows: not one per result."""
    submit(staff_a, enterprise_a, [row("AIR-1", "Cu", "0.001", sampled_at=when(days=-1))])
    url = f"/monitoring/points/{points['air'].pk}/latest/"
    client = web(staff_a)
    few = monitoring_queries(client, url)

    more = [row("AIR-1", code, "0.001", sampled_at=when(days=-d)) for code in ("Cu", "Pb", "Zn") for d in range(2, 12)]
    submit(staff_a, enterprise_a, more)

    assert monitoring_queries(client, url) == few == 3
    assert len(client.get(url).json()["results"]) == 3


def test_the_states_cost_one_query_however_many_points(points, staff_a, enterprise_a, submit, web):
    submit(staff_a, enterprise_a, [row("AIR-1", "Cu", "0.001")])
    client = web(staff_a)
    few = monitoring_queries(client, "/monitoring/points/states/")
    for n in range(10):
        make_point(enterprise_a, f"AIR-{n + 2}", "air")

    assert monitoring_queries(client, "/monitoring/points/states/") == few == 1
    assert len(client.get("/monitoring/points/states/").json()) == 13


def test_the_point_map_has_a_legend_for_media_and_states(points, web):
    settings = json_script(web(None).get("/monitoring/points/").content.decode(), "map-settings")

    assert [entry["kind"] for entry in settings["legend"]] == ["air", "soil", "groundwater", "surface_water"]
    assert [entry["state"] for entry in settings["states"]] == ["exceeding", "within", "none"]
    assert settings["labels"]["mpc"] == "MPC"
    assert settings["ring_states"] == "/monitoring/points/states/"
