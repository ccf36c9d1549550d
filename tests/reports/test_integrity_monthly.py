"""The monthly report's integrity page: aggregates of the month's year to its end, small counts hidden, in the PDF."""

import re

from reports import integrity_dashboard
from reports.models import Report

from .test_cadre_monthly import build_monthly
from .test_integrity_dashboard import CONTENT, LAST, day, recorder, records  # noqa: F401
from .test_reports import needs_poppler, pdf_text


def lines_of(page: str) -> list[str]:
    return [re.sub(r"\s*/\s*", "/", " ".join(line.split())) for line in page.splitlines() if line.strip()]


@needs_poppler
def test_the_monthly_report_of_a_district_has_an_integrity_page_with_its_figures(
    tree,
    records,  # noqa: F811
    leader,
    django_capture_on_commit_callbacks,
):
    # when district 1's leader asks for last December's report
    report = build_monthly(tree["d1"], leader, f"{LAST}-12", django_capture_on_commit_callbacks)
    assert report.status == Report.Status.DONE, report.error
    text = pdf_text(report.file.path)
    # then its page before the competitions page is the integrity page, in Chinese, with the district's figures counted by hand
    # (see test_integrity_dashboard.records): 4 in post, 3 talked to, 6 talks, 1 item open and overdue,
    # 2 of 3 letters unsigned, 2 opinion letters issued, 2 cadres at warning education, 1 four-forms entry
    page = text.split("\f")[-3]
    assert page.lstrip().startswith("廉政") and "例行廉政谈话" in page
    lines = lines_of(page)
    assert "东城区总工会（本级） 1 1 100.0% 1 0 0 2/3 1 0 0" in lines, lines
    assert "东华门街道总工会 3 2 66.7% 5 1 1 0/0 1 2 1" in lines, lines
    assert "合计 4 3 75.0% 6 1 1 2/3 2 2 1" in lines, lines
    # no name, no content
    for cadre in records.values():
        assert cadre.name not in text
    for content in CONTENT:
        assert content not in text, content


def test_the_integrity_page_of_a_month_counts_to_its_end(tree, records):  # noqa: F811
    context = integrity_dashboard.monthly_page(tree["d1"], day(4, 1))
    assert context["integrity_as_of"] == day(4, 30)
    totals = context["integrity"]["totals"]
    # at April's end the reminder's items were both open and, due on the 30th, not yet overdue
    assert (totals["rect_open"], totals["rect_overdue"], totals["opinions_issued"]) == (2, 0, 0)
    svg = context["integrity_coverage_svg"]
    assert svg.startswith("<svg") and 'aria-label="东华门街道总工会: 2"' in svg


def test_the_integrity_page_always_hides_small_counts_of_grassroots_unions(tree, records):  # noqa: F811
    # whoever reads the street's report (leaders and member staff), g1's single cadre is not shown
    context = integrity_dashboard.monthly_page(tree["s1"], day(12, 1))
    g1 = next(row for row in context["integrity"]["children"] if row["name"] == "东城机械厂工会")
    assert g1["in_post"] is None and g1["covered"] is None and context["integrity_hidden_label"] == "<3"
    # a chart cannot draw a hidden count: the coverage chart is left out, the table stands alone
    assert context["integrity_coverage_svg"] == ""
