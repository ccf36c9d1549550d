"""The default schedule of the integrity app's daily reminder run (django-celery-beat), ten minutes after the
cadres' run so that the runs do not start together. Idempotent; reversible.

Staff may change the time in the admin afterwards; running this again leaves their choice alone.
"""

from django.db import migrations

from accounts.schedules import DefaultSchedule

SCHEDULE = DefaultSchedule(
    name="integrity: daily reminders",
    task="integrity.dispatch_reminders",
    crontab={"minute": "20", "hour": "8"},
    description="Turns rectification deadlines, uncovered cadres, unsigned letters and waiting opinion requests into reminders, once each.",
    expire_seconds=3600,
)


class Migration(migrations.Migration):
    dependencies = [
        ("integrity", "0001_initial"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
    ]

    operations = [migrations.RunPython(SCHEDULE.create, SCHEDULE.remove)]
