"""The yearly closing of the hours ledger (django-celery-beat): on 10 January at 02:00 the task closes
last year. Idempotent; reversible. Staff may change the time in the admin afterwards; running this
again leaves their choice alone.
"""

from django.db import migrations

from accounts.schedules import DefaultSchedule

SCHEDULE = DefaultSchedule(
    name="cadres: close last year's hours ledger",
    task="cadres.ledger_close_previous_year",
    crontab={"minute": "0", "hour": "2", "day_of_month": "10", "month_of_year": "1"},
    description="Closes last year's hours ledger: its figures are frozen and no longer change.",
    expire_seconds=3600,
)


class Migration(migrations.Migration):
    dependencies = [
        ("cadres", "0003_daily_reminder_schedule"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
    ]

    operations = [migrations.RunPython(SCHEDULE.create, SCHEDULE.remove)]
