"""The integrity figures of a node's subtree for a year: counts only, for leaders' dashboards and the
monthly report (``reports.integrity_dashboard`` shows them and hides small counts from leaders).

For the node and each child node (and the cadres or letters at the node itself), as of a day of the
year (its last day, or today for the year under way):

- talks filed (not drafts) held in the year up to the day, by kind;
- coverage of the yearly routine talk (``integrity.tracker.coverage_by_child``: cadres in post, covered);
- rectification items of filed talks: open on the day, overdue on the day (open, deadline passed),
  struck off (销号) in the year up to the day;
- the year's responsibility letters as they stood on the day: drafted (not sent), sent (not signed),
  signed; unsigned = drafted + sent;
- opinion letters issued in the year up to the day, and those concluding a problem on record;
- warning education sessions organised in the year up to the day, and the cadres in post who attended one;
- four-forms entries decided in the year up to the day, by form; and the subtree's entries by form over
  the last ``FORM_YEARS`` years.

A cadre's records count under the node the cadre serves at; a letter under the node it belongs to; a
session under its organiser. One grouped query per figure (eleven in all, whatever the subtree's
size), and nothing here reads a name or an encrypted field: no content leaves this module.
"""

import datetime

from django.db.models import Count, Q
from django.db.models.functions import ExtractYear, Substr
from django.utils import timezone
from django.utils.translation import gettext as _

from unions.models import Union

from . import tracker
from .models import EducationAttendance, EducationSession, FourFormsEntry, OpinionLetter, Rectification, Talk
from .models import ResponsibilityLetter as Letter

FORM_YEARS = 5
# Counts of a row that add up, by name: each row of ``children`` and the totals hold them all.
COUNT_KEYS = (
    "talks_total",
    "in_post",
    "covered",
    "rect_open",
    "rect_overdue",
    "rect_struck_off",
    "letters",
    "letters_drafted",
    "letters_sent",
    "letters_signed",
    "opinions_issued",
    "opinions_problem",
    "education_sessions",
    "education_covered",
    "forms_total",
)


def day_end(day: datetime.date) -> datetime.datetime:
    """The first moment after ``day`` in the portal's time zone: timestamps before it fall on or before the day."""
    return datetime.datetime.combine(
        day + datetime.timedelta(days=1), datetime.time.min, tzinfo=timezone.get_current_timezone()
    )


def year_start(year: int) -> datetime.datetime:
    return datetime.datetime.combine(
        datetime.date(year, 1, 1), datetime.time.min, tzinfo=timezone.get_current_timezone()
    )


def as_of_for(year: int, today: datetime.date | None = None) -> datetime.date:
    """The day a year's figures are counted to: its last day, or today for the year under way."""
    today = today or timezone.localdate()
    return min(datetime.date(year, 12, 31), today)


def _rate(part, whole) -> float | None:
    return round(100 * part / whole, 1) if whole and part is not None else None


def _grouped(queryset, field: str, prefix: int, **counts) -> dict[str, dict]:
    """``counts`` (name → aggregate) of ``queryset`` grouped by the child node of ``field`` (a path)."""
    rows = queryset.order_by().annotate(child=Substr(field, 1, prefix)).values("child").annotate(**counts)
    return {row.pop("child"): row for row in rows}


def compute(union: Union, *, year: int, as_of: datetime.date | None = None) -> dict:
    """The figures of ``union``'s subtree for ``year`` counted to ``as_of`` (default: ``as_of_for(year)``).
    The caller has checked the user may read them (``integrity.permissions.can_read_aggregates``)."""
    as_of = as_of or as_of_for(year)
    first, end, start = datetime.date(year, 1, 1), day_end(as_of), year_start(year)
    path, prefix = union.path, len(union.path) + Union.steplen
    in_cadres = Q(cadre__union__path__startswith=path)

    kinds = list(Talk.Kind.choices)
    talks = _grouped(
        Talk.objects.filter(in_cadres, held_on__gte=first, held_on__lte=as_of).exclude(status=Talk.Status.DRAFT),
        "cadre__union__path",
        prefix,
        **{f"talk_{value}": Count("pk", filter=Q(kind=value)) for value, _label in kinds},
    )

    coverage = {row.node.path: row for row in tracker.coverage_by_child(union, year)}

    # Not struck off by the day's end; created by then.
    still_open = Q(created_at__lt=end) & ~Q(status=Rectification.Status.STRUCK_OFF, struck_off_at__lt=end)
    rectifications = _grouped(
        Rectification.objects.filter(in_cadres).exclude(talk__status=Talk.Status.DRAFT),
        "cadre__union__path",
        prefix,
        rect_open=Count("pk", filter=still_open),
        rect_overdue=Count("pk", filter=still_open & Q(deadline__lt=as_of)),
        rect_struck_off=Count(
            "pk",
            filter=Q(status=Rectification.Status.STRUCK_OFF, struck_off_at__gte=start, struck_off_at__lt=end),
        ),
    )

    signed = Q(status=Letter.Status.SIGNED, signed_on__lte=as_of)
    letters = _grouped(
        Letter.objects.filter(union__path__startswith=path, year=year, created_at__lt=end),
        "union__path",
        prefix,
        letters=Count("pk"),
        letters_signed=Count("pk", filter=signed),
        letters_sent=Count("pk", filter=~signed & Q(sent_at__lt=end)),
    )

    issued = Q(status=OpinionLetter.Status.ISSUED, issued_at__gte=start, issued_at__lt=end)
    opinions = _grouped(
        OpinionLetter.objects.filter(in_cadres).filter(issued),
        "cadre__union__path",
        prefix,
        opinions_issued=Count("pk"),
        opinions_problem=Count("pk", filter=Q(conclusion=OpinionLetter.Conclusion.PROBLEM)),
    )

    sessions = _grouped(
        EducationSession.objects.filter(organiser__path__startswith=path, held_on__gte=first, held_on__lte=as_of),
        "organiser__path",
        prefix,
        education_sessions=Count("pk"),
    )
    # The cadres the tracker counts (in post) who attended a session held in the year up to the day.
    attended = _grouped(
        EducationAttendance.objects.filter(
            in_cadres,
            cadre__in=tracker.cadres_counted([path], year),
            session__held_on__gte=first,
            session__held_on__lte=as_of,
        ),
        "cadre__union__path",
        prefix,
        education_covered=Count("cadre", distinct=True),
    )

    forms = list(FourFormsEntry.Form.choices)
    form_counts = _grouped(
        FourFormsEntry.objects.filter(in_cadres, decided_on__gte=first, decided_on__lte=as_of),
        "cadre__union__path",
        prefix,
        **{f"form_{value}": Count("pk", filter=Q(form=value)) for value, _label in forms},
    )

    def row_of(node_path: str) -> dict:
        talk_row = talks.get(node_path, {})
        talk_counts = [{"key": value, "count": talk_row.get(f"talk_{value}", 0)} for value, _label in kinds]
        form_row = form_counts.get(node_path, {})
        form_list = [{"form": value, "count": form_row.get(f"form_{value}", 0)} for value, _label in forms]
        cover = coverage.get(node_path)
        in_post, covered = (cover.in_post, cover.covered) if cover else (0, 0)
        rect = rectifications.get(node_path, {})
        letter = letters.get(node_path, {})
        total_letters, signed_letters = letter.get("letters", 0), letter.get("letters_signed", 0)
        sent_letters = letter.get("letters_sent", 0)
        opinion = opinions.get(node_path, {})
        education_covered = attended.get(node_path, {}).get("education_covered", 0)
        return {
            "talks": talk_counts,
            "talks_total": sum(item["count"] for item in talk_counts),
            "in_post": in_post,
            "covered": covered,
            "uncovered": in_post - covered,
            "coverage_rate": _rate(covered, in_post),
            "rect_open": rect.get("rect_open", 0),
            "rect_overdue": rect.get("rect_overdue", 0),
            "rect_struck_off": rect.get("rect_struck_off", 0),
            "letters": total_letters,
            "letters_drafted": total_letters - signed_letters - sent_letters,
            "letters_sent": sent_letters,
            "letters_signed": signed_letters,
            "letters_unsigned": total_letters - signed_letters,
            "opinions_issued": opinion.get("opinions_issued", 0),
            "opinions_problem": opinion.get("opinions_problem", 0),
            "education_sessions": sessions.get(node_path, {}).get("education_sessions", 0),
            "education_covered": education_covered,
            "education_rate": _rate(education_covered, in_post),
            "forms": form_list,
            "forms_total": sum(item["count"] for item in form_list),
        }

    children = []
    own_level = row_of(path)
    if any(own_level[key] for key in COUNT_KEYS):
        children.append(
            {
                "id": union.pk,
                "name": _("%(union)s itself") % {"union": union.name},
                "kind": union.kind,
                "own_level": True,
                **own_level,
            }
        )
    # The tracker's rows name every child in tree order (its own query); the node's own row is ours.
    for row in coverage.values():
        if not row.at_node:
            child = row.node
            children.append(
                {"id": child.pk, "name": child.name, "kind": child.kind, "own_level": False, **row_of(child.path)}
            )

    return {
        "union": {"id": union.pk, "name": union.name, "kind": union.kind, "kind_label": union.get_kind_display()},
        "year": year,
        "as_of": as_of.isoformat(),
        "talk_kinds": [{"key": value, "label": str(label)} for value, label in kinds],
        "forms": [{"form": value, "label": str(label)} for value, label in forms],
        "totals": _totals(children, kinds, forms),
        "children": children,
        "forms_by_year": _forms_by_year(path, year, as_of, forms),
    }


def _totals(children: list[dict], kinds, forms) -> dict:
    """The subtree's figures: the rows cover it (every record sits at the node itself or under one child)."""
    totals = {key: sum(row[key] for row in children) for key in COUNT_KEYS}
    totals["talks"] = [
        {"key": value, "label": str(label), "count": sum(row["talks"][i]["count"] for row in children)}
        for i, (value, label) in enumerate(kinds)
    ]
    totals["forms"] = [
        {"form": value, "label": str(label), "count": sum(row["forms"][i]["count"] for row in children)}
        for i, (value, label) in enumerate(forms)
    ]
    totals["uncovered"] = totals["in_post"] - totals["covered"]
    totals["coverage_rate"] = _rate(totals["covered"], totals["in_post"])
    totals["letters_unsigned"] = totals["letters"] - totals["letters_signed"]
    totals["education_rate"] = _rate(totals["education_covered"], totals["in_post"])
    return totals


def _forms_by_year(path: str, year: int, as_of: datetime.date, forms) -> list[dict]:
    """The subtree's four-forms entries by form, for each of the ``FORM_YEARS`` years up to ``year``
    (the last counted to ``as_of``), oldest first."""
    first_year = year - FORM_YEARS + 1
    rows = (
        FourFormsEntry.objects.filter(
            cadre__union__path__startswith=path, decided_on__gte=datetime.date(first_year, 1, 1), decided_on__lte=as_of
        )
        .order_by()
        .annotate(year=ExtractYear("decided_on"))
        .values("year", "form")
        .annotate(n=Count("pk"))
    )
    counted = {(row["year"], row["form"]): row["n"] for row in rows}
    result = []
    for each in range(first_year, year + 1):
        counts = [{"form": value, "count": counted.get((each, value), 0)} for value, _label in forms]
        result.append({"year": each, "forms": counts, "total": sum(item["count"] for item in counts)})
    return result
