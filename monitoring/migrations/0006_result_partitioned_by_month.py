"""The results table partitioned by month of sampling on PostgreSQL (monitoring.partitions says why and how).

The existing table is converted in this migration's transaction: a partitioned table of the same columns is created,
with a partition for every month (in settings.TIME_ZONE) that has results, the rows are moved, the old table dropped,
and its keys, checks, foreign keys and indexes recreated under their names on the partitioned table (indexes as
partitioned indexes). Two keys change in the database only, as PostgreSQL requires a unique key of a partitioned
table to include the partition key: the primary key becomes (id, sampled_at), while Django keeps `id` as the pk (ids
stay unique: they come from one sequence); `result_no_duplicates` already includes sampled_at. The id's identity
becomes a sequence default (PostgreSQL 15 has no identity columns on partitioned tables). No table references
results by a foreign key. Django's state does not change; on SQLite (the embedded default) nothing is done. The
conversion is `monitoring.partitions.MonthlyTable.convert`, shared with the emission values' table.

The rows are moved while the table is locked: on a large table this is downtime, once (a million rows take seconds).
"""

from django.db import migrations

from monitoring.partitions import RESULTS


def partition(apps, schema_editor):
    RESULTS.convert(schema_editor, partition=True, key=("id", "sampled_at"))


def unpartition(apps, schema_editor):
    RESULTS.convert(schema_editor, partition=False, key=("id",))


class Migration(migrations.Migration):
    dependencies = [
        ("monitoring", "0005_submission_lease"),
    ]

    operations = [
        migrations.RunPython(partition, unpartition, elidable=False),
    ]
