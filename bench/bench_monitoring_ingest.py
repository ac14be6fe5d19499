"""Ingesting monitoring results from a CSV file into PostgreSQL (issue 4).

Four ways over the same rows, in the same run:
- ceiling: PostgreSQL's COPY of the file into a bare table (no index, no constraint), no checks;
- the usual way: Django's bulk_create of Result rows, no checks, no evaluation;
- Qaldyq: read the file, check every row, evaluate it (norm, ratio, severity, alert) and store it;
- floor: COPY of the rows Qaldyq stored, already checked and evaluated, into a table with the indexes and foreign
  keys of the results table. Any ingest that ends with these rows in that table takes at least this long.
The ingest is the file task's work: read, checked, evaluated, stored, alerts opened and their totals counted; the
statistics' refresh it asks for is a task of its own, timed apart. Peak memory is the ingest's own process's maximum
resident set size (a child process does the ingest).
Targets (issue 13): the ingest's rate at least 0.8 of the floor's, peak memory under 300 MB.
"""

import csv
import datetime
import io
import os
import time
from decimal import Decimal

import pytest
from django.core.files import File
from django.db import connection
from django.db.backends.utils import CursorWrapper

from bench.timing import copied_out, copy_in_seconds, ingest_in_child
from monitoring import services
from monitoring.models import Medium, MonitoringPoint, Pollutant, Result, Submission
from monitoring.partitions import ensure_result_partitions
from monitoring.reference import load_monitoring_reference
from portal.models import User
from registry.models import Enterprise, Membership, Region
from registry.reference import load_regions
from registry.validators import bin_check_digit
from reports.aggregates import refresh_dirty

ROWS = int(os.environ.get("BENCH_ROWS", "1000000"))
BULK_CREATE_ROWS = min(ROWS, 100_000)  # its rate is steady; a tenth of the rows measures it
POINTS = 100
POLLUTANTS = ("Cu", "Pb", "Zn")
TARGET_FLOOR_SHARE = 0.8
COLUMNS = ("point", "pollutant", "sampled_at", "value", "unit", "averaging", "method", "laboratory")
pytestmark = pytest.mark.django_db(transaction=True)


def _csv(path: str) -> None:
    start = datetime.datetime(2020, 1, 1, tzinfo=datetime.timezone(datetime.timedelta(hours=5)))
    with open(path, "w", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(COLUMNS)
        for n in range(ROWS):
            point, rest = divmod(n, len(POLLUTANTS))
            pollutant = POLLUTANTS[rest]
            sampled = start + datetime.timedelta(hours=(point // POINTS))
            value = 0.0005 + (n % 97) * 0.0001
            writer.writerow(
                [
                    f"AIR-{point % POINTS}",
                    pollutant,
                    sampled.isoformat(),
                    f"{value:.5f}",
                    "mg/m3",
                    "daily",
                    "ICP-MS",
                    "Lab",
                ]
            )


def _setup() -> tuple[User, Enterprise]:
    load_regions()
    load_monitoring_reference()
    first = "24014067890"
    enterprise = Enterprise.objects.create(
        name="Bench JSC", bin=first + str(bin_check_digit(first)), region=Region.objects.get(iso_code="KZ-35")
    )
    user = User.objects.create(username="bench", role=User.Role.ENTERPRISE_STAFF)
    Membership.objects.create(user=user, enterprise=enterprise)
    # The months the file covers have their partitions of the results table (the ingest would make them itself;
    # the bulk_create baseline would not).
    ensure_result_partitions(months=[(2020, month) for month in range(1, 13)])
    MonitoringPoint.objects.bulk_create(
        MonitoringPoint(
            enterprise=enterprise,
            code=f"AIR-{n}",
            medium=Medium.AIR,
            latitude=Decimal("46.8"),
            longitude=Decimal("75.0"),
        )
        for n in range(POINTS)
    )
    return user, enterprise


def _copy_rate(path: str) -> float:
    with connection.cursor() as cursor:
        cursor.execute(
            "CREATE TABLE bench_bare (point text, pollutant text, sampled_at timestamptz, value numeric,"
            " unit text, averaging text, method text, laboratory text)"
        )
        started = time.perf_counter()
        with (
            open(path, "rb") as handle,
            cursor.cursor.copy("COPY bench_bare FROM STDIN WITH (FORMAT csv, HEADER true)") as copy,
        ):
            while chunk := handle.read(1 << 20):
                copy.write(chunk)
        elapsed = time.perf_counter() - started
        cursor.execute("DROP TABLE bench_bare")
    return ROWS / elapsed


def _bulk_create_rate(user: User, enterprise: Enterprise, path: str) -> float:
    points = dict(MonitoringPoint.objects.filter(enterprise=enterprise).values_list("code", "pk"))
    pollutants = dict(Pollutant.objects.values_list("code", "pk"))
    submission = Submission.objects.create(enterprise=enterprise, submitted_by=user, channel="api")
    started = time.perf_counter()
    with open(path, newline="") as handle:
        reader = csv.DictReader(handle)
        batch = []
        for n, row in enumerate(reader):
            if n >= BULK_CREATE_ROWS:
                break
            sampled = datetime.datetime.fromisoformat(row["sampled_at"])
            batch.append(Result(
                submission=submission, point_id=points[row["point"]], enterprise=enterprise,
                pollutant_id=pollutants[row["pollutant"]],
                medium="air", sampled_at=sampled, sampled_on=sampled.date(), averaging=row["averaging"],
                value=Decimal(row["value"]), unit=row["unit"], value_base=float(row["value"]),
                method=row["method"], laboratory=row["laboratory"],
            ))  # fmt: skip
            if len(batch) == 5000:
                Result.objects.bulk_create(batch)
                batch = []
        Result.objects.bulk_create(batch)
    elapsed = time.perf_counter() - started
    Result.objects.filter(submission=submission).delete()
    submission.delete()
    return BULK_CREATE_ROWS / elapsed


def _floor_rates(submission: Submission) -> tuple[float, float]:
    """COPY the stored results into a copy of the results table with its indexes and constraints: first without,
    then with its foreign keys (checked at commit, one lookup per row and key)."""
    with connection.cursor() as cursor:
        rows = copied_out(cursor, f"SELECT * FROM monitoring_result WHERE submission_id = {submission.pk}")
        cursor.execute("CREATE TABLE bench_floor (LIKE monitoring_result INCLUDING ALL)")
        without_keys = _copy_into_floor(cursor, rows)
        cursor.execute("TRUNCATE bench_floor")
        cursor.execute(
            "SELECT pg_get_constraintdef(oid) FROM pg_constraint"
            " WHERE conrelid = 'monitoring_result'::regclass AND contype = 'f'"
        )
        for (definition,) in cursor.fetchall():
            cursor.execute(f"ALTER TABLE bench_floor ADD {definition}")
        with_keys = _copy_into_floor(cursor, rows)
        cursor.execute("DROP TABLE bench_floor")
    return without_keys, with_keys


def _copy_into_floor(cursor: CursorWrapper, rows: io.BytesIO) -> float:
    return ROWS / copy_in_seconds(cursor, "bench_floor", rows)


def test_ingest_a_million_results(tmp_path, settings):
    settings.MEDIA_ROOT = str(tmp_path)
    user, enterprise = _setup()
    path = str(tmp_path / "results.csv")
    _csv(path)
    size_mb = os.path.getsize(path) / 1e6

    copy_rate = _copy_rate(path)
    bulk_rate = _bulk_create_rate(user, enterprise, path)

    with open(path, "rb") as handle:  # stored in chunks: the parent never holds the file in memory
        submission = Submission.objects.create(
            enterprise=enterprise, submitted_by=user, channel="file", file=File(handle, name="results.csv")
        )
    elapsed, peak_mb, phases = ingest_in_child(
        lambda: services.submission_ingest_file(submission_id=submission.pk), timeout=1800
    )
    submission.refresh_from_db()
    assert submission.status == "processed", submission.errors[:5]
    stored = Result.objects.filter(submission=submission).count()
    evaluated = Result.objects.filter(submission=submission, evaluated=True).count()
    assert stored == evaluated == ROWS
    ingest_rate = ROWS / elapsed
    started = time.perf_counter()
    refresh_dirty()
    refresh_seconds = time.perf_counter() - started
    floor_without_keys, floor_rate = _floor_rates(submission)

    print(f"\n[bench] monitoring ingest of {ROWS:,} results ({size_mb:.0f} MB CSV) on PostgreSQL")
    print(f"[bench]   COPY into a bare table (ceiling): {copy_rate:,.0f} rows/s")
    print(f"[bench]   Django bulk_create of Result rows ({BULK_CREATE_ROWS:,}): {bulk_rate:,.0f} rows/s")
    print(f"[bench]   Qaldyq ingest, checks and evaluation included: {ingest_rate:,.0f} rows/s, {elapsed:.1f} s")
    print(f"[bench]   ratio to COPY into a bare table: {ingest_rate / copy_rate:.2f}")
    print(
        f"[bench]   floor, COPY of the finished rows into the results table: {floor_rate:,.0f} rows/s,"
        f" ratio to COPY {floor_rate / copy_rate:.2f}; without its foreign keys {floor_without_keys:,.0f} rows/s,"
        f" ratio {floor_without_keys / copy_rate:.2f}"
    )
    print("[bench]   the ingest's phases, seconds (statements by their first words):")
    for label, seconds in sorted(phases.items(), key=lambda item: -item[1]):
        if seconds >= 0.05:
            print(f"[bench]     {seconds:6.1f}  {label}")
    print(f"[bench]     {elapsed - sum(phases.values()):6.1f}  the rest (Python between statements)")
    share = ingest_rate / floor_rate
    print(f"[bench]   ratio of the ingest to the floor: {share:.2f} (target >= {TARGET_FLOOR_SHARE})")
    print(f"[bench]   ratio to bulk_create: {ingest_rate / bulk_rate:.1f} x")
    print(f"[bench]   then the statistics' refresh of the file's years (a task of its own): {refresh_seconds:.1f} s")
    print(f"[bench]   peak memory of the ingest process: {peak_mb:.0f} MB (target < 300 MB)")
    assert ingest_rate >= TARGET_FLOOR_SHARE * floor_rate
    assert peak_mb < 300
