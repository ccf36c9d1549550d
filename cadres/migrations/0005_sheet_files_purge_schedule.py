"""The default schedule of the daily purge of uploaded rosters and built exports. Idempotent; reversible."""

from django.db import migrations

from accounts.schedules import DefaultSchedule

SCHEDULE = DefaultSchedule(
    name="cadres: delete expired cadre files",
    task="cadres.sheet_files_purge",
    crontab={"minute": "45", "hour": "3"},
    description="Deletes cadre imports and exports past their retention; the records stay.",
    expire_seconds=3600,
)


class Migration(migrations.Migration):
    dependencies = [
        ("cadres", "0004_ledger_close_schedule"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
    ]

    operations = [migrations.RunPython(SCHEDULE.create, SCHEDULE.remove)]
