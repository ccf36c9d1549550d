"""The default schedule of the daily deletion of letter zips past their keeping time (the records stay).
Idempotent; reversible."""

from django.db import migrations

from accounts.schedules import DefaultSchedule

SCHEDULE = DefaultSchedule(
    name="integrity: delete expired letter zips",
    task="integrity.expire_letter_batches",
    crontab={"minute": "50", "hour": "3"},
    description="Deletes the zips of responsibility letters for printing past their keeping time; the records stay.",
    expire_seconds=3600,
)


class Migration(migrations.Migration):
    dependencies = [
        ("integrity", "0004_education_sheet"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
    ]

    operations = [migrations.RunPython(SCHEDULE.create, SCHEDULE.remove)]
