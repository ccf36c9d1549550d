"""The default schedule of the integrity app's daily reminder run (django-celery-beat), ten minutes after the
cadres' run so that the runs do not start together. Idempotent; reversible.

Staff may change the time in the admin afterwards; running this again leaves their choice alone.
"""

from django.db import migrations

TASK_NAME = "integrity: daily reminders"
TASK = "integrity.dispatch_reminders"
CRONTAB = {"minute": "20", "hour": "8", "day_of_week": "*", "day_of_month": "*", "month_of_year": "*"}
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
        description="Turns rectification deadlines, uncovered cadres, unsigned letters and waiting opinion requests into reminders, once each.",
        # A run that has not started within an hour is dropped: the next day's run catches up.
        expire_seconds=3600,
    )


def remove_schedule(apps, schema_editor):
    CrontabSchedule = apps.get_model("django_celery_beat", "CrontabSchedule")
    PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")
    PeriodicTask.objects.filter(name=TASK_NAME).delete()
    CrontabSchedule.objects.filter(timezone=TIMEZONE, periodictask__isnull=True, **CRONTAB).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("integrity", "0001_initial"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
    ]

    operations = [migrations.RunPython(create_schedule, remove_schedule)]
