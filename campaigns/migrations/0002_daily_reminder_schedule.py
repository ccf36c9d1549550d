"""The default schedule of the campaigns app's daily reminder run (django-celery-beat), ten minutes after the
integrity run so that the runs do not start together. Idempotent; reversible.

Staff may change the time in the admin afterwards; running this again leaves their choice alone.
"""

from django.db import migrations

from accounts.schedules import DefaultSchedule

SCHEDULE = DefaultSchedule(
    name="campaigns: daily reminders",
    task="campaigns.dispatch_reminders",
    crontab={"minute": "30", "hour": "8"},
    description="Turns stage reports coming due or overdue, overdue judging and competitions waiting for approval into reminders, once each.",
    expire_seconds=3600,
)


class Migration(migrations.Migration):
    dependencies = [
        ("campaigns", "0001_initial"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
    ]

    operations = [migrations.RunPython(SCHEDULE.create, SCHEDULE.remove)]
