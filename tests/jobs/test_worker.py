"""Real workers against Redis: the reminder run end to end, and a worker killed mid-task.

With Redis, a message taken by a worker stays in the broker unacknowledged (acks_late) until the
task finishes. What brings it back after a crash depends on what died:
- a prefork *child* killed: the parent sees the child lost and, with task_reject_on_worker_lost,
  gives the message back at once;
- the whole worker process killed (SIGKILL, nothing can run): the message stays in Redis's unacked
  set; kombu puts it back on the queue once it is older than the visibility timeout, when a worker
  starts polling (a sweep at start) or in its periodic sweep (about every 100 s by default). With the
  production timeout (3600 s) that is an hour later, so the kill test gives its workers a short
  CELERY_VISIBILITY_TIMEOUT and starts the second worker after it has passed.
"""

import json
import os
import re
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
import redis
from celery import Celery
from celery.contrib.testing.worker import start_worker
from celery.signals import before_task_publish
from django.conf import settings
from django.core import mail
from django.db import connection

from accounts.models import Notification
from members import kinds as members_kinds
from members.tasks import dispatch_reminders
from tests.factories import staff
from unionportal.celery import app
from unions.models import Role

from .conftest import pending_application

R = Role.Kind
ID_OR_PHONE = re.compile(r"(?<!\d)(\d{17}[\dXx]|\d{15}|1[3-9]\d{9})(?!\d)")


def wait_for(condition, timeout: float, what: str) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(0.2)
    pytest.fail(f"timed out waiting for {what}")


@pytest.mark.redis
def test_a_real_worker_runs_the_reminders_end_to_end_and_the_messages_hold_no_personal_data(transactional_db, tree):
    # given a clerk and an application four days old (the applicant has a phone and an ID number)
    clerk = staff(R.UNION_CLERK, tree["g1"])
    application = pending_application(tree["g1"], 4)
    published = []

    def capture(body=None, headers=None, **kwargs):
        published.append(json.dumps({"body": body, "headers": headers}, default=str))

    before_task_publish.connect(capture, weak=False)
    app.control.purge()
    try:
        with start_worker(app, pool="solo", perform_ping_check=False, shutdown_timeout=20):
            # when the daily task is queued through Redis
            dispatch_reminders.delay()
            # then the worker makes the reminder and its e-mail job sends the copy
            wait_for(
                lambda: Notification.objects.filter(recipient=clerk, email_pending=False).exists(),
                30,
                "the reminder and its e-mail",
            )
            wait_for(lambda: len(mail.outbox) == 1, 10, "one e-mail")
    finally:
        before_task_publish.disconnect(capture)
    note = Notification.objects.get(recipient=clerk)
    assert note.kind == members_kinds.REMINDER_APPLICATION_PENDING
    assert mail.outbox[0].to == [clerk.email]
    # both messages went through the broker: the run and the e-mail job, with IDs only
    assert len(published) == 2
    for message in published:
        assert not ID_OR_PHONE.search(message), message
        assert application.applicant.phone not in message
        assert application.name not in message


def _worker(env: dict, log: Path) -> subprocess.Popen:
    command = [
        str(Path(sys.executable).parent / "celery"),
        "-A",
        "unionportal",
        "worker",
        "--pool=solo",
        "-I",
        "tests.jobs.slow_tasks",
        "--without-mingle",
        "--without-gossip",
        "-l",
        "info",
    ]
    return subprocess.Popen(  # noqa: S603
        command, env=env, cwd=settings.BASE_DIR, stdout=log.open("ab"), stderr=subprocess.STDOUT
    )


@pytest.mark.redis
@pytest.mark.postgres
def test_a_worker_killed_mid_task_gets_the_task_redelivered_and_reminds_once(transactional_db, tree, tmp_path):
    # given a due application and a worker (its own Redis database, the test database, mail to files)
    clerk = staff(R.UNION_CLERK, tree["g1"])
    pending_application(tree["g1"], 4)
    # The test's own Redis database (REDIS_URL), emptied: a fixed number could be another run's.
    broker_url = settings.REDIS_URL
    redis.Redis.from_url(broker_url).flushdb()
    db = connection.settings_dict
    marker = tmp_path / "marker.txt"
    marker.touch()
    mail_dir = tmp_path / "mail"
    mail_dir.mkdir()
    env = {
        **os.environ,
        "REDIS_URL": broker_url,
        "DATABASE_URL": f"postgres://{db['USER']}:{db['PASSWORD'] or ''}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}",
        "EMAIL_URL": f"filemail:///{mail_dir}",  # django-environ drops one leading slash
        "CELERY_VISIBILITY_TIMEOUT": "5",
        "JOBS_TEST_MARKER": str(marker),
    }
    # Not made the current app: the portal's app stays the one that queues in the tests after this one.
    sender = Celery(broker=broker_url, set_as_current=False)
    first = _worker(env, tmp_path / "worker1.log")
    second = None
    try:
        sender.send_task("tests.jobs.slow_tasks.slow_dispatch", args=[15], serializer="json")
        wait_for(lambda: "start" in marker.read_text(), 60, "the task to start")

        # when the worker is killed while the task sleeps
        os.kill(first.pid, signal.SIGKILL)
        first.wait(10)
        assert "done" not in marker.read_text()
        assert not Notification.objects.filter(recipient=clerk).exists()

        # then a worker started after the visibility timeout has passed restores the unacknowledged
        # message as it starts polling (kombu's on_poll_init sweep), runs it again and finishes it
        time.sleep(int(env["CELERY_VISIBILITY_TIMEOUT"]) + 1)
        second = _worker(env, tmp_path / "worker2.log")
        wait_for(lambda: "done" in marker.read_text(), 90, "the redelivered task to finish")
        wait_for(
            lambda: Notification.objects.filter(recipient=clerk, email_pending=False).exists(),
            30,
            "the e-mail job",
        )
    finally:
        for worker in (first, second):
            if worker is not None and worker.poll() is None:
                worker.terminate()
                worker.wait(20)
        # Nothing of this test's (the short visibility timeout's redeliveries) is left to the next.
        redis.Redis.from_url(broker_url).flushdb()
    lines = marker.read_text().split()
    assert lines.count("start") == 2 and lines.count("done") == 1
    assert Notification.objects.filter(recipient=clerk).count() == 1
    sent = [line for path in mail_dir.iterdir() for line in path.read_text().splitlines() if line.startswith("To: ")]
    assert sent == [f"To: {clerk.email}"]
