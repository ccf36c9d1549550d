"""The tracker in Chromium: a district discipline officer signs in, reads the coverage of the district's
streets (the bars drawn under the CSP) and the cadres still to talk to, on a desk and on a phone."""

import datetime

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from integrity.models import IntegritySettings
from unions.models import Role

from ..cadres.factories import CadreFactory
from ..factories import PASSWORD, staff
from .factories import TalkFactory

pytestmark = pytest.mark.browser


def sign_in(page, username):
    page.goto("/accounts/login/")
    page.fill("input[name=login]", username)
    page.fill("input[name=password]", PASSWORD)
    page.locator("form[action*='/accounts/login/'] button[type=submit]").first.click()
    page.wait_for_load_state("networkidle")


@pytest.mark.parametrize("width", [1280, 375])
def test_district_officer_reads_the_tracker(transactional_db, tree, new_context, screenshot, width):
    IntegritySettings.current()
    officer = staff(Role.Kind.DISCIPLINE_OFFICER, tree["d1"], username="discipline-d1")
    year = timezone.localdate().year
    covered = CadreFactory(union=tree["g1"], name="赵谈过")
    TalkFactory(cadre=covered, recorder=officer, held_on=datetime.date(year, 1, 10))
    CadreFactory(union=tree["g1"], name="钱未谈")
    CadreFactory(union=tree["s1"], name="孙未谈")
    CadreFactory(union=tree["s2"], name="李西城")

    context = new_context(viewport={"width": width, "height": 900})
    page = context.new_page()
    sign_in(page, officer.username)
    page.goto("/integrity/tracker/")

    expect(page.locator("#tracker-uncovered")).to_have_text("2")
    expect(page.locator("tbody")).to_contain_text(["东华门街道总工会"])
    expect(page.get_by_text("钱未谈")).to_be_visible()
    expect(page.get_by_text("孙未谈")).to_be_visible()
    assert page.get_by_text("李西城").count() == 0
    assert page.get_by_text("赵谈过").count() == 0
    # One street, one cadre of three covered: the bar is drawn at a third of the track (through the
    # CSSOM: the CSP forbids style attributes; Bootstrap then animates the width).
    bar = page.locator("[data-progress]").first
    assert bar.get_attribute("data-progress") == "33"
    page.wait_for_function("() => document.querySelector('[data-progress]').style.width === '33%'")
    page.wait_for_timeout(800)
    track = page.locator(".progress").first.bounding_box()["width"]
    assert abs(bar.bounding_box()["width"] / track - 0.33) < 0.05
    screenshot(page, f"integrity-tracker-{width}")
    assert context.console_errors == []
