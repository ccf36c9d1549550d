"""A task for the worker-kill test only (loaded with ``celery worker -I tests.jobs.slow_tasks``).

It notes each start in the file named by JOBS_TEST_MARKER, sleeps (the window to kill the worker),
then runs the real reminder dispatch, and notes that it finished.
"""

import os
import time

from celery import shared_task

from members.reminders import dispatch_reminders


def _note(line: str) -> None:
    with open(os.environ["JOBS_TEST_MARKER"], "a") as marker:
        marker.write(f"{line} {os.getpid()}\n")


@shared_task(name="tests.jobs.slow_tasks.slow_dispatch")
def slow_dispatch(seconds: int) -> None:
    _note("start")
    time.sleep(seconds)
    dispatch_reminders()
    _note("done")
