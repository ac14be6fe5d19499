"""Old years of emission values archived (`manage.py archive_emission_values`, MonthlyTable.archive): each month's
partition detached, dumped, read back, dropped and recorded; an interrupted run finished by the next; the results'
archive left as it was."""

import csv
import gzip

import pytest
from django.core.management import CommandError, call_command
from django.db import connection

from monitoring import partitions
from monitoring.emissions.models import EmissionValue, EmissionValueArchive
from monitoring.emissions.partitions import VALUES
from monitoring.emissions.tests.conftest import row
from monitoring.models import ResultArchive
from portal.models import ChangeRecord

pytestmark = pytest.mark.skipif(connection.vendor != "postgresql", reason="partitioning is PostgreSQL's")
URL = "/api/v1/emissions/values/"
DAY = 24 * 60  # minutes
OLD = ("emissions_value_p2024_11", "emissions_value_p2024_12")  # START is 15 January 2025


def tables() -> set[str]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT relname FROM pg_class WHERE relkind IN ('r', 'p') AND relname LIKE 'emissions_value_p%'")
        return {name for (name,) in cursor.fetchall()}


def post(client, enterprise, rows: list[dict]):
    return client.post(URL, {"enterprise": enterprise.bin, "values": rows}, format="json")


def values_of_2024_and_2025(client, enterprise) -> set[tuple[str, str]]:
    """Values in November and December 2024 and one in January 2025; returns the (id, rate) of those of 2024."""
    answer = post(client, enterprise, [row(-50 * DAY, value="0.5"), row(-20 * DAY, value="0.7"), row(0)])
    assert answer.status_code == 201, answer.json()
    old = EmissionValue.objects.filter(interval_start__year=2024).values_list("id", "rate_gs")
    return {(str(pk), str(rate)) for pk, rate in old}


@pytest.mark.django_db(transaction=True)
def test_a_year_is_detached_dumped_verified_and_dropped(client_for, staff_a, enterprise_a, channels, tmp_path):
    partitions.ensure_result_partitions(months=[(2024, 11)])
    archived_rows = values_of_2024_and_2025(client_for(staff_a), enterprise_a)

    call_command("archive_emission_values", "--before", "2025", "--out", str(tmp_path))

    assert not set(OLD) & tables()
    assert VALUES.partition_name((2025, 1)) in tables()
    assert EmissionValue.objects.count() == 1
    read_back = set()
    for name in OLD:
        with gzip.open(tmp_path / f"{name}.csv.gz", "rt", newline="") as handle:
            read_back |= {(line["id"], line["rate_gs"]) for line in csv.DictReader(handle)}
    assert read_back == archived_rows
    records = EmissionValueArchive.objects.filter(partition__in=OLD)
    assert [(record.partition, record.rows, record.before) for record in records] == [
        (OLD[0], 1, 2025),
        (OLD[1], 1, 2025),
    ]
    assert all(record.dropped_at and len(record.sha256) == 64 for record in records)
    assert ChangeRecord.objects.filter(content_type__model="emissionvaluearchive").exists()
    assert VALUES.archived_before() == 2025
    # The results' archive is another table's: untouched, and still says nothing is archived.
    assert partitions.archived_before() is None and not ResultArchive.objects.exists()
    assert partitions.partition_name((2024, 11)) in partitions.RESULTS.attached(connection.cursor())


@pytest.mark.django_db(transaction=True)
def test_an_interrupted_run_is_finished_by_the_next(client_for, staff_a, enterprise_a, channels, tmp_path):
    values_of_2024_and_2025(client_for(staff_a), enterprise_a)
    # Interrupted after recording and detaching November.
    EmissionValueArchive.objects.create(partition=OLD[0], before=2025)
    with connection.cursor() as cursor:
        cursor.execute(f"ALTER TABLE emissions_value DETACH PARTITION {OLD[0]}")

    call_command("archive_emission_values", "--before", "2025", "--out", str(tmp_path))

    assert not set(OLD) & tables()
    records = EmissionValueArchive.objects.filter(partition__in=OLD)
    assert [(record.rows, bool(record.dropped_at)) for record in records] == [(1, True), (1, True)]
    assert (tmp_path / f"{OLD[0]}.csv.gz").exists()
    # Again: nothing more to do.
    count = EmissionValueArchive.objects.count()
    call_command("archive_emission_values", "--before", "2025", "--out", str(tmp_path))
    assert EmissionValueArchive.objects.count() == count


@pytest.mark.django_db
def test_refused_where_the_table_is_not_partitioned(monkeypatch):
    monkeypatch.setattr(type(VALUES), "partitioned", lambda self: False)
    with pytest.raises(CommandError, match="embedded SQLite"):
        call_command("archive_emission_values", "--before", "2025")
