"""The default schedule of the daily deletion of letter zips past their keeping time (the records stay).
Idempotent; reversible."""

from django.db import migrations

TASK_NAME = "integrity: delete expired letter zips"
TASK = "integrity.expire_letter_batches"
CRONTAB = {"minute": "50", "hour": "3", "day_of_week": "*", "day_of_month": "*", "month_of_year": "*"}
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
        description="Deletes the zips of responsibility letters for printing past their keeping time; the records stay.",
        expire_seconds=3600,
    )


def remove_schedule(apps, schema_editor):
    CrontabSchedule = apps.get_model("django_celery_beat", "CrontabSchedule")
    PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")
    PeriodicTask.objects.filter(name=TASK_NAME).delete()
    CrontabSchedule.objects.filter(timezone=TIMEZONE, periodictask__isnull=True, **CRONTAB).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("integrity", "0004_education_sheet"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
    ]

    operations = [migrations.RunPython(create_schedule, remove_schedule)]
