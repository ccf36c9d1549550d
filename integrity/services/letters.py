"""Responsibility letters (党风廉政责任书): drafting the year's letters of a node, its Word template,
sending, signing (the signed scan and its SHA-256), the filled documents, and the batch for printing.

Rules are checked here: the acting officer must be a discipline officer over the node (``can_manage``),
else PermissionDenied; bad input raises ValidationError with a message for the officer.
"""

import datetime
import hashlib
import io
import logging
import zipfile
from dataclasses import dataclass
from datetime import timedelta

from celery.exceptions import SoftTimeLimitExceeded
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files import File
from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import Count, Q
from django.utils import timezone, translation
from django.utils.crypto import salted_hmac
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from accounts import audit, jobs
from accounts.notify import notify
from accounts.pdf import render_pdf
from cadres.models import Cadre, Rank
from cadres.services.ledger import certificate_type
from unions.models import Union

from .. import kinds
from .. import letter_documents as documents
from ..models import LetterBatch, LetterTemplate, ResponsibilityLetter
from ..permissions import can_manage

logger = logging.getLogger(__name__)

# Leaders whose letter is drafted unless the officer says otherwise.
LEADER_RANKS = (Rank.BUREAU, Rank.COUNTY_DIVISION)
DEPARTMENTS_MAX = 200
SCAN_MAX_BYTES = 10 * 1024 * 1024
BATCH_KEEP = timedelta(days=7)
PDF_TEMPLATE = "reports/integrity/letter.html"
UNSIGNED = (ResponsibilityLetter.Status.DRAFTED, ResponsibilityLetter.Status.SENT)


def _require(by, union: Union) -> None:
    if not can_manage(by, union):
        raise PermissionDenied


def year_bounds() -> tuple[int, int]:
    today = timezone.localdate()
    return 2000, today.year + 1


def _check_year(year: int) -> None:
    low, high = year_bounds()
    if not low <= year <= high:
        raise ValidationError(_("Choose a year from %(low)s to %(high)s.") % {"low": low, "high": high}, code="year")


# --- who signs --------------------------------------------------------------------------------------
def node_cadres(union: Union):
    """The cadres in post at the node itself (not below it): the leaders a letter may be drafted for."""
    return Cadre.objects.filter(union=union, status=Cadre.Status.IN_POST).order_by("name", "pk")


def default_leader_ids(union: Union) -> list[int]:
    return list(node_cadres(union).filter(rank__in=LEADER_RANKS).values_list("pk", flat=True))


def department_names(text: str) -> list[str]:
    """One department a line, blanks and repeats left out, in the order typed."""
    names: list[str] = []
    for line in text.splitlines():
        name = " ".join(line.split())
        if name and name not in names:
            names.append(name)
    return names


@dataclass(frozen=True)
class Generated:
    created: int
    kept: int


@transaction.atomic
def letter_generate(*, union: Union, year: int, cadres, departments: list[str], items: str, by) -> Generated:
    """Draft the year's letters of the node: one per leader chosen, one per department. A letter
    that exists already for the same leader or department and year is kept as it is."""
    _require(by, union)
    _check_year(year)
    cadres = list(cadres)
    outside = [cadre for cadre in cadres if cadre.union_id != union.pk or cadre.status != Cadre.Status.IN_POST]
    if outside:
        raise ValidationError(
            _("%(name)s is not a cadre in post at %(union)s.") % {"name": outside[0].name, "union": union.name},
            code="cadre",
        )
    for name in departments:
        if len(name) > ResponsibilityLetter._meta.get_field("department").max_length:
            raise ValidationError(_("A department's name is at most 100 characters: %(name)s") % {"name": name[:30]})
    if len(departments) > DEPARTMENTS_MAX:
        raise ValidationError(_("At most %(n)s departments at a time.") % {"n": DEPARTMENTS_MAX})
    if not cadres and not departments:
        raise ValidationError(_("Choose at least one leader or enter at least one department."), code="empty")
    items = "\n".join(line.strip() for line in items.splitlines() if line.strip())
    template = template_for(union)
    existing = ResponsibilityLetter.objects.filter(union=union, year=year)
    have_cadres = set(existing.filter(party=ResponsibilityLetter.Party.LEADER).values_list("cadre_id", flat=True))
    have_departments = set(
        existing.filter(party=ResponsibilityLetter.Party.DEPARTMENT).values_list("department", flat=True)
    )
    common = {"union": union, "year": year, "items": items, "template": template, "created_by": by}
    new = [
        ResponsibilityLetter(party=ResponsibilityLetter.Party.LEADER, cadre=cadre, post=cadre.post, **common)
        for cadre in cadres
        if cadre.pk not in have_cadres
    ] + [
        ResponsibilityLetter(party=ResponsibilityLetter.Party.DEPARTMENT, department=name, **common)
        for name in departments
        if name not in have_departments
    ]
    # A letter drafted meanwhile by another request is kept too (the unique constraints); with
    # ignore_conflicts the new rows carry no primary key, so what was made is counted.
    before = existing.count()
    ResponsibilityLetter.objects.bulk_create(new, ignore_conflicts=True)
    created = ResponsibilityLetter.objects.filter(union=union, year=year).count() - before
    total = len(cadres) + len(departments)
    kept = total - created
    audit.record(
        kinds.LETTERS_GENERATED,
        actor=by,
        union=union,
        detail={"year": year, "created": created, "kept": kept},
    )
    return Generated(created=created, kept=kept)


# --- the node's template ----------------------------------------------------------------------------
def template_for(union: Union) -> LetterTemplate | None:
    """The newest template of the node, else of the nearest node above it that has one; None: the
    portal's default."""
    step = Union.steplen
    paths = [union.path[:end] for end in range(len(union.path), 0, -step)]
    found = {
        t.union.path: t
        for t in LetterTemplate.objects.filter(union__path__in=paths)
        .select_related("union")
        .order_by("uploaded_at", "pk")
    }
    return next((found[path] for path in paths if path in found), None)


def template_bytes(template: LetterTemplate | None) -> bytes:
    if template is None:
        return documents.default_template_bytes()
    with template.file.open("rb") as handle:
        return handle.read()


@transaction.atomic
def letter_template_upload(*, union: Union, year: int, upload, by) -> LetterTemplate:
    """Keep a new Word template for the node, once it has been filled with sample data."""
    _require(by, union)
    _check_year(year)
    if upload.size > documents.TEMPLATE_MAX_BYTES:
        raise ValidationError(_("The template is larger than 5 MB."), code="too_large")
    upload.seek(0)
    data = upload.read()
    documents.check_template(data)
    template = LetterTemplate(union=union, year=year, uploaded_by=by)
    template.file.save("template.docx", ContentFile(data), save=False)
    template.save()
    audit.record(kinds.LETTER_TEMPLATE_UPLOADED, actor=by, union=union, target=template, detail={"year": year})
    return template


# --- sending and signing ----------------------------------------------------------------------------
@transaction.atomic
def letter_send(*, letter: ResponsibilityLetter, by) -> ResponsibilityLetter:
    _require(by, letter.union)
    letter = (
        ResponsibilityLetter.objects.select_for_update(of=("self",)).select_related("union", "cadre").get(pk=letter.pk)
    )
    if letter.status != ResponsibilityLetter.Status.DRAFTED:
        raise ValidationError(_("This letter has been sent already."), code="sent")
    letter.status, letter.sent_at = ResponsibilityLetter.Status.SENT, timezone.now()
    letter.save(update_fields=["status", "sent_at"])
    audit.record(kinds.LETTER_SENT, actor=by, union=letter.union, target=letter)
    return letter


@transaction.atomic
def letter_chase(*, letter: ResponsibilityLetter, by, today: datetime.date | None = None) -> bool:
    """Chase a sent letter not yet signed (催签): recorded on the letter (when, how often) and audited;
    a leader with a portal account is also told in their inbox, once a day at most, with no content
    but the year and the node. Returns whether someone was told; a department has no account, and the
    officer contacts it as the page says."""
    _require(by, letter.union)
    letter = (
        ResponsibilityLetter.objects.select_for_update(of=("self",)).select_related("union", "cadre").get(pk=letter.pk)
    )
    if letter.status == ResponsibilityLetter.Status.SIGNED:
        raise _already_signed(letter)
    if letter.status != ResponsibilityLetter.Status.SENT:
        raise ValidationError(_("Send the letter before chasing its signature."), code="not_sent")
    now = timezone.now()
    today = today or timezone.localdate(now)
    if letter.chased_at is not None and timezone.localdate(letter.chased_at) >= today:
        raise ValidationError(_("This letter was chased today already."), code="chased_today")
    letter.chased_at, letter.chase_count = now, letter.chase_count + 1
    letter.save(update_fields=["chased_at", "chase_count"])
    audit.record(kinds.LETTER_CHASED, actor=by, union=letter.union, target=letter, detail={"times": letter.chase_count})
    recipient = letter.cadre.user if letter.cadre_id and letter.cadre.user_id else None
    if recipient is None:
        return False
    notify(
        recipient=recipient,
        kind=kinds.REMINDER_LETTER_CHASED,
        title=_("Your integrity responsibility letter for %(year)s is waiting for your signature")
        % {"year": letter.year},
        body=_("Please sign it and hand it back to the discipline officer of %(union)s.")
        % {"union": letter.union.name},
        key=f"{kinds.REMINDER_LETTER_CHASED}:{letter.pk}:{today.isoformat()}",
    )
    return True


def _already_signed(letter: ResponsibilityLetter) -> ValidationError:
    return ValidationError(
        _("This letter is already signed on %(date)s.") % {"date": date_format(letter.signed_on)}, code="signed"
    )


@transaction.atomic
def letter_sign(*, letter: ResponsibilityLetter, scan, signed_on: datetime.date, by) -> ResponsibilityLetter:
    """Record the signed letter: its scan (PDF, JPEG or PNG by content), the scan's SHA-256, the date."""
    _require(by, letter.union)
    letter = (
        ResponsibilityLetter.objects.select_for_update(of=("self",)).select_related("union", "cadre").get(pk=letter.pk)
    )
    if letter.status == ResponsibilityLetter.Status.SIGNED:
        raise _already_signed(letter)
    if letter.status != ResponsibilityLetter.Status.SENT:
        raise ValidationError(_("Send the letter before recording its signature."), code="not_sent")
    if signed_on is None:
        raise ValidationError(_("Give the date the letter was signed."), code="date")
    if signed_on > timezone.localdate():
        raise ValidationError(_("The letter cannot be signed on a future date."), code="date")
    if signed_on < timezone.localdate(letter.sent_at):
        raise ValidationError(_("The letter cannot be signed before it was sent."), code="date")
    if not scan:
        raise ValidationError(_("Upload the signed letter's scan."), code="scan")
    if scan.size > SCAN_MAX_BYTES:
        raise ValidationError(_("The scan is larger than 10 MB."), code="too_large")
    kind = certificate_type(scan)
    if kind is None:
        raise ValidationError(_("Upload the scan as a PDF file or a JPG or PNG picture."), code="file_type")
    digest = hashlib.sha256()
    scan.seek(0)
    for chunk in iter(lambda: scan.read(64 * 1024), b""):
        digest.update(chunk)
    scan.seek(0)
    letter.scan.save(f"scan.{kind}", File(scan), save=False)
    letter.scan_sha256 = digest.hexdigest()
    letter.status, letter.signed_on, letter.scan_uploaded_by = ResponsibilityLetter.Status.SIGNED, signed_on, by
    letter.save(update_fields=["scan", "scan_sha256", "status", "signed_on", "scan_uploaded_by"])
    audit.record(
        kinds.LETTER_SIGNED, actor=by, union=letter.union, target=letter, detail={"sha256": letter.scan_sha256}
    )
    return letter


# --- the documents ----------------------------------------------------------------------------------
def party_name(letter: ResponsibilityLetter) -> str:
    return letter.cadre.name if letter.cadre_id else letter.department


def _safe(name: str) -> str:
    """A party's name as part of a file name: no folders, no control characters."""
    return "".join("_" if ch in '/\\:*?"<>|' or ord(ch) < 32 else ch for ch in name).strip() or "_"


def letter_file_name(letter: ResponsibilityLetter, suffix: str) -> str:
    return f"{letter.year}-{_safe(party_name(letter))}-{letter.pk}.{suffix}"


def letter_docx(letter: ResponsibilityLetter, *, template: bytes | None = None) -> bytes:
    """The letter filled in, as .docx bytes (its own template, as it was when drafted)."""
    data = template if template is not None else template_bytes(letter.template)
    return documents.fill(data, documents.letter_context(letter))


def letter_pdf(letter: ResponsibilityLetter, *, docx: bytes | None = None) -> bytes:
    """The same text as the .docx, printed by WeasyPrint."""
    docx = docx if docx is not None else letter_docx(letter)
    context = {"title": letter_file_name(letter, "pdf"), "blocks": documents.blocks(docx)}
    return render_pdf(PDF_TEMPLATE, context)


# --- counts for the list ----------------------------------------------------------------------------
def status_counts(letters) -> dict[str, int]:
    counts = letters.aggregate(
        total=Count("pk"),
        drafted=Count("pk", filter=Q(status=ResponsibilityLetter.Status.DRAFTED)),
        sent=Count("pk", filter=Q(status=ResponsibilityLetter.Status.SENT)),
        signed=Count("pk", filter=Q(status=ResponsibilityLetter.Status.SIGNED)),
    )
    counts["unsigned"] = counts["drafted"] + counts["sent"]
    return counts


# --- the batch for printing -------------------------------------------------------------------------
@transaction.atomic
def letter_batch_request(*, union: Union, year: int, by) -> LetterBatch:
    _require(by, union)
    _check_year(year)
    if not ResponsibilityLetter.objects.filter(union=union, year=year).exists():
        raise ValidationError(_("There are no letters of %(year)s at this node to print.") % {"year": year})
    batch = LetterBatch.objects.create(
        union=union, year=year, requested_by=by, language=translation.get_language() or "zh-hans"
    )
    transaction.on_commit(lambda: jobs.job_enqueue(LetterBatch, batch.pk))
    return batch


def batch_file_name(batch: LetterBatch) -> str:
    """The same for every delivery of the job (a rebuild replaces, never adds) and not guessable."""
    token = salted_hmac("integrity.letter_batch", str(batch.pk)).hexdigest()[:32]
    return f"integrity/letter-batches/{batch.pk}-{token}.zip"


def _batch_zip(batch: LetterBatch, out) -> int:
    letters = (
        ResponsibilityLetter.objects.filter(union=batch.union, year=batch.year)
        .select_related("union", "cadre", "template")
        .order_by("party", "pk")
    )
    templates: dict[int | None, bytes] = {}
    count = 0
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for number, letter in enumerate(letters.iterator(chunk_size=100), start=1):
            if letter.template_id not in templates:
                templates[letter.template_id] = template_bytes(letter.template)
            docx = letter_docx(letter, template=templates[letter.template_id])
            stem = f"{number:03d}-{_safe(party_name(letter))}"
            archive.writestr(f"{stem}.docx", docx)
            archive.writestr(f"{stem}.pdf", letter_pdf(letter, docx=docx))
            count += 1
    return count


def letter_batch_build(pk: int) -> LetterBatch | None:
    """Build a batch (the job): every letter of the node and year, .docx and PDF, in one zip. Scope is
    checked again with the requester's roles as they are now."""
    batch = jobs.job_start(LetterBatch, pk)
    if batch is None:
        return LetterBatch.objects.filter(pk=pk).first()
    with translation.override(batch.language):
        try:
            if batch.requested_by is None or not can_manage(batch.requested_by, batch.union):
                raise PermissionDenied
            with io.BytesIO() as out:
                count = _batch_zip(batch, out)
                if count == 0:
                    raise ValidationError(
                        _("There are no letters of %(year)s at this node to print.") % {"year": batch.year}
                    )
                out.seek(0)
                name = batch_file_name(batch)
                batch = jobs.job_finish(
                    batch,
                    name=name,
                    content=File(out, name=name),
                    keep_for=BATCH_KEEP,
                    on_done=lambda done: audit.record(
                        kinds.LETTER_DOWNLOADED,
                        actor=done.requested_by,
                        union=done.union,
                        target=done,
                        detail={"year": done.year, "letters": count, "built": True},
                    ),
                )
        except PermissionDenied:
            return jobs.job_fail(batch, _("You no longer hold a discipline officer's role over this node."))
        except ValidationError as exc:
            return jobs.job_fail(batch, " ".join(exc.messages))
        except SoftTimeLimitExceeded:
            logger.warning("Letter batch %s took too long and was stopped", pk)
            return jobs.job_fail(
                batch, _("Building the letters took too long and was stopped. Please try again later.")
            )
        except Exception:
            logger.exception("Letter batch %s failed", pk)
            return jobs.job_fail(batch, _("Building the letters failed because of an error. Please try again later."))
    return batch


def letter_batches_expire() -> int:
    return jobs.jobs_expire(LetterBatch)
