"""Background jobs of the members app: thin wrappers that take IDs and own the retries."""

from celery import shared_task
from django.conf import settings
from django.db import DatabaseError

from .reminders import dispatch_reminders as dispatch


@shared_task(
    autoretry_for=(DatabaseError,),
    retry_backoff=True,
    retry_backoff_max=settings.CELERY_TASK_MAX_RETRY_DELAY,
    retry_jitter=True,
    max_retries=5,
)
def dispatch_reminders() -> dict[str, int]:
    """The daily run (django-celery-beat, see the schedule migration). Safe to run again."""
    result = dispatch()
    return {
        "applications": result.applications,
        "escalations": result.escalations,
        "transfers": result.transfers,
        "messages": result.messages,
        "emails_queued": result.emails_queued,
    }


# A roster of the largest size allowed takes a minute or two; the limits leave room, and stay well
# under the broker's visibility timeout so that a task is never handed out twice while it runs.
ROSTER_SOFT_TIME_LIMIT = 1200
ROSTER_TIME_LIMIT = 1260


@shared_task(name="members.roster_import_check", soft_time_limit=ROSTER_SOFT_TIME_LIMIT, time_limit=ROSTER_TIME_LIMIT)
def roster_import_check(import_id: int) -> str | None:
    from .services import roster

    record = roster.import_check(import_id)
    return record.status if record else None


@shared_task(name="members.roster_import_execute", soft_time_limit=ROSTER_SOFT_TIME_LIMIT, time_limit=ROSTER_TIME_LIMIT)
def roster_import_execute(import_id: int) -> str | None:
    from .services import roster

    record = roster.import_execute(import_id)
    return record.status if record else None


@shared_task(
    name="members.roster_import_error_file", soft_time_limit=ROSTER_SOFT_TIME_LIMIT, time_limit=ROSTER_TIME_LIMIT
)
def roster_import_error_file(import_id: int) -> bool:
    """Make an import's missing error file (safe to deliver twice: a file already made is kept)."""
    from .services import roster

    record = roster.import_error_file_make(import_id)
    return bool(record and record.error_file)


@shared_task(
    name="members.roster_export_build",
    soft_time_limit=ROSTER_SOFT_TIME_LIMIT,
    time_limit=ROSTER_TIME_LIMIT,
    autoretry_for=(DatabaseError,),
    retry_backoff=10,
    retry_backoff_max=settings.CELERY_TASK_MAX_RETRY_DELAY,
    max_retries=5,
)
def roster_export_build(export_id: int) -> str | None:
    """Build a large member export (safe to deliver twice: a finished export is left alone)."""
    from .services import roster_export

    record = roster_export.export_build(export_id)
    return record.status if record else None


@shared_task(name="members.roster_files_purge")
def roster_files_purge() -> dict[str, int]:
    """Daily (beat): delete uploaded rosters and built exports past ROSTER_FILE_RETENTION_DAYS (the
    records stay). Exports the broker never took are handed over by every job's sweep
    (``accounts.tasks.jobs_requeue_stale``)."""
    from .services import roster, roster_export

    return {"exports": roster_export.exports_expire(), "imports": roster.imports_purge()}
