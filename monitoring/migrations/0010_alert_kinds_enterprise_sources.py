"""Alerts of several kinds (monitoring.models.AlertKind), each of an enterprise.

1. `enterprise` is added, nullable, filled from each alert's point (every alert so far is an exceedance at a point),
   then set NOT NULL: the scope of the alerts' permission checks and their distribution key, as the results'.
2. `kind` is added, every existing alert an `exceedance`; point and pollutant become nullable, and an alert of the
   new kind `over_limit` names a permit's source, substance and year with the released and permitted tonnes.
3. A check constraint keeps each kind's fields set and the others empty; at most one open over-limit alert per
   source, substance and year (beside the one open exceedance per point and pollutant).

The alerts are few (one per point and pollutant at a time): the update runs in the migration's transaction.
Reversible while no alert of another kind than `exceedance` exists.
"""

import django.db.models.deletion
from django.db import migrations, models

FILL = (
    "UPDATE monitoring_alert SET enterprise_id = (SELECT p.enterprise_id FROM monitoring_monitoringpoint AS p"
    " WHERE p.id = monitoring_alert.point_id)"
)


class Migration(migrations.Migration):
    dependencies = [
        ("monitoring", "0009_result_enterprise_distribution_key"),
        ("permits", "0001_initial"),
        ("registry", "0008_region_time_zone"),
    ]

    operations = [
        migrations.AddField(
            model_name="alert",
            name="enterprise",
            field=models.ForeignKey(
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="alerts",
                to="registry.enterprise",
                verbose_name="enterprise",
            ),
        ),
        migrations.RunSQL(FILL, migrations.RunSQL.noop),
        migrations.AlterField(
            model_name="alert",
            name="enterprise",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.PROTECT,
                related_name="alerts",
                to="registry.enterprise",
                verbose_name="enterprise",
            ),
        ),
        migrations.AlterModelOptions(
            name="alert",
            options={
                "ordering": [
                    "-severity",
                    models.OrderBy(models.F("last_sampled_at"), descending=True, nulls_last=True),
                    "-opened_at",
                ],
                "verbose_name": "alert",
            },
        ),
        migrations.AddField(
            model_name="alert",
            name="kind",
            field=models.CharField(
                choices=[("exceedance", "exceedance of an MPC"), ("over_limit", "release over the permit's limit")],
                default="exceedance",
                max_length=20,
                verbose_name="kind",
            ),
        ),
        migrations.AddField(
            model_name="alert",
            name="permitted_tonnes",
            field=models.DecimalField(
                blank=True, decimal_places=6, max_digits=16, null=True, verbose_name="permitted, t/yr"
            ),
        ),
        migrations.AddField(
            model_name="alert",
            name="released_tonnes",
            field=models.DecimalField(
                blank=True, decimal_places=6, max_digits=18, null=True, verbose_name="released, t/yr"
            ),
        ),
        migrations.AddField(
            model_name="alert",
            name="source",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="alerts",
                to="permits.emissionsource",
                verbose_name="emission source",
            ),
        ),
        migrations.AddField(
            model_name="alert",
            name="substance",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to="permits.substance",
                verbose_name="substance",
            ),
        ),
        migrations.AddField(
            model_name="alert",
            name="year",
            field=models.PositiveSmallIntegerField(blank=True, null=True, verbose_name="year"),
        ),
        migrations.AlterField(
            model_name="alert",
            name="point",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="alerts",
                to="monitoring.monitoringpoint",
                verbose_name="monitoring point",
            ),
        ),
        migrations.AlterField(
            model_name="alert",
            name="pollutant",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to="monitoring.pollutant",
                verbose_name="pollutant",
            ),
        ),
        migrations.AddConstraint(
            model_name="alert",
            constraint=models.UniqueConstraint(
                condition=models.Q(("kind", "over_limit"), ("status__in", ["new", "acknowledged", "investigating"])),
                fields=("source", "substance", "year"),
                name="alert_one_open_over_limit",
            ),
        ),
        migrations.AddConstraint(
            model_name="alert",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    models.Q(
                        ("kind", "exceedance"),
                        ("permitted_tonnes__isnull", True),
                        ("point__isnull", False),
                        ("pollutant__isnull", False),
                        ("released_tonnes__isnull", True),
                        ("source__isnull", True),
                        ("substance__isnull", True),
                        ("year__isnull", True),
                    ),
                    models.Q(
                        ("kind", "over_limit"),
                        ("permitted_tonnes__isnull", False),
                        ("point__isnull", True),
                        ("pollutant__isnull", True),
                        ("released_tonnes__isnull", False),
                        ("source__isnull", False),
                        ("substance__isnull", False),
                        ("year__isnull", False),
                    ),
                    _connector="OR",
                ),
                name="alert_kind_fields",
            ),
        ),
    ]
