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
