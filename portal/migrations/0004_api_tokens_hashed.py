"""API tokens move from DRF's authtoken (keys in plain text, never expiring) to django-rest-knox (SHA-512 digests,
expiring). knox authenticates a key by its first characters and the digest of the whole key, which works for the old
40-character keys too: each is carried over as its digest, expiring API_TOKEN_TTL_DAYS from now, so machine clients
keep working until then and must get a new token before. The plain-text table is then dropped (it is no longer an
installed app, so nothing else would remove it), with authtoken's migration records and content types."""

from datetime import timedelta

from django.conf import settings
from django.db import migrations
from django.utils import timezone
from knox.crypto import hash_token
from knox.settings import CONSTANTS

OLD_TABLE = "authtoken_token"


def carry_over(apps, schema_editor):
    connection = schema_editor.connection
    if OLD_TABLE not in connection.introspection.table_names():
        return
    table = connection.ops.quote_name(apps.get_model("knox", "AuthToken")._meta.db_table)
    adapt = connection.ops.adapt_datetimefield_value
    expiry = adapt(timezone.now() + timedelta(days=settings.API_TOKEN_TTL_DAYS))
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT key, user_id, created FROM {connection.ops.quote_name(OLD_TABLE)}")
        rows = cursor.fetchall()
        # In SQL rather than through the model, whose `created` would take the time of this migration.
        cursor.executemany(
            f"INSERT INTO {table} (digest, token_key, user_id, created, expiry) VALUES (%s, %s, %s, %s, %s)",
            [
                (hash_token(key), key[: CONSTANTS.TOKEN_KEY_LENGTH], user_id, adapt(created), expiry)
                for key, user_id, created in rows
            ],
        )
    schema_editor.execute(f"DROP TABLE {connection.ops.quote_name(OLD_TABLE)}")
    schema_editor.execute("DELETE FROM django_migrations WHERE app = 'authtoken'")
    apps.get_model("contenttypes", "ContentType").objects.filter(app_label="authtoken").delete()


class Migration(migrations.Migration):
    dependencies = [
        ("portal", "0003_outbox"),
        ("knox", "0009_extend_authtoken_field"),
    ]

    operations = [migrations.RunPython(carry_over, migrations.RunPython.noop)]
