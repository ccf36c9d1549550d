"""A cadre files training taken elsewhere on a 375 px phone with a photo of the certificate; the cadre
officer one level up approves it at a desk; the cadre sees it approved and the hours counted."""

import re

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from cadres.models import Cadre, ExternalTraining, HoursRule
from unions.models import Role

from ..factories import PASSWORD, UserFactory, staff
from .factories import CadreFactory

pytestmark = pytest.mark.browser


PHONE = {"viewport": {"width": 375, "height": 667}, "is_mobile": True, "has_touch": True, "device_scale_factor": 2}
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


def sign_in(page, username):
    page.goto("/accounts/login/")
    page.fill("input[name=login]", username)
    page.fill("input[name=password]", PASSWORD)
    page.locator("form[action*='/accounts/login/'] button[type=submit]").first.click()
    page.wait_for_load_state("networkidle")


def test_cadre_files_training_on_a_phone_and_the_officer_one_level_up_approves(
    transactional_db, tree, new_context, screenshot, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path / "media"
    # The default rules come from a data migration, which a transactional test before this one may have
    # flushed away: the staff rank's is made here if it is missing.
    HoursRule.objects.get_or_create(rank="staff", starts_year=2000, defaults={"hours": 90, "period_years": 1})
    officer = staff(Role.Kind.CADRE_OFFICER, tree["d1"], username="cadre-officer-d1")
    cadre = CadreFactory(union=tree["s1"], user=UserFactory(username="cadre-wang"), name="王晓红", rank="staff")
    year = timezone.localdate().year

    phone = new_context(**PHONE).new_page()
    sign_in(phone, "cadre-wang")
    phone.goto("/my/cadre/external/new/")
    phone.fill("input[name=title]", "省总工会劳动法律监督员培训")
    phone.fill("input[name=provider]", "省总工会干部学校")
    phone.fill("input[name=starts_on]", f"{year}-01-02")
    phone.fill("input[name=ends_on]", f"{year}-01-03")
    phone.fill("input[name=hours]", "12")
    phone.set_input_files("input[name=certificate]", {"name": "证书.png", "mimeType": "image/png", "buffer": PNG})
    screenshot(phone, "external-filing-form-phone")
    # Nothing runs off the side of a phone's screen.
    assert phone.evaluate("document.documentElement.scrollWidth") <= 375
    phone.locator("main form button[type=submit]").click()
    phone.wait_for_url(re.compile(r"/my/cadre/external/\d+/"))
    expect(phone.locator("main .alert-info")).to_be_visible()
    training = ExternalTraining.objects.get(cadre=cadre)
    assert training.status == ExternalTraining.Status.SUBMITTED
    screenshot(phone, "external-filed-phone")

    desk = new_context(viewport={"width": 1280, "height": 900}).new_page()
    sign_in(desk, officer.username)
    desk.goto("/cadres/external/")
    desk.get_by_role("link", name="省总工会劳动法律监督员培训").click()
    desk.wait_for_url(re.compile(rf"/cadres/external/{training.pk}/"))
    screenshot(desk, "external-review-desk")
    desk.locator("form:has(input[value=approve]) button[type=submit]").click()
    desk.wait_for_load_state("networkidle")
    training.refresh_from_db()
    assert training.status == ExternalTraining.Status.APPROVED

    phone.reload()
    expect(phone.locator("main .alert-success")).to_contain_text("12")
    screenshot(phone, "external-approved-phone")
    from cadres.ledger import ledger_rows

    (row,) = ledger_rows(Cadre.objects.filter(pk=cadre.pk), year)
    assert row.in_person == 12
