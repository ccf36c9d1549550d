"""The yearly closing of the hours ledger (django-celery-beat): on 10 January at 02:00 the task closes
last year. Idempotent; reversible. Staff may change the time in the admin afterwards; running this
again leaves their choice alone.
"""

from django.db import migrations

TASK_NAME = "cadres: close last year's hours ledger"
TASK = "cadres.ledger_close_previous_year"
CRONTAB = {"minute": "0", "hour": "2", "day_of_week": "*", "day_of_month": "10", "month_of_year": "1"}
TIMEZONE = "Asia/Shanghai"


def create_schedule(apps, schema_editor):
    CrontabSchedule = apps.get_model("django_celery_beat", "CrontabSchedule")
    PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")
    if PeriodicTask.objects.filter(name=TASK_NAME).exists():
        return
    crontab = CrontabSchedule.objects.filter(timezone=TIMEZONE, **CRONTAB).first()
    if crontab is None:
        crontab = CrontabSchedule.objects.create(timezone=TIMEZONE, **CRONTAB)
    PeriodicTask.objects.create(
        name=TASK_NAME,
        task=TASK,
        crontab=crontab,
        enabled=True,
        description="Closes last year's hours ledger: its figures are frozen and no longer change.",
        # A run that has not started within an hour is dropped (no message may outlive the broker's
        # visibility timeout); closing can also be done in the ledger page.
        expire_seconds=3600,
    )


def remove_schedule(apps, schema_editor):
    CrontabSchedule = apps.get_model("django_celery_beat", "CrontabSchedule")
    PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")
    PeriodicTask.objects.filter(name=TASK_NAME).delete()
    CrontabSchedule.objects.filter(timezone=TIMEZONE, periodictask__isnull=True, **CRONTAB).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("cadres", "0003_daily_reminder_schedule"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
    ]

    operations = [migrations.RunPython(create_schedule, remove_schedule)]
