"""What goes into each kind of report: the data, the template, the PDF.

Called by ``services.report_build`` inside the task; every query is an aggregate or a bounded list
of plain values (the roster), never a Python loop over the city's members.
"""

import datetime

from django.conf import settings
from django.utils import formats, timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from accounts.pdf import render_pdf
from accounts.phone import mask_mobile
from members import selectors as member_selectors
from members.cards import check_url, qr_svg
from members.models import EmploymentType, Member, MemberCard, PoliticalStatus, Sex
from unions.models import Union

from . import cadres_dashboard, campaigns_dashboard, dashboard, integrity_dashboard
from .charts import bar_chart, line_chart, multi_line_chart
from .models import Report
from .permissions import small_count_setting
from .small_counts import suppress, suppress_monthly
from .statistics import LARGE_EMPLOYER_STAFF, monthly_figures, parse_month

ROSTER_MAX_ROWS = 20000


class ReportDataGone(Exception):
    """What the report was about no longer exists (e.g. the member left); the message says so."""


def monthly_title(union_name: str, month: str) -> str:
    """E.g. "示范市总工会 2026年10月 会员统计月报" when Chinese is active."""
    when = formats.date_format(parse_month(month), "YEAR_MONTH_FORMAT")
    return _("%(union)s %(month)s monthly membership report") % {"union": union_name, "month": when}


def build(report: Report) -> tuple[bytes, str]:
    builder = {
        Report.Kind.MONTHLY_MEMBERSHIP: _monthly,
        Report.Kind.ROSTER: _roster,
        Report.Kind.MEMBER_CARD: _card,
        Report.Kind.DASHBOARD: _dashboard,
    }[report.kind]
    with translation.override("zh-hans"):
        template, context = builder(report)
        context.setdefault("generated_at", timezone.localtime())
        context["report"] = report
        return render_pdf(template, context), f"{report.kind}-{report.pk}.pdf"


def _monthly(report: Report):
    figures = monthly_figures(report.union, report.month)
    # Asked for by a leader, a grassroots or joint union's report hides its small counts (the flag is
    # set only for such unions; see services.report_request).
    threshold = small_count_setting() if report.parameters.get("exact_counts") is False else 0
    figures, hidden = suppress_monthly(figures, threshold=threshold)
    # A report of the month under way: its last point is today's figure, not the month's end.
    partial = figures.month == timezone.localdate(report.created_at).replace(day=1)
    trend_shown = all(n is not None for _month, n in figures.trend)
    return "reports/pdf/monthly.html", {
        "title": monthly_title(report.union.name, report.month),
        "figures": figures,
        "partial": partial,
        "large_staff": LARGE_EMPLOYER_STAFF,
        "small_count": threshold if hidden else 0,
        "hidden_label": f"<{threshold}" if hidden else "",
        "trend_svg": line_chart(
            figures.trend,
            title=_("Members at the end of each month"),
            last_suffix=pgettext("month", "so far") if partial else "",
        )
        if trend_shown
        else "",
        # The cadres page: the cadres panel's figures as of the month's end.
        **cadres_dashboard.monthly_page(report.union, figures.month),
        # The integrity page: aggregates only, small counts of grassroots and joint unions hidden.
        **integrity_dashboard.monthly_page(report.union, figures.month),
        # The competitions page: counts of the month's year, entries to the month's end; nothing hidden.
        **campaigns_dashboard.monthly_page(report.union, figures.month),
    }


def _roster(report: Report):
    union = report.union
    labels = {
        "sex": dict(Sex.choices),
        "political_status": dict(PoliticalStatus.choices),
        "employment_type": dict(EmploymentType.choices),
    }
    members = list(
        Member.objects.filter(union=union, status=Member.Status.ACTIVE)
        .order_by("joined_on", "id")
        .values(
            "id", "name", "id_masked", "sex", "birth_date", "mobile", "political_status", "employment_type", "joined_on"
        )[:ROSTER_MAX_ROWS]
    )
    cards = dict(
        MemberCard.objects.filter(
            member__union=union, member__status=Member.Status.ACTIVE, revoked_on__isnull=True
        ).values_list("member_id", "number")
    )
    rows = [
        {
            **m,
            "mobile": mask_mobile(m["mobile"]),
            "sex": labels["sex"].get(m["sex"], ""),
            "political_status": labels["political_status"].get(m["political_status"], ""),
            "employment_type": labels["employment_type"].get(m["employment_type"], ""),
            "card": cards.get(m["id"], ""),
        }
        for m in members
    ]
    return "reports/pdf/roster.html", {
        "title": _("%(union)s member roster") % {"union": union.name},
        "rows": rows,
        "truncated": len(rows) >= ROSTER_MAX_ROWS,
        "as_of": report.parameters.get("date", ""),
    }


def _card(report: Report):
    member = Member.objects.filter(pk=report.parameters.get("member"), status=Member.Status.ACTIVE).first()
    card = member_selectors.card_of(member) if member is not None else None
    if card is None:
        raise ReportDataGone(_("This membership or its card is no longer valid."))
    return "reports/pdf/card.html", {
        "title": _("Trade union member card"),
        "member": member,
        "card": card,
        "qr": qr_svg(check_url(card)),
        "site_url": settings.SITE_URL,
    }


def dashboard_title(union_name: str, as_of: datetime.date) -> str:
    """E.g. "示范市总工会 数据看板（2026年5月14日）" when Chinese is active."""
    when = formats.date_format(as_of, "DATE_FORMAT")
    return _("%(union)s dashboard (%(date)s)") % {"union": union_name, "date": when}


def _dashboard(report: Report):
    """The figures of the leadership dashboard as the page shows them, computed afresh (not from the
    page's cache) for the day and year of the request; charts drawn as SVG."""
    as_of = datetime.date.fromisoformat(report.parameters["date"])
    data = dashboard.compute(report.union, year=report.parameters["year"], today=as_of)
    # Asked for by a leader: small counts hidden, as on their page (a copy made before the setting
    # existed has no flag and counts as exact, which only member staff may read).
    threshold = 0 if report.parameters.get("exact_counts", True) else small_count_setting()
    data = suppress(data, threshold=threshold)
    members, composition = data["members"], data["composition"]
    trend = members["trend"]
    whole_months = [p for p in trend if not p["partial"]]
    so_far = pgettext("month", "so far")
    kind_labels = dict(Union.Kind.choices)
    children = [{**child, "kind_label": kind_labels.get(child["kind"], "")} for child in data["children"]]
    refreshed_at = data.get("refreshed_at")
    # A chart cannot draw a hidden count; where one is hidden the chart is left out and the table,
    # which prints it as "<3", stands alone.
    totals_shown = all(p["total"] is not None for p in trend)
    movements_shown = all(p["joins"] is not None and p["leavers"] is not None for p in whole_months)
    enrolment_shown = all(row["joined"] is not None for row in data["enrolment"])
    return "reports/pdf/dashboard.html", {
        "title": dashboard_title(report.union.name, as_of),
        "data": data,
        "hidden_label": data.get("small_counts", {}).get("label", ""),
        "refreshed_at": timezone.localtime(datetime.datetime.fromisoformat(refreshed_at)) if refreshed_at else None,
        "total": members["total"],
        # Two months to a row, the earlier year on the left: the 24 months take twelve rows.
        "trend_rows": list(zip(trend[: len(trend) // 2], trend[len(trend) // 2 :], strict=False)),
        "children": children,
        "large_staff": LARGE_EMPLOYER_STAFF,
        "total_svg": line_chart(
            [(datetime.date.fromisoformat(f"{p['month']}-01"), p["total"]) for p in trend],
            title=_("Members at the end of each month"),
            last_suffix=so_far if trend and trend[-1]["partial"] else "",
        )
        if totals_shown
        else "",
        # The month under way is left out of the monthly movements: its first days would read as a fall.
        "movements_svg": multi_line_chart(
            [p["month"] for p in whole_months],
            [(_("Joined"), [p["joins"] for p in whole_months]), (_("Left"), [p["leavers"] for p in whole_months])],
            title=_("Members who joined and who left, by month"),
        )
        if movements_shown
        else "",
        "enrolment_svg": bar_chart(
            [(row["label"], row["joined"], row["target"]) for row in data["enrolment"]],
            title=_("New-employment-form workers who joined in %(year)s, against its targets") % {"year": data["year"]},
            value_name=_("Joined in %(year)s") % {"year": data["year"]},
            target_name=_("Target"),
        )
        if enrolment_shown
        else "",
        "has_targets": any(row["target"] for row in data["enrolment"]),
        "political": composition["political"],
        "employment": composition["employment"],
        "sex": composition["sex"],
        "age": composition["age"],
    }
