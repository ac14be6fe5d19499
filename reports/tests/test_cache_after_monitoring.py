"""An evaluated submission of a Karaganda point drops the point map and the monitoring figures of its year in
Karaganda (and the republic's); the waste statistics and every registry page stay cached."""

from monitoring import services as monitoring_services
from monitoring.models import MonitoringPoint
from monitoring.reference import load_monitoring_reference


def test_a_submission_evaluated_in_karaganda_drops_only_its_monitoring_answers(world, cached_after):
    load_monitoring_reference()
    MonitoringPoint.objects.create(
        enterprise=world.enterprise_k, code="AIR-1", medium="air", latitude="46.84", longitude="74.98"
    )
    rows = [
        {"point": "AIR-1", "pollutant": "Cu", "sampled_at": f"2024-0{month}-01T10:00:00+05:00", "value": value,
         "unit": "mg/m3", "averaging": "daily"}
        for month, value in ((1, "0.001"), (2, "0.03"), (3, "0.2"))
    ]  # fmt: skip

    still_cached = cached_after(
        lambda: monitoring_services.submission_create(actor=world.staff_k, enterprise=world.enterprise_k, rows=rows)
    )

    assert set(world.pages()) - still_cached == {"point map", "region K", "API monitoring", "API monitoring 2024 K"}
