"""Stage reports (阶段总结): an accepted entry's clerk hands in one report per stage, a summary and up to
ten files, while the competition runs or is being reviewed.

One report per entry and stage: a second one is refused ("already handed in"); until the stage's
report due date the clerk may add files to it (``stage_report_add_files``), never past ten.
Files are told by their content, not their name (PDF, Word, Excel, JPG, PNG), at most 20 MB each.
"""

import zipfile

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.audit import record

from .. import kinds, permissions
from ..models import Competition, Entry, Stage, StageReport, StageReportFile

SUMMARY_MAX = 5000
MAX_FILES = 10
MAX_BYTES = 20 * 1024 * 1024
ACCEPT = ".pdf,.doc,.docx,.xls,.xlsx,.jpg,.jpeg,.png"

OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # .doc and .xls (Office 97-2003)
ZIP = b"PK\x03\x04"  # .docx and .xlsx


def file_type(upload) -> str | None:
    """ "pdf", "doc", "docx", "xls", "xlsx", "jpg" or "png" by the file's content; None for anything else.
    An old Office file (doc or xls) shares one signature: its name says which of the two."""
    upload.seek(0)
    head = upload.read(8)
    upload.seek(0)
    if head.startswith(b"%PDF-"):
        return "pdf"
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return "png"
    if head.startswith(b"\xff\xd8\xff"):
        return "jpg"
    suffix = upload.name.rsplit(".", 1)[-1].lower() if "." in (upload.name or "") else ""
    if head.startswith(OLE):
        return suffix if suffix in ("doc", "xls") else "doc"
    if head.startswith(ZIP):
        try:
            with zipfile.ZipFile(upload) as archive:
                names = set(archive.namelist())
        except zipfile.BadZipFile:
            return None
        finally:
            upload.seek(0)
        if "word/document.xml" in names:
            return "docx"
        if "xl/workbook.xml" in names:
            return "xlsx"
    return None


def check_file(upload) -> str:
    """The file's type, or a ValidationError naming the file and what is wrong."""
    name = upload.name or ""
    if upload.size > MAX_BYTES:
        raise ValidationError(_("%(name)s is larger than 20 MB.") % {"name": name}, code="too_large")
    if upload.size == 0:
        raise ValidationError(_("%(name)s is empty.") % {"name": name}, code="empty")
    kind = file_type(upload)
    if kind is None:
        raise ValidationError(
            _("%(name)s is not a PDF, Word, Excel, JPG or PNG file.") % {"name": name}, code="file_type"
        )
    return kind


def check_files(files) -> list[str]:
    if len(files) > MAX_FILES:
        raise ValidationError(_("At most %(n)s files per stage report.") % {"n": MAX_FILES}, code="too_many")
    return [check_file(upload) for upload in files]


def _check_open(entry: Entry, by) -> None:
    if not permissions.can_report_for(by, entry):
        raise PermissionDenied
    if entry.status != Entry.Status.ACCEPTED:
        raise ValidationError(_("Only an accepted entry hands in stage reports."), code="not_accepted")
    if entry.competition.status not in Competition.OPEN_FOR_REPORTS:
        raise ValidationError(
            _("The competition is %(status)s: stage reports are no longer taken.")
            % {"status": entry.competition.get_status_display()},
            code="closed",
        )


def _save_files(report: StageReport, files, types: list[str]) -> None:
    for upload, kind in zip(files, types, strict=True):
        original = (upload.name or "").rsplit("/", 1)[-1][:200] or f"file.{kind}"
        size = upload.size
        upload.name = f"report.{kind}"
        StageReportFile.objects.create(report=report, file=upload, original_name=original, size=size)


@transaction.atomic
def stage_report_submit(*, entry: Entry, stage: Stage, summary: str, files, by) -> StageReport:
    entry = Entry.objects.select_for_update(of=("self",)).select_related("competition", "union").get(pk=entry.pk)
    _check_open(entry, by)
    if stage.competition_id != entry.competition_id:
        raise ValidationError({"stage": _("Choose a stage of this competition.")})
    summary = (summary or "").strip()
    if not summary:
        raise ValidationError({"summary": _("Write the stage's summary.")})
    if len(summary) > SUMMARY_MAX:
        raise ValidationError(
            {
                "summary": _("Keep the summary within %(n)s characters (now %(count)s).")
                % {"n": SUMMARY_MAX, "count": len(summary)}
            }
        )
    files = list(files or [])
    types = check_files(files)
    if StageReport.objects.filter(entry=entry, stage=stage).exists():
        raise ValidationError(
            _("The report for %(stage)s was already handed in; add files to it on the entry's page.")
            % {"stage": stage.name},
            code="twice",
        )
    report = StageReport.objects.create(entry=entry, stage=stage, summary=summary, submitted_by=by)
    _save_files(report, files, types)
    record(
        kinds.STAGE_REPORT_SUBMITTED,
        actor=by,
        union=entry.union,
        target=report,
        detail={"entry": entry.pk, "stage": stage.pk, "files": len(files)},
    )
    return report


@transaction.atomic
def stage_report_add_files(*, report: StageReport, files, by) -> StageReport:
    """Add files to a report already handed in, until the stage's report due date, ten files in all."""
    report = (
        StageReport.objects.select_for_update(of=("self",))
        .select_related("entry__competition", "entry__union", "stage")
        .get(pk=report.pk)
    )
    _check_open(report.entry, by)
    if timezone.localdate() > report.stage.report_due:
        raise ValidationError(
            _("The report was due on %(date)s: files can no longer be added.")
            % {"date": report.stage.report_due.isoformat()},
            code="past_due",
        )
    files = list(files or [])
    if not files:
        raise ValidationError(_("Choose at least one file to add."), code="no_files")
    have = report.files.count()
    if have + len(files) > MAX_FILES:
        raise ValidationError(
            _("At most %(n)s files per stage report: %(have)s are there already.") % {"n": MAX_FILES, "have": have},
            code="too_many",
        )
    types = check_files(files)
    _save_files(report, files, types)
    record(
        kinds.STAGE_REPORT_SUBMITTED,
        actor=by,
        union=report.entry.union,
        target=report,
        detail={"entry": report.entry_id, "stage": report.stage_id, "files_added": len(files)},
    )
    return report
