"""The results table partitioned by month on PostgreSQL (monitoring.partitions): partitions made ahead and on demand,
fresh ones analyzed. The refresh's pruning and the archive: reports/tests/test_results_archive.py."""

import datetime

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection

from monitoring import partitions, services
from monitoring.models import Result
from monitoring.services import submissions
from monitoring.tests.helpers import row
from monitoring.tests.test_staged_ingest import staged, submission_of
from portal.tasks import registered_task
from portal.tests import plans

pytestmark = pytest.mark.skipif(connection.vendor != "postgresql", reason="partitioning is PostgreSQL's")
NEXT_MONTH = partitions._next(partitions.month_of(datetime.datetime.now(datetime.UTC)))


def attached() -> set[str]:
    with connection.cursor() as cursor:
        return partitions._attached(cursor)


def analyzed(name: str) -> bool:
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM pg_stats WHERE tablename = %s", [name])
        return bool(cursor.fetchone()[0])


def local(year: int, month: int, day: int = 1, hour: int = 12) -> datetime.datetime:
    return partitions.month_start(year, month).replace(day=day, hour=hour)


@pytest.mark.django_db
def test_the_results_table_is_partitioned_by_month_and_jit_is_off():
    assert partitions.partitioned()
    with connection.cursor() as cursor:
        cursor.execute("SHOW jit")
        assert cursor.fetchone()[0] == "off"
        # The keys as the database holds them: the partition key, and the distribution key, in each.
        cursor.execute(
            "SELECT conname, pg_get_constraintdef(oid) FROM pg_constraint"
            " WHERE conrelid = 'monitoring_result'::regclass AND contype IN ('p', 'u')"
        )
        assert dict(cursor.fetchall()) == {
            "monitoring_result_pkey": "PRIMARY KEY (id, sampled_at, enterprise_id)",
            "result_no_duplicates": "UNIQUE (enterprise_id, point_id, pollutant_id, sampled_at, averaging)",
        }


@pytest.mark.django_db
def test_partitions_are_made_for_this_month_and_the_next_three_once():
    partitions.ensure_result_partitions()
    month = partitions.month_of(datetime.datetime.now(datetime.UTC))
    for _ in range(4):
        assert partitions.partition_name(month) in attached()
        month = partitions._next(month)
    assert partitions.ensure_result_partitions() == []


@pytest.mark.django_db
def test_beat_makes_them_every_day(settings):
    (entry,) = [e for e in settings.CELERY_BEAT_SCHEDULE.values() if e["task"].endswith("ensure_result_partitions")]
    task = registered_task(entry["task"])
    with connection.cursor() as cursor:
        cursor.execute(f"DROP TABLE {partitions.partition_name(NEXT_MONTH)}")
    assert task.apply().get() == [partitions.partition_name(NEXT_MONTH)]


@pytest.mark.django_db
def test_a_month_is_one_partition_in_the_portal_time_zone():
    partitions.ensure_result_partitions(months=[(2021, 2)])
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT pg_get_expr(c.relpartbound, c.oid) FROM pg_class c WHERE c.relname = 'monitoring_result_p2021_02'"
        )
        # Midnight in Almaty (UTC+6 then), as the database shows it in UTC.
        assert cursor.fetchone()[0] == "FOR VALUES FROM ('2021-01-31 18:00:00+00') TO ('2021-02-28 18:00:00+00')"


@pytest.mark.django_db
def test_results_of_a_month_without_a_partition_get_one_and_its_statistics(air, staff_a, enterprise_a, submit):
    assert "monitoring_result_p2019_03" not in attached()
    submission = submit(staff_a, enterprise_a, [row(sampled_at=local(2019, 3, day).isoformat()) for day in (1, 31)])
    assert "monitoring_result_p2019_03" in attached()
    assert Result.objects.filter(submission=submission, evaluated=True).count() == 2
    assert analyzed("monitoring_result_p2019_03")  # once the ingest committed


@pytest.mark.django_db
def test_a_staged_file_gets_its_months_partitions(air, staff_a, enterprise_a):
    rows = [row(sampled_at=local(2018, 7, 2).isoformat()), row(sampled_at=local(2018, 9, 2).isoformat())]
    assert staged(submission_of(staff_a, enterprise_a, rows)) == 2
    assert {"monitoring_result_p2018_07", "monitoring_result_p2018_09"} <= attached()
    assert "monitoring_result_p2018_08" not in attached()  # only the months that have rows


@pytest.mark.django_db
def test_archiving_is_refused_where_results_are_one_table(monkeypatch):
    monkeypatch.setattr(partitions, "partitioned", lambda: False)
    with pytest.raises(CommandError, match="embedded SQLite"):
        call_command("archive_results", "--before", "2017")


def scanned(queryset) -> set[str]:
    """The partitions of the results table a query's plan reads."""
    return {name for name in plans.scanned(queryset) if name.startswith("monitoring_result_p")}


@pytest.mark.django_db
def test_evaluation_reads_a_submission_within_its_span_of_months(air, staff_a, enterprise_a, submit):
    partitions.ensure_result_partitions(months=[(year, month) for year in (2019, 2020) for month in range(1, 13)])
    submission = submit(staff_a, enterprise_a, [row(sampled_at=local(2020, month).isoformat()) for month in (3, 4)])
    assert (submission.sampled_from, submission.sampled_to) == (local(2020, 3), local(2020, 4))
    mine = partitions.submission_results(submission.pk)
    assert mine.count() == 2
    assert scanned(mine) == {"monitoring_result_p2020_03", "monitoring_result_p2020_04"}


@pytest.mark.django_db
def test_a_staged_file_keeps_its_span(air, staff_a, enterprise_a):
    submission = submission_of(
        staff_a, enterprise_a, [row(sampled_at=local(2018, 7, day).isoformat()) for day in (9, 2)]
    )
    staged(submission)
    assert (submission.sampled_from, submission.sampled_to) == (local(2018, 7, 2), local(2018, 7, 9))


@pytest.mark.django_db
def test_a_long_transaction_leaves_missing_months_to_a_short_one(reference):
    with partitions.created_apart(), pytest.raises(partitions.MissingPartitions) as missing:
        partitions.prepare_for_rows([(2011, 5), (2011, 6)])
    assert missing.value.months == [(2011, 5), (2011, 6)]
    assert "monitoring_result_p2011_05" not in attached()


@pytest.mark.django_db
def test_a_file_of_months_without_partitions_is_read_again_once_they_are_made(air, staff_a, enterprise_a, monkeypatch):
    reads = []
    read = submissions.file_rows
    monkeypatch.setattr(submissions, "file_rows", lambda file, required: reads.append(1) or read(file, required))
    submission = submission_of(
        staff_a, enterprise_a, [row(sampled_at=local(2012, month).isoformat()) for month in (1, 2)]
    )
    services.submission_ingest_file(submission_id=submission.pk)
    submission.refresh_from_db()
    assert (submission.status, len(reads)) == ("processed", 2)
    assert {"monitoring_result_p2012_01", "monitoring_result_p2012_02"} <= attached()
    assert Result.objects.filter(submission=submission).count() == 2
