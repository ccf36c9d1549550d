"""In Chromium: a clerk on a 375 px phone opens the model workers' care list, records a festival visit with
its amount and sees it delivered; district staff record an innovation studio (the leader found in the
register by name), review it and see the city's target's progress. Screenshots of each last page."""

import os
from pathlib import Path

import pytest
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import expect

from campaigns.models import CareRecord, InnovationStudio, StudioReview, StudioTarget

from ..factories import PASSWORD
from .honour_factories import HonourFactory

# serialized_rollback: the standard honour kinds the migrations made are back for each test and the tests after.
pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

PHONE = {"viewport": {"width": 375, "height": 812}, "is_mobile": True, "has_touch": True}
DESKTOP = {"viewport": {"width": 1280, "height": 900}}


def sign_in(page, username: str) -> None:
    page.goto("/accounts/login/")
    page.fill("input[name=login]", username)
    page.fill("input[name=password]", PASSWORD)
    page.locator("form[action*='/accounts/login/'] button[type=submit]").first.click()
    page.wait_for_load_state()


def keep(path: Path) -> None:
    if folder := os.environ.get("F_SHOTS"):
        Path(folder).mkdir(parents=True, exist_ok=True)
        (Path(folder) / path.name).write_bytes(path.read_bytes())


def test_care_on_a_phone_and_a_studio_from_record_to_target(
    tree, city_staff, clerk1, district_staff, new_context, screenshot
):
    # One test: a second transactional test in this module would start without the standard kinds.
    year = timezone.localdate().year
    worker = HonourFactory(union=tree["g1"], created_by=city_staff, holder_name="李劳模", in_hardship=True)
    HonourFactory(union=tree["g1"], created_by=city_staff, holder_name="赵劳模")
    StudioTarget.objects.create(node=tree["city"], year=year, level="city", count=4)
    page = new_context(**PHONE).new_page()
    sign_in(page, clerk1.username)
    page.goto(reverse("campaigns:care_list"))
    expect(page.locator("h1")).to_contain_text("劳模关爱")
    expect(page.locator("[data-person]")).to_have_count(2)
    keep(screenshot(page, "care-list-phone"))
    assert page.evaluate("document.documentElement.scrollWidth") <= 375

    page.goto(reverse("campaigns:care_record", args=[worker.pk]))
    page.select_option("select[name=care]", "national_day_visit")
    page.fill("input[name=delivered_on]", f"{year}-09-28")
    page.fill("input[name=delivered_by]", "工会主席王五")
    page.fill("input[name=amount]", "500")
    page.locator("form[data-care-form] button[type=submit]").click()
    page.wait_for_load_state()
    expect(page.locator("[data-care=national_day_visit][data-state=done]")).to_contain_text("工会主席王五")
    keep(screenshot(page, "care-record-phone"))
    assert page.evaluate("document.documentElement.scrollWidth") <= 375
    assert CareRecord.objects.get().amount == 500

    # district staff record a studio led by 李劳模, review it; the city's target shows its progress
    page = new_context(**DESKTOP).new_page()
    sign_in(page, district_staff.username)
    page.goto(reverse("campaigns:studio_create"))
    page.fill("input[name=name]", "李劳模数控创新工作室")
    page.fill("input[name=leader_query]", "李劳")
    page.locator("button[name=search]").click()
    page.wait_for_load_state()
    page.locator("input[name=leader]").first.check()
    page.select_option("select[name=host_union]", str(tree["g1"].pk))
    page.fill("input[name=host_unit]", "东城机械厂")
    page.fill("input[name=field]", "数控加工")
    page.fill("textarea[name=members]", "张三，李四")
    page.fill("input[name=member_count]", "2")
    page.select_option("select[name=level]", "city")
    page.locator("form[data-studio-form] button[type=submit]:not([name=search])").click()
    page.wait_for_load_state()
    studio = InnovationStudio.objects.get()
    assert page.url.endswith(reverse("campaigns:studio_detail", args=[studio.pk]))
    page.check("input[name=result][value=excellent]")
    page.locator(f"form[action='{reverse('campaigns:studio_review', args=[studio.pk])}'] button").click()
    page.wait_for_load_state()
    assert StudioReview.objects.get().result == "excellent"
    keep(screenshot(page, "studio-detail"))

    staff = new_context(**PHONE).new_page()
    sign_in(staff, city_staff.username)
    staff.goto(reverse("campaigns:studio_targets"))
    expect(staff.locator("[data-achieved]")).to_have_text("1 / 4")
    width = staff.evaluate("document.querySelector('[data-progress]').getBoundingClientRect().width")
    track = staff.evaluate("document.querySelector('.progress').getBoundingClientRect().width")
    assert 0.2 < width / track < 0.3  # 25 %
    keep(screenshot(staff, "studio-targets-phone"))
