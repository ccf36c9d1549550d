"""In Chromium: a cadre scans the session's code on a 375 px phone, signs in, taps once and is told
their attendance is recorded; the officer's session page then lists them."""

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from integrity.models import EducationAttendance

from ..factories import PASSWORD
from .factories import EducationSessionFactory

pytestmark = pytest.mark.browser

PHONE = {"viewport": {"width": 375, "height": 812}, "is_mobile": True, "has_touch": True}


def sign_in(page, username: str) -> None:
    page.fill("input[name=login]", username)
    page.fill("input[name=password]", PASSWORD)
    page.locator("form[action*='/accounts/login/'] button[type=submit]").first.click()
    page.wait_for_load_state()


def test_a_cadre_checks_in_from_a_phone_once(
    transactional_db, tree, cadre, district_discipline_officer, new_context, screenshot
):
    session = EducationSessionFactory(
        organiser=tree["d1"],
        created_by=district_discipline_officer,
        held_on=timezone.localdate(),
        title="观看警示教育片《警钟长鸣》",
        place="区委党校报告厅",
    )
    phone = new_context(**PHONE).new_page()
    phone.goto(f"/integrity/check-in/{session.qr_token}/")
    sign_in(phone, cadre.user.username)
    assert phone.url.endswith(f"/integrity/check-in/{session.qr_token}/")
    button = phone.get_by_role("button", name="签到")
    expect(button).to_be_visible()
    box = button.bounding_box()
    assert box["width"] > 300 and box["height"] >= 60  # a thumb-sized button across the phone
    screenshot(phone, "education-check-in-phone")
    button.click()
    phone.wait_for_load_state()
    expect(phone.get_by_text("您的出席已记录。")).to_be_visible()
    screenshot(phone, "education-check-in-done-phone")
    assert phone.evaluate("document.documentElement.scrollWidth") <= 375
    assert EducationAttendance.objects.filter(session=session, cadre=cadre, source="qr").count() == 1
