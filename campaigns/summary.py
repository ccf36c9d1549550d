"""A competition's summary as a PDF for its organiser's staff: the set-up (stages, scoring scheme,
prizes), the entries by kind and status with their person-times, the stage reports handed in, the
judging done, and the ranking (frozen after closing, a preview while judging) with the prizes, and a
bar chart of the entries by union drawn on the server as inline SVG.

A fixed number of queries whatever the number of entries; the ranking lists the first
``RANKING_ROWS`` places and says how many more there are (the entries' workbook has them all).
"""

import xml.etree.ElementTree as ET
from collections import Counter
from dataclasses import dataclass

from django.db.models import Count, Q, Sum
from django.utils import timezone
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

from accounts.pdf import render_pdf

from .models import Award, Competition, Entry, Judge, Prize, Scoresheet, StageReport

RANKING_ROWS = 100
CHART_UNIONS = 12
TEMPLATE = "reports/campaigns/summary.html"


FONT_FAMILY = "Noto Sans CJK SC, Noto Sans CJK, sans-serif"
BAR_COLOUR = "#0072b2"


def bar_chart(bars: list[tuple[str, int]], *, title: str = "") -> SafeString:
    """Horizontal bars with their values, as inline SVG built by ElementTree (which escapes every
    label). The same drawing as the reports' charts, which this app may not import (its layer is
    below the reports)."""
    width, label_w, row, thickness, top = 640, 170, 26, 14, 8
    height = top + row * len(bars) + 8
    svg = ET.Element("svg", xmlns="http://www.w3.org/2000/svg", viewBox=f"0 0 {width} {height}", role="img")
    svg.set("width", str(width))
    svg.set("height", str(height))
    svg.set("class", "chart")
    svg.set("font-family", FONT_FAMILY)
    if title:
        ET.SubElement(svg, "title").text = title
    top_value = max((value for _label, value in bars), default=0) or 1
    plot_w = width - label_w - 60
    for index, (label, value) in enumerate(bars):
        y = top + row * index + (row - thickness) / 2
        text = ET.SubElement(svg, "text", x=str(label_w - 8), y=f"{y + thickness - 3:.1f}", fill="#444444")
        text.set("font-size", "11")
        text.set("text-anchor", "end")
        text.text = label if len(label) <= 14 else label[:13] + "…"
        bar_w = max(plot_w * value / top_value, 1)
        ET.SubElement(
            svg, "rect", x=str(label_w), y=f"{y:.1f}", width=f"{bar_w:.1f}", height=str(thickness), fill=BAR_COLOUR
        )
        number = ET.SubElement(
            svg, "text", x=f"{label_w + bar_w + 6:.1f}", y=f"{y + thickness - 3:.1f}", fill="#444444"
        )
        number.set("font-size", "11")
        number.text = f"{value:,}"
    return mark_safe(ET.tostring(svg, encoding="unicode"))  # noqa: S308 - built by ElementTree, which escapes


@dataclass
class RankedRow:
    rank: int
    final_score: object
    name: str
    kind: str
    unit_name: str
    union: str
    prize: str = ""


def _preview(competition: Competition) -> list:
    """The live ranking while judging (``campaigns.scoring``); empty when it cannot be computed yet."""
    try:
        from .scoring import compute_ranking
    except ImportError:  # the judging part not installed: no preview
        return []
    try:
        return compute_ranking(competition)
    except ValueError:
        return []


def ranking(competition: Competition) -> tuple[list[RankedRow], int, bool]:
    """The first places (rows), how many ranked entries in all, and whether the ranking is frozen."""
    kinds = dict(Entry.Kind.choices)
    grades = dict(Prize.Grade.choices)
    if competition.ranking_frozen:
        ranked = Entry.objects.filter(competition=competition, rank__isnull=False)
        total = ranked.count()
        rows = [
            RankedRow(rank, score, name, str(kinds.get(kind, kind)), unit, union, str(grades.get(grade, "")))
            for rank, score, name, kind, unit, union, grade in ranked.order_by("rank", "entered_at", "pk").values_list(
                "rank", "final_score", "name", "kind", "unit_name", "union__name", "award__prize__grade"
            )[:RANKING_ROWS]
        ]
        return rows, total, True
    placed = _preview(competition)
    if not placed:
        return [], 0, False
    top = placed[:RANKING_ROWS]
    entries = {
        row[0]: row[1:]
        for row in Entry.objects.filter(pk__in=[p.entry_id for p in top]).values_list(
            "pk", "name", "kind", "unit_name", "union__name"
        )
    }
    rows = []
    for p in top:
        name, kind, unit, union = entries[p.entry_id]
        rows.append(RankedRow(p.rank, p.final_score, name, str(kinds.get(kind, kind)), unit, union))
    return rows, len(placed), False


def context(competition: Competition) -> dict:
    competition = Competition.objects.select_related("organiser").get(pk=competition.pk)
    entries = Entry.objects.filter(competition=competition)
    by_kind_status = Counter()
    person_times = Counter()
    for kind, status, count, times in (
        entries.values_list("kind", "status").annotate(n=Count("pk"), t=Sum("person_times")).order_by()
    ):
        by_kind_status[kind, status] = count
        person_times[kind, status] = times or 0
    kinds = Entry.Kind.choices
    statuses = Entry.Status.choices
    table = [
        {
            "label": label,
            "counts": [by_kind_status[kind, status] for status, _label in statuses],
            "total": sum(by_kind_status[kind, status] for status, _label in statuses),
            "person_times": person_times[kind, Entry.Status.ACCEPTED],
        }
        for kind, label in kinds
    ]
    totals = {
        "counts": [sum(by_kind_status[kind, status] for kind, _l in kinds) for status, _label in statuses],
        "total": sum(by_kind_status.values()),
        "person_times": sum(person_times[kind, Entry.Status.ACCEPTED] for kind, _l in kinds),
    }
    accepted = sum(by_kind_status[kind, Entry.Status.ACCEPTED] for kind, _l in kinds)
    stages = list(competition.stages.all())
    handed_in = dict(
        StageReport.objects.filter(stage__competition=competition, entry__status=Entry.Status.ACCEPTED)
        .values_list("stage_id")
        .annotate(n=Count("pk"))
        .order_by()
    )
    stage_rows = [{"stage": stage, "handed_in": handed_in.get(stage.pk, 0), "owed": accepted} for stage in stages]
    judging = Judge.objects.filter(competition=competition).aggregate(
        judges=Count("pk"), declared=Count("pk", filter=Q(conflicts_declared_at__isnull=False))
    )
    judging["sheets"] = Scoresheet.objects.filter(
        judge__competition=competition, completed_at__isnull=False, entry__status=Entry.Status.ACCEPTED
    ).count()
    per_union = list(
        entries.filter(status=Entry.Status.ACCEPTED)
        .values_list("union__name")
        .annotate(n=Count("pk"))
        .order_by("-n", "union__name")[: CHART_UNIONS + 1]
    )
    chart = bar_chart(per_union[:CHART_UNIONS], title=_("Accepted entries by union"))
    rows, ranked, frozen = ranking(competition)
    awards = list(
        Award.objects.filter(entry__competition=competition)
        .values_list("prize__grade")
        .annotate(n=Count("pk"))
        .order_by()
    )
    return {
        "title": _("Summary of %(competition)s") % {"competition": competition.title},
        "competition": competition,
        "stages": stage_rows,
        "criteria": list(competition.criteria.all()),
        "prize_rows": [(prize, dict(awards).get(prize.grade, 0)) for prize in competition.prizes.all()],
        "weight_label": _("Weight (%)"),
        "statuses": [label for _value, label in statuses],
        "table": table,
        "totals": totals,
        "accepted": accepted,
        "judging": judging,
        "chart": chart if per_union else "",
        "more_unions": len(per_union) > CHART_UNIONS,
        "ranking": rows,
        "ranked": ranked,
        "more_ranked": max(ranked - len(rows), 0),
        "frozen": frozen,
        "today": timezone.localdate(),
    }


def summary_pdf(competition: Competition) -> bytes:
    return render_pdf(TEMPLATE, context(competition))
