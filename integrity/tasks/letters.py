"""Tasks of the responsibility letters: building the zip of a node's letters for printing."""

from celery import shared_task
from django.conf import settings
from django.db import DatabaseError

# Every letter is filled and printed to PDF (about a quarter of a second each): 500 letters take
# minutes; the limits leave room and stay under the broker's visibility timeout.
BATCH_SOFT_TIME_LIMIT = 1500
BATCH_TIME_LIMIT = 1560


@shared_task(
    name="integrity.build_letter_batch",
    acks_late=True,
    soft_time_limit=BATCH_SOFT_TIME_LIMIT,
    time_limit=BATCH_TIME_LIMIT,
    autoretry_for=(DatabaseError,),
    retry_backoff=10,
    retry_backoff_max=settings.CELERY_TASK_MAX_RETRY_DELAY,
    max_retries=5,
)
def build_letter_batch(batch_id: int) -> str | None:
    """Build a batch (safe to deliver twice: a finished batch is left alone)."""
    from ..services import letters

    batch = letters.letter_batch_build(batch_id)
    return batch.status if batch else None


@shared_task(name="integrity.expire_letter_batches")
def expire_letter_batches() -> int:
    """Delete the zips past their keeping time (the records stay)."""
    from ..services import letters

    return letters.letter_batches_expire()
