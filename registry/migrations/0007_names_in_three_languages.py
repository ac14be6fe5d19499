"""Enterprises and deposits get a name in each language, empty until someone gives it: the registered name
(`name`) is shown meanwhile, so no copy of it is made here, which would go stale when the name is changed."""

from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('registry', '0006_region_periods'),
    ]

    operations = [
        migrations.AddField(
            model_name='deposit',
            name='name_en',
            field=models.CharField(blank=True, max_length=300, verbose_name='name in English'),
        ),
        migrations.AddField(
            model_name='deposit',
            name='name_kk',
            field=models.CharField(blank=True, max_length=300, verbose_name='name in Kazakh'),
        ),
        migrations.AddField(
            model_name='deposit',
            name='name_ru',
            field=models.CharField(blank=True, max_length=300, verbose_name='name in Russian'),
        ),
        migrations.AddField(
            model_name='enterprise',
            name='name_en',
            field=models.CharField(blank=True, max_length=300, verbose_name='name in English'),
        ),
        migrations.AddField(
            model_name='enterprise',
            name='name_kk',
            field=models.CharField(blank=True, max_length=300, verbose_name='name in Kazakh'),
        ),
        migrations.AddField(
            model_name='enterprise',
            name='name_ru',
            field=models.CharField(blank=True, max_length=300, verbose_name='name in Russian'),
        ),
    ]
