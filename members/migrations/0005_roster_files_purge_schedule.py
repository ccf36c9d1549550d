"""The default schedule of the daily purge of uploaded rosters and built exports. Idempotent; reversible."""

from django.db import migrations

from accounts.schedules import DefaultSchedule

SCHEDULE = DefaultSchedule(
    name="members: delete expired roster files",
    task="members.roster_files_purge",
    crontab={"minute": "30", "hour": "3"},
    description="Deletes uploaded rosters and built exports past their retention; the records stay.",
    expire_seconds=3600,
)


class Migration(migrations.Migration):
    dependencies = [
        ("members", "0004_roster_import_export"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
    ]

    operations = [migrations.RunPython(SCHEDULE.create, SCHEDULE.remove)]
