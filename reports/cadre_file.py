"""The cadre file (干部信息表): one cadre's record on one or two A4 pages, as the official form lays it
out: a grid of the facts, the record in date order, and the training hours of the last five years.

Two readers, two copies. A cadre officer in scope gets the record as the cadre's page shows it
(``cadres.timeline.cadre_timeline``). The cadre, printing their own, gets what they may see of it, read
here (``own_record``): no grades or comments of assessors, hosts, reviewers or task-force leads and no
evidence; a yearly grade only once it is published; of the political-quality file the conclusion and
the feedback. What a reader may not see is never put into the context, so no template slip can print it.

A fixed number of queries whatever the length of the record (one per kind of record, and the ledger's).
"""

import datetime
from dataclasses import dataclass, field

from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.pdf import render_pdf
from cadres.ledger import cadre_years
from cadres.models import (
    Assessment,
    Cadre,
    Enrolment,
    ExternalTraining,
    GrassrootsStay,
    PoliticalReview,
    Rotation,
    Secondment,
    TaskForceMember,
)
from cadres.timeline import cadre_timeline

HOURS_YEARS = 5


@dataclass
class FileItem:
    """One line of the record: when, what kind of record, what happened, and notes under it."""

    on: datetime.date
    when: str
    kind: str
    text: str
    notes: list[str] = field(default_factory=list)


def _day(value: datetime.date | None) -> str:
    return f"{value:%Y.%m.%d}" if value else ""


def _hours(value) -> str:
    """Credit hours as the forms write them: 14, 7.5."""
    if value is None:
        return ""
    text = f"{value:f}"
    return text.rstrip("0").rstrip(".") if "." in text else text


def _note(label: str, text: str) -> str:
    return _("%(label)s: %(text)s") % {"label": label, "text": text}


def cadre_file_title(cadre: Cadre) -> str:
    return _("Cadre information form: %(name)s") % {"name": cadre.name}


def cadre_file_context(cadre: Cadre, *, own: bool, today: datetime.date | None = None) -> dict:
    """What the PDF prints; ``own``: the cadre's own copy (see the module's note)."""
    today = today or timezone.localdate()
    reviews = list(PoliticalReview.objects.filter(cadre=cadre).order_by("-assessed_on", "-id")[:1])
    final = [Assessment.Status.PUBLISHED] if own else [Assessment.Status.CONFIRMED, Assessment.Status.PUBLISHED]
    latest_grade = Assessment.objects.filter(cadre=cadre, status__in=final).exclude(grade="").order_by("-year").first()
    return {
        "title": cadre_file_title(cadre),
        "cadre": cadre,
        "own": own,
        "age": cadre.age_on(today),
        "young": cadre.is_young_on(today),
        "mobile": cadre.mobile_masked,
        "latest_review": reviews[0] if reviews else None,
        "latest_grade": latest_grade,
        "items": own_record(cadre) if own else officer_record(cadre),
        "hours": hours_by_year(cadre, today),
        "today": today,
    }


def cadre_file_pdf(cadre: Cadre, *, own: bool) -> bytes:
    context = cadre_file_context(cadre, own=own)
    context["generated_at"] = timezone.localtime()
    return render_pdf("reports/pdf/cadre_file.html", context)


def _span(start: datetime.date, end: datetime.date | None) -> str:
    return f"{_day(start)}–{_day(end)}" if end and end != start else _day(start)


# --- the officer's copy: the cadre page's timeline, oldest first as on the paper form -------------------


def officer_record(cadre: Cadre) -> list[FileItem]:
    items = [
        FileItem(
            item.on,
            _span(item.on, item.until),
            item.kind_label,
            _("%(title)s: %(status)s") % {"title": item.title, "status": item.status} if item.status else item.title,
            list(item.details),
        )
        for item in reversed(cadre_timeline(cadre))
    ]
    return _with_post_and_status(cadre, items)


def _with_post_and_status(cadre: Cadre, items: list[FileItem]) -> list[FileItem]:
    """The current post from its first day, and leaving or retiring, among the records; oldest first."""
    items = list(items)
    items.append(
        FileItem(
            cadre.in_post_since,
            _day(cadre.in_post_since),
            _("Current post"),
            _("%(post)s at %(union)s") % {"post": cadre.post, "union": cadre.union.name},
        )
    )
    if cadre.status != Cadre.Status.IN_POST and cadre.status_changed_on:
        items.append(
            FileItem(
                cadre.status_changed_on, _day(cadre.status_changed_on), _("Status"), str(cadre.get_status_display())
            )
        )
    items.sort(key=lambda item: item.on)
    return items


# --- the cadre's own copy ----------------------------------------------------------------------------------


def own_record(cadre: Cadre) -> list[FileItem]:
    """What the cadre may see of their record, oldest first: one query per kind of record."""
    items: list[FileItem] = []
    for r in Rotation.objects.filter(cadre=cadre).select_related("from_union", "to_union"):
        items.append(
            FileItem(
                r.on_date,
                _day(r.on_date),
                _("Rotation"),
                _("From %(from_post)s (%(from_union)s, %(from_rank)s) to %(to_post)s (%(to_union)s, %(to_rank)s)")
                % {
                    "from_post": r.from_post,
                    "from_union": r.from_union.name,
                    "from_rank": r.get_from_rank_display(),
                    "to_post": r.to_post,
                    "to_union": r.to_union.name,
                    "to_rank": r.get_to_rank_display(),
                },
            )
        )
    for review in PoliticalReview.objects.filter(cadre=cadre):
        items.append(
            FileItem(
                review.assessed_on,
                _day(review.assessed_on),
                _("Political quality"),
                _("Conclusion: %(conclusion)s") % {"conclusion": review.get_conclusion_display()},
                [_note(_("Feedback"), review.feedback)] if review.feedback else [],
            )
        )
    items += _own_training(cadre)
    items += _own_postings(cadre)
    for member in TaskForceMember.objects.filter(cadre=cadre).select_related("task_force"):
        force = member.task_force
        items.append(
            FileItem(
                member.joined_on,
                _day(member.joined_on),
                _("Task force"),
                _("%(name)s, %(span)s") % {"name": force.name, "span": _span(force.starts_on, force.ends_on)},
                [_note(_("Duty"), member.duty)] if member.duty else [],
            )
        )
    for assessment in Assessment.objects.filter(cadre=cadre):
        if assessment.status == Assessment.Status.PUBLISHED and assessment.grade:
            text = _("Grade: %(grade)s") % {"grade": assessment.get_grade_display()}
        else:
            text = _("In progress: the grade is shown once it is published")
        items.append(
            FileItem(
                datetime.date(assessment.year, 12, 31),
                _("Year %(year)s") % {"year": assessment.year},
                _("Yearly assessment"),
                text,
            )
        )
    return _with_post_and_status(cadre, items)


def _own_training(cadre: Cadre) -> list[FileItem]:
    items = []
    enrolments = Enrolment.objects.filter(cadre=cadre).exclude(status=Enrolment.Status.CANCELLED)
    for enrolment in enrolments.select_related("training_class__organiser"):
        course = enrolment.training_class
        if enrolment.status == Enrolment.Status.COMPLETED:
            outcome = _("completed, %(hours)s hours credited") % {"hours": _hours(enrolment.credited_hours)}
        elif enrolment.status == Enrolment.Status.WITHDRAWN:
            outcome = _("withdrawn for absence, no hours credited")
        else:
            outcome = _("enrolled")
        items.append(
            FileItem(
                course.starts_on,
                _span(course.starts_on, course.ends_on),
                _("Training class"),
                _("%(title)s (%(organiser)s, %(mode)s, %(hours)s hours): %(outcome)s")
                % {
                    "title": course.title,
                    "organiser": course.organiser.name,
                    "mode": course.get_mode_display(),
                    "hours": _hours(course.credit_hours),
                    "outcome": outcome,
                },
            )
        )
    for training in ExternalTraining.objects.filter(cadre=cadre):
        returned = training.status == ExternalTraining.Status.RETURNED and training.return_reason
        items.append(
            FileItem(
                training.starts_on,
                _span(training.starts_on, training.ends_on),
                _("Training elsewhere"),
                _("%(title)s (%(provider)s, %(mode)s, %(hours)s hours): %(status)s")
                % {
                    "title": training.title,
                    "provider": training.provider,
                    "mode": training.get_mode_display(),
                    "hours": _hours(training.hours),
                    "status": training.get_status_display(),
                },
                [_note(_("Reason for returning"), training.return_reason)] if returned else [],
            )
        )
    return items


def _own_postings(cadre: Cadre) -> list[FileItem]:
    """Secondments and stays with their dates, state and report; no grade or comment of host or reviewer."""
    items = []
    for s in Secondment.objects.filter(cadre=cadre):
        notes = [_note(_("Project"), s.project)] if s.project else []
        if s.report_title:
            notes.append(_note(_("Research report"), s.report_title))
        items.append(
            FileItem(
                s.start,
                _span(s.start, s.end),
                _("Secondment"),
                _("%(post)s at %(host)s (%(kind)s): %(status)s")
                % {
                    "post": s.post_at_host,
                    "host": s.host_name,
                    "kind": s.get_host_kind_display(),
                    "status": s.get_status_display(),
                },
                notes,
            )
        )
    for stay in GrassrootsStay.objects.filter(cadre=cadre).select_related("union"):
        items.append(
            FileItem(
                stay.starts_on,
                _span(stay.starts_on, stay.ends_on),
                _("Grassroots stay"),
                _("At %(unit)s: %(status)s") % {"unit": stay.unit_name, "status": stay.get_status_display()},
                [_note(_("Research report"), stay.report_title)] if stay.report_title else [],
            )
        )
    return items


# --- training hours --------------------------------------------------------------------------------


def hours_by_year(cadre: Cadre, today: datetime.date) -> list[dict]:
    """The ledger's figures for the last five years (a year without a rule for the rank has no row)."""
    years = range(today.year - HOURS_YEARS + 1, today.year + 1)
    rows = []
    for row in cadre_years(cadre, years):
        rows.append(
            {
                "year": row.year,
                "owed": _hours(row.owed),
                "period_years": row.period_years,
                "in_person": _hours(row.in_person),
                "online": _hours(row.online),
                "counted": _hours(row.counted),
                "short": _hours(row.short),
                "met": row.short <= 0,
                "closed": row.closed,
            }
        )
    return rows
