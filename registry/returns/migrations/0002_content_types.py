"""The returns models' content types move from app label "registry" to "returns", keeping their ids, so that the
change records and permissions that point at them keep pointing at them. On a new database there are none yet
(post_migrate creates them under "returns" afterwards), and this changes nothing."""

from django.db import migrations

MODELS = ['filingyear', 'returnevent', 'returnline', 'returnversion', 'wastecode', 'wastereturn']


def relabel(apps, from_label, to_label):
    ContentType = apps.get_model('contenttypes', 'ContentType')
    ContentType.objects.filter(app_label=from_label, model__in=MODELS).update(app_label=to_label)


def to_returns(apps, schema_editor):
    relabel(apps, 'registry', 'returns')


def to_registry(apps, schema_editor):
    relabel(apps, 'returns', 'registry')


class Migration(migrations.Migration):

    dependencies = [
        ('contenttypes', '0002_remove_content_type_name'),
        ('returns', '0001_initial'),
    ]

    operations = [
        migrations.RunPython(to_returns, to_registry),
    ]
