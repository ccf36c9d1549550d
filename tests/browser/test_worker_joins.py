"""A worker joins from a phone: sign up, consent, apply; a clerk approves; the worker shows the e-card."""

import re

import pytest
from playwright.sync_api import expect

from accounts.sms import MemoryBackend
from members.models import Application, Member, MemberCard
from unions.models import Role, Union

from ..factories import PASSWORD, make_child, staff

pytestmark = pytest.mark.browser

PHONE = {"viewport": {"width": 390, "height": 844}, "is_mobile": True, "has_touch": True}
ID_NUMBER = "11010519491231002X"  # the example of GB 11643


def test_worker_signs_up_applies_is_approved_and_shows_a_valid_card(
    transactional_db, tree, settings, new_context, screenshot
):
    settings.SMS_BACKEND = "accounts.sms.MemoryBackend"
    MemoryBackend.outbox.clear()
    union = make_child(
        tree["s1"],
        Union.Kind.GRASSROOTS_UNION,
        "东华门精密仪器有限公司工会委员会",
        employer_name="东华门精密仪器有限公司",
    )
    clerk = staff(Role.Kind.UNION_CLERK, union, username="clerk")

    # a worker signs up on a phone with a mobile number and confirms it with the SMS code
    worker = new_context(**PHONE)
    page = worker.new_page()
    page.goto("/accounts/signup/")
    page.fill("input[name=name]", "王小明")
    page.fill("input[name=phone]", "13912345678")
    page.fill("input[name=password1]", "Worker-pass-2026")
    page.fill("input[name=password2]", "Worker-pass-2026")
    page.locator("main form button[type=submit]").last.click()
    page.wait_for_load_state("networkidle")
    [(number, message)] = MemoryBackend.outbox
    assert number == "13912345678"
    code = re.search(r"(\d{6})", message).group(1)
    page.fill("input[name=code]", code)
    page.locator("main form button[type=submit]").first.click()  # the last one cancels
    page.wait_for_load_state("networkidle")

    # consent (separate, unticked) and the application, finding the union by its employer's name
    page.goto("/join/")
    page.check("input[name=agree]")
    page.locator("main form button[type=submit]").last.click()
    page.wait_for_url(re.compile(r"/join/apply/"))
    page.fill("#union-q", "精密仪器")
    page.locator(f"input[name=union][value='{union.pk}']").check()
    page.fill("input[name=name]", "王小明")
    page.fill("input[name=id_number]", ID_NUMBER)
    page.select_option("select[name=employment_type]", "regular")
    page.locator("form#" + page.locator("input[name=name]").evaluate("e => e.form.id") + " button[type=submit]").click()
    page.wait_for_url(re.compile(r"/join/status/"))
    application = Application.objects.get(union=union)
    assert application.status == Application.Status.SUBMITTED
    screenshot(page, "worker-applied")

    # a clerk approves in another browser
    desk = new_context(viewport={"width": 1280, "height": 900})
    office = desk.new_page()
    office.goto("/accounts/login/")
    office.fill("input[name=login]", clerk.username)
    office.fill("input[name=password]", PASSWORD)
    office.locator("form[action*='/accounts/login/'] button[type=submit]").first.click()
    office.wait_for_load_state("networkidle")
    office.goto(f"/approvals/{application.pk}/")
    office.locator(f"form[action$='/approvals/{application.pk}/approve/'] button[type=submit]").first.click()
    office.wait_for_load_state("networkidle")
    member = Member.objects.get(user__phone="13912345678")
    assert member.union == union and member.id_masked == "110105********002X"

    # the worker sees the approval and the card with its QR code, and the QR's page says valid
    page.goto("/join/status/")
    card = MemberCard.objects.get(member=member, revoked_on__isnull=True)
    expect(page.locator("main")).to_contain_text(card.number)
    page.goto("/card/")
    expect(page.locator("main svg").first).to_be_visible()
    expect(page.locator("main")).to_contain_text(card.number)
    assert ID_NUMBER not in page.content()
    screenshot(page, "worker-card")

    # scanned by a third party, who is not signed in (the worker's own browser shows their name)
    check = new_context(**PHONE).new_page()
    check.goto(f"/check/{card.token}/")
    expect(check.locator("main")).to_contain_text(union.name)
    assert "王小明" not in check.content() and card.number not in check.content()
    screenshot(check, "card-check")
    assert check.evaluate("document.documentElement.scrollWidth") <= 390
