"""The default schedule of the cadres' daily reminder run (django-celery-beat), ten minutes after the members'
run so that the two do not start together. Idempotent; reversible.

Staff may change the time in the admin afterwards; running this again leaves their choice alone.
"""

from django.db import migrations

from accounts.schedules import DefaultSchedule

SCHEDULE = DefaultSchedule(
    name="cadres: daily reminders",
    task="cadres.dispatch_reminders",
    crontab={"minute": "10", "hour": "8"},
    description="Turns training shortfalls, postings and assessments due into reminders, once each.",
    expire_seconds=3600,
)


class Migration(migrations.Migration):
    dependencies = [
        ("cadres", "0002_default_rules"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
    ]

    operations = [migrations.RunPython(SCHEDULE.create, SCHEDULE.remove)]
