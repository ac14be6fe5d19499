"""Rebuilding every statistics aggregate over 10,000,000 monitoring results and 100,000 return lines (issue 5),
against one hand-written GROUP BY over the same results, measured in the same run. Target: within 3 x."""

import datetime
import os
import time

import pytest
from django.db import connection
from django.db.backends.utils import CursorWrapper

from bench.months import months_between
from monitoring import partitions
from monitoring.models import MonitoringPoint, Pollutant, Submission
from monitoring.reference import load_monitoring_reference
from registry.reference import load_regions
from registry.returns.reference import load_waste_codes
from registry.tests.factories import EnterpriseFactory, MembershipFactory
from reports.aggregates import rebuild_all

RESULTS = int(os.environ.get("BENCH_RESULTS", "10000000"))
RETURN_LINES = 100_000
FILL_ROWS = 2_000_000
POINTS = 200
pytestmark = pytest.mark.django_db(transaction=True)

HAND_WRITTEN = """
SELECT EXTRACT(YEAR FROM r.sampled_on), e.region_id, p.code, r.medium, COUNT(*), AVG(r.value_base),
       MAX(r.value_base), COUNT(*) FILTER (WHERE r.severity >= 1), COUNT(*) FILTER (WHERE r.severity = 2),
       COUNT(*) FILTER (WHERE r.severity = 3), COUNT(DISTINCT r.point_id), COUNT(DISTINCT pt.enterprise_id)
FROM monitoring_result r
JOIN monitoring_monitoringpoint pt ON pt.id = r.point_id
JOIN registry_enterprise e ON e.id = pt.enterprise_id
JOIN monitoring_pollutant p ON p.id = r.pollutant_id
WHERE r.evaluated
GROUP BY 1, 2, 3, 4
"""


def _fill_results(
    cursor: CursorWrapper,
    first: int,
    end: int,
    submission: int,
    points: list[int],
    pollutants: list[int],
    point_enterprises: list[int],
) -> None:
    """Results number `first` to `end` - 1: one sampling minute covers every point and pollutant once."""
    slots = len(points) * len(pollutants)
    cursor.execute(
        """
        INSERT INTO monitoring_result (submission_id, point_id, pollutant_id, medium, sampled_at, sampled_on,
            averaging, value, below_detection, unit, value_base, method, laboratory, severity, evaluated, enterprise_id)
        SELECT %s, (%s::bigint[])[1 + n %% %s], (%s::bigint[])[1 + (n / %s) %% %s], 'air',
               timestamptz '2015-01-01' + (n / %s) * interval '1 minute',
               (timestamptz '2015-01-01' + (n / %s) * interval '1 minute')::date,
               'daily', (n %% 97) * 0.0001, false, 'mg/m3', (n %% 97) * 0.0001, '', '', n %% 4, true,
               (%s::bigint[])[1 + n %% %s]
        FROM generate_series(%s, %s - 1) AS n
        """,
        [submission, points, len(points), pollutants, len(points), len(pollutants), slots, slots,
         point_enterprises, len(points), first, end],
    )  # fmt: skip


def _fill() -> None:
    load_regions()
    load_waste_codes()
    load_monitoring_reference()
    enterprises = [EnterpriseFactory.create() for _ in range(20)]
    staff = MembershipFactory.create(enterprise=enterprises[0]).user
    MonitoringPoint.objects.bulk_create(
        MonitoringPoint(enterprise=enterprises[n % 20], code=f"P{n}", medium="air", latitude="46.8", longitude="75")
        for n in range(POINTS)
    )
    submission = Submission.objects.create(enterprise=enterprises[0], submitted_by=staff, channel="file")
    points, point_enterprises = [], []  # each result's enterprise is its point's (Result.enterprise)
    for point, enterprise in MonitoringPoint.objects.values_list("pk", "enterprise_id"):
        points.append(point)
        point_enterprises.append(enterprise)
    pollutants = list(Pollutant.objects.values_list("pk", flat=True))
    slots = len(points) * len(pollutants)  # one sampling minute covers every point and pollutant once
    # The results table's partitions of the months the rows below fall in (monitoring.partitions).
    start = datetime.datetime(2015, 1, 1, tzinfo=datetime.UTC)
    last = start + datetime.timedelta(minutes=RESULTS // slots)
    partitions.ensure_result_partitions(months=months_between(start, last))
    with connection.cursor() as cursor:
        for first in range(0, RESULTS, FILL_ROWS):  # in parts, each well within the benchmarks' statement timeout
            _fill_results(
                cursor, first, min(RESULTS, first + FILL_ROWS), submission.pk, points, pollutants, point_enterprises
            )
        cursor.execute("SELECT id FROM registry_wastecode ORDER BY id LIMIT 100")
        codes = [row[0] for row in cursor.fetchall()]
        for enterprise in enterprises:
            for year in range(2015, 2065):
                cursor.execute(
                    "INSERT INTO registry_wastereturn (enterprise_id, year, created_at, late) VALUES (%s, %s, now(), false)"  # noqa: E501
                    " RETURNING id",
                    [enterprise.pk, year],
                )
                return_id = cursor.fetchone()[0]
                cursor.execute(
                    "INSERT INTO registry_returnversion (waste_return_id, number, status, created_by_id, created_at,"
                    " reasons, warnings, confirmations) VALUES (%s, 1, 'accepted', %s, now(), '', '[]', '{}') RETURNING id",  # noqa: E501
                    [return_id, staff.pk],
                )
                version_id = cursor.fetchone()[0]
                cursor.execute("UPDATE registry_wastereturn SET current_id = %s, accepted_id = %s WHERE id = %s",
                               [version_id, version_id, return_id])  # fmt: skip
                cursor.execute(
                    "INSERT INTO registry_returnline (version_id, position, waste_code_id, hazard_level, opening,"
                    " generated, received, recycled, disposed, transferred, closing)"
                    " SELECT %s, n + 1, (%s::bigint[])[1 + n], '', 100, 50, 0, 10, 0, 0, 140 FROM generate_series(0, %s - 1) n",  # noqa: E501
                    [version_id, codes, RETURN_LINES // (len(enterprises) * 50)],
                )
        cursor.execute("ANALYZE")


def test_rebuild_within_three_times_a_hand_written_group_by():
    _fill()
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM monitoring_result")
        assert cursor.fetchone()[0] == RESULTS
        cursor.execute("SELECT count(*) FROM registry_returnline")
        assert cursor.fetchone()[0] == RETURN_LINES
        started = time.perf_counter()
        cursor.execute(HAND_WRITTEN)
        groups = len(cursor.fetchall())
        baseline = time.perf_counter() - started
    started = time.perf_counter()
    rows = rebuild_all()
    rebuild = time.perf_counter() - started
    assert rows["monitoring"] == groups
    print(f"\n[bench] aggregate rebuild over {RESULTS:,} results and {RETURN_LINES:,} return lines")
    print(f"[bench]   hand-written GROUP BY over the results: {baseline:.2f} s ({groups:,} groups)")
    sizes = f"{rows['monitoring']:,} monitoring rows, {rows['waste']:,} waste rows"
    print(f"[bench]   full rebuild ({sizes}): {rebuild:.2f} s")
    print(f"[bench]   ratio: {rebuild / baseline:.2f} x (target <= 3 x)")
    assert rebuild <= 3 * baseline
