"""In Chromium: the city's staff draft a round (dates out of order first: the pair is named), open it and
hand quotas down; a district's staff split theirs on a 375 px phone (over their quota: refused in the
cell); a city admin reads 2026's calendar on a phone, enters 2027's New Year's Day and declares 2027.
Each step's last page is kept as a screenshot."""

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from accounts.models import CalendarDay, CalendarYear
from campaigns.models import Quota, Round
from unions.models import Role

from ..factories import PASSWORD, staff
from .honour_factories import honour_kind

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


def errors_of(context) -> list[str]:
    """Console errors but the 400 of a form refused on purpose."""
    return [error for error in context.console_errors if "status of 400" not in error]


def no_horizontal_scroll(page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")


def test_a_round_drafted_opened_and_its_quotas_split_down(tree, city_staff, new_context, screenshot):
    worker = honour_kind()
    d1_staff = staff(Role.Kind.FEDERATION_STAFF, tree["d1"], username="staff-d1")

    # 1. the city's staff draft the round, first with the vetting due before the second review
    desk = new_context(**DESKTOP)
    page = desk.new_page()
    sign_in(page, city_staff.username)
    page.goto(reverse("campaigns:round_create"))
    page.fill("input[name=title]", "2026年度市劳动模范评选")
    page.check(f"input[name=kinds][value='{worker.pk}']")
    for name, day in (
        ("nominations_close", "2026-03-31"),
        ("first_review_due", "2026-04-15"),
        ("second_review_due", "2026-04-30"),
        ("vetting_due", "2026-04-20"),
        ("notice_planned", "2026-06-01"),
    ):
        page.fill(f"input[name={name}]", day)
    page.select_option("select[name='rules-0-flag']", "woman")
    page.fill("input[name='rules-0-percent']", "20")
    page.locator("form button[type=submit].btn-primary").click()
    page.wait_for_load_state()
    expect(page.locator(".alert-danger")).to_contain_text(
        "日期顺序不对：联审截止（2026-04-20）早于复审截止（2026-04-30）"
    )
    assert not Round.objects.exists()
    page.fill("input[name=vetting_due]", "2026-05-20")
    page.locator("form button[type=submit].btn-primary").click()
    page.wait_for_load_state()
    round_ = Round.objects.get()
    expect(page.locator("h1")).to_have_text("2026年度市劳动模范评选")

    # 2. opened for nominations (the page asks first)
    form = page.locator(f"form[action='{reverse('campaigns:round_open', args=[round_.pk])}']")
    form.locator("button[type=submit]").click()
    page.locator("[data-confirm-ok]").click()
    page.wait_for_load_state()
    round_.refresh_from_db()
    assert round_.status == Round.Status.NOMINATING

    # 3. quotas for the districts and the industry union, in one save
    page.goto(reverse("campaigns:round_quotas", args=[round_.pk]))
    page.fill(f"input[name='q-{tree['d1'].pk}-{worker.pk}']", "8")
    page.fill(f"input[name='q-{tree['d2'].pk}-{worker.pk}']", "6")
    page.locator("form button[type=submit].btn-primary").click()
    page.wait_for_load_state()
    assert Quota.objects.get(node=tree["d1"]).count == 8
    screenshot(page, "a-quotas-city")
    page.goto(reverse("campaigns:round_detail", args=[round_.pk]))
    screenshot(page, "a-round-detail-desktop")
    assert errors_of(desk) == []

    # 4. the district splits its 8 places on a phone: 9 is refused in the cell, 8 is saved
    phone = new_context(**PHONE)
    mobile = phone.new_page()
    sign_in(mobile, d1_staff.username)
    mobile.goto(reverse("campaigns:round_detail", args=[round_.pk]))
    expect(mobile.locator("section[aria-labelledby=panel-quotas]")).to_contain_text("8 个名额")
    mobile.locator("section[aria-labelledby=panel-quotas]").get_by_role("link").click()
    mobile.wait_for_load_state()
    cell = mobile.locator(f"input[name='q-{tree['s1'].pk}-{worker.pk}']")
    cell.fill("9")
    mobile.locator("form button[type=submit].btn-primary").click()
    mobile.wait_for_load_state()
    expect(mobile.locator("td .text-danger").first).to_contain_text(
        "东城区总工会 有 8 个劳动模范名额；向下已分配 9 个。"
    )
    screenshot(mobile, "a-quotas-district-refused-phone")
    assert not Quota.objects.filter(node=tree["s1"]).exists()
    mobile.locator(f"input[name='q-{tree['s1'].pk}-{worker.pk}']").fill("8")
    mobile.locator("form button[type=submit].btn-primary").click()
    mobile.wait_for_load_state()
    assert Quota.objects.get(node=tree["s1"]).count == 8
    assert no_horizontal_scroll(mobile)
    mobile.goto(reverse("campaigns:round_detail", args=[round_.pk]))
    assert no_horizontal_scroll(mobile)
    screenshot(mobile, "a-round-detail-phone")
    assert errors_of(phone) == []


def test_a_city_admin_keeps_the_calendar_on_a_phone(city_admin, new_context, screenshot):
    phone = new_context(**PHONE)
    page = phone.new_page()
    sign_in(page, city_admin.username)
    page.goto(reverse("campaigns:calendar_year", args=[2026]))
    expect(page.locator("#year-state")).to_contain_text("来自国务院公布的节假日安排")
    expect(page.locator("[data-date='2026-10-10']")).to_have_attribute("data-kind", "makeup")
    screenshot(page, "a-calendar-2026-phone")
    page.goto(reverse("campaigns:calendar_year", args=[2027]))
    expect(page.locator("#year-state")).to_contain_text("尚未知晓")
    page.fill("input[name=date]", "2027-01-01")
    page.check("input[name=status][value=off]")
    page.fill("input[name=note]", "元旦")
    page.get_by_role("button", name="保存").click()
    page.wait_for_load_state()
    assert CalendarDay.objects.get().note == "元旦"
    page.locator("input[name=action][value=declare]").locator("xpath=..").locator("button").click()
    page.wait_for_load_state()
    assert CalendarYear.objects.filter(year=2027).exists()
    expect(page.locator("#year-state")).to_contain_text("已确认录入完整")
    expect(page.locator("[data-date='2027-01-01']")).to_have_attribute("data-kind", "holiday")
    assert no_horizontal_scroll(page)
    screenshot(page, "a-calendar-2027-phone")
    assert errors_of(phone) == []
