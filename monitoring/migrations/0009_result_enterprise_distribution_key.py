"""Results carry their point's enterprise, the key they would be distributed by over several nodes (e.g. Citus,
docs/architecture.md "How it grows past one machine"), and every unique key of the results table includes it.

1. `monitoring_result.enterprise_id` is added, nullable, and filled from the points in batches of ids; then set NOT
   NULL.
2. Points get a unique key (id, enterprise) (`point_id_enterprise_unique`), the target of a composite foreign key
   (point_id, enterprise_id) from results on PostgreSQL: the database refuses a result whose enterprise is not its
   point's, and a change of a point's enterprise once it has results. The composite key implies that the
   enterprise exists, so the enterprise column has no foreign key of its own (one check fewer per stored row).
3. `result_no_duplicates` becomes (enterprise, point, pollutant, sampled_at, averaging) and, on PostgreSQL, the
   primary key (id, sampled_at, enterprise_id) (Django keeps `id` as the pk, as since monitoring/0006).

On SQLite (the embedded default) the column and the unique constraint change alike; the composite foreign key and
the primary key are PostgreSQL's only. Reversible: unapplied, the keys are as before and the column is dropped.

Cost at scale: here it runs in the migration's transaction, which is fine at demo sizes (100,000 results take a
second or two). On tens of millions of rows the UPDATE rewrites every row (the table's size again in new row
versions and in WAL, until vacuumed), SET NOT NULL and the new keys each read the whole table, and the new unique
index is built under a lock that holds off the ingest. There, fill the column beforehand outside a transaction, a
partition at a time with a commit after each, add `CHECK (enterprise_id IS NOT NULL) NOT VALID` and VALIDATE it
(PostgreSQL then sets NOT NULL without a scan), build the new unique index on each partition CONCURRENTLY and attach
them to an index created ON ONLY the parent, and add the composite foreign key NOT VALID, validated afterwards.
"""

import django.db.models.deletion
from django.db import migrations, models

BATCH = 50_000

FILL = {
    "postgresql": (
        "UPDATE monitoring_result AS r SET enterprise_id = p.enterprise_id FROM monitoring_monitoringpoint AS p"
        " WHERE p.id = r.point_id AND r.id >= %s AND r.id < %s"
    ),
    # SQLite has UPDATE ... FROM only since 3.33; a correlated subquery works everywhere.
    "sqlite": (
        "UPDATE monitoring_result SET enterprise_id = (SELECT p.enterprise_id FROM monitoring_monitoringpoint AS p"
        " WHERE p.id = monitoring_result.point_id) WHERE id >= %s AND id < %s"
    ),
}

COMPOSITE_FK = "result_point_enterprise_fk"


def fill_enterprise(apps, schema_editor):
    """The point's enterprise on every result, in batches of ids (the primary key's index leads with id on every
    partition)."""
    statement = FILL[schema_editor.connection.vendor]
    with schema_editor.connection.cursor() as cursor:
        cursor.execute("SELECT min(id), max(id) FROM monitoring_result")
        first, last = cursor.fetchone()
        if first is None:
            return
        for start in range(first, last + 1, BATCH):
            cursor.execute(statement, [start, start + BATCH])


def keys_with_enterprise(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    with schema_editor.connection.cursor() as cursor:
        cursor.execute(
            "ALTER TABLE monitoring_result DROP CONSTRAINT monitoring_result_pkey,"
            " ADD CONSTRAINT monitoring_result_pkey PRIMARY KEY (id, sampled_at, enterprise_id)"
        )
        cursor.execute(
            f"ALTER TABLE monitoring_result ADD CONSTRAINT {COMPOSITE_FK} FOREIGN KEY (point_id, enterprise_id)"
            " REFERENCES monitoring_monitoringpoint (id, enterprise_id)"
        )


def keys_without_enterprise(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    with schema_editor.connection.cursor() as cursor:
        cursor.execute(f"ALTER TABLE monitoring_result DROP CONSTRAINT {COMPOSITE_FK}")
        cursor.execute(
            "ALTER TABLE monitoring_result DROP CONSTRAINT monitoring_result_pkey,"
            " ADD CONSTRAINT monitoring_result_pkey PRIMARY KEY (id, sampled_at)"
        )


class Migration(migrations.Migration):
    dependencies = [
        ("monitoring", "0008_result_newest_indexes"),
        ("registry", "0001_initial"),
    ]

    operations = [
        migrations.AddField(
            model_name="result",
            name="enterprise",
            field=models.ForeignKey(
                db_constraint=False,
                db_index=False,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to="registry.enterprise",
            ),
        ),
        migrations.RunPython(fill_enterprise, migrations.RunPython.noop, elidable=False),
        migrations.AlterField(
            model_name="result",
            name="enterprise",
            field=models.ForeignKey(
                db_constraint=False,
                db_index=False,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to="registry.enterprise",
            ),
        ),
        migrations.AddConstraint(
            model_name="monitoringpoint",
            constraint=models.UniqueConstraint(fields=("id", "enterprise"), name="point_id_enterprise_unique"),
        ),
        migrations.RemoveConstraint(
            model_name="result",
            name="result_no_duplicates",
        ),
        migrations.AddConstraint(
            model_name="result",
            constraint=models.UniqueConstraint(
                fields=("enterprise", "point", "pollutant", "sampled_at", "averaging"), name="result_no_duplicates"
            ),
        ),
        migrations.RunPython(keys_with_enterprise, keys_without_enterprise, elidable=False),
    ]
