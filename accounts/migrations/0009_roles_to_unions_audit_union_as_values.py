"""Roles move to the unions app (table kept); an audit row keeps its node as plain values.

``AuditEvent.union`` was a foreign key to the tree. It becomes ``union_id`` (the same column, its
constraint dropped) and ``union_path`` (the node's path, copied in from the tree for existing rows),
so the append-only table is held by no other table and accounts no longer points up at the tree.
"""

import django.db.models.deletion
from django.db import migrations, models

# The append-only trigger (0002) refuses UPDATE: it is suspended for the one backfill, in this
# transaction only, and restored before the migration ends.
BACKFILL_PATHS = """
ALTER TABLE accounts_auditevent DISABLE TRIGGER accounts_auditevent_append_only;
UPDATE accounts_auditevent AS event SET union_path = node.path
  FROM members_union AS node WHERE node.id = event.union_id;
ALTER TABLE accounts_auditevent ENABLE TRIGGER accounts_auditevent_append_only;
"""


def backfill_paths(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(BACKFILL_PATHS)
        return
    AuditEvent = apps.get_model("accounts", "AuditEvent")
    Union = apps.get_model("unions", "Union")
    paths = dict(Union.objects.values_list("pk", "path"))
    for event in AuditEvent.objects.exclude(union_id=None).only("pk", "union_id"):
        # SQLite has no trigger, and the model's guard against updates is not in the historical model.
        AuditEvent.objects.filter(pk=event.pk).update(union_path=paths.get(event.union_id, ""))


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0008_encrypt_mfa_secrets"),
        ("unions", "0001_initial"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(state_operations=[migrations.DeleteModel(name="Role")], database_operations=[]),
        # First point the key at the tree's new home and drop its constraint in the database...
        migrations.AlterField(
            model_name="auditevent",
            name="union",
            field=models.ForeignKey(
                blank=True,
                null=True,
                db_constraint=False,
                on_delete=django.db.models.deletion.DO_NOTHING,
                related_name="+",
                to="unions.union",
                verbose_name="union",
            ),
        ),
        # ...then call the same column a plain number.
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.RemoveField(model_name="auditevent", name="union"),
                migrations.AddField(
                    model_name="auditevent",
                    name="union_id",
                    field=models.BigIntegerField(blank=True, null=True, verbose_name="union"),
                ),
            ],
            database_operations=[],
        ),
        migrations.AddField(
            model_name="auditevent",
            name="union_path",
            field=models.CharField(blank=True, default="", max_length=255),
        ),
        migrations.RunPython(backfill_paths, migrations.RunPython.noop),
        migrations.AddIndex(
            model_name="auditevent",
            index=models.Index(fields=["union_path"], name="audit_union_path", opclasses=["varchar_pattern_ops"]),
        ),
    ]
