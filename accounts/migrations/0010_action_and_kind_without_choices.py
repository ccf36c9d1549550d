"""The apps declare their own audit actions and reminder kinds (accounts.kinds): the fields keep no
choices, so that a new app's kinds need no migration here, and are wide enough for ``<app>.<name>``."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0009_roles_to_unions_audit_union_as_values"),
    ]

    operations = [
        migrations.AlterField(
            model_name="auditevent",
            name="action",
            field=models.CharField(max_length=64, verbose_name="action"),
        ),
        migrations.AlterField(
            model_name="notification",
            name="kind",
            field=models.CharField(max_length=64, verbose_name="kind"),
        ),
    ]
