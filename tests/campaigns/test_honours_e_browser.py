"""In Chromium on a 375 px phone: the organiser's staff decide a round's nominees after the notice (one
left for later while its objection is open), find the honour in the register, revoke another, and the
certificate's QR address opens the public check, valid and then revoked. Screenshots of each page."""

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from campaigns import honour_certificates
from campaigns.models import Honour, Nomination, Objection, Round

from .honour_factories import HonourFactory, NominationFactory, NoticeFactory
from .test_journey_browser import PHONE, sign_in

pytestmark = pytest.mark.browser


def test_decide_find_revoke_and_check_on_a_phone(
    transactional_db, tree, honour_round, city_staff, clerk1, clerk2, new_context, screenshot
):
    Round.objects.filter(pk=honour_round.pk).update(status=Round.Status.NOTICE)
    notice = NoticeFactory(round=honour_round, published_by=city_staff)  # 1–5 June 2026: ended
    first = NominationFactory(
        round=honour_round,
        union=tree["g1"],
        first_node=tree["d1"],
        created_by=clerk1,
        nominee_name="李秀英",
        status=Nomination.Status.NOTICE,
        notice=notice,
    )
    objected = NominationFactory(
        round=honour_round,
        union=tree["g2"],
        first_node=tree["d2"],
        created_by=clerk2,
        nominee_name="钱国强",
        status=Nomination.Status.NOTICE,
        notice=notice,
    )
    Objection.objects.create(
        notice=notice, nomination=objected, objector_name="赵六", objector_mobile="x", facts="不实"
    )
    earlier = HonourFactory(union=tree["g1"], created_by=city_staff, holder_name="张建华", year=2024)

    page = new_context(**PHONE).new_page()
    sign_in(page, city_staff.username)
    page.goto(reverse("campaigns:round_decision", args=[honour_round.pk]))
    expect(page.locator(f"#nominee-{objected.pk}")).to_contain_text("异议未办结")
    expect(page.locator(f"#decision-{objected.pk}-later")).to_be_checked()
    page.fill("input[name=document_number]", "市工发〔2026〕18号")
    page.fill("input[name=decided_on]", "2026-07-01")
    screenshot(page, "e-decision-phone")
    page.locator("#decide").click()
    page.wait_for_load_state()
    expect(page.locator(".alert-success")).to_be_visible()
    honour = Honour.objects.get(nomination=first)
    assert honour.number == "RY2026-00001"
    assert Nomination.objects.get(pk=objected.pk).status == Nomination.Status.NOTICE

    # the register on the phone: search by name, open the honour
    page.goto(reverse("campaigns:register") + "?q=李秀英")
    expect(page.locator("table")).to_contain_text("李秀英")
    screenshot(page, "e-register-phone")
    page.get_by_role("link", name="李秀英").click()
    page.wait_for_load_state()
    expect(page.locator("#certificate-link")).to_be_visible()
    screenshot(page, "e-honour-phone")

    # revoke the earlier honour
    page.goto(reverse("campaigns:honour_revoke", args=[earlier.pk]))
    page.fill("textarea[name=reason]", "经查实，事迹材料失实")
    page.locator("button[type=submit].btn-danger").click()
    page.wait_for_load_state()
    expect(page.locator("#revoked")).to_contain_text("经查实")

    # the QR addresses, opened by anyone
    public = new_context(**PHONE).new_page()
    public.goto(honour_certificates.check_url(honour).replace(honour_certificates.settings.SITE_URL, ""))
    expect(public.locator("#honour-check")).to_contain_text("荣誉有效")
    expect(public.locator("#honour-check")).to_contain_text("劳动模范")
    assert "李秀英" not in public.content()
    screenshot(public, "e-check-valid-phone")
    public.goto(reverse("campaigns:honour_check", args=[earlier.token]))
    expect(public.locator("#honour-check")).to_contain_text("该荣誉已被撤销")
    screenshot(public, "e-check-revoked-phone")
    assert public.evaluate("document.documentElement.scrollWidth") <= 375
