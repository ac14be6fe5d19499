"""Room on each page of the verdicts for their next version: a regime's verdicts are rewritten hourly while it runs
and once more when it ends, and with room on the page PostgreSQL updates a row in place (a heap-only tuple), without
a new entry in each of the table's seven indexes (half the time of the verification's upsert at 5,000 channels)."""

from django.db import migrations


def with_room(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("ALTER TABLE regimes_verdict SET (fillfactor = 50)")


def without_room(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("ALTER TABLE regimes_verdict RESET (fillfactor)")


class Migration(migrations.Migration):
    dependencies = [("regimes", "0002_verification_verdict")]

    operations = [migrations.RunPython(with_room, without_room, elidable=False)]
