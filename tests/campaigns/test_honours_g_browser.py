"""In Chromium: a clerk on a 375 px phone finds the approval form on the nomination's page and downloads
the filled Word form; the city's staff find the round's summary and the notice for posting on the
round's page and download them. Each page is kept as a screenshot."""

import io
import subprocess

import pytest
from django.urls import reverse
from docx import Document
from playwright.sync_api import expect

from campaigns.models import Nomination

from ..factories import PASSWORD
from .honour_factories import NominationFactory, NoticeFactory

# serialized_rollback: the standard honour kinds the migrations made are back for each test and the tests after.
pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

PHONE = {"viewport": {"width": 375, "height": 812}, "is_mobile": True, "has_touch": True, "accept_downloads": True}
DESKTOP = {"viewport": {"width": 1280, "height": 900}, "accept_downloads": True}


@pytest.fixture
def standard_kinds(transactional_db):
    """The standard honour kinds the migration makes, made again if an earlier transactional test's flush
    took them (serialized_rollback does not bring them back on every run)."""
    from importlib import import_module

    from django.apps import apps

    import_module("campaigns.migrations.0004_standard_honour_kinds").add_kinds(apps, None)


def sign_in(page, username: str) -> None:
    page.goto("/accounts/login/")
    page.fill("input[name=login]", username)
    page.fill("input[name=password]", PASSWORD)
    page.locator("form[action*='/accounts/login/'] button[type=submit]").first.click()
    page.wait_for_load_state()


def test_a_clerk_downloads_the_approval_form_on_a_phone(
    standard_kinds, tree, clerk1, honour_round, new_context, screenshot, tmp_path
):
    nomination = NominationFactory(
        round=honour_round,
        union=tree["g1"],
        first_node=tree["d1"],
        created_by=clerk1,
        nominee_name="王建国",
        deeds="攻克<关键>工艺 & 带徒12名。",
        status=Nomination.Status.SUBMITTED,
    )
    page = new_context(**PHONE).new_page()
    sign_in(page, clerk1.username)
    page.goto(reverse("campaigns:nomination_detail", args=[nomination.pk]))
    panel = page.locator("#panel-nomination-documents")
    expect(panel).to_be_visible()
    expect(panel).to_contain_text("推荐审批表")
    word = panel.get_by_role("link", name="推荐审批表（Word）")
    word.scroll_into_view_if_needed()
    screenshot(page, "g-nomination-phone")
    # the panel fits the phone's width
    box = panel.bounding_box()
    assert box is not None and box["x"] >= 0 and box["x"] + box["width"] <= 375 + 1
    with page.expect_download() as info:
        word.click()
    path = tmp_path / "form.docx"
    info.value.save_as(path)
    text = "\n".join(
        cell.text
        for table in Document(io.BytesIO(path.read_bytes())).tables
        for row in table.rows
        for cell in row.cells
    )
    assert "王建国" in text and "攻克<关键>工艺 & 带徒12名。" in text


def test_the_citys_staff_download_the_summary_and_the_notice_from_the_rounds_page(
    standard_kinds, tree, clerk1, city_staff, honour_round, new_context, screenshot, tmp_path
):
    notice = NoticeFactory(round=honour_round, published_by=city_staff)
    NominationFactory(
        round=honour_round,
        union=tree["g1"],
        first_node=tree["d1"],
        created_by=clerk1,
        nominee_name="李春梅",
        status=Nomination.Status.NOTICE,
        notice=notice,
    )
    page = new_context(**DESKTOP).new_page()
    sign_in(page, city_staff.username)
    page.goto(reverse("campaigns:round_detail", args=[honour_round.pk]))
    panel = page.locator("#panel-round-documents")
    expect(panel).to_be_visible()
    panel.scroll_into_view_if_needed()
    screenshot(page, "g-round-desktop")
    for name, expected in (("评选汇总（PDF）", "2026年度市劳动模范评选汇总"), ("公示张贴版（PDF）", "李春梅")):
        with page.expect_download() as info:
            panel.get_by_role("link", name=name).click()
        path = tmp_path / "download.pdf"
        info.value.save_as(path)
        text = subprocess.run(["pdftotext", str(path), "-"], capture_output=True, check=True, text=True).stdout
        assert expected in text
