"""The nightly rebuild of the dashboards' summary data (ages move, the year turns, and it mends any
refresh that was lost). Idempotent and reversible."""

from django.db import migrations

NAME = "reports: rebuild dashboard summary data"
TASK = "reports.refresh_tallies"
TIMEZONE = "Asia/Shanghai"


def create(apps, schema_editor):
    CrontabSchedule = apps.get_model("django_celery_beat", "CrontabSchedule")
    PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")
    if PeriodicTask.objects.filter(name=NAME).exists():
        return
    crontab, _ = CrontabSchedule.objects.get_or_create(
        minute="10", hour="1", day_of_month="*", month_of_year="*", day_of_week="*", timezone=TIMEZONE
    )
    PeriodicTask.objects.create(name=NAME, task=TASK, crontab=crontab, enabled=True, expire_seconds=3600)


def remove(apps, schema_editor):
    PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")
    PeriodicTask.objects.filter(name=NAME).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("reports", "0004_dashboard_report_kind"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
    ]

    operations = [migrations.RunPython(create, remove)]
