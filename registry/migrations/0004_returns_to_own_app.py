"""Annual returns became an app of their own (registry.returns, label "returns"). Their tables stay where they
are: this only removes the models from the registry app's state; returns/0001_initial adds them to the new app's
state with the same tables, and returns/0002_content_types renames their content types."""

from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ('registry', '0003_year_ranges'),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.DeleteModel(name='ReturnEvent'),
                migrations.DeleteModel(name='ReturnLine'),
                migrations.RemoveField(model_name='returnversion', name='waste_return'),
                migrations.DeleteModel(name='WasteReturn'),
                migrations.DeleteModel(name='ReturnVersion'),
                migrations.DeleteModel(name='WasteCode'),
                migrations.DeleteModel(name='FilingYear'),
            ],
        ),
    ]
