"""One record and one lifecycle for the long jobs a worker builds: documents, exports.

A job is asked for in a request and built by a Celery task; its record says how it goes:
queued → running → done (with a file, until it expires) or failed (with a reason a person can read).
Every kind goes through the same steps, each safe to run twice:

- ``job_enqueue`` hands the job to the broker (call it on commit); when the broker is down the job
  stays queued and ``jobs_requeue_stale`` hands it over again later, so no request is lost;
- ``job_start`` takes the job under a row lock and counts the attempt: a repeated delivery of a job
  that ended changes nothing, and one of a job left running by a dead worker builds it again;
- ``job_finish`` and ``job_fail`` write the outcome, only while the job is running;
- ``jobs_expire`` deletes the files past their expiry and keeps the records.

A job never carries the request that asked for it: the task re-computes what the requester may see
from ``requested_by`` as it is when the job runs.

What differs stays with each kind: the file (its storage and name), the task that builds one
(``build_task``, the task's registered name: this app may not import the apps above it), and how long
a job may wait in the queue before the sweep hands it over again (``requeue_after``).
"""

import logging
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import ClassVar, TypeVar

from celery import current_app
from django.apps import apps
from django.conf import settings
from django.core.files import File
from django.db import models, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from kombu.exceptions import OperationalError as BrokerError

logger = logging.getLogger(__name__)

# A job younger than this may still have its on-commit hand-over ahead of it: the sweep leaves it be.
SWEEP_GRACE = timedelta(minutes=1)
# Jobs handed over per kind in one sweep; the next sweep takes the rest.
SWEEP_BATCH = 500


class Job(models.Model):
    """A long job's record. A concrete kind adds its ``file`` field and sets ``build_task``."""

    class Status(models.TextChoices):
        QUEUED = "queued", _("Queued")
        RUNNING = "running", _("Being built")
        DONE = "done", _("Ready")
        FAILED = "failed", _("Failed")
        EXPIRED = "expired", _("Expired")

    IN_PROGRESS = (Status.QUEUED, Status.RUNNING)

    # The Celery task that builds one job, called with the job's id.
    build_task: ClassVar[str] = ""
    # A job still queued this long after it was handed over never reached a worker: hand it over again.
    requeue_after: ClassVar[timedelta] = timedelta(minutes=5)

    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("requested by"),
    )
    # The requester's language: what the job writes for a person (labels, its error) is in it.
    language = models.CharField(_("language"), max_length=10, default=settings.LANGUAGE_CODE)
    status = models.CharField(_("status"), max_length=16, choices=Status.choices, default=Status.QUEUED)
    # Deliveries that started a build: more than one means a worker died or the task was retried.
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    created_at = models.DateTimeField(_("requested at"), default=timezone.now)
    # When the task was last handed to the broker (None: never, the broker was down).
    queued_at = models.DateTimeField(_("queued at"), null=True, blank=True)
    started_at = models.DateTimeField(_("started at"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)
    error = models.TextField(_("error"), blank=True)
    expires_at = models.DateTimeField(_("expires at"), null=True, blank=True)

    class Meta:
        abstract = True

    @property
    def in_progress(self) -> bool:
        return self.status in self.IN_PROGRESS

    @property
    def duration(self) -> timedelta | None:
        if self.started_at and self.finished_at:
            return self.finished_at - self.started_at
        return None


J = TypeVar("J", bound=Job)


def job_kinds() -> list[type[Job]]:
    """Every concrete kind of job in the installed apps."""
    return [model for model in apps.get_models() if issubclass(model, Job)]


def _task(model: type[Job]):
    # The current app is the portal's (unionportal/__init__.py makes it), as for any shared task;
    # this app may not import the wiring above it.
    app = current_app
    if model.build_task not in app.tasks:
        # Tasks register as their modules are imported; a process that has not imported this kind's
        # (a shell, a web process that only sweeps) loads every app's tasks, as a worker does at start.
        app.loader.import_default_modules()
    return app.tasks[model.build_task]


def job_enqueue(model: type[Job], pk: int) -> bool:
    """Hand the job to the broker. If the broker is down the job stays queued for the sweep: the
    request is never lost and the page that asked answers at once (no retrying while it waits)."""
    try:
        _task(model).apply_async((pk,), retry=False)
    except (BrokerError, OSError) as exc:
        logger.warning("%s %s stays queued: the broker is not reachable (%s)", model.__name__, pk, type(exc).__name__)
        return False
    model.objects.filter(pk=pk, status=Job.Status.QUEUED).update(queued_at=timezone.now())
    return True


def job_requeue_stale(model: type[Job], *, now: datetime | None = None) -> int:
    """Hand over again this kind's jobs still queued: never handed over, or long enough ago that the
    message was lost. Returns how many went to the broker."""
    now = now or timezone.now()
    stale = model.objects.filter(status=Job.Status.QUEUED, created_at__lt=now - SWEEP_GRACE).filter(
        Q(queued_at__isnull=True) | Q(queued_at__lt=now - model.requeue_after)
    )
    pks = list(stale.order_by("created_at").values_list("pk", flat=True)[:SWEEP_BATCH])
    return sum(job_enqueue(model, pk) for pk in pks)


def jobs_requeue_stale(*, now: datetime | None = None) -> dict[str, int]:
    """The sweep over every kind of job (a periodic task): how many of each went to the broker."""
    return {model._meta.label: job_requeue_stale(model, now=now) for model in job_kinds()}


def job_start(model: type[J], pk: int) -> J | None:
    """Take the job for this delivery: running, attempt counted, start time set. None when the job
    is gone or has ended (done, failed, expired): a repeated delivery then changes nothing."""
    with transaction.atomic():
        # ``of``: lock the job's row only, not its requester's.
        job = model.objects.select_for_update(of=("self",)).select_related("requested_by").filter(pk=pk).first()
        if job is None or job.status not in Job.IN_PROGRESS:
            return None
        # RUNNING here means a worker died mid-build and the task came back: build it again.
        job.status, job.started_at, job.error = Job.Status.RUNNING, timezone.now(), ""
        job.attempts += 1
        job.save(update_fields=["status", "started_at", "error", "attempts"])
    return job


def job_fail(job: J, message: str) -> J:
    """End a running job as failed with a reason for the requester (in their language)."""
    with transaction.atomic():
        locked = type(job).objects.select_for_update().get(pk=job.pk)
        if locked.status == Job.Status.RUNNING:
            locked.status, locked.error, locked.finished_at = Job.Status.FAILED, message, timezone.now()
            locked.save(update_fields=["status", "error", "finished_at"])
    return locked


def job_finish(
    job: J,
    *,
    name: str,
    content: File,
    keep_for: timedelta,
    fields: dict | None = None,
    on_done: Callable[[J], None] | None = None,
) -> J:
    """Store the file under ``name`` and end the job done, kept for ``keep_for``.

    Only a running job is finished, once: a delivery that lost the job to another (or finds it
    ended) leaves it alone. ``name`` is the same for every delivery, so a rebuild replaces the file
    a dead worker may have left instead of adding one. ``fields`` are the kind's own results;
    ``on_done`` runs in the same transaction, once, when the job is done.
    """
    with transaction.atomic():
        locked = type(job).objects.select_for_update().get(pk=job.pk)
        if locked.status != Job.Status.RUNNING:
            return locked
        storage = locked.file.storage
        if storage.exists(name):
            storage.delete(name)
        locked.file.name = storage.save(name, content)
        now = timezone.now()
        locked.status, locked.finished_at, locked.expires_at = Job.Status.DONE, now, now + keep_for
        for field, value in (fields or {}).items():
            setattr(locked, field, value)
        locked.save(update_fields=["status", "file", "finished_at", "expires_at", *(fields or {})])
        if on_done is not None:
            on_done(locked)
    return locked


def jobs_expire(model: type[Job], *, now: datetime | None = None) -> int:
    """Delete the files of this kind's jobs past their expiry and mark them expired (the records stay)."""
    now = now or timezone.now()
    expired = 0
    for pk in model.objects.filter(status=Job.Status.DONE, expires_at__lte=now).values_list("pk", flat=True):
        with transaction.atomic():
            job = model.objects.select_for_update().filter(pk=pk, status=Job.Status.DONE).first()
            if job is None:
                continue
            if job.file:
                job.file.delete(save=False)
            job.status = Job.Status.EXPIRED
            job.save(update_fields=["status", "file"])
            expired += 1
    return expired
