"""The tree moved to the unions app with its table: the foreign keys here now name it there.

Only Django's state changes; the columns and constraints in the database stay as they are.
"""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("reports", "0005_dashboard_schedule"),
        ("unions", "0001_initial"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
            migrations.AlterField(
                model_name='enrolmenttarget',
                name='union',
                field=models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='+', to='unions.union', verbose_name='union'),
            ),
            migrations.AlterField(
                model_name='report',
                name='union',
                field=models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='reports', to='unions.union', verbose_name='union'),
            ),
            migrations.AlterField(
                model_name='unionmonth',
                name='union',
                field=models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='+', to='unions.union'),
            ),
            migrations.AlterField(
                model_name='uniontally',
                name='union',
                field=models.OneToOneField(on_delete=django.db.models.deletion.CASCADE, primary_key=True, related_name='tally', serialize=False, to='unions.union', verbose_name='union'),
            ),
            ],
            database_operations=[],
        ),
    ]
