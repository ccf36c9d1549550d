"""In Chromium: a cadre officer asks for an opinion letter from a cadre's link; the discipline officer
opens the request, looks at the record and issues the letter; the requester reads the conclusion on a
375 px phone, with no category and no record."""

import pytest
from django.utils import translation
from playwright.sync_api import expect

from integrity.models import IntegritySettings, OpinionLetter

from ..factories import PASSWORD
from .factories import TalkFactory

pytestmark = pytest.mark.browser

PHONE = {"viewport": {"width": 375, "height": 812}, "is_mobile": True, "has_touch": True}


def sign_in(page, username: str) -> None:
    page.goto("/accounts/login/")
    page.fill("input[name=login]", username)
    page.fill("input[name=password]", PASSWORD)
    page.locator("form[action*='/accounts/login/'] button[type=submit]").first.click()
    page.wait_for_load_state()


def test_a_letter_is_asked_for_issued_after_looking_and_read_by_the_requester_on_a_phone(
    transactional_db, tree, cadre, cadre_officer, district_discipline_officer, new_context, screenshot
):
    IntegritySettings.objects.create(pk=1)
    TalkFactory(cadre=cadre, recorder=district_discipline_officer, kind="admonishment", content="机密谈话内容")

    # the cadre officer asks, the cadre preselected by the link
    asker = new_context(viewport={"width": 1280, "height": 900}).new_page()
    sign_in(asker, cadre_officer.username)
    asker.goto(f"/integrity/opinions/request/?cadre={cadre.pk}")
    expect(asker.get_by_label("李晓明", exact=False)).to_be_checked()
    asker.select_option("select[name=purpose]", "promotion")
    asker.fill("input[name=note]", "拟提任副主席")
    asker.locator("form:has(#cadre-choices) button[type=submit]").click()
    asker.wait_for_load_state()
    letter = OpinionLetter.objects.get()
    assert asker.url.endswith(f"/integrity/opinions/requested/{letter.pk}/")

    # the discipline officer opens the queue and the request, sees the talk (no content), issues
    officer = new_context(viewport={"width": 1280, "height": 900}).new_page()
    sign_in(officer, district_discipline_officer.username)
    officer.goto("/integrity/opinions/")
    officer.get_by_role("link", name="李晓明").click()
    officer.wait_for_load_state()
    expect(officer.locator("#record-talks")).to_be_visible()
    assert "机密谈话内容" not in officer.content()
    officer.locator("#issue-card label", has_text="存在问题").click()
    officer.select_option("select[name=problem_category]", "work")
    screenshot(officer, "opinion-issue")
    officer.locator("#issue-card button[type=submit]").click()
    officer.wait_for_load_state()
    letter.refresh_from_db()
    assert letter.status == "issued" and letter.number
    expect(officer.locator("#issued-card")).to_contain_text(letter.number)

    # the requester reads it on a phone: the conclusion and validity, nothing more
    phone = new_context(**PHONE).new_page()
    sign_in(phone, cadre_officer.username)
    phone.goto(f"/integrity/opinions/requested/{letter.pk}/")
    expect(phone.locator("#opinion-conclusion")).to_contain_text(letter.number)
    expect(phone.locator("#opinion-conclusion")).to_contain_text("存在问题")
    with translation.override("zh-hans"):
        category = str(letter.get_problem_category_display())
    assert category not in phone.content() and "机密谈话内容" not in phone.content()
    assert phone.evaluate("document.documentElement.scrollWidth") <= 375
    screenshot(phone, "opinion-requested-phone")
    assert phone.context.console_errors == []
