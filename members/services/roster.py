"""Roster imports: upload, dry run, confirm, import, cancel. Every state change goes through here.

The heavy passes run as jobs (members.tasks) that call ``import_check`` and ``import_execute`` with
the import's ID; both are safe to deliver twice: they act only on an import in the state they expect.
"""

import logging
import tempfile
from datetime import timedelta

from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files import File
from django.db import transaction
from django.db.models import Q
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from accounts import audit
from accounts.models import AuditEvent
from unions.models import Union

from .. import kinds
from ..models import RosterImport, RosterImportRow
from ..permissions import can_import_into
from ..roster import files, importing
from ..roster.files import FileRefused, check_size
from ..storage import DamagedFile, local_copy
from ..tasks import roster_import_check, roster_import_error_file, roster_import_execute

logger = logging.getLogger(__name__)
S = RosterImport.Status


def import_start(*, user, union: Union, upload) -> RosterImport:
    """Keep the uploaded file and queue its dry run. Refuses at once what needs no reading."""
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
            evaluation = importing.dry_run(record)
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
        else:
            left_out = (RosterImportRow.Outcome.ERROR, RosterImportRow.Outcome.TRANSFER)
            _error_file_build(record, {row.number: row.message for row in evaluation.rows if row.outcome in left_out})
    return record


def _delete_file(record: RosterImport) -> None:
    """The upload of an import that can go no further: nothing will read it again."""
    record.file.delete(save=False)
    record.error_file.delete(save=False)
    record.save(update_fields=["file", "error_file"])


# --- the error file -------------------------------------------------------------------------------
ERROR_FILE_STATUSES = (S.CHECKED, S.NOTHING_WRITTEN, S.DONE)


def _error_file_build(record: RosterImport, errors: dict[int, str]) -> None:
    """Make the error file of the rows the pass that just ended left out, in its job: made in the
    web request, a large workbook held a worker for minutes. The file is kept only if the import is
    still in the state this pass left it in and nobody stored another one meanwhile, so that a check
    finishing after the clerk has confirmed cannot replace the import's own file. A failure costs the
    clerk the file, not the import: it is logged and the pass's result stands."""
    previous = record.error_file.name or ""
    if not errors and not previous:
        return
    made, kept = "", 0
    cache.set(_making_key(record.pk), True, ERROR_FILE_MAKING_TIMEOUT)
    try:
        if errors:
            made = _error_file_write(record, errors)
        kept = RosterImport.objects.filter(pk=record.pk, status=record.status, error_file=previous).update(
            error_file=made
        )
    except Exception:
        logger.exception("roster import %s: the error file could not be made", record.pk)
    finally:
        cache.delete(_making_key(record.pk))
    unused = previous if kept else made
    if unused:
        record.error_file.storage.delete(unused)
    if kept:
        record.error_file.name = made


# Set while a pass makes an error file, so that a download asked for meanwhile queues no second one.
ERROR_FILE_MAKING_TIMEOUT = 30 * 60


def _making_key(pk: int) -> str:
    return f"roster-import:{pk}:error-file"


def import_error_file_make(pk: int) -> RosterImport | None:
    """Make a missing error file (job): the pass that ended could not, or the import was checked
    before error files were kept. Safe to deliver twice: a file already made is left alone."""
    record = RosterImport.objects.filter(pk=pk, status__in=ERROR_FILE_STATUSES).first()
    if record is None or record.error_file or not record.file:
        cache.delete(_making_key(pk))
        return record
    with translation.override(record.language):
        _error_file_build(record, importing.error_rows(record))
    return record


def _error_file_write(record: RosterImport, errors: dict[int, str]) -> str:
    """The error file written to the storage (bounded memory: rows are streamed); its name there."""
    field = record.error_file
    with local_copy(record.file) as path, tempfile.TemporaryFile() as out:
        uploaded = files.open_roster(path)
        extension = files.write_error_file(uploaded, errors, out, text_columns=importing.text_columns(uploaded))
        out.seek(0)
        return field.storage.save(field.field.generate_filename(record, f"errors.{extension}"), File(out))


def import_error_file_open(*, record: RosterImport, by) -> tuple[File, str]:
    """The stored error file, opened, and its extension; the download is audited like an export (it
    holds the rows as uploaded, ID numbers included). ValidationError when there is none to give;
    when it is missing but the upload is kept, a job to make it is queued (unless one is at work)."""
    if not can_import_into(by, record.union):
        raise PermissionDenied
    if record.status not in ERROR_FILE_STATUSES or not record.error_count + record.transfer_count:
        raise ValidationError(_("This import left no row out: there is no error file."), code="none")
    if not record.error_file:
        if not record.file:
            raise ValidationError(
                _("The uploaded file is no longer kept, so the error file cannot be made."), code="missing"
            )
        if cache.add(_making_key(record.pk), True, ERROR_FILE_MAKING_TIMEOUT):
            transaction.on_commit(lambda: roster_import_error_file.delay(record.pk))
        raise ValidationError(_("The error file is not ready yet. Please try again in a minute."), code="missing")
    try:
        handle = record.error_file.open("rb")
    except DamagedFile:
        # E.g. the keys it was encrypted with have been retired: a broken download would help nobody.
        raise ValidationError(
            _("The error file can no longer be read. Upload the roster again to have it checked anew."),
            code="missing",
        ) from None
    except FileNotFoundError:
        raise ValidationError(
            _("The uploaded file is no longer kept, so the error file cannot be made."), code="missing"
        ) from None
    extension = "csv" if record.file_format == RosterImport.FileFormat.CSV else "xlsx"
    audit.record(
        kinds.ROSTER_ERRORS_DOWNLOADED,
        actor=by,
        union=record.union,
        target=record,
        detail={"format": extension, "rows": record.error_count + record.transfer_count},
    )
    return handle, extension


def import_confirm(*, record: RosterImport, by, mode: str) -> RosterImport:
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
    left_out = importing.error_rows(record)
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
    # The import checks the rows again against the members recorded now: when that leaves out other
    # rows than the dry run did (or the check's file is missing), the error file is made again.
    errors = importing.error_rows(record)
    if errors != left_out or (errors and not record.error_file):
        with translation.override(record.language):
            _error_file_build(record, errors)
    audit.record(
        kinds.ROSTER_IMPORTED,
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
    """Delete uploaded files and their error files past the retention time: they hold ID numbers.
    The import's record, counts and rows stay."""
    cutoff = (now or timezone.now()) - timedelta(days=settings.ROSTER_FILE_RETENTION_DAYS)
    old = (
        RosterImport.objects.filter(created_at__lte=cutoff)
        .exclude(Q(file="") & Q(error_file=""))
        .exclude(status__in=RosterImport.IN_PROGRESS)
    )
    purged = 0
    for record in old.only("pk", "file", "error_file").iterator():
        record.file.delete(save=False)
        record.error_file.delete(save=False)
        RosterImport.objects.filter(pk=record.pk).update(file="", error_file="")
        purged += 1
    return purged


def _finish(record: RosterImport, status: str, *, problem: str = "") -> None:
    RosterImport.objects.filter(pk=record.pk).update(status=status, problem=problem, finished_at=timezone.now())
    record.status, record.problem = status, problem
