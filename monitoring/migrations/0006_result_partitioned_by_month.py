"""The results table partitioned by month of sampling on PostgreSQL (monitoring.partitions says why and how).

The existing table is converted in this migration's transaction: a partitioned table of the same columns is created,
with a partition for every month (in settings.TIME_ZONE) that has results, the rows are moved, the old table dropped,
and its keys, checks, foreign keys and indexes recreated under their names on the partitioned table (indexes as
partitioned indexes). Two keys change in the database only, as PostgreSQL requires a unique key of a partitioned
table to include the partition key: the primary key becomes (id, sampled_at), while Django keeps `id` as the pk (ids
stay unique: they come from one sequence); `result_no_duplicates` already includes sampled_at. The id's identity
becomes a sequence default (PostgreSQL 15 has no identity columns on partitioned tables). No table references
results by a foreign key. Django's state does not change; on SQLite (the embedded default) nothing is done.

The rows are moved while the table is locked: on a large table this is downtime, once (a million rows take seconds).
"""

import datetime
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db import migrations

TABLE = "monitoring_result"
OLD = "monitoring_result_unpartitioned"
SEQUENCE = "monitoring_result_id_seq"


def _month_start(year, month):
    return datetime.datetime(year, month, 1, tzinfo=ZoneInfo(settings.TIME_ZONE))


def _next(year, month):
    return (year + 1, 1) if month == 12 else (year, month + 1)


def _definitions(cursor):
    """The table's keys, checks and foreign keys, and its other indexes, as SQL that recreates them."""
    cursor.execute(
        "SELECT conname, contype, pg_get_constraintdef(oid) FROM pg_constraint WHERE conrelid = %s::regclass"
        " AND contype IN ('u', 'f') ORDER BY contype DESC, conname",
        [TABLE],
    )
    constraints = [(name, definition) for name, _kind, definition in cursor.fetchall()]
    cursor.execute(
        "SELECT indexdef FROM pg_indexes i WHERE i.tablename = %s AND i.schemaname = current_schema()"
        " AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conindid = to_regclass(i.indexname))",
        [TABLE],
    )
    indexes = [definition for (definition,) in cursor.fetchall()]
    return constraints, indexes


def _last_id(cursor):
    cursor.execute(f"SELECT coalesce(max(id), 0) FROM {TABLE}")
    (top,) = cursor.fetchone()
    cursor.execute("SELECT pg_get_serial_sequence(%s, 'id')", [TABLE])
    (sequence,) = cursor.fetchone()
    if sequence:
        cursor.execute(f"SELECT CASE WHEN is_called THEN last_value ELSE 0 END FROM {sequence}")
        top = max(top, cursor.fetchone()[0])
    return top


def _convert(schema_editor, *, partition):
    if schema_editor.connection.vendor != "postgresql":
        return
    with schema_editor.connection.cursor() as cursor:
        cursor.execute("SELECT relkind FROM pg_class WHERE oid = %s::regclass", [TABLE])
        if (cursor.fetchone()[0] == "p") == partition:
            return
        cursor.execute(f"LOCK TABLE {TABLE} IN ACCESS EXCLUSIVE MODE")
        constraints, indexes = _definitions(cursor)
        last_id = _last_id(cursor)
        cursor.execute(f"ALTER TABLE {TABLE} RENAME TO {OLD}")
        if partition:
            cursor.execute(
                f"CREATE TABLE {TABLE} (LIKE {OLD} INCLUDING DEFAULTS INCLUDING CONSTRAINTS INCLUDING STORAGE)"
                " PARTITION BY RANGE (sampled_at)"
            )
            cursor.execute(
                f"SELECT DISTINCT extract(year FROM sampled_at AT TIME ZONE %s)::int,"
                f" extract(month FROM sampled_at AT TIME ZONE %s)::int FROM {OLD}",
                [settings.TIME_ZONE, settings.TIME_ZONE],
            )
            today = datetime.datetime.now(ZoneInfo(settings.TIME_ZONE))
            months = {(year, month) for year, month in cursor.fetchall()}
            month = (today.year, today.month)
            for _ in range(4):  # this month and three ahead (monitoring.partitions.AHEAD_MONTHS)
                months.add(month)
                month = _next(*month)
            for year, number in sorted(months):
                start, end = _month_start(year, number), _month_start(*_next(year, number))
                cursor.execute(
                    f"CREATE TABLE {TABLE}_p{year:04d}_{number:02d} PARTITION OF {TABLE}"
                    f" FOR VALUES FROM ('{start.isoformat()}') TO ('{end.isoformat()}')"
                )
        else:
            cursor.execute(f"CREATE TABLE {TABLE} (LIKE {OLD} INCLUDING DEFAULTS INCLUDING CONSTRAINTS INCLUDING STORAGE)")
        # The id's sequence is the old table's (an identity, or owned by its column) and goes with it.
        cursor.execute(f"ALTER TABLE {TABLE} ALTER COLUMN id DROP DEFAULT")
        cursor.execute(f"INSERT INTO {TABLE} SELECT * FROM {OLD}")
        cursor.execute(f"DROP TABLE {OLD}")
        cursor.execute(f"DROP SEQUENCE IF EXISTS {SEQUENCE}")
        if partition:
            cursor.execute(f"CREATE SEQUENCE {SEQUENCE} OWNED BY {TABLE}.id")
            cursor.execute(f"ALTER TABLE {TABLE} ALTER COLUMN id SET DEFAULT nextval('{SEQUENCE}')")
            cursor.execute(f"ALTER TABLE {TABLE} ADD CONSTRAINT {TABLE}_pkey PRIMARY KEY (id, sampled_at)")
        else:
            cursor.execute(f"ALTER TABLE {TABLE} ALTER COLUMN id ADD GENERATED BY DEFAULT AS IDENTITY")
            cursor.execute(f"ALTER TABLE {TABLE} ADD CONSTRAINT {TABLE}_pkey PRIMARY KEY (id)")
        if last_id:
            cursor.execute("SELECT setval(pg_get_serial_sequence(%s, 'id'), %s)", [TABLE, last_id])
        for name, definition in constraints:
            cursor.execute(f"ALTER TABLE {TABLE} ADD CONSTRAINT {name} {definition}")
        for definition in indexes:
            cursor.execute(definition)
        cursor.execute(f"ANALYZE {TABLE}")


def partition(apps, schema_editor):
    _convert(schema_editor, partition=True)


def unpartition(apps, schema_editor):
    _convert(schema_editor, partition=False)


class Migration(migrations.Migration):
    dependencies = [
        ("monitoring", "0005_submission_lease"),
    ]

    operations = [
        migrations.RunPython(partition, unpartition, elidable=False),
    ]
