"""The tree moved to the unions app with its table (``members_union`` keeps its name and rows).

The foreign keys here now name it there, then the members app forgets the model. Only Django's state
changes; the database is left exactly as it was.
"""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("members", "0011_account_names_from_members"),
        ("unions", "0001_initial"),
        # Every other key that named members.Union has been pointed at unions.Union first.
        ("accounts", "0009_roles_to_unions_audit_union_as_values"),
        ("reports", "0006_union_moved_to_unions"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
            migrations.AlterField(
                model_name='memberevent',
                name='from_union',
                field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='unions.union'),
            ),
            migrations.AlterField(
                model_name='rosterimport',
                name='union',
                field=models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to='unions.union', verbose_name='import into'),
            ),
            migrations.AlterField(
                model_name='transfer',
                name='to_union',
                field=models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='transfers_in', to='unions.union'),
            ),
            migrations.AlterField(
                model_name='member',
                name='union',
                field=models.ForeignKey(db_index=False, on_delete=django.db.models.deletion.PROTECT, related_name='members', to='unions.union', verbose_name='union'),
            ),
            migrations.AlterField(
                model_name='memberevent',
                name='to_union',
                field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='unions.union'),
            ),
            migrations.AlterField(
                model_name='application',
                name='union',
                field=models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='applications', to='unions.union', verbose_name='union'),
            ),
            migrations.AlterField(
                model_name='transfer',
                name='from_union',
                field=models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='transfers_out', to='unions.union'),
            ),
            migrations.AlterField(
                model_name='membercard',
                name='union',
                field=models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to='unions.union'),
            ),
                migrations.DeleteModel(name="Union"),
            ],
            database_operations=[],
        ),
    ]
