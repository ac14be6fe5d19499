"""The monitoring refresh after a submission recomputes only the (point, pollutant, year) cells it touched
(`MonitoringPointYear`), reading their results by the unique index within the year's partitions, and then groups
the region's year from the cells: the tables come out as a full rebuild makes them."""

import json

import pytest
from django.db import connection

from monitoring import partitions
from monitoring.models import MonitoringPoint, Pollutant
from monitoring.reference import load_monitoring_reference
from monitoring.services import submission_create
from monitoring.tests.helpers import make_point, row
from reports.aggregates import cells_grouped, check_against_rebuild, rebuild_all, refresh_dirty
from reports.models import DirtyAggregate, DirtyMonitoringCell, MonitoringAggregate, MonitoringPointYear
from reports.tests.test_aggregates import MONITORING_FIELDS, snapshot

CELL_FIELDS = ("year", "point_id", "enterprise_id", "pollutant_id", "medium", "results", "value_sum", "maximum",
               "exceeding", "high", "extreme")  # fmt: skip


def at(year: int, month: int, day: int = 2) -> str:
    return partitions.month_start(year, month).replace(day=day, hour=12).isoformat()


def result(point: str, pollutant: str, day: tuple[int, ...], value: str = "0.001") -> dict:
    return row(point, pollutant, sampled_at=at(*day), value=value)


@pytest.fixture
def submit(staff_a, enterprise_a, django_capture_on_commit_callbacks):
    load_monitoring_reference()
    make_point(enterprise_a, "AIR-1", "air")
    make_point(enterprise_a, "AIR-2", "air")

    def submit(rows: list[dict]) -> None:
        with django_capture_on_commit_callbacks(execute=True):  # evaluated and refreshed on commit
            submission_create(actor=staff_a, enterprise=enterprise_a, rows=rows)

    return submit


def test_a_refresh_recomputes_only_the_cells_the_submission_touched(submit):
    submit([
        result("AIR-1", "Cu", (2024, 1), value="0.01"), result("AIR-2", "Cu", (2024, 1), value="0.02"),
        result("AIR-1", "Pb", (2024, 1), value="0.0001"), result("AIR-1", "Cu", (2023, 5), value="0.5"),
    ])  # fmt: skip
    assert MonitoringPointYear.objects.count() == 4
    assert not DirtyMonitoringCell.objects.exists() and not DirtyAggregate.objects.exists()
    # Another cell of the same region and year falsified: a refresh that read the year's results would correct it.
    air_2 = MonitoringPoint.objects.get(code="AIR-2")
    MonitoringPointYear.objects.filter(point=air_2).update(results=7)

    submit([result("AIR-1", "Cu", (2024, 2), value="0.03")])

    # Only AIR-1's Cu of 2024 was read again:
    assert MonitoringPointYear.objects.get(point=air_2).results == 7
    assert MonitoringPointYear.objects.get(point__code="AIR-1", pollutant__code="Cu", year=2024).results == 2
    assert MonitoringPointYear.objects.get(point__code="AIR-1", pollutant__code="Cu", year=2023).results == 1
    assert MonitoringAggregate.objects.get(year=2024, pollutant_code="Cu").results == 2 + 7

    # The check compares both tables with the results, and repairs the cell and the figures grouped from it.
    found = {d.table: d for d in check_against_rebuild(repair=True)}
    assert (found.keys(), found["monitoring cells"].key["point_id"]) == ({"monitoring", "monitoring cells"}, air_2.pk)
    assert found["monitoring cells"].rebuilt == {"results": 1}
    assert found["monitoring"].rebuilt == {"results": 3, "mean": pytest.approx(0.02)}
    assert MonitoringAggregate.objects.get(year=2024, pollutant_code="Cu").results == 3
    assert MonitoringPointYear.objects.get(point=air_2).results == 1


def test_the_refreshed_tables_equal_a_rebuild(submit):
    submit([result("AIR-1", "Cu", (2024, month), value=f"0.0{month}") for month in range(1, 7)])
    submit([result("AIR-2", "Cu", (2024, 3), value="0.3"), result("AIR-2", "Pb", (2023, 12, 31), value="0.002")])
    submit([result("AIR-1", "Cu", (2024, 9), value="0.7"), result("AIR-2", "Cu", (2024, 10), value="0.0001")])
    MonitoringPoint.objects.get(code="AIR-2").save()  # its years marked, without cells: regrouped as they are
    assert (DirtyAggregate.objects.count(), refresh_dirty(), DirtyMonitoringCell.objects.count()) == (2, 2, 0)
    refreshed = snapshot(MonitoringAggregate, MONITORING_FIELDS), snapshot(MonitoringPointYear, CELL_FIELDS)
    row_2024 = MonitoringAggregate.objects.get(year=2024, pollutant_code="Cu")
    assert (row_2024.results, row_2024.points, row_2024.enterprises) == (9, 2, 1)
    assert row_2024.mean == pytest.approx((0.01 + 0.02 + 0.03 + 0.04 + 0.05 + 0.06 + 0.3 + 0.7 + 0.0001) / 9)

    assert check_against_rebuild(repair=False) == []
    rebuild_all()
    assert (snapshot(MonitoringAggregate, MONITORING_FIELDS), snapshot(MonitoringPointYear, CELL_FIELDS)) == refreshed


def test_an_unpublished_point_keeps_its_cells_out_of_the_statistics(submit):
    submit([result("AIR-1", "Cu", (2024, 1)), result("AIR-2", "Cu", (2024, 1))])
    air_2 = MonitoringPoint.objects.get(code="AIR-2")
    air_2.is_published = False
    air_2.save()
    refresh_dirty()
    assert MonitoringPointYear.objects.count() == 2  # the cells stay; the grouping leaves the point out
    assert MonitoringAggregate.objects.get().points == 1
    assert check_against_rebuild(repair=False) == []


@pytest.mark.skipif(connection.vendor != "postgresql", reason="partitions and plans are PostgreSQL's")
def test_a_cell_is_read_by_the_unique_index_within_its_year(submit):
    partitions.ensure_result_partitions(months=[(year, month) for year in (2023, 2024, 2025) for month in range(1, 13)])
    submit([result("AIR-1", "Cu", (year, 6)) for year in (2023, 2024)])
    point, pollutant = MonitoringPoint.objects.get(code="AIR-1"), Pollutant.objects.get(code="Cu")
    scans: list[dict] = []

    def walk(node: dict) -> None:
        if "Relation Name" in node:
            scans.append(node)
        for child in node.get("Plans", []):
            walk(child)

    with connection.cursor() as cursor:
        cursor.execute("SET enable_seqscan = off")  # a few rows: the plan the index gives at any size
        try:
            walk(json.loads(cells_grouped(2024, [(point.pk, pollutant.pk)]).explain(format="json"))[0]["Plan"])
        finally:
            cursor.execute("RESET enable_seqscan")
    # Every month of the year, none of another, each by an index on the sampling time; on a table of a few rows the
    # planner picks either the unique key (enterprise, point, pollutant, sampled_at) or the newest-first one.
    assert {scan["Relation Name"] for scan in scans} == {f"monitoring_result_p2024_{m:02d}" for m in range(1, 13)}
    assert {scan["Node Type"] for scan in scans} == {"Index Scan"}
    assert all("sampled_at >=" in scan["Index Cond"] for scan in scans)
    assert any(scan["Index Cond"].startswith("((enterprise_id = ") and "point_id = " in scan["Index Cond"]
               for scan in scans)  # fmt: skip
