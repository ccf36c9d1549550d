"""How figures are written where they are read: grouped thousands in the PDFs as on the page, the month
under way marked (not drawn as a fall), and no average approval time made of no approvals."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone, translation

from accounts.pdf import render_pdf
from members.models import Application
from members.services import application_reject
from reports import builders, dashboard, services, tallies
from reports.models import Report
from reports.statistics import MonthlyFigures, add_months
from tests.pages import client_for, text
from unions.models import Role

from ..factories import staff
from ..members.test_membership_services import new_worker, submit
from .conftest import make_member
from .test_reports import needs_poppler, pdf_text

R = Role.Kind


@needs_poppler
def test_monthly_pdf_groups_thousands_as_the_dashboard_and_its_chart_do(tree, tmp_path):
    # given a month with thousands of members
    first = datetime.date(2026, 10, 1)
    figures = MonthlyFigures(
        union=tree["d1"],
        month=first,
        total=6663,
        previous_total=5400,
        joins=1302,
        leavers=39,
        by_child=[("东华门街道总工会", 6663)],
        by_union_kind=[("基层工会", 6663)],
        female=3120,
        trend=[(add_months(first, -1), 5400), (first, 6663)],
    )

    # when the monthly PDF is rendered
    path = tmp_path / "monthly.pdf"
    path.write_bytes(
        render_pdf(
            "reports/pdf/monthly.html",
            {
                "title": "月报",
                "figures": figures,
                "large_staff": 25,
                "generated_at": timezone.now(),
                "hidden_label": "",
            },
        )
    )

    # then every count is grouped, in the overview and the tables alike
    printed = pdf_text(path)
    for grouped in ("6,663", "+1,263", "1,302", "3,120"):
        assert grouped in printed, grouped
    assert "6663" not in printed and "1302" not in printed


def test_the_month_under_way_is_marked_partial_in_the_figures_the_page_and_the_json(tree):
    make_member(tree["g1"], joined_on=timezone.localdate())
    tallies.refresh()
    today = timezone.localdate()

    trend = dashboard.compute(tree["d1"], year=today.year, today=today)["members"]["trend"]
    assert [p["partial"] for p in trend] == [False] * 23 + [True]
    assert trend[-1]["month"] == f"{today:%Y-%m}"

    leader = client_for(staff(R.LEADER, tree["d1"]))
    page = text(leader.get(reverse("reports:dashboard_node", args=[tree["d1"].pk])))
    assert "so far" in page and "This month is not over" in page
    data = leader.get(reverse("reports:dashboard_data", args=[tree["d1"].pk])).json()
    assert data["members"]["trend"][-1]["partial"] is True


def test_the_dashboard_pdf_leaves_the_month_under_way_out_of_the_monthly_movements(tree):
    make_member(tree["g1"], joined_on=timezone.localdate())
    tallies.refresh()
    today = timezone.localdate()
    leader = staff(R.LEADER, tree["d1"])
    report = services.report_request(kind=Report.Kind.DASHBOARD, union=tree["d1"], params={}, by=leader)

    with translation.override("zh-hans"):
        _template, context = builders._dashboard(report)

    last_month = add_months(today.replace(day=1), -1)
    assert f"{today:%Y-%m}" not in context["movements_svg"]
    assert f"{last_month:%Y-%m}" in context["movements_svg"]
    # the members' line keeps today's total, its label saying the month is not over
    assert f">{today:%Y-%m}<" in context["total_svg"] and ">至今<" in context["total_svg"]


@pytest.fixture
def one_quick_rejection(tree):
    """The city's only decision of the year: an application turned away within a minute."""
    application = submit(new_worker(), tree["g1"])
    application_reject(application=application, by=staff(R.UNION_CLERK, tree["g1"]), reason="信息不实")
    return tree


def test_no_average_approval_time_without_an_approval(one_quick_rejection):
    tree = one_quick_rejection
    assert Application.objects.get().status == Application.Status.REJECTED
    today = timezone.localdate()

    applications = dashboard.compute(tree["city"], year=today.year, today=today)["applications"]
    assert applications["approved"] == 0 and applications["average_days"] is None

    response = client_for(staff(R.CITY_ADMIN, tree["city"])).get(
        reverse("reports:dashboard_node", args=[tree["city"].pk])
    )
    page = text(response)
    assert "None yet: no application approved in the last 12 months" in page
    assert '<div class="stat" data-kpi="average-days">—</div>' in page
