"""In Chromium at phone width: a clerk finds the open competition, searches their union's members,
enters one, and the organiser accepts the entry from the list."""

import datetime

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from campaigns.models import Entry

from ..factories import PASSWORD
from ..members.test_admin import make_member

pytestmark = pytest.mark.browser

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def sign_in(page, username: str) -> None:
    page.goto("/accounts/login/")
    page.fill("input[name=login]", username)
    page.fill("input[name=password]", PASSWORD)
    page.locator("form[action*='/accounts/login/'] button[type=submit]").first.click()
    page.wait_for_load_state()


def test_a_clerk_enters_a_member_on_a_phone_and_the_organiser_accepts(
    transactional_db, tree, competition, clerk1, organiser, new_context, screenshot
):
    competition.entry_deadline = timezone.localdate() + datetime.timedelta(days=10)
    competition.save(update_fields=["entry_deadline"])
    make_member(tree["g1"], "王小明")
    make_member(tree["g1"], "王小红")

    phone = new_context(viewport={"width": 375, "height": 800}, locale="zh-CN").new_page()
    sign_in(phone, clerk1.username)
    phone.goto("/campaigns/entering/")
    expect(phone.locator("body")).to_contain_text("东城区数控技能大赛")
    screenshot(phone, "entries-open-list-375")
    phone.get_by_role("link", name="报名").first.click()
    phone.wait_for_load_state()
    phone.check("input[name=kind][value=individual]")
    phone.fill("input[name=member_query]", "王小")
    phone.get_by_role("button", name="查找").click()
    phone.wait_for_load_state()
    expect(phone.locator("body")).to_contain_text("王小红")
    phone.get_by_label("王小明").check()
    phone.fill("input[name=person_times]", "1")
    screenshot(phone, "entries-entry-form-375")
    width = phone.evaluate("document.documentElement.scrollWidth")
    assert width <= 375, f"the form scrolls sideways: {width}px"
    phone.locator("form button[type=submit]:not([name=search])").last.click()
    phone.wait_for_load_state()
    expect(phone.locator("body")).to_contain_text("已报名，等待主办方受理。")
    screenshot(phone, "entries-entry-detail-375")
    entry = Entry.objects.get()
    assert (entry.name, entry.kind, entry.status) == ("王小明", "individual", Entry.Status.ENTERED)

    desk = new_context(viewport={"width": 1280, "height": 900}, locale="zh-CN").new_page()
    sign_in(desk, organiser.username)
    desk.goto(f"/campaigns/competitions/{competition.pk}/entries/")
    desk.check(f"input[name=entry][value='{entry.pk}']")
    screenshot(desk, "entries-organiser-list")
    desk.get_by_role("button", name="接收所勾选的报名").click()
    desk.wait_for_load_state()
    expect(desk.locator("body")).to_contain_text("已接收 1 个报名。")
    entry.refresh_from_db()
    assert entry.status == Entry.Status.ACCEPTED

    # the clerk hands in the stage report with a PDF; a file that is not one is refused first
    phone.goto(f"/campaigns/entries/{entry.pk}/")
    phone.get_by_role("link", name="提交阶段总结").click()
    phone.wait_for_load_state()
    phone.fill("textarea[name=summary]", "完成四轮实操培训，参与48人次。")
    phone.set_input_files(
        "input[name=files]", [{"name": "总结.pdf", "mimeType": "application/pdf", "buffer": b"GIF89a"}]
    )
    phone.get_by_role("button", name="提交", exact=True).click()
    phone.wait_for_load_state()
    expect(phone.locator("body")).to_contain_text("不是 PDF、Word、Excel、JPG 或 PNG 文件")
    screenshot(phone, "entries-stage-report-refused-375")
    phone.fill("textarea[name=summary]", "完成四轮实操培训，参与48人次。")
    phone.set_input_files("input[name=files]", [{"name": "总结.pdf", "mimeType": "application/pdf", "buffer": PDF}])
    phone.get_by_role("button", name="提交", exact=True).click()
    phone.wait_for_load_state()
    expect(phone.locator("body")).to_contain_text("阶段总结已提交。")
    expect(phone.get_by_role("link", name="总结.pdf")).to_be_visible()
    screenshot(phone, "entries-entry-with-report-375")
    for context_page in (phone, desk):
        assert not context_page.context.console_errors, context_page.context.console_errors
