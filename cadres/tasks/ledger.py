"""Tasks of the ledger part."""

from celery import shared_task
from django.conf import settings
from django.db import DatabaseError
from django.utils import timezone


@shared_task(
    name="cadres.ledger_close_previous_year",
    autoretry_for=(DatabaseError,),
    retry_backoff=True,
    retry_backoff_max=settings.CELERY_TASK_MAX_RETRY_DELAY,
    retry_jitter=True,
    max_retries=5,
)
def ledger_close_previous_year() -> int | None:
    """In January, close last year's ledger (the schedule runs it on 10 January). Any other month it
    does nothing; closing a closed year again changes nothing, so a retry is safe."""
    from ..services.ledger import ledger_year_close

    today = timezone.localdate()
    if today.month != 1:
        return None
    return ledger_year_close(year=today.year - 1, by=None).year
