"""In Chromium on a 375 px phone: a member of the public opens a running notice, objects to a nominee
with the SMS code, and the organiser's staff find the objection in the register. Screenshots kept."""

import datetime as dt
import re

import pytest
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import expect

from campaigns.models import Nomination, Objection

from ..factories import PASSWORD
from .honour_factories import NominationFactory, NoticeFactory

pytestmark = pytest.mark.browser

PHONE = {"viewport": {"width": 375, "height": 812}, "is_mobile": True, "has_touch": True, "locale": "zh-CN"}
DESKTOP = {"viewport": {"width": 1280, "height": 900}}
MOBILE = "13712345678"


@pytest.fixture
def standard_kinds(transactional_db):
    """The standard honour kinds the migration makes, made again if an earlier transactional test's
    flush took them."""
    from importlib import import_module

    from django.apps import apps

    import_module("campaigns.migrations.0004_standard_honour_kinds").add_kinds(apps, None)


def sign_in(page, username: str) -> None:
    page.goto("/accounts/login/")
    page.fill("input[name=login]", username)
    page.fill("input[name=password]", PASSWORD)
    page.locator("form[action*='/accounts/login/'] button[type=submit]").first.click()
    page.wait_for_load_state()


def test_an_objector_objects_on_a_phone_with_the_sms_code(
    standard_kinds, tree, honour_round, clerk1, city_staff, sms_outbox, new_context, screenshot
):
    today = timezone.localdate()
    notice = NoticeFactory(
        round=honour_round,
        published_by=city_staff,
        published_on=today - dt.timedelta(days=1),
        first_day=today - dt.timedelta(days=1),
        last_day=today + dt.timedelta(days=6),
        contact="市总工会劳模办 010-65001234",
    )
    names = ["李秀英", "张国强", "王海燕"]
    for name in names:
        NominationFactory(
            round=honour_round,
            union=tree["g1"],
            first_node=tree["d1"],
            created_by=clerk1,
            notice=notice,
            status=Nomination.Status.NOTICE,
            nominee_name=name,
            deeds="二十年扎根生产一线，主持完成数控加工工艺改进十余项，带出技术骨干三十余名，所在班组连续五年零事故。"
            * 3,
        )

    # 1. the public notice on a phone: Chinese, the dates, the nominees, the objection button
    phone = new_context(**PHONE).new_page()
    phone.goto(reverse("campaigns:public_notice", args=[notice.token]))
    expect(phone.locator("#notice-period")).to_contain_text("公示期：")
    expect(phone.locator("#nominees li")).to_have_count(3)
    assert phone.evaluate("document.documentElement.scrollWidth") <= 375
    screenshot(phone, "d-public-notice-phone")

    # 2. the objection form: name, nominee, facts, mobile, the code by SMS
    phone.locator("#object-link").click()
    phone.wait_for_load_state()
    phone.fill("input[name=name]", "赵建国")
    phone.select_option("select[name=nomination]", label=f"张国强（{tree['g1'].name}）")
    phone.fill("textarea[name=facts]", "据了解，该同志所在班组2025年发生过一起未上报的安全事故，请核实。")
    phone.fill("input[name=mobile]", MOBILE)
    phone.locator("#send-code").click()
    phone.wait_for_load_state()
    expect(phone.locator("#code-sent")).to_contain_text("137****5678")
    expect(phone.locator("textarea[name=facts]")).to_have_value(re.compile("未上报的安全事故"))
    assert sms_outbox and sms_outbox[-1][0] == MOBILE
    code = re.search(r"(\d{6})", sms_outbox[-1][1]).group(1)
    phone.fill("input[name=code]", code)
    assert phone.evaluate("document.documentElement.scrollWidth") <= 375
    screenshot(phone, "d-objection-form-phone")
    phone.locator("#submit-objection").click()
    phone.wait_for_load_state()
    expect(phone.locator("#objection-done")).to_contain_text("您的异议已收到")
    screenshot(phone, "d-objection-done-phone")

    objection = Objection.objects.get()
    assert objection.nomination.nominee_name == "张国强" and objection.objector_name == "赵建国"
    assert not objection.late

    # 3. the organiser's staff see it in the register, the mobile masked
    desk = new_context(**DESKTOP).new_page()
    sign_in(desk, city_staff.username)
    desk.goto(reverse("campaigns:objection_detail", args=[objection.pk]))
    expect(desk.locator("#objector-name")).to_have_text("赵建国")
    expect(desk.locator("#objector-mobile")).to_have_text("137****5678")
    screenshot(desk, "d-objection-register-desktop")
    assert not phone.context.console_errors and not desk.context.console_errors


def test_staff_preview_the_working_days_and_publish_on_a_phone(
    standard_kinds, tree, honour_round, clerk1, city_staff, new_context, screenshot
):
    from accounts.models import CalendarYear
    from accounts.workdays import notice_period, package_years
    from campaigns.models import PublicNotice, Round

    today = timezone.localdate()
    for year in (today.year, today.year + 1):
        if year not in package_years():
            CalendarYear.objects.get_or_create(year=year, defaults={"declared_by": city_staff})
    honour_round.status = Round.Status.REVIEWING
    honour_round.notice_planned = today
    honour_round.save(update_fields=["status", "notice_planned"])
    for name in ("李秀英", "张国强"):
        NominationFactory(
            round=honour_round,
            union=tree["g1"],
            first_node=tree["d1"],
            created_by=clerk1,
            status=Nomination.Status.VETTED,
            nominee_name=name,
        )
    page = new_context(**PHONE).new_page()
    sign_in(page, city_staff.username)
    page.goto(reverse("campaigns:notice_create", args=[honour_round.pk]))
    expect(page.locator("#notice-preview [data-period]")).to_contain_text("个工作日")
    # a new date redraws the preview in place (htmx)
    later = today + dt.timedelta(days=7)
    page.fill("input[name=published_on]", later.isoformat())
    page.locator("input[name=published_on]").dispatch_event("change")
    first, last = notice_period(later, honour_round.notice_days)
    expect(page.locator("#notice-preview [data-period]")).to_contain_text(f"{first:%Y-%m-%d}至{last:%Y-%m-%d}")
    assert page.evaluate("document.documentElement.scrollWidth") <= 375
    screenshot(page, "d-notice-create-phone")
    page.locator("button[name=publish]").click()
    page.wait_for_load_state()
    notice = PublicNotice.objects.get()
    expect(page.locator("#notice-nominees tbody tr")).to_have_count(2)
    expect(page.locator("#public-link")).to_contain_text(notice.token)
    assert page.evaluate("document.documentElement.scrollWidth") <= 375
    screenshot(page, "d-notice-detail-phone")
    assert not page.context.console_errors
