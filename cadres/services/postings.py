"""Secondments (挂职锻炼) and grassroots stays (基层蹲点): planned, under way, ended with a report
due, the report reviewed and graded, and (a secondment) closed.

Who may move a record, and from which state to which, is the table ``SECONDMENT_STEPS`` /
``STAY_STEPS`` below: the one place to read the state machine. Every service checks its step there
(``_check_step``) before anything else, so a move out of order is refused with a message naming the
state the record is in.

Cadre officers whose scope covers the cadre's node do everything; the cadre themself (signed in
with the account linked to the record) may only hand in the report.
"""

import datetime
from dataclasses import dataclass

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from accounts import audit
from unions.credit_code import normalise as normalise_credit_code
from unions.models import Union

from .. import kinds
from ..models import Cadre, GrassrootsStay, HostKind, PostingGrade, Secondment
from ..permissions import can_manage, can_manage_cadre, is_own

# A report is due this many days after the planned end, unless the officer sets another date.
REPORT_DUE_DAYS = 30

S = Secondment.Status
G = GrassrootsStay.Status
OFFICER = "officer"
CADRE = "cadre"


@dataclass(frozen=True)
class Step:
    """A step of a record's life: the states it may start from, the state it leads to (None: the
    state stays), and who may take it."""

    sources: tuple[str, ...]
    target: str | None
    by: frozenset[str]


SECONDMENT_STEPS = {
    "start": Step((S.PLANNED,), S.ACTIVE, frozenset({OFFICER})),
    "evaluate_host": Step((S.ACTIVE, S.REPORT_DUE), None, frozenset({OFFICER})),
    "end": Step((S.ACTIVE,), S.REPORT_DUE, frozenset({OFFICER})),
    "submit_report": Step((S.ACTIVE, S.REPORT_DUE), None, frozenset({OFFICER, CADRE})),
    "review": Step((S.REPORT_DUE,), S.REVIEWED, frozenset({OFFICER})),
    "close": Step((S.REVIEWED,), S.CLOSED, frozenset({OFFICER})),
}

STAY_STEPS = {
    "start": Step((G.PLANNED,), G.ACTIVE, frozenset({OFFICER})),
    "end": Step((G.ACTIVE,), G.REPORT_DUE, frozenset({OFFICER})),
    "submit_report": Step((G.ACTIVE, G.REPORT_DUE), None, frozenset({OFFICER, CADRE})),
    "review": Step((G.REPORT_DUE,), G.REVIEWED, frozenset({OFFICER})),
}


def _roles(user, cadre: Cadre) -> set[str]:
    roles = set()
    if can_manage_cadre(user, cadre):
        roles.add(OFFICER)
    if is_own(user, cadre):
        roles.add(CADRE)
    return roles


def allowed_steps(user, record) -> list[str]:
    """The steps this user may take on the record now: what the pages offer (the services check again)."""
    steps = SECONDMENT_STEPS if isinstance(record, Secondment) else STAY_STEPS
    roles = _roles(user, record.cadre)
    return [name for name, step in steps.items() if record.status in step.sources and roles & step.by]


def _check_step(steps: dict[str, Step], name: str, record, user) -> Step:
    step = steps[name]
    if not _roles(user, record.cadre) & step.by:
        raise PermissionDenied
    if record.status not in step.sources:
        raise ValidationError(
            _("This cannot be done now: the record is “%(state)s”.") % {"state": record.get_status_display()},
            code="out_of_order",
        )
    return step


def _day(value: datetime.date) -> str:
    return date_format(value, "DATE_FORMAT")


def _not_in_future(day: datetime.date, message: str) -> None:
    if day > timezone.localdate():
        raise ValidationError(message, code="future")


def _lock_cadre(cadre: Cadre) -> Cadre:
    """Two postings of one cadre written at once must not both pass the overlap check."""
    return Cadre.objects.select_for_update().select_related("union").get(pk=cadre.pk)


def _report_submit(record, *, title: str, file: UploadedFile | None, by) -> None:
    title = (title or "").strip()
    if not title:
        raise ValidationError(_("Give the report's title."), code="report_title")
    if file is None and not record.report_file:
        raise ValidationError(_("Attach the report file."), code="report_file")
    record.report_title = title
    if file is not None:
        record.report_file.save(file.name, file, save=False)
    record.report_submitted_at = timezone.now()
    record.save(update_fields=["report_title", "report_file", "report_submitted_at"])


def _review(record, *, grade: str, comment: str, by) -> None:
    if grade not in PostingGrade.values:
        raise ValidationError(_("Choose the grade of the report."), code="grade")
    if record.report_submitted_at is None:
        raise ValidationError(_("The report has not been handed in yet: it cannot be reviewed."), code="no_report")
    record.review_grade, record.review_comment = grade, (comment or "").strip()
    record.reviewed_by, record.reviewed_at = by, timezone.now()


# --- secondments ---------------------------------------------------------------------------------
def _secondment_overlapping(cadre: Cadre, start: datetime.date, end: datetime.date, *, exclude: int | None = None):
    """Another secondment of the cadre, not closed, whose dates (actual where known, else planned)
    meet ``start``–``end``."""
    others = (
        Secondment.objects.filter(cadre=cadre)
        .exclude(status=S.CLOSED)
        .annotate(begins=Coalesce("actual_start", "planned_start"), finishes=Coalesce("actual_end", "planned_end"))
        .filter(begins__lte=end, finishes__gte=start)
    )
    if exclude is not None:
        others = others.exclude(pk=exclude)
    return others.order_by("begins").first()


def _refuse_secondment_overlap(cadre, start, end, *, exclude=None) -> None:
    other = _secondment_overlapping(cadre, start, end, exclude=exclude)
    if other is not None:
        raise ValidationError(
            _("%(name)s is already seconded to %(host)s from %(start)s to %(end)s: the dates overlap.")
            % {"name": cadre.name, "host": other.host_name, "start": _day(other.start), "end": _day(other.end)},
            code="overlap",
        )


@transaction.atomic
def secondment_create(
    *,
    cadre: Cadre,
    host_name: str,
    host_kind: str,
    post_at_host: str,
    planned_start: datetime.date,
    planned_end: datetime.date,
    by,
    host_credit_code: str = "",
    project: str = "",
    report_due_on: datetime.date | None = None,
) -> Secondment:
    cadre = _lock_cadre(cadre)
    if not can_manage_cadre(by, cadre):
        raise PermissionDenied
    if not cadre.in_post:
        raise ValidationError(_("Only a cadre in post can be seconded."), code="not_in_post")
    if not host_name.strip() or not post_at_host.strip():
        raise ValidationError(_("Name the host and the post at the host."), code="host")
    if host_kind not in HostKind.values:
        raise ValidationError(_("Choose the kind of host."), code="host_kind")
    if planned_end < planned_start:
        raise ValidationError(_("The end cannot be before the start."), code="dates")
    report_due_on = report_due_on or planned_end + datetime.timedelta(days=REPORT_DUE_DAYS)
    if report_due_on < planned_end:
        raise ValidationError(_("The report cannot be due before the secondment ends."), code="report_due")
    _refuse_secondment_overlap(cadre, planned_start, planned_end)
    secondment = Secondment(
        cadre=cadre,
        host_name=host_name.strip(),
        host_kind=host_kind,
        host_credit_code=normalise_credit_code(host_credit_code),
        post_at_host=post_at_host.strip(),
        project=project.strip(),
        planned_start=planned_start,
        planned_end=planned_end,
        report_due_on=report_due_on,
        created_by=by,
    )
    secondment.full_clean()
    secondment.save()
    return secondment


def _open_secondment(secondment: Secondment) -> Secondment:
    return Secondment.objects.select_for_update(of=("self",)).select_related("cadre__union").get(pk=secondment.pk)


@transaction.atomic
def secondment_start(*, secondment: Secondment, on: datetime.date, by) -> Secondment:
    """The cadre took up the post at the host on ``on``."""
    secondment = _open_secondment(secondment)
    step = _check_step(SECONDMENT_STEPS, "start", secondment, by)
    _not_in_future(on, _("The start cannot be a day in the future."))
    if on > secondment.planned_end:
        raise ValidationError(_("The start cannot be after the planned end."), code="dates")
    _lock_cadre(secondment.cadre)
    _refuse_secondment_overlap(secondment.cadre, on, secondment.planned_end, exclude=secondment.pk)
    secondment.actual_start, secondment.status = on, step.target
    secondment.save(update_fields=["actual_start", "status"])
    audit.record(
        kinds.SECONDMENT_STARTED,
        actor=by,
        union=secondment.cadre.union,
        target=secondment,
        detail={"on": on.isoformat()},
    )
    return secondment


@transaction.atomic
def secondment_end(*, secondment: Secondment, on: datetime.date, by) -> Secondment:
    """The cadre came back on ``on``; the report is due now."""
    secondment = _open_secondment(secondment)
    step = _check_step(SECONDMENT_STEPS, "end", secondment, by)
    # A record entered already under way may lack its actual start: the planned one stands for it.
    begun = secondment.start
    if on < begun:
        raise ValidationError(_("The end cannot be before the start."), code="dates")
    _not_in_future(on, _("The end cannot be a day in the future."))
    _lock_cadre(secondment.cadre)
    _refuse_secondment_overlap(secondment.cadre, begun, on, exclude=secondment.pk)
    secondment.actual_end, secondment.status = on, step.target
    secondment.save(update_fields=["actual_end", "status"])
    return secondment


@transaction.atomic
def secondment_evaluate_host(*, secondment: Secondment, grade: str, comment: str, by) -> Secondment:
    """The host's evaluation of the cadre, as the host gave it, recorded by the officer before review."""
    secondment = _open_secondment(secondment)
    _check_step(SECONDMENT_STEPS, "evaluate_host", secondment, by)
    if grade not in PostingGrade.values:
        raise ValidationError(_("Choose the host's grade."), code="grade")
    secondment.host_grade, secondment.host_comment = grade, (comment or "").strip()
    secondment.save(update_fields=["host_grade", "host_comment"])
    return secondment


@transaction.atomic
def secondment_report_submit(*, secondment: Secondment, title: str, file: UploadedFile | None, by) -> Secondment:
    """The report, handed in by the cadre themself or by an officer for them; a new file replaces
    the one before until the report is reviewed."""
    secondment = _open_secondment(secondment)
    _check_step(SECONDMENT_STEPS, "submit_report", secondment, by)
    _report_submit(secondment, title=title, file=file, by=by)
    return secondment


@transaction.atomic
def secondment_review(*, secondment: Secondment, grade: str, comment: str, by) -> Secondment:
    """The officer grades the report; the host's evaluation must be on record first."""
    secondment = _open_secondment(secondment)
    step = _check_step(SECONDMENT_STEPS, "review", secondment, by)
    _review(secondment, grade=grade, comment=comment, by=by)
    if not secondment.host_grade:
        raise ValidationError(_("Record the host's evaluation before the review."), code="no_host_grade")
    secondment.status = step.target
    secondment.save(update_fields=["review_grade", "review_comment", "reviewed_by", "reviewed_at", "status"])
    audit.record(
        kinds.SECONDMENT_REVIEWED,
        actor=by,
        union=secondment.cadre.union,
        target=secondment,
        detail={"grade": secondment.review_grade, "host_grade": secondment.host_grade},
    )
    return secondment


@transaction.atomic
def secondment_close(*, secondment: Secondment, by) -> Secondment:
    secondment = _open_secondment(secondment)
    step = _check_step(SECONDMENT_STEPS, "close", secondment, by)
    secondment.status = step.target
    secondment.save(update_fields=["status"])
    return secondment


# --- grassroots stays ----------------------------------------------------------------------------
def _refuse_stay_overlap(cadre: Cadre, start: datetime.date, end: datetime.date) -> None:
    other = (
        GrassrootsStay.objects.filter(cadre=cadre, starts_on__lte=end, ends_on__gte=start)
        .select_related("union")
        .order_by("starts_on")
        .first()
    )
    if other is not None:
        raise ValidationError(
            _("%(name)s already stays at %(unit)s from %(start)s to %(end)s: the dates overlap.")
            % {"name": cadre.name, "unit": other.unit_name, "start": _day(other.starts_on), "end": _day(other.ends_on)},
            code="overlap",
        )


@transaction.atomic
def stay_create(
    *,
    cadre: Cadre,
    starts_on: datetime.date,
    ends_on: datetime.date,
    by,
    union: Union | None = None,
    employer_name: str = "",
    report_due_on: datetime.date | None = None,
) -> GrassrootsStay:
    """A stay at a node of the tree in the officer's scope, or at an employer named here."""
    cadre = _lock_cadre(cadre)
    if not can_manage_cadre(by, cadre):
        raise PermissionDenied
    if not cadre.in_post:
        raise ValidationError(_("Only a cadre in post can be sent on a stay."), code="not_in_post")
    employer_name = (employer_name or "").strip()
    if (union is None) == (not employer_name):
        raise ValidationError(_("Choose a unit of the tree or name an employer, not both."), code="unit")
    if union is not None and not can_manage(by, union):
        raise ValidationError(_("Choose a unit in your part of the tree."), code="unit_scope")
    if ends_on < starts_on:
        raise ValidationError(_("The end cannot be before the start."), code="dates")
    report_due_on = report_due_on or ends_on + datetime.timedelta(days=REPORT_DUE_DAYS)
    if report_due_on < ends_on:
        raise ValidationError(_("The report cannot be due before the stay ends."), code="report_due")
    _refuse_stay_overlap(cadre, starts_on, ends_on)
    return GrassrootsStay.objects.create(
        cadre=cadre,
        union=union,
        employer_name=employer_name,
        starts_on=starts_on,
        ends_on=ends_on,
        report_due_on=report_due_on,
        created_by=by,
    )


def _open_stay(stay: GrassrootsStay) -> GrassrootsStay:
    return (
        GrassrootsStay.objects.select_for_update(of=("self",)).select_related("cadre__union", "union").get(pk=stay.pk)
    )


@transaction.atomic
def stay_start(*, stay: GrassrootsStay, by) -> GrassrootsStay:
    stay = _open_stay(stay)
    step = _check_step(STAY_STEPS, "start", stay, by)
    if stay.starts_on > timezone.localdate():
        raise ValidationError(
            _("The stay begins on %(day)s: it cannot start before then.") % {"day": _day(stay.starts_on)},
            code="dates",
        )
    stay.status = step.target
    stay.save(update_fields=["status"])
    return stay


@transaction.atomic
def stay_end(*, stay: GrassrootsStay, by) -> GrassrootsStay:
    stay = _open_stay(stay)
    step = _check_step(STAY_STEPS, "end", stay, by)
    stay.status = step.target
    stay.save(update_fields=["status"])
    return stay


@transaction.atomic
def stay_report_submit(*, stay: GrassrootsStay, title: str, file: UploadedFile | None, by) -> GrassrootsStay:
    """The research report (调研报告), by the cadre themself or by an officer for them."""
    stay = _open_stay(stay)
    _check_step(STAY_STEPS, "submit_report", stay, by)
    _report_submit(stay, title=title, file=file, by=by)
    return stay


@transaction.atomic
def stay_review(*, stay: GrassrootsStay, grade: str, comment: str, by) -> GrassrootsStay:
    stay = _open_stay(stay)
    step = _check_step(STAY_STEPS, "review", stay, by)
    _review(stay, grade=grade, comment=comment, by=by)
    stay.status = step.target
    stay.save(update_fields=["review_grade", "review_comment", "reviewed_by", "reviewed_at", "status"])
    audit.record(
        kinds.STAY_REVIEWED, actor=by, union=stay.cadre.union, target=stay, detail={"grade": stay.review_grade}
    )
    return stay
