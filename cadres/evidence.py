"""The evidence gathered for the assessor of a yearly assessment (年度考核).

``gather_evidence(assessment)`` collects, for the cadre and the assessment's year: the training hours
met or short (the hours ledger), the task-force assessments, the secondment and stay evaluations, the
political-quality file's latest conclusion, and from integrity only whether an opinion letter on
record shows a problem. The result is plain JSON (codes, not labels), stored in
``Assessment.evidence`` when the assessor grades, so the record keeps what they were shown.

Integrity sits above cadres in the stack, so cadres cannot ask it: it registers a provider here
(``register_integrity_flag``), a function ``(cadre, year) -> bool | None`` that answers yes/no (None:
nothing on record to go by) and never anything more. With no provider registered the evidence says
there is no integrity records source.
"""

import datetime
import logging
from collections.abc import Callable
from decimal import Decimal

from django.db.models import Q
from django.utils import timezone

from .models import (
    Assessment,
    Cadre,
    GrassrootsStay,
    PoliticalConclusion,
    PostingGrade,
    Secondment,
    TaskForceMember,
)
from .political import latest_review, political_veto

logger = logging.getLogger(__name__)

IntegrityFlag = Callable[[Cadre, int], bool | None]

_integrity_flags: list[IntegrityFlag] = []


def register_integrity_flag(func: IntegrityFlag) -> IntegrityFlag:
    """Called by the integrity app in its ``ready()``; usable as a decorator. Registering twice is once."""
    if func not in _integrity_flags:
        _integrity_flags.append(func)
    return func


def unregister_integrity_flag(func: IntegrityFlag) -> None:
    if func in _integrity_flags:
        _integrity_flags.remove(func)


def integrity_flag(cadre: Cadre, year: int) -> dict:
    """``{"source": False}`` with no provider; else ``{"source": True, "problem": True | False | None}``.

    Any provider saying yes is a yes. Whatever a provider returns is reduced to a yes/no, so no detail
    of an integrity record can reach the assessment. A provider that fails counts as no answer.
    """
    if not _integrity_flags:
        return {"source": False}
    answers = []
    for func in list(_integrity_flags):
        try:
            answer = func(cadre, year)
        except Exception:
            logger.exception("An integrity flag provider failed for cadre %s", cadre.pk)
            answer = None
        answers.append(None if answer is None else bool(answer))
    if any(answers):
        problem = True
    elif any(answer is False for answer in answers):
        problem = False
    else:
        problem = None
    return {"source": True, "problem": problem}


def _hours(cadre: Cadre, year: int) -> dict:
    """The hours ledger's row for the year; ``available`` False while the ledger cannot say."""
    try:
        from .ledger import cadre_years
    except ImportError:
        return {"available": False}
    rows = list(cadre_years(cadre, [year]))
    if not rows:
        return {"available": False}
    row = rows[0]
    return {
        "available": True,
        "owed": str(row.owed),
        "counted": str(row.counted),
        "short": str(row.short),
        "period_years": row.period_years,
        "met": Decimal(row.short) <= 0,
        "closed": bool(row.closed),
    }


def _overlapping(year: int, start_field: str, end_field: str) -> Q:
    return Q(**{f"{start_field}__lte": datetime.date(year, 12, 31), f"{end_field}__gte": datetime.date(year, 1, 1)})


def _day(value: datetime.date | None) -> str:
    return value.isoformat() if value else ""


def _task_forces(cadre: Cadre, year: int) -> list[dict]:
    members = (
        TaskForceMember.objects.filter(cadre=cadre)
        .filter(_overlapping(year, "task_force__starts_on", "task_force__ends_on"))
        .select_related("task_force")
        .order_by("task_force__starts_on", "pk")
    )
    return [
        {
            "name": member.task_force.name,
            "duty": member.duty,
            "starts_on": _day(member.task_force.starts_on),
            "ends_on": _day(member.task_force.ends_on),
            "grade": member.grade,
            "comment": member.comment,
        }
        for member in members
    ]


def _secondments(cadre: Cadre, year: int) -> list[dict]:
    rows = []
    secondments = Secondment.objects.filter(cadre=cadre).exclude(status=Secondment.Status.PLANNED)
    for secondment in secondments.order_by("planned_start", "pk"):
        if not (secondment.start <= datetime.date(year, 12, 31) and secondment.end >= datetime.date(year, 1, 1)):
            continue
        rows.append(
            {
                "host": secondment.host_name,
                "post": secondment.post_at_host,
                "starts_on": _day(secondment.start),
                "ends_on": _day(secondment.end),
                "host_grade": secondment.host_grade,
                "host_comment": secondment.host_comment,
                "review_grade": secondment.review_grade,
                "review_comment": secondment.review_comment,
            }
        )
    return rows


def _stays(cadre: Cadre, year: int) -> list[dict]:
    stays = (
        GrassrootsStay.objects.filter(cadre=cadre)
        .exclude(status=GrassrootsStay.Status.PLANNED)
        .filter(_overlapping(year, "starts_on", "ends_on"))
        .select_related("union")
        .order_by("starts_on", "pk")
    )
    return [
        {
            "unit": stay.unit_name,
            "starts_on": _day(stay.starts_on),
            "ends_on": _day(stay.ends_on),
            "report_title": stay.report_title,
            "review_grade": stay.review_grade,
            "review_comment": stay.review_comment,
        }
        for stay in stays
    ]


def gather_evidence(assessment: Assessment) -> dict:
    cadre, year = assessment.cadre, assessment.year
    latest = latest_review(cadre)
    return {
        "year": year,
        "gathered_at": timezone.now().isoformat(),
        "hours": _hours(cadre, year),
        "task_forces": _task_forces(cadre, year),
        "secondments": _secondments(cadre, year),
        "stays": _stays(cadre, year),
        "political": {
            "conclusion": latest.conclusion if latest else "",
            "assessed_on": _day(latest.assessed_on) if latest else "",
            "veto": political_veto(cadre),
        },
        "integrity": integrity_flag(cadre, year),
    }


def for_display(evidence: dict) -> dict:
    """The stored evidence with the labels of its codes, in the language of the page."""

    def grade(code: str) -> str:
        return str(PostingGrade(code).label) if code in PostingGrade.values else ""

    shown = dict(evidence)
    shown["task_forces"] = [
        {**row, "grade_label": grade(row.get("grade", ""))} for row in evidence.get("task_forces", [])
    ]
    shown["secondments"] = [
        {
            **row,
            "host_grade_label": grade(row.get("host_grade", "")),
            "review_grade_label": grade(row.get("review_grade", "")),
        }
        for row in evidence.get("secondments", [])
    ]
    shown["stays"] = [
        {**row, "review_grade_label": grade(row.get("review_grade", ""))} for row in evidence.get("stays", [])
    ]
    political = dict(evidence.get("political", {}))
    conclusion = political.get("conclusion", "")
    political["conclusion_label"] = (
        str(PoliticalConclusion(conclusion).label) if conclusion in PoliticalConclusion.values else ""
    )
    shown["political"] = political
    if gathered := evidence.get("gathered_at"):
        shown["gathered_at"] = datetime.datetime.fromisoformat(gathered)
    return shown
