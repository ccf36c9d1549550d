"""A cadre checks in to a training class on a 375 px phone: scans the code shown in the room, signs in to
the portal, comes back, taps to sign in and later to sign out; the officer's poster shows the code."""

import datetime
import re

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from cadres.models import Attendance, Enrolment
from tests.cadres.factories import CadreFactory, TrainingClassFactory
from unions.models import Role

from ..factories import PASSWORD, UserFactory, staff

pytestmark = pytest.mark.browser

PHONE = {"viewport": {"width": 375, "height": 667}, "is_mobile": True, "has_touch": True, "device_scale_factor": 2}


def test_cadre_signs_in_and_out_of_a_class_by_its_qr_code_on_a_phone(transactional_db, tree, new_context, screenshot):
    officer = staff(Role.Kind.CADRE_OFFICER, tree["d1"], username="cadre-officer")
    today = timezone.localdate()
    training_class = TrainingClassFactory(
        organiser=tree["d1"],
        created_by=officer,
        title="东城区基层工会主席能力提升班",
        starts_on=today,
        ends_on=today + datetime.timedelta(days=1),
        location="区职工服务中心三楼",
    )
    cadre = CadreFactory(union=tree["s1"], user=UserFactory(username="cadre-li"), name="李晓明")
    Enrolment.objects.create(training_class=training_class, cadre=cadre)

    # the officer shows the class's code in the room
    desk = new_context(viewport={"width": 1280, "height": 900})
    office = desk.new_page()
    office.goto("/accounts/login/")
    office.fill("input[name=login]", officer.username)
    office.fill("input[name=password]", PASSWORD)
    office.locator("form[action*='/accounts/login/'] button[type=submit]").first.click()
    office.wait_for_load_state("networkidle")
    office.goto(f"/cadres/classes/{training_class.pk}/qr/")
    expect(office.locator("main svg").first).to_be_visible()
    poster = screenshot(office, "class-qr-poster")
    assert poster.exists()
    check_in_path = f"/cadres/check-in/{training_class.qr_token}/"
    assert check_in_path in office.content()

    # the cadre scans it with a phone that is not signed in yet
    phone = new_context(**PHONE)
    page = phone.new_page()
    page.goto(check_in_path)
    page.wait_for_url(re.compile(r"/accounts/login/"))
    expect(page.locator(".alert-info")).to_contain_text("请登录您的账号后签到")
    screenshot(page, "check-in-sign-in-first")
    page.fill("input[name=login]", "cadre-li")
    page.fill("input[name=password]", PASSWORD)
    page.locator("form[action*='/accounts/login/'] button[type=submit]").first.click()
    page.wait_for_url(re.compile(re.escape(check_in_path)))

    # back on the class's page: one big button signs in
    expect(page.locator("main")).to_contain_text("东城区基层工会主席能力提升班")
    sign_in = page.locator("main form button[type=submit]")
    expect(sign_in).to_have_text(re.compile("签到"))
    assert sign_in.bounding_box()["height"] >= 56
    screenshot(page, "check-in-before")
    sign_in.click()
    page.wait_for_load_state("networkidle")
    expect(page.locator(".alert-success")).to_contain_text("签到")
    attendance = Attendance.objects.get(enrolment__cadre=cadre)
    assert attendance.signed_in_at and attendance.signed_out_at is None and attendance.source == "qr"
    screenshot(page, "check-in-signed-in")

    # leaving: scanning again offers to sign out
    page.goto(check_in_path)
    sign_out = page.locator("main form button[type=submit]")
    expect(sign_out).to_have_text(re.compile("签退"))
    sign_out.click()
    page.wait_for_load_state("networkidle")
    attendance.refresh_from_db()
    assert attendance.signed_out_at is not None
    expect(page.locator("main")).to_contain_text("今天已签到并签退")
    assert page.evaluate("document.documentElement.scrollWidth") <= 375
    screenshot(page, "check-in-signed-out")
    assert phone.console_errors == [] and desk.console_errors == []
