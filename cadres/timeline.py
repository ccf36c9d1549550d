"""A cadre's whole record as one timeline: rotations, the political-quality file, training classes
and training taken elsewhere, secondments, grassroots stays, task forces and yearly assessments.

``cadre_timeline(cadre)`` reads each kind of record in one query (nine in all, however long the
record), and answers items newest first. The cadre page and the cadre's PDF (干部信息表) both show it;
whoever calls it has already decided that the reader may see the cadre's whole record.
"""

import datetime
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Count
from django.urls import NoReverseMatch
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from accounts.links import url_pattern

from .models import (
    Assessment,
    AssessmentGrade,
    Cadre,
    Enrolment,
    ExternalTraining,
    GrassrootsStay,
    PoliticalConclusion,
    PoliticalReview,
    Rotation,
    Secondment,
    TaskForce,
    TaskForceMember,
)
from .models.profile import Rank, is_promotion


class Kind:
    """The kinds of item, in the order items of one day are shown."""

    ROTATION = "rotation"
    POLITICAL = "political"
    TRAINING = "training"
    EXTERNAL = "external"
    SECONDMENT = "secondment"
    STAY = "stay"
    TASK_FORCE = "task_force"
    ASSESSMENT = "assessment"

    ORDER = (ROTATION, POLITICAL, ASSESSMENT, SECONDMENT, STAY, TASK_FORCE, TRAINING, EXTERNAL)


@dataclass
class TimelineItem:
    on: datetime.date
    kind: str
    kind_label: str
    title: str
    # The period's last day, for records that last (a class, a secondment); None for one day.
    until: datetime.date | None = None
    details: list[str] = field(default_factory=list)
    status: str = ""
    # A Bootstrap colour for the status badge: success, warning, danger, info, secondary.
    tone: str = "secondary"
    # The record's own staff page, where there is one; empty otherwise (and in the PDF, unused).
    url: str = ""
    icon: str = "bi-circle"


def _links() -> dict[str, str]:
    """Each kind's detail page as a pattern to format with an id; a page not built yet links nowhere."""
    names = {
        Kind.POLITICAL: "cadres:political_detail",
        Kind.TRAINING: "cadres:class_detail",
        Kind.EXTERNAL: "cadres:external_detail",
        Kind.SECONDMENT: "cadres:secondment_detail",
        Kind.STAY: "cadres:stay_detail",
        Kind.TASK_FORCE: "cadres:task_force_detail",
        Kind.ASSESSMENT: "cadres:assessment_detail",
    }
    links = {}
    for kind, name in names.items():
        try:
            links[kind] = url_pattern(name)
        except NoReverseMatch:
            links[kind] = ""
    return links


def _link(links: dict[str, str], kind: str, pk: int) -> str:
    return links[kind].format(pk) if links.get(kind) else ""


def _hours(value: Decimal) -> str:
    return f"{value.normalize():f}"


_GRADE_TONES = {"excellent": "success", "good": "info", "competent": "info", "fair": "warning", "basic": "warning"}


def _grade_tone(grade: str) -> str:
    return _GRADE_TONES.get(grade, "danger") if grade else "secondary"


def _rotations(cadre: Cadre, links) -> list[TimelineItem]:
    items = []
    for rotation in Rotation.objects.filter(cadre=cadre).select_related("from_union", "to_union"):
        promoted = is_promotion(rotation.from_rank, rotation.to_rank)
        details = [
            _("Node: %(old)s → %(new)s") % {"old": rotation.from_union.name, "new": rotation.to_union.name}
            if rotation.from_union_id != rotation.to_union_id
            else _("Node: %(node)s") % {"node": rotation.to_union.name},
            _("Rank: %(old)s → %(new)s") % {"old": Rank(rotation.from_rank).label, "new": Rank(rotation.to_rank).label}
            if rotation.from_rank != rotation.to_rank
            else _("Rank: %(rank)s") % {"rank": Rank(rotation.to_rank).label},
        ]
        if rotation.note:
            details.append(rotation.note)
        items.append(
            TimelineItem(
                on=rotation.on_date,
                kind=Kind.ROTATION,
                kind_label=_("Rotation"),
                title=f"{rotation.from_post} → {rotation.to_post}",
                details=details,
                status=_("Promotion") if promoted else "",
                tone="success" if promoted else "secondary",
                icon="bi-arrow-left-right",
            )
        )
    return items


def _political(cadre: Cadre, links) -> list[TimelineItem]:
    tones = {
        PoliticalConclusion.EXCELLENT: "success",
        PoliticalConclusion.PASS: "success",
        PoliticalConclusion.BASIC: "warning",
        PoliticalConclusion.FAIL: "danger",
    }
    items = []
    for review in PoliticalReview.objects.filter(cadre=cadre):
        details = []
        if review.issues_found:
            details.append(_("Issues found: %(text)s") % {"text": review.issues_found})
        if review.feedback_given_on:
            details.append(_("Feedback given on %(date)s") % {"date": review.feedback_given_on.isoformat()})
        items.append(
            TimelineItem(
                on=review.assessed_on,
                kind=Kind.POLITICAL,
                kind_label=_("Political-quality file"),
                title=_("Political-quality assessment"),
                details=details,
                status=str(PoliticalConclusion(review.conclusion).label),
                tone=tones.get(review.conclusion, "secondary"),
                url=_link(links, Kind.POLITICAL, review.pk),
                icon="bi-shield-check",
            )
        )
    return items


def _training(cadre: Cadre, links) -> list[TimelineItem]:
    tones = {
        Enrolment.Status.COMPLETED: "success",
        Enrolment.Status.WITHDRAWN: "danger",
        Enrolment.Status.CANCELLED: "secondary",
        Enrolment.Status.ENROLLED: "info",
    }
    enrolments = (
        Enrolment.objects.filter(cadre=cadre)
        .select_related("training_class")
        .annotate(days_attended=Count("attendance"))
        .order_by()
    )
    items = []
    for enrolment in enrolments:
        training = enrolment.training_class
        details = [
            _("%(mode)s, %(hours)s credit hours")
            % {"mode": training.get_mode_display(), "hours": _hours(training.credit_hours)}
        ]
        if enrolment.status == Enrolment.Status.COMPLETED:
            details.append(_("Hours credited: %(hours)s") % {"hours": _hours(enrolment.credited_hours)})
        if enrolment.absent_hours:
            details.append(_("Hours absent: %(hours)s") % {"hours": _hours(enrolment.absent_hours)})
        if enrolment.days_attended:
            details.append(
                _("Days attended: %(days)d of %(total)d") % {"days": enrolment.days_attended, "total": training.days}
            )
        items.append(
            TimelineItem(
                on=training.starts_on,
                until=training.ends_on if training.ends_on != training.starts_on else None,
                kind=Kind.TRAINING,
                kind_label=_("Training class"),
                title=training.title,
                details=details,
                status=enrolment.get_status_display(),
                tone=tones.get(enrolment.status, "secondary"),
                url=_link(links, Kind.TRAINING, training.pk),
                icon="bi-mortarboard",
            )
        )
    return items


def _external(cadre: Cadre, links) -> list[TimelineItem]:
    tones = {
        ExternalTraining.Status.APPROVED: "success",
        ExternalTraining.Status.SUBMITTED: "warning",
        ExternalTraining.Status.RETURNED: "danger",
    }
    items = []
    for training in ExternalTraining.objects.filter(cadre=cadre).order_by():
        details = [
            _("Organised by %(provider)s") % {"provider": training.provider},
            _("%(mode)s, %(hours)s credit hours")
            % {"mode": training.get_mode_display(), "hours": _hours(training.hours)},
        ]
        if training.status == ExternalTraining.Status.RETURNED and training.return_reason:
            details.append(_("Returned: %(reason)s") % {"reason": training.return_reason})
        items.append(
            TimelineItem(
                on=training.starts_on,
                until=training.ends_on if training.ends_on != training.starts_on else None,
                kind=Kind.EXTERNAL,
                kind_label=_("Training elsewhere"),
                title=training.title,
                details=details,
                status=training.get_status_display(),
                tone=tones.get(training.status, "secondary"),
                url=_link(links, Kind.EXTERNAL, training.pk),
                icon="bi-journal-check",
            )
        )
    return items


def _posting_details(posting) -> list[str]:
    details = []
    if posting.report_title:
        details.append(_("Report: %(title)s") % {"title": posting.report_title})
    if posting.review_grade:
        details.append(_("Report reviewed: %(grade)s") % {"grade": posting.get_review_grade_display()})
    return details


def _secondments(cadre: Cadre, links) -> list[TimelineItem]:
    items = []
    for secondment in Secondment.objects.filter(cadre=cadre).order_by():
        details = [_("Post at the host: %(post)s") % {"post": secondment.post_at_host}]
        if secondment.project:
            details.append(_("Project: %(project)s") % {"project": secondment.project})
        if secondment.host_grade:
            details.append(_("Host's grade: %(grade)s") % {"grade": secondment.get_host_grade_display()})
        details += _posting_details(secondment)
        items.append(
            TimelineItem(
                on=secondment.start,
                until=secondment.end,
                kind=Kind.SECONDMENT,
                kind_label=_("Secondment"),
                title=secondment.host_name,
                details=details,
                status=secondment.get_status_display(),
                tone="info" if secondment.status == Secondment.Status.ACTIVE else "secondary",
                url=_link(links, Kind.SECONDMENT, secondment.pk),
                icon="bi-building",
            )
        )
    return items


def _stays(cadre: Cadre, links) -> list[TimelineItem]:
    items = []
    for stay in GrassrootsStay.objects.filter(cadre=cadre).select_related("union").order_by():
        items.append(
            TimelineItem(
                on=stay.starts_on,
                until=stay.ends_on,
                kind=Kind.STAY,
                kind_label=_("Grassroots stay"),
                title=stay.unit_name,
                details=_posting_details(stay),
                status=stay.get_status_display(),
                tone="info" if stay.status == GrassrootsStay.Status.ACTIVE else "secondary",
                url=_link(links, Kind.STAY, stay.pk),
                icon="bi-house-door",
            )
        )
    return items


def _task_forces(cadre: Cadre, links) -> list[TimelineItem]:
    items = []
    memberships = TaskForceMember.objects.filter(cadre=cadre).select_related("task_force").order_by()
    for membership in memberships:
        force = membership.task_force
        details = [_("Duty: %(duty)s") % {"duty": membership.duty}] if membership.duty else []
        if membership.grade:
            details.append(_("Assessed by the lead: %(grade)s") % {"grade": membership.get_grade_display()})
        items.append(
            TimelineItem(
                on=membership.joined_on,
                until=force.ends_on,
                kind=Kind.TASK_FORCE,
                kind_label=_("Task force"),
                title=force.name,
                details=details,
                status=membership.get_grade_display() if membership.grade else force.get_status_display(),
                tone=_grade_tone(membership.grade) if membership.grade else "secondary",
                url=_link(links, Kind.TASK_FORCE, force.pk),
                icon="bi-people",
            )
        )
    for force in TaskForce.objects.filter(lead=cadre).order_by():
        items.append(
            TimelineItem(
                on=force.starts_on,
                until=force.ends_on,
                kind=Kind.TASK_FORCE,
                kind_label=_("Task force"),
                title=force.name,
                details=[_("Leads the task force")],
                status=force.get_status_display(),
                url=_link(links, Kind.TASK_FORCE, force.pk),
                icon="bi-people",
            )
        )
    return items


def _assessments(cadre: Cadre, links) -> list[TimelineItem]:
    items = []
    for assessment in Assessment.objects.filter(cadre=cadre).order_by():
        details = []
        if assessment.grade:
            details.append(_("Grade: %(grade)s") % {"grade": AssessmentGrade(assessment.grade).label})
        items.append(
            TimelineItem(
                # A year's assessment is dated at the year's end, where it belongs among the year's records.
                on=datetime.date(assessment.year, 12, 31),
                kind=Kind.ASSESSMENT,
                kind_label=_("Yearly assessment"),
                title=pgettext("yearly assessment", "%(year)d yearly assessment") % {"year": assessment.year},
                details=details,
                status=assessment.get_status_display(),
                tone=_grade_tone(assessment.grade) if assessment.grade else "secondary",
                url=_link(links, Kind.ASSESSMENT, assessment.pk),
                icon="bi-award",
            )
        )
    return items


READERS = (_rotations, _political, _training, _external, _secondments, _stays, _task_forces, _assessments)


def cadre_timeline(cadre: Cadre) -> list[TimelineItem]:
    """Every record of the cadre, newest first (items of one day in ``Kind.ORDER``)."""
    links = _links()
    items = [item for read in READERS for item in read(cadre, links)]
    order = {kind: n for n, kind in enumerate(Kind.ORDER)}
    items.sort(key=lambda item: (-item.on.toordinal(), order[item.kind], item.title))
    return items
