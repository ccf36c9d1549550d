"""The lifecycle every long job shares (accounts.jobs), seen through its two kinds: reports and exports.

Attempts and start times are counted for both kinds; a broker that is down when a job is asked for
loses nothing, and the sweep hands the job over once the broker is back; the sweep takes the stale
jobs of every kind and leaves alone those that are fresh or already handed over. The worker tests
run a real Celery worker on the test's Redis and PostgreSQL, as tests/reports/test_worker.py does.
"""

import datetime
import importlib
import time

import pytest
import redis
from celery import current_app
from celery.contrib.testing.worker import start_worker
from django.apps import apps as django_apps
from django.conf import settings
from django.urls import reverse
from django.utils import timezone, translation
from django_celery_beat.models import PeriodicTask

from accounts import jobs
from accounts.tasks import jobs_requeue_stale
from members.id_number import parse
from members.models import Member, RosterExport
from members.services import roster_export
from reports import services as report_services
from reports.models import Report
from tests.factories import id_number, staff
from tests.pages import client_for, text
from unionportal.celery import app
from unions.models import Role

R = Role.Kind
S = jobs.Job.Status
SWEEP_MIGRATION = "reports.migrations.0008_one_sweep_for_every_job"


@pytest.fixture(autouse=True)
def _media_in_tmp(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def empty_broker():
    """The test's Redis database with no message left over from another test (nor left to the next)."""
    redis.Redis.from_url(settings.REDIS_URL).flushdb()
    assert not app.conf.task_always_eager
    yield
    redis.Redis.from_url(settings.REDIS_URL).flushdb()


@pytest.fixture
def broker_down():
    """The Celery app pointed at a closed port, not eager: what production sees when Redis is down."""
    saved = {k: app.conf[k] for k in ("broker_url", "task_always_eager", "broker_connection_timeout")}
    app.conf.update(broker_url="redis://127.0.0.1:9/0", task_always_eager=False, broker_connection_timeout=1)
    app._pool = app.amqp._producer_pool = None

    def back_up():
        app.conf.update(saved)
        app._pool = app.amqp._producer_pool = None

    yield back_up
    back_up()


def members_in(union, count: int) -> None:
    for i in range(count):
        member = Member(union=union, name=f"成员{i:03d}", mobile=f"139{i:08d}", joined_on=datetime.date(2020, 1, 1))
        member.set_id_number(parse(id_number()))
        member.save()


def queued_export(user, **fields) -> RosterExport:
    fields = {"query": "", "file_format": "csv", "language": "en", **fields}
    return RosterExport.objects.create(requested_by=user, **fields)


def queued_report(union, **fields) -> Report:
    # Made directly, as the monthly schedule's would be, without the request's hand-over on commit.
    return Report.objects.create(
        kind=Report.Kind.MONTHLY_MEMBERSHIP,
        union=union,
        parameters={"month": f"{timezone.localdate():%Y-%m}"},
        reuse_key=f"test:{union.pk}:{fields.get('created_at', '')}",
        **fields,
    )


def wait_until_ended(*records, timeout: float = 30) -> None:
    deadline = time.monotonic() + timeout
    pending = list(records)
    while pending and time.monotonic() < deadline:
        for record in list(pending):
            record.refresh_from_db()
            if not record.in_progress:
                pending.remove(record)
        time.sleep(0.2)
    assert not pending, [(type(r).__name__, r.pk, r.status) for r in pending]


def ago(**delta) -> datetime.datetime:
    return timezone.now() - datetime.timedelta(**delta)


# --- the record ----------------------------------------------------------------------------------
def test_reports_and_exports_are_the_kinds_of_job_and_each_names_a_registered_task():
    kinds = jobs.job_kinds()

    assert Report in kinds and RosterExport in kinds
    app.loader.import_default_modules()
    for kind in kinds:
        assert kind.build_task in current_app.tasks, kind
        assert kind.Status is jobs.Job.Status


def test_an_export_counts_its_attempt_and_keeps_its_start_and_expiry(tree, settings):
    # given a queued export of two members
    settings.ROSTER_FILE_RETENTION_DAYS = 7
    members_in(tree["g1"], 2)
    clerk = staff(R.UNION_CLERK, tree["g1"])
    record = queued_export(clerk)
    assert (record.attempts, record.started_at) == (0, None)

    # when the job runs
    roster_export.export_build(record.pk)

    # then it counted one attempt and kept when it started, finished and until when its file is kept
    record.refresh_from_db()
    assert record.status == S.DONE and record.rows_total == 2
    assert record.attempts == 1
    assert record.created_at <= record.started_at <= record.finished_at
    assert record.expires_at == record.finished_at + datetime.timedelta(days=7)
    assert record.duration == record.finished_at - record.started_at


def test_an_export_left_running_by_a_dead_worker_is_built_again_as_a_second_attempt(tree):
    members_in(tree["g1"], 1)
    clerk = staff(R.UNION_CLERK, tree["g1"])
    # given an export whose first worker died mid-build
    died_at = ago(minutes=30)
    record = queued_export(clerk, status=S.RUNNING, attempts=1, started_at=died_at)

    # when the task is delivered again, and once more after it ended
    roster_export.export_build(record.pk)
    roster_export.export_build(record.pk)

    # then the second delivery built it (a new start time), and the third changed nothing
    record.refresh_from_db()
    assert record.status == S.DONE
    assert record.attempts == 2
    assert record.started_at > died_at


def test_an_ended_job_is_not_started_again(tree):
    clerk = staff(R.UNION_CLERK, tree["g1"])
    for status in (S.DONE, S.FAILED, S.EXPIRED):
        record = queued_export(clerk, status=status, attempts=1)
        assert jobs.job_start(RosterExport, record.pk) is None
        record.refresh_from_db()
        assert (record.status, record.attempts) == (status, 1)


def test_a_failed_export_keeps_its_reason_its_start_and_its_attempt(tree):
    clerk = staff(R.UNION_CLERK, tree["g1"])
    record = queued_export(clerk, query="status=left")  # nobody has left: nothing to export

    roster_export.export_build(record.pk)

    record.refresh_from_db()
    assert record.status == S.FAILED and "No members match" in record.error
    assert record.attempts == 1 and record.started_at <= record.finished_at
    assert record.expires_at is None and not record.file


def test_a_report_is_asked_for_in_the_requesters_language_and_the_schedule_in_the_portals(tree):
    leader = staff(R.LEADER, tree["d1"])

    with translation.override("en"):
        asked = report_services.report_request(
            kind=Report.Kind.MONTHLY_MEMBERSHIP,
            union=tree["d1"],
            params={"month": f"{timezone.localdate():%Y-%m}"},
            by=leader,
        )
        scheduled, *_others = report_services.monthly_reports_request()

    assert asked.language == "en"
    assert scheduled.language == settings.LANGUAGE_CODE


# --- the broker down, the sweep ----------------------------------------------------------------------
@pytest.mark.redis
@pytest.mark.django_db(transaction=True)
def test_a_dead_broker_loses_no_export_and_the_sweep_builds_it_once_the_broker_is_back(
    tree, settings, broker_down, empty_broker
):
    # given a list too long to download at once, and a broker that is down
    settings.ROSTER_EXPORT_SYNC_MAX_ROWS = 2
    members_in(tree["g1"], 3)
    clerk = staff(R.UNION_CLERK, tree["g1"])
    client = client_for(clerk)

    # when the clerk asks for the export
    response = client.post(reverse("members:member_export"), {"format": "csv"})

    # then the request is kept, queued and never handed over, and its page answers
    record = RosterExport.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("members:roster_export_detail", args=[record.pk])
    assert (record.status, record.queued_at, record.attempts) == (S.QUEUED, None, 0)
    page = client.get(response["Location"])
    assert page.status_code == 200 and "Waiting for the background worker" in text(page)

    # and when the broker is back, the periodic sweep (itself a task through the broker) hands it to a worker
    broker_down()
    RosterExport.objects.filter(pk=record.pk).update(created_at=ago(minutes=2))
    with start_worker(app, pool="solo", perform_ping_check=False, shutdown_timeout=30):
        jobs_requeue_stale.delay()
        wait_until_ended(record)

    assert record.status == S.DONE, record.error
    assert record.attempts == 1 and record.queued_at is not None and record.rows_total == 3
    download = client.get(reverse("members:roster_export_download", args=[record.pk]))
    assert download.status_code == 200


@pytest.mark.redis
@pytest.mark.django_db(transaction=True)
def test_the_sweep_hands_over_the_stale_jobs_of_every_kind_and_leaves_the_others(tree, empty_broker):
    # given, of each kind, a job never handed over (broker down) and one whose message was lost long ago
    members_in(tree["g1"], 1)
    clerk = staff(R.UNION_CLERK, tree["g1"])
    never_sent = queued_export(clerk, created_at=ago(minutes=5))
    lost = queued_export(clerk, created_at=ago(hours=1), queued_at=ago(minutes=20))
    report_never_sent = queued_report(tree["d1"], created_at=ago(minutes=5))
    report_lost = queued_report(tree["d2"], created_at=ago(hours=1), queued_at=ago(minutes=6))
    # and jobs the sweep must leave be: just asked for (the hand-over on commit is under way), or
    # handed over recently (the message waits its turn), or already running
    just_asked = queued_export(clerk)
    recently_sent = queued_export(clerk, created_at=ago(hours=1), queued_at=ago(minutes=10))
    report_recently_sent = queued_report(tree["ind"], created_at=ago(hours=1), queued_at=ago(minutes=2))
    running = queued_export(clerk, status=S.RUNNING, attempts=1, created_at=ago(hours=1), started_at=ago(minutes=30))

    # when the sweep runs, with a worker on the queue
    with start_worker(app, pool="solo", perform_ping_check=False, shutdown_timeout=30):
        handed = jobs.jobs_requeue_stale()
        wait_until_ended(never_sent, lost, report_never_sent, report_lost, timeout=60)

    # then the stale jobs of both kinds were handed over once each and built by the worker
    assert handed == {
        "members.RosterExport": 2,
        "cadres.CadreExport": 0,
        "integrity.LetterBatch": 0,
        "reports.Report": 2,
    }
    for record in (never_sent, lost, report_never_sent, report_lost):
        assert record.status == S.DONE, (record, record.error)
        assert record.attempts == 1 and record.queued_at > ago(minutes=1)
    # and the others were not touched
    for record in (just_asked, recently_sent, report_recently_sent, running):
        before = (record.status, record.attempts, record.queued_at)
        record.refresh_from_db()
        assert (record.status, record.attempts, record.queued_at) == before
    assert redis.Redis.from_url(settings.REDIS_URL).llen("celery") == 0


def test_a_broker_down_during_the_sweep_leaves_the_jobs_queued_for_the_next_one(tree, broker_down):
    clerk = staff(R.UNION_CLERK, tree["g1"])
    record = queued_export(clerk, created_at=ago(minutes=5))

    assert jobs.jobs_requeue_stale()["members.RosterExport"] == 0

    record.refresh_from_db()
    assert (record.status, record.queued_at, record.attempts) == (S.QUEUED, None, 0)


# --- the schedule ----------------------------------------------------------------------------------
@pytest.mark.django_db
def test_one_periodic_sweep_runs_every_five_minutes_for_every_kind():
    sweep_migration = importlib.import_module(SWEEP_MIGRATION)
    (sweep,) = PeriodicTask.objects.filter(task=jobs_requeue_stale.name)
    assert sweep.enabled and sweep.interval.every == 5 and sweep.interval.period == "minutes"
    assert sweep.name == sweep_migration.NEW_NAME
    assert not PeriodicTask.objects.filter(task=sweep_migration.OLD_TASK).exists()


@pytest.mark.django_db
def test_the_sweep_schedule_migration_keeps_the_row_and_is_reversible():
    sweep_migration = importlib.import_module(SWEEP_MIGRATION)
    sweep = PeriodicTask.objects.get(task=jobs_requeue_stale.name)
    sweep.interval.every = 3  # a schedule an administrator changed
    sweep.interval.save()

    sweep_migration.to_reports_sweep(django_apps, None)
    old = PeriodicTask.objects.get(pk=sweep.pk)
    assert (old.name, old.task) == (sweep_migration.OLD_NAME, sweep_migration.OLD_TASK)
    sweep_migration.to_one_sweep(django_apps, None)
    sweep_migration.to_one_sweep(django_apps, None)
    new = PeriodicTask.objects.get(pk=sweep.pk)
    assert (new.name, new.task, new.interval.every) == (sweep_migration.NEW_NAME, jobs_requeue_stale.name, 3)
