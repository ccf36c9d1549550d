"""One report end to end through Redis and a real Celery worker: request → worker builds → done."""

import time

import pytest
from celery.contrib.testing.worker import start_worker
from django.utils import timezone

from reports import services
from reports.models import Report
from unionportal.celery import app
from unions.models import Role

from ..factories import staff
from .conftest import make_member


@pytest.mark.redis
@pytest.mark.django_db(transaction=True)
def test_a_real_worker_builds_a_requested_report(tree):
    # given members and a leader, and a worker consuming the Redis queue
    for i in range(3):
        make_member(tree["g1"], name=f"成员{i}")
    leader = staff(Role.Kind.LEADER, tree["d1"])
    assert not app.conf.task_always_eager
    with start_worker(app, pool="solo", perform_ping_check=False, shutdown_timeout=30):
        # when the leader asks for the report (queued on commit, through the broker)
        report = services.report_request(
            kind=Report.Kind.MONTHLY_MEMBERSHIP,
            union=tree["d1"],
            params={"month": f"{timezone.localdate():%Y-%m}"},
            by=leader,
        )
        deadline = time.monotonic() + 15
        while time.monotonic() < deadline:
            report.refresh_from_db()
            if not report.in_progress:
                break
            time.sleep(0.2)
    # then the worker built it, with a PDF file
    assert report.status == Report.Status.DONE, (report.error, report.queued_at)
    assert report.queued_at is not None and report.attempts == 1
    with report.file.open("rb") as handle:
        assert handle.read(4) == b"%PDF"
