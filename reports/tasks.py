"""Report tasks: thin wrappers taking IDs; the services do the work, the tasks own the retries.

The services are imported inside each task: services queue tasks, so tasks must not import services
at module level. Reports that were never picked up are handed over again by every job's sweep
(``accounts.tasks.jobs_requeue_stale``).
"""

from celery import shared_task
from django.conf import settings
from django.db import OperationalError

# WeasyPrint cannot be interrupted politely: the soft limit lets the build mark its report failed,
# the hard limit kills the child process if even that does not return; the worker lives on.
REPORT_SOFT_TIME_LIMIT = getattr(settings, "REPORT_SOFT_TIME_LIMIT", 240)
REPORT_TIME_LIMIT = getattr(settings, "REPORT_TIME_LIMIT", REPORT_SOFT_TIME_LIMIT + 30)


@shared_task(
    name="reports.build",
    soft_time_limit=REPORT_SOFT_TIME_LIMIT,
    time_limit=REPORT_TIME_LIMIT,
    autoretry_for=(OperationalError,),
    retry_backoff=10,
    retry_backoff_max=settings.CELERY_TASK_MAX_RETRY_DELAY,
    max_retries=5,
)
def report_build_task(report_id: int) -> str | None:
    from . import services

    report = services.report_build(report_id=report_id)
    return report.status if report else None


@shared_task(name="reports.build_monthly")
def build_monthly_reports() -> int:
    """On the 1st (beat): last month's report for the city, every district and industry union."""
    from . import services

    return len(services.monthly_reports_request())


@shared_task(name="reports.expire")
def expire_reports() -> int:
    from . import services

    return services.reports_expire()


@shared_task(
    name="reports.refresh_tallies",
    autoretry_for=(OperationalError,),
    retry_backoff=10,
    retry_backoff_max=settings.CELERY_TASK_MAX_RETRY_DELAY,
    max_retries=5,
)
def refresh_tallies(union_ids: list[int] | None = None) -> int:
    """The dashboards' summary data of these unions (all when None). Safe to run twice."""
    from . import tallies

    return tallies.refresh(union_ids)
