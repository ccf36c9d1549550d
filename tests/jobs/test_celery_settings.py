"""Celery is configured so that nothing is lost and nothing runs twice by accident.

Redis hands an unacknowledged message to another worker after the visibility timeout, so no task
may wait (ETA, countdown, retry delay, time limit) anywhere near that long.
"""

import ast
import importlib
from pathlib import Path

import pytest
from django.apps import apps as django_apps
from django.conf import settings
from django_celery_beat.models import PeriodicTask

from unionportal.celery import app

VISIBILITY_TIMEOUT = settings.CELERY_BROKER_TRANSPORT_OPTIONS["visibility_timeout"]
PROJECT_APPS = ("accounts", "members", "reports", "unionportal")
schedule_migration = importlib.import_module("members.migrations.0003_daily_reminder_schedule")


def project_tasks():
    app.loader.import_default_modules()
    return {name: task for name, task in app.tasks.items() if name.split(".")[0] in PROJECT_APPS}


def test_tasks_are_acknowledged_late_and_given_back_when_the_worker_dies():
    assert app.conf.task_acks_late is True
    assert app.conf.task_reject_on_worker_lost is True
    assert app.conf.worker_prefetch_multiplier == 1


def test_tasks_speak_json_only():
    assert app.conf.task_serializer == "json"
    assert list(app.conf.accept_content) == ["json"]


def test_the_soft_time_limit_comes_before_the_hard_one_and_both_before_redelivery():
    assert 0 < app.conf.task_soft_time_limit < app.conf.task_time_limit < VISIBILITY_TIMEOUT


def test_the_project_cap_on_retry_delays_is_below_the_visibility_timeout():
    assert settings.CELERY_TASK_MAX_RETRY_DELAY < VISIBILITY_TIMEOUT


def test_the_daily_reminder_task_is_discovered():
    tasks = project_tasks()
    assert "members.tasks.dispatch_reminders" in tasks
    assert "accounts.tasks.send_notification_emails" in tasks


def test_no_registered_task_waits_longer_than_the_visibility_timeout():
    tasks = project_tasks()
    assert tasks
    for name, task in tasks.items():
        assert task.acks_late, name
        assert (task.default_retry_delay or 0) <= settings.CELERY_TASK_MAX_RETRY_DELAY, name
        # set on tasks with autoretry_for (Celery's default cap is 600 s)
        if getattr(task, "retry_backoff", False):
            assert getattr(task, "retry_backoff_max", 600) <= settings.CELERY_TASK_MAX_RETRY_DELAY, name
        for limit in (task.soft_time_limit, task.time_limit):
            assert limit is None or limit < VISIBILITY_TIMEOUT, name


def _numeric_keywords(path: Path, names: set[str]):
    tree = ast.parse(path.read_text(), filename=str(path))
    for node in ast.walk(tree):
        if isinstance(node, ast.Call):
            for keyword in node.keywords:
                if keyword.arg in names:
                    yield keyword.arg, keyword.value, node.lineno


def test_no_code_queues_with_an_eta_or_countdown_near_the_visibility_timeout():
    root = Path(settings.BASE_DIR)
    for app_name in PROJECT_APPS:
        for path in (root / app_name).rglob("*.py"):
            for arg, value, line in _numeric_keywords(
                path, {"countdown", "eta", "retry_backoff_max", "default_retry_delay"}
            ):
                where = f"{path.relative_to(root)}:{line} {arg}"
                # a number must be small; anything else must be the project's cap
                if isinstance(value, ast.Constant):
                    assert (
                        isinstance(value.value, int | float) and value.value <= settings.CELERY_TASK_MAX_RETRY_DELAY
                    ), where
                else:
                    assert "CELERY_TASK_MAX_RETRY_DELAY" in ast.unparse(value), where


@pytest.mark.django_db
def test_the_default_schedule_runs_the_reminders_daily_and_expires_before_redelivery():
    task = PeriodicTask.objects.get(task="members.tasks.dispatch_reminders")
    assert task.enabled
    assert task.crontab is not None and task.crontab.hour == "8" and task.crontab.minute == "0"
    for periodic in PeriodicTask.objects.all():
        assert periodic.expire_seconds is None or periodic.expire_seconds <= VISIBILITY_TIMEOUT


@pytest.mark.django_db
def test_the_schedule_migration_is_idempotent_and_reversible():
    from django_celery_beat.models import CrontabSchedule

    schedule_migration.create_schedule(django_apps, None)
    schedule_migration.create_schedule(django_apps, None)
    assert PeriodicTask.objects.filter(name=schedule_migration.TASK_NAME).count() == 1
    schedule_migration.remove_schedule(django_apps, None)
    assert not PeriodicTask.objects.filter(name=schedule_migration.TASK_NAME).exists()
    assert not CrontabSchedule.objects.filter(hour="8", minute="0", periodictask__isnull=False).exists()
    schedule_migration.create_schedule(django_apps, None)
    assert PeriodicTask.objects.filter(name=schedule_migration.TASK_NAME).count() == 1


def test_without_a_broker_tasks_run_eagerly():
    assert app.conf.task_always_eager is (not settings.REDIS_URL)


def test_the_task_arguments_are_ids_only():
    """The signatures: the reminder run takes nothing, the e-mail job takes notification IDs."""
    import inspect

    from accounts.tasks import send_notification_emails
    from members.tasks import dispatch_reminders

    assert list(inspect.signature(dispatch_reminders.run).parameters) == []
    assert list(inspect.signature(send_notification_emails.run).parameters) == ["notification_ids"]
