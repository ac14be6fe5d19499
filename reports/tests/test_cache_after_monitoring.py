"""An evaluated submission of a Karaganda point drops that point's popup (its latest results), the map's rings and
the monitoring figures of its year in Karaganda (and the republic's); the point map page itself (the points only),
the popup of a Pavlodar point, the waste statistics and every registry page stay cached."""

from monitoring import services as monitoring_services
from monitoring.models import MonitoringPoint
from monitoring.reference import load_monitoring_reference


def test_a_submission_evaluated_in_karaganda_drops_only_its_monitoring_answers(world, cached_after):
    load_monitoring_reference()
    point_k = MonitoringPoint.objects.create(
        enterprise=world.enterprise_k, code="AIR-1", medium="air", latitude="46.84", longitude="74.98",
        is_published=True,
    )  # fmt: skip
    point_p = MonitoringPoint.objects.create(
        enterprise=world.enterprise_p, code="AIR-1", medium="air", latitude="52.28", longitude="76.97",
        is_published=True,
    )  # fmt: skip
    world.extra_pages = {
        "point states": "/monitoring/points/states/",
        "point K latest": f"/monitoring/points/{point_k.pk}/latest/",
        "point P latest": f"/monitoring/points/{point_p.pk}/latest/",
    }
    rows = [
        {"point": "AIR-1", "pollutant": "Cu", "sampled_at": f"2024-0{month}-01T10:00:00+05:00", "value": value,
         "unit": "mg/m3", "averaging": "daily"}
        for month, value in ((1, "0.001"), (2, "0.03"), (3, "0.2"))
    ]  # fmt: skip

    still_cached = cached_after(
        lambda: monitoring_services.submission_create(actor=world.staff_k, enterprise=world.enterprise_k, rows=rows)
    )

    assert set(world.pages()) - still_cached == {
        "point K latest", "point states", "region K", "API monitoring", "API monitoring 2024 K",
    }  # fmt: skip
    assert {"point map", "point P latest"} <= still_cached
