# The labels of audited fields and models, which the change log shows.

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ("monitoring", "0002_result_indexes_for_bulk_ingest"),
        ("registry", "0001_initial"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AlterModelOptions(
            name='alert',
            options={'ordering': ['-severity', '-last_sampled_at'], 'verbose_name': 'alert'},
        ),
        migrations.AlterModelOptions(
            name='monitoringpoint',
            options={'ordering': ['enterprise', 'code'], 'verbose_name': 'monitoring point'},
        ),
        migrations.AlterModelOptions(
            name='pollutant',
            options={'ordering': ['code'], 'verbose_name': 'pollutant'},
        ),
        migrations.AlterModelOptions(
            name='severityrule',
            options={'verbose_name': 'severity rule'},
        ),
        migrations.AlterModelOptions(
            name='severityruleset',
            options={'ordering': ['-version'], 'verbose_name': 'severity rule set'},
        ),
        migrations.AlterModelOptions(
            name='unit',
            options={'ordering': ['medium', 'code'], 'verbose_name': 'unit'},
        ),
        migrations.AlterField(
            model_name='alert',
            name='assigned_to',
            field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='assigned to'),
        ),
        migrations.AlterField(
            model_name='alert',
            name='closed_at',
            field=models.DateTimeField(blank=True, null=True, verbose_name='closed at'),
        ),
        migrations.AlterField(
            model_name='alert',
            name='point',
            field=models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='alerts', to='monitoring.monitoringpoint', verbose_name='monitoring point'),
        ),
        migrations.AlterField(
            model_name='alert',
            name='pollutant',
            field=models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to='monitoring.pollutant', verbose_name='pollutant'),
        ),
        migrations.AlterField(
            model_name='alert',
            name='severity',
            field=models.PositiveSmallIntegerField(choices=[(0, 'none'), (1, 'exceedance'), (2, 'high'), (3, 'extreme')], default=1, verbose_name='severity'),
        ),
        migrations.AlterField(
            model_name='monitoringpoint',
            name='deposit',
            field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='registry.deposit', verbose_name='deposit'),
        ),
        migrations.AlterField(
            model_name='monitoringpoint',
            name='enterprise',
            field=models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='monitoring_points', to='registry.enterprise', verbose_name='enterprise'),
        ),
        migrations.AlterField(
            model_name='mpcnorm',
            name='pollutant',
            field=models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='norms', to='monitoring.pollutant', verbose_name='pollutant'),
        ),
        migrations.AlterField(
            model_name='severityrule',
            name='pollutant',
            field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, to='monitoring.pollutant', verbose_name='pollutant'),
        ),
        migrations.AlterField(
            model_name='severityrule',
            name='ruleset',
            field=models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='rules', to='monitoring.severityruleset', verbose_name='severity rule set'),
        ),
        migrations.AlterField(
            model_name='severityruleset',
            name='created_by',
            field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='created by'),
        ),
    ]
