"""One sweep for every kind of job: the schedule that re-queued reports now runs ``accounts.jobs_requeue_stale``,
which hands over again the stale jobs of every kind (reports and roster exports; exports were re-queued
only by the daily purge before).

The row is updated in place, so an interval an administrator changed is kept; made again if it was
deleted (no job may wait for ever behind a broker that was down). Idempotent and reversible.
"""

from django.db import migrations

OLD_NAME = "reports: re-queue reports not picked up"
OLD_TASK = "reports.requeue_stale"
NEW_NAME = "jobs: re-queue jobs not picked up"
NEW_TASK = "accounts.jobs_requeue_stale"
EVERY_MINUTES = 5


def _rename(apps, *, task_from, task_to, name_from, name_to):
    PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")
    for periodic in PeriodicTask.objects.filter(task=task_from):
        periodic.task = task_to
        if periodic.name == name_from and not PeriodicTask.objects.filter(name=name_to).exists():
            periodic.name = name_to
        periodic.save(update_fields=["task", "name"])


def to_one_sweep(apps, schema_editor):
    _rename(apps, task_from=OLD_TASK, task_to=NEW_TASK, name_from=OLD_NAME, name_to=NEW_NAME)
    PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")
    IntervalSchedule = apps.get_model("django_celery_beat", "IntervalSchedule")
    if not PeriodicTask.objects.filter(task=NEW_TASK).exists():
        interval, _ = IntervalSchedule.objects.get_or_create(every=EVERY_MINUTES, period="minutes")
        PeriodicTask.objects.create(name=NEW_NAME, task=NEW_TASK, interval=interval, enabled=True)


def to_reports_sweep(apps, schema_editor):
    _rename(apps, task_from=NEW_TASK, task_to=OLD_TASK, name_from=NEW_NAME, name_to=OLD_NAME)


class Migration(migrations.Migration):
    dependencies = [
        ("reports", "0007_report_job_record"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
    ]

    operations = [migrations.RunPython(to_one_sweep, to_reports_sweep)]
