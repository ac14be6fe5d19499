"""The emission values' table partitioned by month on PostgreSQL, as the results are (monitoring.partitions)."""

import datetime

import pytest
from django.db import connection

from monitoring import partitions
from monitoring.emissions.partitions import VALUES
from portal.tasks import registered_task
from portal.tests import plans

pytestmark = pytest.mark.skipif(connection.vendor != "postgresql", reason="partitioning is PostgreSQL's")
NEXT_MONTH = partitions._next(partitions.month_of(datetime.datetime.now(datetime.UTC)))


def attached() -> set[str]:
    with connection.cursor() as cursor:
        return VALUES.attached(cursor)


@pytest.mark.django_db
def test_partitioned_with_the_partition_and_distribution_keys():
    assert VALUES.partitioned()
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT conname, pg_get_constraintdef(oid) FROM pg_constraint"
            " WHERE conrelid = 'emissions_value'::regclass AND contype IN ('p', 'u')"
        )
        assert dict(cursor.fetchall()) == {
            "emissions_value_pkey": "PRIMARY KEY (id, interval_start, enterprise_id)",
            "emission_value_unique": "UNIQUE (source_id, substance_id, interval_start, enterprise_id)",
        }


@pytest.mark.django_db
def test_beat_makes_them_ahead(settings):
    (entry,) = [e for e in settings.CELERY_BEAT_SCHEDULE.values() if e["task"].endswith("ensure_value_partitions")]
    with connection.cursor() as cursor:
        cursor.execute(f"DROP TABLE {VALUES.partition_name(NEXT_MONTH)}")
    assert registered_task(entry["task"]).apply().get() == [VALUES.partition_name(NEXT_MONTH)]
    month = partitions.month_of(datetime.datetime.now(datetime.UTC))
    for _ in range(partitions.AHEAD_MONTHS + 1):
        assert VALUES.partition_name(month) in attached()
        month = partitions._next(month)
    assert VALUES.ensure() == []


@pytest.mark.django_db
def test_a_window_of_a_channel_reads_its_months_only():
    VALUES.ensure(months=[(2024, month) for month in range(1, 13)])
    start, end = partitions.month_start(2024, 3), partitions.month_start(2024, 4)
    from monitoring.emissions.models import EmissionValue

    query = EmissionValue.objects.filter(source_id=1, substance_id=1, interval_start__gte=start, interval_start__lt=end)
    assert plans.scanned(query) == {"emissions_value_p2024_03"}
