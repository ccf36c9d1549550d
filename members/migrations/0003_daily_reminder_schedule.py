"""The default schedule of the daily reminder run (django-celery-beat). Idempotent; reversible.

Staff may change the time in the admin afterwards; running this again leaves their choice alone.
"""

from django.db import migrations

from accounts.schedules import DefaultSchedule

SCHEDULE = DefaultSchedule(
    name="members: daily reminders",
    task="members.tasks.dispatch_reminders",
    crontab={"minute": "0", "hour": "8"},
    description="Turns due applications and transfers into reminders, once each.",
    expire_seconds=3600,
)
# The names a test calls to show that running it twice creates one schedule.
TASK_NAME = SCHEDULE.name
create_schedule, remove_schedule = SCHEDULE.create, SCHEDULE.remove


class Migration(migrations.Migration):
    dependencies = [
        ("members", "0002_members_applications_transfers_cards"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
    ]

    operations = [migrations.RunPython(SCHEDULE.create, SCHEDULE.remove)]
