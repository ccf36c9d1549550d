"""Spreadsheets in and out of the cadres app: attendance sheets, cadre profile imports, exports.

Every write and state change of the sheets part goes through here. The reading and writing of the
files is ``cadres.sheets`` (on the member roster's machinery); these functions check who may, lock,
write in one transaction, and audit.

- An attendance sheet is checked first (``attendance_sheet_check``: counts and row errors, nothing
  written), then imported on confirmation (``attendance_sheet_import``), all or nothing or the valid
  rows only. The same file (by SHA-256) is imported once per class; a day already recorded is updated.
  The flow itself (``SheetFlow``, ``sheet_check``, ``sheet_import``, ``sheet_discard``) is shared with
  warning education's sessions (``integrity.services.education``).
- A cadre profile import is checked (``cadre_import_check``), then confirmed (``cadre_import_confirm``):
  existing cadres found by mobile are updated, the others created, within the importer's scope.
- An export (``export_request``) of up to ``EXPORT_SYNC_MAX_ROWS`` rows is written while the user
  waits; a larger one is a ``CadreExport`` job (``export_build``, task ``cadres.export_build``).
"""

import logging
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta

from celery.exceptions import SoftTimeLimitExceeded
from django.core.cache import cache
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files import File
from django.db import IntegrityError, transaction
from django.db.models import QuerySet
from django.http import QueryDict
from django.utils import timezone, translation
from django.utils.crypto import salted_hmac
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts import audit, jobs
from accounts.models import AuditEvent
from members.roster.files import check_size, write_error_file
from unions.models import Union
from unions.scope import scope_paths

from .. import kinds, selectors
from ..ledger import ledger_rows, node_cadres
from ..models import AttendanceSheet, Cadre, CadreExport, CadreImport, TrainingClass
from ..permissions import CADRE_STAFF_KINDS, can_manage, is_cadre_officer
from ..sheets import attendance, exporting, profiles
from ..sheets.columns import ATTENDANCE_COLUMNS, PROFILE_COLUMNS
from ..sheets.reading import FileRefused, open_sheet, saved_upload

logger = logging.getLogger(__name__)

# The checked rows of an attendance sheet wait this long for the confirmation.
CHECKED_TIMEOUT = 24 * 3600
EXPORT_SYNC_MAX_ROWS = 2000
EXPORT_KEEP = timedelta(days=7)
PROGRESS_TIMEOUT = 24 * 3600
# Query parameters that are not the list's filters.
NOT_FILTERS = ("page", "full_mobiles", "csrfmiddlewaretoken")
# Kept in a stored export's query: the requester asked for full mobiles.
FULL_MOBILES = "full_mobiles"


def _messages(exc: Exception) -> str:
    return " ".join(exc.messages) if isinstance(exc, ValidationError) else str(exc)


# === attendance sheets, any kind =================================================================
@dataclass(frozen=True)
class SheetFlow:
    """One kind of attendance sheet, checked then confirmed: the training class's, a warning education
    session's. The sheet record (``model``) has the fields of ``AttendanceSheet``: sha256,
    original_name, status (checked, imported, refused), rows_total, imported_count, error_count, errors,
    uploaded_by, uploaded_at, and a constraint keeping one imported file per owner.

    ``evaluate(sheet, owner, visible_cadres)`` reads the rows (``cadres.sheets.matching``); ``plain`` and
    ``from_plain`` keep the valid rows between the check and the confirmation; ``still(owner, rows)``
    gives the ``target_id`` of the rows still good at the confirmation; ``write(record, rows)`` writes."""

    key: str
    model: type
    owner_field: str
    columns: tuple
    max_rows: int
    evaluate: Callable
    plain: Callable
    from_plain: Callable
    write: Callable
    still: Callable
    gone_message: str
    changed_message: str
    raced_message: str


def _checked_key(pk: int, key: str = "cadres:attendance-sheet") -> str:
    return f"{key}:{pk}:rows"


def _already_imported(flow: SheetFlow, owner, sha256: str) -> None:
    earlier = (
        flow.model.objects.filter(**{flow.owner_field: owner}, sha256=sha256, status="imported")
        .select_related("uploaded_by")
        .first()
    )
    if earlier is not None:
        raise ValidationError(
            _("This sheet was imported on %(at)s by %(who)s; nothing was counted again.")
            % {
                "at": timezone.localtime(earlier.uploaded_at).strftime("%Y-%m-%d %H:%M"),
                "who": earlier.uploaded_by.name or earlier.uploaded_by.get_username(),
            },
            code="duplicate",
        )


def sheet_check(flow: SheetFlow, *, owner, upload, visible_cadres: QuerySet, by):
    """Read and check a sheet (the dry run): stores the record with the counts and row errors, keeps
    the valid rows for the confirmation, writes no attendance. A file refused as a whole, or one
    imported before for this owner (same SHA-256), raises ValidationError. The caller checks who may."""
    try:
        with saved_upload(upload) as (path, sha256):
            _already_imported(flow, owner, sha256)
            sheet = open_sheet(path, flow.columns, max_rows=flow.max_rows)
            rows = flow.evaluate(sheet, owner, visible_cadres)
    except FileRefused as exc:
        raise ValidationError(str(exc), code="refused") from None
    if not rows:
        raise ValidationError(_("The file has a header row but no rows below it."), code="empty")
    errors = [{"row": row.number, "message": row.message} for row in rows if row.errors]
    record = flow.model.objects.create(
        **{flow.owner_field: owner},
        sha256=sha256,
        original_name=(upload.name or "sheet")[:200],
        rows_total=len(rows),
        error_count=len(errors),
        errors=errors,
        uploaded_by=by,
    )
    cache.set(_checked_key(record.pk, flow.key), flow.plain(rows), CHECKED_TIMEOUT)
    return record


def sheet_import(flow: SheetFlow, *, sheet, owner, mode: str, open_check: Callable | None = None):
    """Import a checked sheet's rows: all or nothing (any error writes nothing), or the valid rows
    only. Call within a transaction, the owner locked and who may checked. Refused when the sheet is
    not waiting, ``open_check(owner)`` refuses, or the same file was imported for the owner since.
    Returns the record, saved as imported; the caller audits."""
    if mode not in CadreImport.Mode.values:
        raise ValidationError(_("Choose how to import: all or nothing, or the valid rows only."), code="mode")
    locked = flow.model.objects.select_for_update().get(pk=sheet.pk)
    if locked.status != "checked":
        raise ValidationError(_("This sheet is not waiting for confirmation."), code="state")
    if open_check is not None:
        open_check(owner)
    _already_imported(flow, owner, locked.sha256)
    checked = cache.get(_checked_key(locked.pk, flow.key))
    if checked is None:
        raise ValidationError(
            _("The check of this sheet has expired: upload the sheet again to have it checked anew."), code="expired"
        )
    if mode == CadreImport.Mode.ALL_OR_NOTHING and locked.error_count:
        raise ValidationError(
            _(
                "Nothing was written: the sheet has %(n)d rows with errors. Correct them and upload it again, "
                "or import the valid rows only."
            )
            % {"n": locked.error_count},
            code="errors",
        )
    rows = flow.from_plain(checked)
    # A row whose match is gone since the check (an enrolment cancelled...) is left out, and said so.
    still = set(flow.still(owner, rows))
    gone = [row for row in rows if row.target_id not in still]
    if gone and mode == CadreImport.Mode.ALL_OR_NOTHING:
        raise ValidationError(str(flow.changed_message), code="changed")
    written_rows = [row for row in rows if row.target_id in still]
    errors = list(locked.errors) + [{"row": row.number, "message": str(flow.gone_message)} for row in gone]
    try:
        with transaction.atomic():
            written = flow.write(locked, written_rows)
            locked.status, locked.imported_count = "imported", written
            locked.errors, locked.error_count = sorted(errors, key=lambda e: e["row"]), len(errors)
            locked.save(update_fields=["status", "imported_count", "errors", "error_count"])
    except IntegrityError:
        # Another confirmation of the same file won the race: the constraint keeps it once.
        locked.refresh_from_db()
        locked.status = "refused"
        locked.save(update_fields=["status"])
        raise ValidationError(str(flow.raced_message), code="duplicate") from None
    cache.delete(_checked_key(locked.pk, flow.key))
    return locked


def sheet_discard(flow: SheetFlow, *, sheet):
    """Drop a checked sheet that will not be imported. The caller checks who may."""
    with transaction.atomic():
        locked = flow.model.objects.select_for_update().get(pk=sheet.pk)
        if locked.status != "checked":
            raise ValidationError(_("This sheet is not waiting for confirmation."), code="state")
        locked.status = "refused"
        locked.save(update_fields=["status"])
    cache.delete(_checked_key(locked.pk, flow.key))
    return locked


# === a training class's attendance sheets =========================================================
def _class_open_for_sheets(training_class: TrainingClass) -> None:
    if training_class.status == TrainingClass.Status.FINISHED:
        raise ValidationError(
            _("The class is finished and its hours are credited: attendance can no longer change."), code="finished"
        )
    if training_class.status == TrainingClass.Status.CANCELLED:
        raise ValidationError(_("The class is cancelled: it takes no attendance."), code="cancelled")


def _enrolments_still(training_class: TrainingClass, rows) -> set[int]:
    return set(
        training_class.enrolments.filter(pk__in={row.target_id for row in rows})
        .exclude(status="cancelled")
        .values_list("pk", flat=True)
    )


ATTENDANCE_FLOW = SheetFlow(
    key="cadres:attendance-sheet",
    model=AttendanceSheet,
    owner_field="training_class",
    columns=ATTENDANCE_COLUMNS,
    max_rows=attendance.MAX_ROWS,
    evaluate=attendance.evaluate,
    plain=attendance.plain,
    from_plain=attendance.from_plain,
    write=attendance.write,
    still=_enrolments_still,
    gone_message=gettext_lazy("The enrolment was cancelled after the check."),
    changed_message=gettext_lazy("Enrolments changed since the check: upload the sheet again to have it checked anew."),
    raced_message=gettext_lazy("This sheet has just been imported for the class."),
)


def attendance_sheet_check(*, training_class: TrainingClass, upload, by) -> AttendanceSheet:
    """Read and check a sheet (the dry run): stores the counts and row errors, writes no attendance.
    A file refused as a whole, or one imported before for this class, raises ValidationError."""
    if not can_manage(by, training_class.organiser):
        raise PermissionDenied
    _class_open_for_sheets(training_class)
    return sheet_check(
        ATTENDANCE_FLOW, owner=training_class, upload=upload, visible_cadres=selectors.cadres_visible_to(by), by=by
    )


@transaction.atomic
def attendance_sheet_import(*, sheet: AttendanceSheet, mode: str, by) -> AttendanceSheet:
    """Import a checked sheet's rows: all or nothing (any error writes nothing), or the valid rows
    only. Refused when the class has finished, or the same file was imported for the class since."""
    if mode not in CadreImport.Mode.values:
        raise ValidationError(_("Choose how to import: all or nothing, or the valid rows only."), code="mode")
    training_class = TrainingClass.objects.select_for_update().get(pk=sheet.training_class_id)
    if not can_manage(by, training_class.organiser):
        raise PermissionDenied
    locked = sheet_import(
        ATTENDANCE_FLOW, sheet=sheet, owner=training_class, mode=mode, open_check=_class_open_for_sheets
    )
    audit.record(
        kinds.ATTENDANCE_IMPORTED,
        actor=by,
        union=training_class.organiser,
        target=locked,
        detail={"class": training_class.pk, "mode": mode, "rows": locked.rows_total, "imported": locked.imported_count},
    )
    return locked


def attendance_sheet_discard(*, sheet: AttendanceSheet, by) -> AttendanceSheet:
    """Drop a checked sheet that will not be imported."""
    if not can_manage(by, sheet.training_class.organiser):
        raise PermissionDenied
    return sheet_discard(ATTENDANCE_FLOW, sheet=sheet)


# === cadre profile imports =========================================================================
def _manages(user):
    paths = scope_paths(user, CADRE_STAFF_KINDS)
    return lambda path: any(path.startswith(root) for root in paths)


def _evaluate_import(record: CadreImport, by) -> tuple[profiles.Evaluation, object]:
    with record.file.open("rb") as stored, tempfile.NamedTemporaryFile(prefix="cadre-import-") as copy:
        for chunk in stored.chunks():
            copy.write(chunk)
        copy.flush()
        sheet = open_sheet(copy.name, PROFILE_COLUMNS, max_rows=profiles.MAX_ROWS)
        evaluation = profiles.evaluate(sheet, record.union, manages=_manages(by))
    if not evaluation.rows:
        raise FileRefused(_("The file has a header row but no cadres below it."))
    return evaluation


def _store_evaluation(record: CadreImport, evaluation: profiles.Evaluation) -> None:
    counts = evaluation.counts
    record.rows_total = len(evaluation.rows)
    record.new_count, record.updated_count = counts[profiles.NEW], counts[profiles.UPDATED]
    record.error_count = counts[profiles.ERROR]
    record.errors = [
        {"row": row.number, "name": row.name, "message": row.message} for row in evaluation.rows if row.errors
    ]
    record.problem = "\n".join(evaluation.notices)


def _write_error_file(record: CadreImport) -> None:
    """The rows with errors as they were in the file, with an error column (the roster's writer)."""
    if record.error_file:
        record.error_file.delete(save=False)
    if not record.error_count:
        return
    messages = {entry["row"]: entry["message"] for entry in record.errors}
    with (
        record.file.open("rb") as stored,
        tempfile.NamedTemporaryFile(prefix="cadre-import-") as copy,
        tempfile.TemporaryFile() as out,
    ):
        for chunk in stored.chunks():
            copy.write(chunk)
        copy.flush()
        sheet = open_sheet(copy.name, PROFILE_COLUMNS, max_rows=profiles.MAX_ROWS)
        mobile = sheet.headers.positions.get("mobile")
        extension = write_error_file(
            sheet.roster, messages, out, text_columns={mobile} if mobile is not None else set()
        )
        out.seek(0)
        record.error_file.save(f"errors.{extension}", File(out), save=False)


def cadre_import_check(*, union: Union, upload, by) -> CadreImport:
    """Keep the file and check it (the dry run): counts, row errors and the error file; no cadre is
    written. A file refused as a whole gives a REFUSED import saying why."""
    if not can_manage(by, union):
        raise PermissionDenied
    record = CadreImport(
        union=union,
        created_by=by,
        original_name=(upload.name or "cadres")[:200],
        language=translation.get_language() or "zh-hans",
    )
    try:
        check_size(upload.size)
    except FileRefused as exc:
        raise ValidationError(str(exc), code="refused") from None
    record.file.save("upload", upload, save=False)
    record.save()
    try:
        evaluation = _evaluate_import(record, by)
    except FileRefused as exc:
        record.status, record.problem = CadreImport.Status.REFUSED, str(exc)
        record.file.delete(save=False)
        record.save(update_fields=["status", "problem", "file"])
        return record
    _store_evaluation(record, evaluation)
    _write_error_file(record)
    record.save()
    return record


@transaction.atomic
def cadre_import_confirm(*, record: CadreImport, mode: str, by) -> CadreImport:
    """Import a checked file. The rows are checked again against the cadres recorded now; in
    all-or-nothing mode any error writes nothing."""
    if mode not in CadreImport.Mode.values:
        raise ValidationError(_("Choose how to import: all or nothing, or the valid rows only."), code="mode")
    locked = CadreImport.objects.select_for_update().select_related("union").get(pk=record.pk)
    if not can_manage(by, locked.union):
        raise PermissionDenied
    if locked.status != CadreImport.Status.CHECKED:
        raise ValidationError(_("This import is not waiting for confirmation."), code="state")
    try:
        evaluation = _evaluate_import(locked, by)
    except (FileRefused, FileNotFoundError) as exc:
        raise ValidationError(_messages(exc) or _("The uploaded file is no longer kept."), code="refused") from None
    before = [entry["row"] for entry in locked.errors]
    _store_evaluation(locked, evaluation)
    locked.mode, locked.confirmed_at = mode, timezone.now()
    if mode == CadreImport.Mode.ALL_OR_NOTHING and locked.error_count:
        locked.status = CadreImport.Status.NOTHING_WRITTEN
        locked.new_count = locked.updated_count = 0
    else:
        created, updated = profiles.write(evaluation.rows, by=by)
        locked.status, locked.new_count, locked.updated_count = CadreImport.Status.DONE, created, updated
    if [entry["row"] for entry in locked.errors] != before:
        _write_error_file(locked)
    locked.save()
    audit.record(
        kinds.CADRES_IMPORTED,
        actor=by,
        union=locked.union,
        target=locked,
        result=AuditEvent.Result.SUCCESS if locked.status == CadreImport.Status.DONE else AuditEvent.Result.FAILURE,
        detail={
            "mode": mode,
            "rows": locked.rows_total,
            "new": locked.new_count,
            "updated": locked.updated_count,
            "errors": locked.error_count,
        },
    )
    return locked


def cadre_import_cancel(*, record: CadreImport, by) -> CadreImport:
    if not can_manage(by, record.union):
        raise PermissionDenied
    with transaction.atomic():
        locked = CadreImport.objects.select_for_update().get(pk=record.pk)
        if locked.status != CadreImport.Status.CHECKED:
            raise ValidationError(_("This import is not waiting for confirmation."), code="state")
        locked.status = CadreImport.Status.CANCELLED
        locked.save(update_fields=["status"])
    return locked


def cadre_import_error_file_open(*, record: CadreImport, by) -> tuple[File, str]:
    """The error file, opened, and its extension; the download is audited like an export (it holds
    the rows as uploaded, mobiles included)."""
    if not can_manage(by, record.union):
        raise PermissionDenied
    if not record.error_file:
        raise ValidationError(_("This import left no row out: there is no error file."), code="none")
    try:
        handle = record.error_file.open("rb")
    except FileNotFoundError:
        raise ValidationError(_("The error file is no longer kept."), code="none") from None
    extension = record.error_file.name.rsplit(".", 1)[-1]
    audit.record(
        kinds.CADRES_EXPORTED,
        actor=by,
        union=record.union,
        target=record,
        detail={"error_file": True, "rows": record.error_count},
    )
    return handle, extension


# === exports =======================================================================================
def filter_query(params: QueryDict) -> QueryDict:
    query = params.copy()
    for key in NOT_FILTERS:
        query.pop(key, None)
    return query


def cadre_filter_for(user, query: QueryDict):
    from ..filters.profiles import CadreFilter

    return CadreFilter(query, queryset=selectors.cadres_visible_to(user), user=user)


def _filter_errors(found) -> ValidationError:
    problems = [
        f"{found.form.fields[name].label}: {' '.join(errors)}" if name in found.form.fields else " ".join(errors)
        for name, errors in found.form.errors.items()
    ]
    return ValidationError(
        _("The filters could not be applied: %(problems)s") % {"problems": "; ".join(problems)}, code="filters"
    )


def export_cadre_rows(user, query: QueryDict) -> QuerySet[Cadre]:
    found = cadre_filter_for(user, query)
    if not found.is_valid():
        raise _filter_errors(found)
    return found.qs


@dataclass
class LedgerChoice:
    union: Union
    year: int
    short_only: bool = False

    def rows(self, cadres: QuerySet[Cadre]) -> list:
        rows = ledger_rows(cadres, self.year)
        return [row for row in rows if row.short > 0] if self.short_only else rows


def ledger_choice(user, query: QueryDict) -> LedgerChoice:
    """The node (within the user's scope; the top of it when not given) and year of a ledger export."""
    nodes = Union.objects.filter(path__in=scope_paths(user, CADRE_STAFF_KINDS)).order_by("path")
    raw_union, raw_year = query.get("union", ""), query.get("year", "")
    if raw_union:
        union = Union.objects.filter(pk=int(raw_union)).first() if raw_union.isdigit() else None
        if union is None or not can_manage(user, union):
            raise ValidationError(_("Choose a node in your part of the tree."), code="union")
    else:
        union = nodes.first()
        if union is None:
            raise PermissionDenied
    year = int(raw_year) if raw_year.isdigit() else timezone.localdate().year
    if not 2000 <= year <= 2100:
        raise ValidationError(_("Choose a year between 2000 and 2100."), code="year")
    return LedgerChoice(union=union, year=year, short_only=bool(query.get("short")))


def ledger_cadres(user, choice: LedgerChoice) -> QuerySet[Cadre]:
    """The ledger's cadres, exactly as the ledger page lists them (``cadres.ledger.node_cadres``: for a
    closed year those frozen under the node, for an open one those in post during the year)."""
    return node_cadres(selectors.cadres_visible_to(user), choice.union, choice.year).order_by(
        "union__path", "name", "pk"
    )


def _count_up_to(rows: QuerySet, limit: int) -> int:
    return rows.order_by().values("pk")[:limit].count()


@dataclass
class SmallExport:
    """An export written while the user waits."""

    kind: str
    rows: QuerySet
    count: int
    full_mobiles: bool = False
    ledger: LedgerChoice | None = None


def _empty() -> ValidationError:
    return ValidationError(_("No cadres match, so there is nothing to export."), code="empty")


def export_request(*, user, kind: str, query: QueryDict, full_mobiles: bool = False) -> SmallExport | CadreExport:
    """Start an export: a small one is audited and returned for the view to write; a large one is
    stored and its build queued once the transaction commits."""
    if not is_cadre_officer(user):
        raise PermissionDenied
    query = filter_query(query)
    if kind == CadreExport.Kind.CADRES:
        rows, choice = export_cadre_rows(user, query), None
    elif kind == CadreExport.Kind.LEDGER:
        choice = ledger_choice(user, query)
        rows, full_mobiles = ledger_cadres(user, choice), False
    else:
        raise ValidationError(_("Unknown export."), code="kind")
    count = _count_up_to(rows, EXPORT_SYNC_MAX_ROWS + 1)
    if count == 0:
        raise _empty()
    if count <= EXPORT_SYNC_MAX_ROWS:
        _audit(user=user, kind=kind, query=query, full_mobiles=full_mobiles, rows=count)
        return SmallExport(kind=kind, rows=rows, count=count, full_mobiles=full_mobiles, ledger=choice)
    stored = query.copy()
    if full_mobiles:
        stored[FULL_MOBILES] = "1"
    stored = stored.urlencode()
    if len(stored) > CadreExport._meta.get_field("query").max_length:
        raise ValidationError(_("The filters are too long to keep for a background export: use fewer of them."))
    record = CadreExport.objects.create(
        requested_by=user, kind=kind, query=stored, language=translation.get_language() or "zh-hans"
    )
    transaction.on_commit(lambda: jobs.job_enqueue(CadreExport, record.pk))
    return record


def write_small(export: SmallExport, out) -> int:
    if export.kind == CadreExport.Kind.LEDGER:
        return exporting.write_ledger(export.ledger.rows(export.rows), out)
    return exporting.write_cadres(export.rows, out, full_mobiles=export.full_mobiles)


def export_full_mobiles(record: CadreExport) -> bool:
    return QueryDict(record.query).get(FULL_MOBILES) == "1"


# --- progress -------------------------------------------------------------------------------------
def _progress_key(pk: int) -> str:
    return f"cadres:export:{pk}:progress"


def set_progress(pk: int, done: int, total: int) -> None:
    cache.set(_progress_key(pk), {"done": done, "total": total}, PROGRESS_TIMEOUT)


def get_progress(pk: int) -> dict | None:
    return cache.get(_progress_key(pk))


def export_file_name(record: CadreExport) -> str:
    """The same for every delivery of the job (a rebuild replaces, never adds) and not guessable."""
    token = salted_hmac("cadres.export", str(record.pk)).hexdigest()[:32]
    return f"cadres/exports/{record.created_at:%Y/%m}/{record.pk}-{token}.xlsx"


def export_build(pk: int) -> CadreExport | None:
    """Build a stored export (the job). The filters are applied again within the requester's scope
    as it is now. Acts only on a queued or running export."""
    record = jobs.job_start(CadreExport, pk)
    if record is None:
        return CadreExport.objects.filter(pk=pk).first()
    user = record.requested_by
    query = QueryDict(record.query, mutable=True)
    full_mobiles = query.pop(FULL_MOBILES, None) == ["1"]
    with translation.override(record.language):
        try:
            with tempfile.TemporaryFile() as out:
                if record.kind == CadreExport.Kind.LEDGER:
                    choice = ledger_choice(user, query)
                    rows = choice.rows(ledger_cadres(user, choice))
                    if not rows:
                        raise _empty()
                    set_progress(pk, 0, len(rows))
                    written = exporting.write_ledger(rows, out, progress=lambda done: set_progress(pk, done, len(rows)))
                else:
                    cadres = export_cadre_rows(user, query)
                    total = cadres.count()
                    if total == 0:
                        raise _empty()
                    set_progress(pk, 0, total)
                    written = exporting.write_cadres(
                        cadres, out, full_mobiles=full_mobiles, progress=lambda done: set_progress(pk, done, total)
                    )
                out.seek(0)
                name = export_file_name(record)
                record = jobs.job_finish(
                    record,
                    name=name,
                    content=File(out, name=name),
                    keep_for=EXPORT_KEEP,
                    fields={"rows_total": written},
                    on_done=lambda done: _audit(
                        user=user,
                        kind=done.kind,
                        query=query,
                        full_mobiles=full_mobiles,
                        rows=done.rows_total,
                        target=done,
                    ),
                )
        except PermissionDenied:
            return jobs.job_fail(record, _("You no longer hold a cadre officer's role."))
        except ValidationError as exc:
            return jobs.job_fail(record, " ".join(exc.messages))
        except SoftTimeLimitExceeded:
            logger.warning("Cadre export %s took too long and was stopped", pk)
            return jobs.job_fail(
                record, _("The export took too long and was stopped. Narrow the filters and try again.")
            )
        except Exception:
            logger.exception("Cadre export %s failed", pk)
            return jobs.job_fail(record, _("The export failed because of an error. Please try again later."))
    return record


def exports_expire() -> int:
    return jobs.jobs_expire(CadreExport)


def _audit_union(user, query: QueryDict) -> Union | None:
    union_id = query.get("union")
    if union_id and union_id.isdigit():
        found = Union.objects.filter(pk=int(union_id)).first()
        if found is not None:
            return found
    roots = scope_paths(user, CADRE_STAFF_KINDS)
    return Union.objects.filter(path=roots[0]).first() if len(roots) == 1 else None


def _audit(*, user, kind: str, query: QueryDict, full_mobiles: bool, rows: int, target=None) -> None:
    audit.record(
        kinds.LEDGER_EXPORTED if kind == CadreExport.Kind.LEDGER else kinds.CADRES_EXPORTED,
        actor=user,
        union=_audit_union(user, query),
        target=target,
        detail={
            "format": "xlsx",
            "rows": rows,
            "full_mobiles": full_mobiles,
            "filters": {key: value for key, value in query.items() if value},
        },
    )


# === retention =====================================================================================
def sheet_files_purge(*, now=None) -> dict[str, int]:
    """Delete the files the sheets part keeps past the roster's retention time (they hold names and
    mobiles): exports past their expiry (the records stay, expired), and imports' uploads and error
    files (the import's record, counts and row errors stay)."""
    from django.conf import settings

    cutoff = (now or timezone.now()) - timedelta(days=settings.ROSTER_FILE_RETENTION_DAYS)
    purged = 0
    old = CadreImport.objects.filter(created_at__lte=cutoff).exclude(file="", error_file="")
    for record in old.only("pk", "file", "error_file").iterator():
        record.file.delete(save=False)
        record.error_file.delete(save=False)
        CadreImport.objects.filter(pk=record.pk).update(file="", error_file="")
        purged += 1
    return {"exports": jobs.jobs_expire(CadreExport, now=now), "imports": purged}
