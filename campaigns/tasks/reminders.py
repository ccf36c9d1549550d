from celery import shared_task
from django.conf import settings
from django.db import DatabaseError


@shared_task(
    name="campaigns.dispatch_reminders",
    autoretry_for=(DatabaseError,),
    retry_backoff=True,
    retry_backoff_max=settings.CELERY_TASK_MAX_RETRY_DELAY,
    retry_jitter=True,
    max_retries=5,
)
def dispatch_reminders() -> dict[str, int]:
    """The daily run (django-celery-beat, see the schedule migration). Safe to run again."""
    from ..reminders import dispatch

    return dispatch()
