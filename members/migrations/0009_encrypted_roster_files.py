from django.db import migrations, models

import members.models
import members.storage


def encrypt_kept_files(apps, schema_editor):
    """Roster files uploaded or built before encryption: encrypted where they lie."""
    for model in ("RosterImport", "RosterExport"):
        names = apps.get_model("members", model).objects.exclude(file="").values_list("file", flat=True)
        for name in names.iterator():
            members.storage.encrypt_in_place(name)


class Migration(migrations.Migration):
    dependencies = [
        ("members", "0008_union_kind_path"),
    ]

    operations = [
        migrations.AlterField(
            model_name="rosterexport",
            name="file",
            field=models.FileField(
                blank=True,
                max_length=200,
                storage=members.storage.roster_storage,
                upload_to=members.models._roster_export_upload_to,
                verbose_name="file",
            ),
        ),
        migrations.AlterField(
            model_name="rosterimport",
            name="file",
            field=models.FileField(
                blank=True,
                max_length=200,
                storage=members.storage.roster_storage,
                upload_to=members.models._roster_upload_to,
                verbose_name="file",
            ),
        ),
        # Files are not part of the schema: going back leaves them encrypted.
        migrations.RunPython(encrypt_kept_files, migrations.RunPython.noop),
    ]
