"""Tasks of the exports part: building a large export of cadres or of the hours ledger."""

from celery import shared_task
from django.conf import settings
from django.db import DatabaseError

# A city's cadres and ledger take seconds; the limits leave room and stay well under the broker's
# visibility timeout, so that a task is never handed out twice while it runs.
EXPORT_SOFT_TIME_LIMIT = 600
EXPORT_TIME_LIMIT = 660


@shared_task(
    name="cadres.export_build",
    soft_time_limit=EXPORT_SOFT_TIME_LIMIT,
    time_limit=EXPORT_TIME_LIMIT,
    autoretry_for=(DatabaseError,),
    retry_backoff=10,
    retry_backoff_max=settings.CELERY_TASK_MAX_RETRY_DELAY,
    max_retries=5,
)
def export_build(export_id: int) -> str | None:
    """Build a large export (safe to deliver twice: a finished export is left alone)."""
    from ..services import sheets

    record = sheets.export_build(export_id)
    return record.status if record else None
