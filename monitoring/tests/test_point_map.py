"""The point map: each point's popup lists its latest result of each pollutant (value, unit, ratio to the MPC, date) and
links to the point's chart, not the enterprise; its state (exceeding, within, none) is given for the legend."""

import pytest

from monitoring.models import Result
from monitoring.tests.helpers import json_script, row, when

pytestmark = pytest.mark.django_db


def test_popup_data_holds_the_latest_results_and_links_to_the_chart(points, staff_a, enterprise_a, submit, web):
    submit(
        staff_a,
        enterprise_a,
        [
            row("AIR-1", "Cu", "0.03", sampled_at=when(days=-2)),  # older: not shown
            row("AIR-1", "Cu", "0.0005", sampled_at=when(days=-1)),
            row("GW-1", "Pb", "0.04", "mg/l"),
        ],
    )

    shown = {
        p["name"].split(" ")[0]: p
        for p in json_script(web(staff_a).get("/monitoring/points/").content.decode(), "map-points")
    }

    air = shown["AIR-1"]
    assert air["state"] == "within"
    assert air["url"] == f"/monitoring/points/{points['air'].pk}/Cu/"
    (latest,) = air["results"]
    newest = Result.objects.filter(point=points["air"]).latest("sampled_at")
    assert (latest["pollutant"], latest["value"], latest["unit"]) == ("Cu", 0.0005, "mg/m³")
    assert latest["date"] == newest.sampled_on.isoformat()
    assert latest["ratio"] == pytest.approx(0.25)
    assert latest["chart"] == air["url"]
    water = shown["GW-1"]
    assert water["state"] == "exceeding"
    assert water["results"][0]["exceeds"] is True
    assert water["results"][0]["ratio"] == pytest.approx(4)
    assert shown["SOIL-1"]["state"] == "none"
    assert shown["SOIL-1"]["url"] is None
    assert "enterprises" not in str(shown)


def test_the_point_map_has_a_legend_for_media_and_states(points, web):
    settings = json_script(web(None).get("/monitoring/points/").content.decode(), "map-settings")

    assert [entry["kind"] for entry in settings["legend"]] == ["air", "soil", "groundwater", "surface_water"]
    assert [entry["state"] for entry in settings["states"]] == ["exceeding", "within", "none"]
    assert settings["labels"]["mpc"] == "MPC"
