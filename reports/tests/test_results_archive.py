"""Old years of monitoring results archived (`manage.py archive_results`, monitoring.partitions) with their statistics
kept, and the yearly refresh of the statistics reading only its year's partitions of the results table."""

import csv
import gzip

import pytest
from django.core.management import call_command
from django.db import connection

from monitoring import partitions, staging
from monitoring.models import Result, ResultArchive, Submission
from monitoring.reference import load_monitoring_reference
from monitoring.services import RowsInvalid, submission_create
from monitoring.tests.helpers import make_point, row
from monitoring.tests.test_staged_ingest import staged, submission_of
from portal.models import ChangeRecord
from portal.tests.plans import scanned
from reports.aggregates import check_against_rebuild, monitoring_grouped, rebuild_all
from reports.models import MonitoringAggregate

pytestmark = pytest.mark.skipif(connection.vendor != "postgresql", reason="partitioning is PostgreSQL's")


def local(year: int, month: int) -> str:
    return partitions.month_start(year, month).replace(day=2, hour=12).isoformat()


def attached() -> set[str]:
    with connection.cursor() as cursor:
        return partitions._attached(cursor)


@pytest.mark.django_db
def test_the_refresh_of_a_year_reads_only_that_years_partitions(region):
    partitions.ensure_result_partitions(months=[(year, month) for year in (2019, 2020, 2021) for month in range(1, 13)])
    results = {name for name in scanned(monitoring_grouped(2020, region.pk)) if name.startswith("monitoring_result")}
    assert results == {f"monitoring_result_p2020_{month:02d}" for month in range(1, 13)}


@pytest.mark.django_db(transaction=True)
def test_archiving_old_years_keeps_their_statistics_and_the_file_reads_back(
    staff_a, enterprise_a, django_capture_on_commit_callbacks, tmp_path
):
    load_monitoring_reference()
    make_point(enterprise_a, "AIR-1", "air")

    def submit(rows: list[dict]) -> Submission:
        with django_capture_on_commit_callbacks(execute=True):  # evaluated on commit
            return submission_create(actor=staff_a, enterprise=enterprise_a, rows=rows)

    submit([row(sampled_at=local(2016, month), value="0.5") for month in (5, 11)])
    recent = submit([row(sampled_at=local(2024, 3))])
    rebuild_all()
    figures = list(MonitoringAggregate.objects.order_by("year").values_list("year", "results", "exceeding"))
    assert [year for year, *_ in figures] == [2016, 2024]
    archived_rows = {
        tuple(str(value) for value in values)
        for values in Result.objects.filter(sampled_at__year=2016).order_by().values_list("id", "value", "severity")
    }
    # A run interrupted after detaching one month: the next one finishes it.
    with connection.cursor() as cursor:
        cursor.execute("ALTER TABLE monitoring_result DETACH PARTITION monitoring_result_p2016_05")

    call_command("archive_results", "--before", "2017", "--out", str(tmp_path))

    assert not {"monitoring_result_p2016_05", "monitoring_result_p2016_11"} & attached()
    assert list(Result.objects.values_list("submission", flat=True)) == [recent.pk]
    read_back = set()
    for name in ("monitoring_result_p2016_05", "monitoring_result_p2016_11"):
        with gzip.open(tmp_path / f"{name}.csv.gz", "rt", newline="") as handle:
            read_back |= {(line["id"], line["value"], line["severity"]) for line in csv.DictReader(handle)}
    assert read_back == archived_rows
    archives = ResultArchive.objects.all()
    assert [(archive.partition, archive.rows) for archive in archives] == [
        ("monitoring_result_p2016_05", 1),
        ("monitoring_result_p2016_11", 1),
    ]
    assert all(archive.dropped_at and len(archive.sha256) == 64 for archive in archives)
    assert ChangeRecord.objects.filter(content_type__model="resultarchive").exists()
    # The statistics of 2016 stay, through a rebuild and the nightly check.
    rebuild_all()
    assert check_against_rebuild(repair=True) == []
    assert list(MonitoringAggregate.objects.order_by("year").values_list("year", "results", "exceeding")) == figures
    # Again: nothing more to do.
    call_command("archive_results", "--before", "2017", "--out", str(tmp_path))
    assert ResultArchive.objects.count() == 2
    # A result of an archived year is refused, naming its row and field.
    with pytest.raises(RowsInvalid) as refused:
        submit([row(sampled_at=local(2024, 4)), row(sampled_at=local(2016, 8))])
    assert [(error.row, error.field, error.code) for error in refused.value.errors] == [(2, "sampled_at", "archived")]
    with pytest.raises(staging.NotUsual):  # a file's fast path leaves it to the row-by-row path, which says why
        staged(submission_of(staff_a, enterprise_a, [row(sampled_at=local(2016, 8))]))
