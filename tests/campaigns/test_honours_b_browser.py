"""In Chromium at phone width: a clerk finds the open round, nominates a member found by name (htmx),
attaches the checklist's files one line at a time, is told what is missing, and submits."""

import datetime

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from campaigns.models import Nomination

from ..members.test_admin import make_member
from .test_entries_browser import PDF, sign_in

pytestmark = pytest.mark.browser


def test_a_clerk_nominates_a_member_on_a_phone_with_files(
    transactional_db, tree, honour_round, clerk1, new_context, screenshot
):
    honour_round.nominations_close = timezone.localdate() + datetime.timedelta(days=10)
    honour_round.save(update_fields=["nominations_close"])
    chen = make_member(tree["g1"], "陈晓燕")
    make_member(tree["g1"], "陈晓东")

    phone = new_context(viewport={"width": 375, "height": 800}, locale="zh-CN").new_page()
    sign_in(phone, clerk1.username)
    phone.goto("/campaigns/honours/nominate/")
    expect(phone.locator("body")).to_contain_text("2026年度市劳动模范评选")
    screenshot(phone, "honours-nomination-home-375")
    phone.get_by_role("link", name="推荐", exact=True).first.click()
    phone.wait_for_load_state()
    phone.get_by_label("劳动模范").check()
    phone.fill("input[name=member_query]", "陈晓")
    phone.get_by_role("button", name="查找").click()
    expect(phone.locator("#member-matches")).to_contain_text("陈晓东")
    assert "member_query" not in phone.url and "search" not in phone.url
    phone.get_by_label("陈晓燕").check()
    phone.check("input[name=front_line]")
    phone.check("input[name=enterprise_staff]")
    phone.fill("textarea[name=deeds]", "扎根生产一线二十年，带领班组完成技术革新十余项。")
    phone.fill("input[name=review_meeting_on]", "2026-03-01")
    phone.fill("input[name=review_attendance]", "40")
    phone.fill("input[name=votes_for]", "38")
    phone.fill("input[name=votes_against]", "1")
    phone.fill("input[name=votes_abstaining]", "1")
    phone.fill("input[name=unit_notice_from]", "2026-03-02")
    phone.fill("input[name=unit_notice_to]", "2026-03-08")
    screenshot(phone, "honours-nomination-form-375")
    width = phone.evaluate("document.documentElement.scrollWidth")
    assert width <= 375, f"the form scrolls sideways: {width}px"
    phone.get_by_role("button", name="保存草稿").click()
    phone.wait_for_load_state()
    expect(phone.locator("body")).to_contain_text("草稿已保存")
    expect(phone.locator("body")).to_contain_text("缺少：推荐审批表（盖章）、个人先进事迹材料")
    nomination = Nomination.objects.get()
    assert (nomination.nominee_name, nomination.woman, nomination.front_line) == ("陈晓燕", chen.sex == "F", True)

    uploads = phone.locator("input[name=upload]")
    assert uploads.count() == 6
    for n in range(6):
        phone.locator("input[name=upload]").nth(n).set_input_files(
            [{"name": f"材料{n}.pdf", "mimeType": "application/pdf", "buffer": PDF}]
        )
        phone.get_by_role("button", name="上传").nth(n).click()
        phone.wait_for_load_state()
        expect(phone.locator("body")).to_contain_text(f"已上传 材料{n}.pdf")
    screenshot(phone, "honours-nomination-files-375")
    width = phone.evaluate("document.documentElement.scrollWidth")
    assert width <= 375, f"the files page scrolls sideways: {width}px"
    phone.get_by_role("button", name="报送", exact=True).click()
    phone.wait_for_load_state()
    expect(phone.locator("body")).to_contain_text("已报送，由东城区总工会初审。")
    screenshot(phone, "honours-nomination-detail-375")
    nomination.refresh_from_db()
    assert (nomination.status, nomination.first_node) == (Nomination.Status.SUBMITTED, tree["d1"])
    assert nomination.files.count() == 6
    assert not phone.context.console_errors, phone.context.console_errors
