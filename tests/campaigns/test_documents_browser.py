"""The organiser downloads the competition's summary and its entries' workbook from the documents
panel of the competition page, in Chromium."""

import io
from pathlib import Path

import pytest
from openpyxl import load_workbook

from campaigns.models import Competition

from ..factories import PASSWORD
from .factories import EntryFactory

pytestmark = pytest.mark.browser


def sign_in(page, username: str) -> None:
    page.goto("/accounts/login/")
    page.fill("input[name=login]", username)
    page.fill("input[name=password]", PASSWORD)
    page.locator("form[action*='/accounts/login/'] button[type=submit]").first.click()
    page.wait_for_load_state()


def test_the_organiser_downloads_the_documents_from_the_competition_page(
    transactional_db, new_context, screenshot, tree, organiser, competition, clerk1
):
    for n in range(3):
        EntryFactory(competition=competition, union=tree["g1"], entered_by=clerk1, name=f"数控班组{n}")
    Competition.objects.filter(pk=competition.pk).update(status=Competition.Status.REVIEWING)
    page = new_context(accept_downloads=True, viewport={"width": 1280, "height": 900}).new_page()
    sign_in(page, organiser.username)
    page.goto(f"/campaigns/competitions/{competition.pk}/")
    panel = page.locator("#panel-documents")
    panel.scroll_into_view_if_needed()
    screenshot(page, "competition-documents-panel")
    with page.expect_download() as pdf:
        panel.get_by_role("link", name="竞赛总结（PDF）").click()
    assert pdf.value.suggested_filename == f"competition-{competition.pk}-summary.pdf"
    assert Path(pdf.value.path()).read_bytes()[:4] == b"%PDF"
    with page.expect_download() as xlsx:
        panel.get_by_role("link", name="参赛名单（Excel）").click()
    sheet = load_workbook(io.BytesIO(Path(xlsx.value.path()).read_bytes())).active
    assert sheet.max_row == 4
    assert page.context.console_errors == []
