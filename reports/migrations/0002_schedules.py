"""The report schedules in django-celery-beat: the monthly build on the 1st at 02:00 (Shanghai), the
sweep that re-queues reports the broker never received, and the daily expiry of old files.

Idempotent (found by name, so running it on a database that has them changes nothing) and reversible.
"""

from django.db import migrations

TASKS = [
    # name, task, crontab (minute, hour, day_of_month) or interval minutes
    ("reports: monthly membership reports", "reports.build_monthly", ("0", "2", "1"), None),
    ("reports: re-queue reports not picked up", "reports.requeue_stale", None, 5),
    ("reports: delete expired report files", "reports.expire", ("30", "3", "*"), None),
]


def create(apps, schema_editor):
    CrontabSchedule = apps.get_model("django_celery_beat", "CrontabSchedule")
    IntervalSchedule = apps.get_model("django_celery_beat", "IntervalSchedule")
    PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")
    for name, task, cron, minutes in TASKS:
        if PeriodicTask.objects.filter(name=name).exists():
            continue
        schedule = {}
        if cron:
            minute, hour, day = cron
            schedule["crontab"], _ = CrontabSchedule.objects.get_or_create(
                minute=minute, hour=hour, day_of_month=day, month_of_year="*", day_of_week="*", timezone="Asia/Shanghai"
            )
        else:
            schedule["interval"], _ = IntervalSchedule.objects.get_or_create(every=minutes, period="minutes")
        PeriodicTask.objects.create(name=name, task=task, enabled=True, **schedule)


def remove(apps, schema_editor):
    PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")
    PeriodicTask.objects.filter(name__in=[name for name, *_ in TASKS]).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("reports", "0001_initial"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
    ]

    operations = [migrations.RunPython(create, remove)]
