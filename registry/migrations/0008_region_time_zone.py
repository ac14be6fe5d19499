"""Each region gets its IANA time zone, the local time of its enterprises' monitoring points: Kazakhstan kept two
zones until 1 March 2024 (UTC+6 in the east, centre and south, UTC+5 in the west) and one since. The zones of the
regions of registry/data/regions.csv are filled here (frozen: a later change of the file does not alter this
migration); a region not in it keeps the default, Asia/Almaty, which an administrator can change."""

from django.db import migrations, models

# ISO 3166-2:KZ code -> zone, for the regions not in Asia/Almaty.
ZONES = {
    "KZ-15": "Asia/Aqtobe",  # Aktobe
    "KZ-23": "Asia/Atyrau",  # Atyrau
    "KZ-27": "Asia/Oral",  # West Kazakhstan
    "KZ-39": "Asia/Qostanay",  # Kostanay
    "KZ-43": "Asia/Qyzylorda",  # Kyzylorda
    "KZ-47": "Asia/Aqtau",  # Mangystau
}


def fill_zones(apps, schema_editor):
    Region = apps.get_model("registry", "Region")
    for code, zone in ZONES.items():
        Region.objects.filter(iso_code=code).update(time_zone=zone)


class Migration(migrations.Migration):

    dependencies = [
        ("registry", "0007_names_in_three_languages"),
    ]

    operations = [
        migrations.AddField(
            model_name="region",
            name="time_zone",
            field=models.CharField(
                choices=[
                    ("Asia/Almaty", "Asia/Almaty (east, centre and south)"),
                    ("Asia/Qostanay", "Asia/Qostanay (Kostanay region)"),
                    ("Asia/Qyzylorda", "Asia/Qyzylorda (Kyzylorda region)"),
                    ("Asia/Aqtobe", "Asia/Aqtobe (Aktobe region)"),
                    ("Asia/Aqtau", "Asia/Aqtau (Mangystau region)"),
                    ("Asia/Atyrau", "Asia/Atyrau (Atyrau region)"),
                    ("Asia/Oral", "Asia/Oral (West Kazakhstan region)"),
                ],
                default="Asia/Almaty",
                help_text="The local time of the region: a sampling time written without an offset is read in it.",
                max_length=32,
                verbose_name="time zone",
            ),
        ),
        migrations.RunPython(fill_zones, migrations.RunPython.noop),
    ]
