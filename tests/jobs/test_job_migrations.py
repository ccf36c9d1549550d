"""Exports and reports made before the shared job record keep their data through its migrations.

Migrates the test database back to the migrations before the job record (members 0012, reports 0006),
writes exports, a report and the old sweep's schedule with the historical models, migrates forward and
reads them back: an export that ran counts one attempt, a built one is kept as long as the old purge
would have kept it, and the sweep's schedule (with an interval an administrator changed) now runs the
sweep of every kind.
"""

import datetime

import pytest
from django.conf import settings
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

BEFORE = [("members", "0012_union_moved_to_unions"), ("reports", "0006_union_moved_to_unions")]

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def _executor() -> MigrationExecutor:
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    return executor


@pytest.fixture
def old_apps():
    _executor().migrate(BEFORE)
    try:
        yield _executor().loader.project_state(BEFORE).apps
    finally:
        # Whatever happened, the tests after this one find today's schema.
        executor = _executor()
        executor.migrate(executor.loader.graph.leaf_nodes())


def test_jobs_made_before_the_shared_record_keep_their_data_and_gain_counts_and_expiry(old_apps):
    # given exports in each state, a report and the old sweep's schedule, as the old code left them
    User = old_apps.get_model("accounts", "User")
    Union = old_apps.get_model("unions", "Union")
    OldExport = old_apps.get_model("members", "RosterExport")
    OldReport = old_apps.get_model("reports", "Report")
    OldPeriodicTask = old_apps.get_model("django_celery_beat", "PeriodicTask")
    OldInterval = old_apps.get_model("django_celery_beat", "IntervalSchedule")
    clerk = User.objects.create(username="old-clerk", name="老文员")
    union = Union.objects.create(path="0001", depth=1, numchild=0, kind="city_federation", name="老市总工会")
    built_at = timezone.now() - datetime.timedelta(days=3)
    old = {"requested_by": clerk, "query": "status=active", "file_format": "csv", "language": "en"}
    done = OldExport.objects.create(
        status="done", finished_at=built_at, rows_total=42, file="roster-exports/x.csv", **old
    )
    failed = OldExport.objects.create(status="failed", finished_at=built_at, error="没有成员", **old)
    queued = OldExport.objects.create(status="queued", **old)
    report = OldReport.objects.create(
        kind="monthly_membership", union=union, parameters={"month": "2026-10"}, reuse_key="k", status="done"
    )
    # (made here if missing: a transactional test before this one may have emptied the table)
    OldPeriodicTask.objects.update_or_create(
        name="reports: re-queue reports not picked up",
        defaults={"task": "reports.requeue_stale", "interval": OldInterval.objects.create(every=3, period="minutes")},
    )

    # when the migrations run forward
    executor = _executor()
    executor.migrate(executor.loader.graph.leaf_nodes())

    # then every export keeps what it had, and gains its attempt and expiry
    from django_celery_beat.models import PeriodicTask

    from members.models import RosterExport
    from reports.models import Report

    done_now = RosterExport.objects.get(pk=done.pk)
    assert (done_now.status, done_now.rows_total, done_now.file.name, done_now.query, done_now.language) == (
        "done",
        42,
        "roster-exports/x.csv",
        "status=active",
        "en",
    )
    assert done_now.attempts == 1
    assert done_now.expires_at == built_at + datetime.timedelta(days=settings.ROSTER_FILE_RETENTION_DAYS)
    failed_now = RosterExport.objects.get(pk=failed.pk)
    assert (failed_now.status, failed_now.error, failed_now.attempts, failed_now.expires_at) == (
        "failed",
        "没有成员",
        1,
        None,
    )
    queued_now = RosterExport.objects.get(pk=queued.pk)
    assert (queued_now.status, queued_now.attempts, queued_now.queued_at, queued_now.started_at) == (
        "queued",
        0,
        None,
        None,
    )
    assert Report.objects.get(pk=report.pk).language == settings.LANGUAGE_CODE
    # and the schedule that re-queued reports runs the sweep of every kind, at the interval it had
    sweep = PeriodicTask.objects.get(task="accounts.jobs_requeue_stale")
    assert sweep.interval.every == 3
    assert not PeriodicTask.objects.filter(task="reports.requeue_stale").exists()
