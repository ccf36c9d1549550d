"""Background jobs of the accounts app: thin wrappers that take IDs and own the retries."""

from smtplib import SMTPException

from celery import shared_task
from django.conf import settings
from django.db import DatabaseError

from .notify import notification_send_emails


@shared_task(
    autoretry_for=(SMTPException, OSError, DatabaseError),
    retry_backoff=True,
    retry_backoff_max=settings.CELERY_TASK_MAX_RETRY_DELAY,
    retry_jitter=True,
    max_retries=8,
)
def send_notification_emails(notification_ids: list[int]) -> int:
    """Send the e-mail copies still owed for these notifications; what was sent is never sent again."""
    return notification_send_emails(notification_ids=notification_ids)


@shared_task(name="accounts.jobs_requeue_stale")
def jobs_requeue_stale() -> dict[str, int]:
    """Every few minutes (beat): hand to the broker again the jobs of every kind that never reached
    a worker (the broker was down when they were asked for, or lost the message)."""
    from . import jobs

    return jobs.jobs_requeue_stale()
