"""The monthly report's cadres page: the cadres panel's figures as of the month's end, in the PDF."""

import datetime
import re

from django.utils import timezone

from reports import cadres_dashboard, services
from reports.models import Report
from reports.statistics import add_months, month_end

from .test_cadre_dashboard import TODAY, YEAR, corps, officer_city  # noqa: F401
from .test_reports import needs_poppler, pdf_text

THIS_MONTH = TODAY.replace(day=1)


def build_monthly(union, by, month: str, django_capture_on_commit_callbacks) -> Report:
    with django_capture_on_commit_callbacks(execute=True):
        report = services.report_request(
            kind=Report.Kind.MONTHLY_MEMBERSHIP, union=union, params={"month": month}, by=by
        )
    report.refresh_from_db()
    return report


@needs_poppler
def test_the_monthly_report_of_a_district_has_a_cadres_page_with_its_figures(
    tree,
    corps,  # noqa: F811
    leader,
    django_capture_on_commit_callbacks,
):
    # when district 1's leader asks for this month's report
    report = build_monthly(tree["d1"], leader, f"{THIS_MONTH:%Y-%m}", django_capture_on_commit_callbacks)
    assert report.status == Report.Status.DONE, report.error
    text = pdf_text(report.file.path)
    # then the page after the members' pages (before integrity and competitions) is the cadres page, in Chinese
    page = text.split("\f")[-4]
    assert "在职干部" in page and "挂职锻炼中" in page
    # with the district's figures counted by hand (see test_cadre_dashboard.corps): 6 in post, 2 young
    # (33.3 %), 3 of the 6 met their 90 hours (50.0 %), one secondment under way, no stay
    lines = [re.sub(r"\s*/\s*", "/", " ".join(line.split())) for line in page.splitlines() if line.strip()]
    assert "东城区总工会（本级） 2 1 1/2 50.0% 0 0" in lines, lines
    assert "东华门街道总工会 4 1 2/4 50.0% 1 0" in lines, lines
    assert "合计 6 2 3/6 50.0% 1 0" in lines, lines
    # and last year's grades: 优秀 1, 称职 2, one not confirmed yet
    assert any(line.startswith("优秀 1") for line in lines) and any(line.startswith("称职 2") for line in lines)
    assert "该年度另有 1 份考核尚未确认" in page
    # and the charts drawn: a bar per row with its count, the cadres who owe hours marked
    context = cadres_dashboard.monthly_page(tree["d1"], THIS_MONTH)
    svg = context["cadres_completion_svg"]
    assert svg.startswith("<svg") and 'aria-label="东华门街道总工会: 2"' in svg and svg.count('class="target"') == 2
    assert 'aria-label="Competent: 2"' in context["cadres_grades_svg"]


def test_the_cadres_page_of_an_earlier_month_counts_as_of_that_months_end(tree, corps):  # noqa: F811
    # two months ago the secondment under way today (begun 30 days ago) had not begun
    month = add_months(THIS_MONTH, -2)
    context = cadres_dashboard.monthly_page(tree["d1"], month)
    assert context["cadres_as_of"] == month_end(month)
    assert context["cadres"]["totals"]["secondments"] == 0
    # the month under way is counted as of today
    assert cadres_dashboard.monthly_page(tree["d1"], THIS_MONTH)["cadres_as_of"] == timezone.localdate()


def test_the_cadres_page_always_hides_small_counts_of_grassroots_unions(tree, corps):  # noqa: F811
    # whoever reads a street's report (leaders and member staff), g1's single cadre is not shown
    context = cadres_dashboard.monthly_page(tree["s1"], THIS_MONTH)
    g1 = next(row for row in context["cadres"]["children"] if row["name"] == "东城机械厂工会")
    assert g1["in_post"] is None and context["cadres_hidden_label"] == "<3"
    # a chart cannot draw a hidden count: the completion chart is left out, the table stands alone
    assert context["cadres_completion_svg"] == ""


def test_a_report_for_a_year_without_grades_says_so(tree):
    context = cadres_dashboard.monthly_page(tree["d2"], datetime.date(2020, 1, 1))
    assert context["cadres"]["grades"] == {"year": None, "rows": [], "pending": 0}
    assert context["cadres"]["totals"]["in_post"] == 0 and context["cadres_grades_svg"] == ""
