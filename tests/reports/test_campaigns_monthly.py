"""The monthly report's competitions page: the figures of the month's year, entries to its end, in the PDF."""

import os
import re
import shutil
import subprocess
from pathlib import Path

from reports.models import Report
from unions.models import Role

from ..factories import staff
from .test_cadre_monthly import build_monthly
from .test_campaigns_dashboard import LAST, contests  # noqa: F401
from .test_reports import needs_poppler, pdf_text


def lines_of(page: str) -> list[str]:
    return [" ".join(line.split()) for line in page.splitlines() if line.strip()]


@needs_poppler
def test_the_monthly_report_of_the_city_has_a_competitions_page_with_its_figures(
    tree,
    contests,  # noqa: F811
    django_capture_on_commit_callbacks,
    tmp_path,
):
    # when the city's leader asks for the city's report of last April
    city_leader = staff(Role.Kind.LEADER, tree["city"], username="campaigns-city-leader")
    report = build_monthly(tree["city"], city_leader, f"{LAST}-04", django_capture_on_commit_callbacks)
    assert report.status == Report.Status.DONE, report.error
    text = pdf_text(report.file.path)
    # then its last page is the competitions page, in Chinese, with the figures counted by hand
    # (test_campaigns_dashboard.contests): four competitions, two under way; at April's end five entries,
    # all accepted, 204 person-times (the individual entered in June not yet)
    page = text.split("\f")[-2]
    assert page.lstrip().startswith("劳动和技能竞赛"), page[:200]
    lines = lines_of(page)
    # by kind: (competitions, under way, entries, person-times)
    assert "重点工程劳动竞赛 1 1 2 70" in lines, lines
    assert "职业技能竞赛 1 1 1 8" in lines, lines
    assert "安康杯竞赛 1 0 1 120" in lines, lines
    assert "合计 4 2 5 204" in lines, lines
    # by union below: the city's own contest at the city itself, its entries under the districts
    assert "测试市总工会（本级） 1 1 0 0" in lines, lines
    assert "东城区总工会 2 1 3 158" in lines, lines
    assert "西城区总工会 1 0 2 46" in lines, lines
    # looked at: the page as an image
    pages = len(text.split("\f")) - 1
    subprocess.run(
        ["pdftoppm", "-png", "-r", "60", "-f", str(pages), "-l", str(pages), report.file.path, str(tmp_path / "page")],
        check=True,
    )
    images = list(tmp_path.glob("page*.png"))
    assert images
    if artifacts := os.environ.get("ARTIFACTS_DIR"):
        Path(artifacts).mkdir(parents=True, exist_ok=True)
        shutil.copy(images[0], Path(artifacts) / "monthly-competitions-page.png")


@needs_poppler
def test_the_competitions_page_names_no_entrant(tree, contests, django_capture_on_commit_callbacks, leader):  # noqa: F811
    # when district 1's leader asks for its December report
    report = build_monthly(tree["d1"], leader, f"{LAST}-12", django_capture_on_commit_callbacks)
    assert report.status == Report.Status.DONE, report.error
    text = pdf_text(report.file.path)
    page = text.split("\f")[-2]
    # then the page counts the district's four entries (the June one among them) and names none of them
    assert "合计 2 1 4 159" in lines_of(page), lines_of(page)
    assert not re.search(r"数控车间第\d+班组", text)
    assert "王师傅" not in text
