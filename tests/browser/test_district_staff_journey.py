"""A district staff member signs in, sees only their district, creates a union, switches language."""

import re

import pytest
from playwright.sync_api import expect

from accounts.models import AuditEvent
from unions import kinds as unions_kinds
from unions.models import Role, Union

from ..factories import PASSWORD, credit_code, staff

pytestmark = pytest.mark.browser


def sign_in(page, username: str) -> None:
    page.goto("/accounts/login/")
    page.fill("input[name=login]", username)
    page.fill("input[name=password]", PASSWORD)
    page.locator("form[action*='/accounts/login/'] button[type=submit]").first.click()
    page.wait_for_load_state("networkidle")


def test_district_staff_sees_own_district_creates_union_and_switches_language(
    transactional_db, tree, new_context, screenshot
):
    # given a staff member of the first district
    user = staff(Role.Kind.FEDERATION_STAFF, tree["d1"], username="district-staff")
    context = new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()

    # when they sign in (the login page is in Chinese by default)
    page.goto("/accounts/login/")
    expect(page.locator("html")).to_have_attribute("lang", "zh-hans")
    sign_in(page, user.username)

    # then the tree opens at their district and shows nothing of the other district
    page.goto("/unions/")
    expect(page).to_have_url(re.compile(rf"/unions/{tree['d1'].pk}/$"))
    expect(page.locator("body")).to_contain_text("东城区总工会")
    expect(page.locator("body")).to_contain_text("东华门街道总工会")
    assert "西城区总工会" not in page.content()
    assert page.goto(f"/unions/{tree['d2'].pk}/").status == 404
    assert page.goto(f"/unions/{tree['city'].pk}/").status == 404

    # when they add a grassroots union under their street federation
    page.goto(f"/unions/{tree['s1'].pk}/")
    page.locator(f"a[href='/unions/{tree['s1'].pk}/new/']").first.click()
    page.select_option("select[name=kind]", Union.Kind.GRASSROOTS_UNION)
    page.fill("input[name=name]", "东华门精密仪器有限公司工会委员会")
    page.fill("input[name=credit_code]", "X")  # wrong first, to see the message
    page.locator("form button[type=submit], form input[type=submit]").last.click()
    expect(page.locator("body")).to_contain_text("18")
    assert not Union.objects.filter(name="东华门精密仪器有限公司工会委员会").exists()

    code = credit_code(seed=4242)
    page.fill("input[name=credit_code]", code.lower())  # typed in lower case: normalised
    page.fill("input[name=employer_staff_count]", "120")
    page.locator("form button[type=submit], form input[type=submit]").last.click()
    page.wait_for_load_state("networkidle")

    # then the union exists under the street, with the normalised code, and the action is audited
    created = Union.objects.get(name="东华门精密仪器有限公司工会委员会")
    assert Union.objects.get_parent(created).pk == tree["s1"].pk
    assert created.credit_code == code
    expect(page).to_have_url(re.compile(rf"/unions/{created.pk}/$"))
    assert AuditEvent.objects.filter(action=unions_kinds.UNION_CREATED, target_id=str(created.pk)).exists()

    # when they switch to English and back
    page.locator("form[action$='/i18n/setlang/'] button[value=en]").first.click()
    page.wait_for_load_state("networkidle")
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page.locator("body")).to_contain_text("Grassroots union")
    page.locator("form[action$='/i18n/setlang/'] button[value=zh-hans]").first.click()
    page.wait_for_load_state("networkidle")
    expect(page.locator("html")).to_have_attribute("lang", "zh-hans")
    expect(page.locator("body")).to_contain_text("基层工会")

    screenshot(page, "district-staff-journey")
    assert not [e for e in context.console_errors if "Content Security Policy" in e], context.console_errors


def test_union_pages_fit_a_phone_screen(transactional_db, tree, new_context, screenshot):
    user = staff(Role.Kind.FEDERATION_STAFF, tree["d1"], username="phone-staff")
    context = new_context(viewport={"width": 375, "height": 740}, is_mobile=True, has_touch=True)
    page = context.new_page()
    sign_in(page, user.username)
    page.goto(f"/unions/{tree['d1'].pk}/")
    expect(page.locator("body")).to_contain_text("东城区总工会")
    # Nothing sticks out sideways: the page is no wider than the phone.
    assert page.evaluate("document.documentElement.scrollWidth") <= 375
    screenshot(page, "district-on-phone")
