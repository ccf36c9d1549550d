"""Roster imports: upload, dry run, confirm, import, cancel. Every state change goes through here.

The heavy passes run as jobs (members.tasks) that call ``import_check`` and ``import_execute`` with
the import's ID; both are safe to deliver twice: they act only on an import in the state they expect.
"""

import logging
from datetime import timedelta

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from accounts import audit
from accounts.models import AuditEvent
from accounts.roles import MEMBER_STAFF_KINDS
from accounts.scope import covers

from ..models import RosterImport, Union
from ..roster import importing
from ..roster.files import FileRefused, check_size

logger = logging.getLogger(__name__)
S = RosterImport.Status


def can_import_into(user, union: Union) -> bool:
    return covers(user, union.path, MEMBER_STAFF_KINDS)


def import_start(*, user, union: Union, upload) -> RosterImport:
    """Keep the uploaded file and queue its dry run. Refuses at once what needs no reading."""
    from ..tasks import roster_import_check

    if not can_import_into(user, union):
        raise PermissionDenied
    if union.is_closed:
        raise ValidationError(_("%(name)s is closed: members cannot be imported into it.") % {"name": union.name})
    try:
        check_size(upload.size)
    except FileRefused as exc:
        raise ValidationError(str(exc)) from None
    record = RosterImport(
        union=union,
        created_by=user,
        original_name=(upload.name or "roster")[:200],
        language=translation.get_language() or "zh-hans",
    )
    record.file.save("upload", upload, save=False)
    record.save()
    transaction.on_commit(lambda: roster_import_check.delay(record.pk))
    return record


def _locked(pk: int) -> RosterImport | None:
    return RosterImport.objects.select_for_update().filter(pk=pk).first()


def import_check(pk: int) -> RosterImport | None:
    """The dry run (job). Nothing but the import's own record and rows is written."""
    record = RosterImport.objects.filter(pk=pk, status=S.CHECKING).first()
    if record is None:
        return None
    with translation.override(record.language):
        try:
            importing.dry_run(record)
        except FileRefused as exc:
            _finish(record, S.REFUSED, problem=str(exc))
            _delete_file(record)
        except importing.ImportCancelled:
            _finish(record, S.CANCELLED)
        except Exception:
            # Never left "being checked" for ever: the clerk sees it failed and may upload again.
            logger.exception("roster import %s: the check failed", pk)
            _finish(
                record,
                S.FAILED,
                problem=_("The check failed and nothing was written. Please upload the file again later."),
            )
            _delete_file(record)
            raise
    return record


def _delete_file(record: RosterImport) -> None:
    """The upload of an import that can go no further: nothing will read it again."""
    record.file.delete(save=False)
    record.save(update_fields=["file"])


def import_confirm(*, record: RosterImport, by, mode: str) -> RosterImport:
    from ..tasks import roster_import_execute

    if mode not in RosterImport.Mode.values:
        raise ValidationError(_("Choose how to import: all or nothing, or the valid rows only."))
    with transaction.atomic():
        locked = _locked(record.pk)
        if locked is None or not can_import_into(by, locked.union):
            raise PermissionDenied
        if locked.status != S.CHECKED:
            raise ValidationError(_("This import is not waiting for confirmation."))
        locked.mode, locked.status, locked.confirmed_at = mode, S.IMPORTING, timezone.now()
        locked.confirmed_by = by
        locked.language = translation.get_language() or locked.language
        locked.save(update_fields=["mode", "status", "confirmed_at", "confirmed_by", "language"])
        transaction.on_commit(lambda: roster_import_execute.delay(locked.pk))
    return locked


def import_execute(pk: int) -> RosterImport | None:
    """The import (job): all of it in one transaction, or nothing."""
    record = (
        RosterImport.objects.filter(pk=pk, status=S.IMPORTING)
        .select_related("created_by", "confirmed_by", "union")
        .first()
    )
    if record is None:
        return None
    with translation.override(record.language):
        try:
            importing.run(record, by=record.confirmed_by or record.created_by)
        except importing.ImportCancelled:
            _finish(record, S.CANCELLED)
            return record
        except FileRefused as exc:
            _finish(record, S.FAILED, problem=str(exc))
            return record
        except Exception:
            logger.exception("roster import %s failed", pk)
            _finish(record, S.FAILED, problem=_("The import failed and nothing was written. Please try again later."))
            raise
    record.refresh_from_db()
    audit.record(
        AuditEvent.Action.ROSTER_IMPORTED,
        actor=record.confirmed_by or record.created_by,
        union=record.union,
        target=record,
        result=AuditEvent.Result.SUCCESS if record.status == S.DONE else AuditEvent.Result.FAILURE,
        detail={
            "mode": record.mode,
            "rows": record.rows_total,
            "new": record.new_count if record.status == S.DONE else 0,
            "updated": record.updated_count if record.status == S.DONE else 0,
            "errors": record.error_count,
            "transfer_candidates": record.transfer_count,
        },
    )
    return record


def import_cancel(*, record: RosterImport, by) -> RosterImport:
    """Stop an import: a running pass stops at its next batch and rolls back; a checked one is closed."""
    with transaction.atomic():
        locked = _locked(record.pk)
        if locked is None or not can_import_into(by, locked.union):
            raise PermissionDenied
        if locked.status == S.CHECKED:
            locked.status, locked.finished_at = S.CANCELLED, timezone.now()
            locked.save(update_fields=["status", "finished_at"])
        elif locked.status in RosterImport.IN_PROGRESS:
            locked.cancel_requested = True
            locked.save(update_fields=["cancel_requested"])
        else:
            raise ValidationError(_("This import has already ended."))
    return locked


def imports_purge(*, now=None) -> int:
    """Delete uploaded files past the retention time: they hold ID numbers in clear. The import's
    record, counts and rows stay; only the error file can no longer be made."""
    cutoff = (now or timezone.now()) - timedelta(days=settings.ROSTER_FILE_RETENTION_DAYS)
    old = (
        RosterImport.objects.filter(created_at__lte=cutoff)
        .exclude(file="")
        .exclude(status__in=RosterImport.IN_PROGRESS)
    )
    purged = 0
    for record in old.only("pk", "file").iterator():
        record.file.delete(save=False)
        RosterImport.objects.filter(pk=record.pk).update(file="")
        purged += 1
    return purged


def _finish(record: RosterImport, status: str, *, problem: str = "") -> None:
    RosterImport.objects.filter(pk=record.pk).update(status=status, problem=problem, finished_at=timezone.now())
    record.status, record.problem = status, problem
