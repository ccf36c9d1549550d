"""A finer histogram of member names for PostgreSQL's planner.

With the default (100 buckets over a million names) a name-prefix search such as 杜超 was estimated
at 10,000 members instead of a few hundred, so the planner walked the newest-first index for half a
second rather than reading the few matches from the name index (6 ms). SQLite has no such setting.
"""

from django.db import migrations


def finer(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("ALTER TABLE members_member ALTER COLUMN name SET STATISTICS 1000")


def default(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("ALTER TABLE members_member ALTER COLUMN name SET STATISTICS -1")


class Migration(migrations.Migration):
    dependencies = [("members", "0006_list_and_queue_indexes")]

    operations = [migrations.RunPython(finer, default, elidable=False)]
