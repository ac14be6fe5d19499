from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("reports", "0004_audited_labels"),
    ]

    operations = [
        migrations.AddField(
            model_name="dirtyaggregate",
            name="generation",
            field=models.PositiveIntegerField(default=1),
        ),
    ]
