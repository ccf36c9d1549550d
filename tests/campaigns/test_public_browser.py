"""The prize pages in Chromium: the organiser's award preview and the competition's awards panel (desktop),
the public results and the certificate check on a phone (375 px): nothing overflows, no console error."""

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from campaigns.models import Competition

from ..factories import PASSWORD
from .test_awards import ranked

pytestmark = pytest.mark.browser

PHONE = {"viewport": {"width": 375, "height": 812}, "is_mobile": True, "has_touch": True}


def sign_in(page, username: str) -> None:
    page.goto("/accounts/login/")
    page.fill("input[name=login]", username)
    page.fill("input[name=password]", PASSWORD)
    page.locator("form[action*='/accounts/login/'] button[type=submit]").first.click()
    page.wait_for_load_state()


def fits(page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


def test_award_then_public_pages_on_a_phone(
    transactional_db, tree, competition, organiser, clerk1, new_context, screenshot, settings
):
    settings.STAFF_MFA_REQUIRED = False
    competition.results = Competition.Results.PUBLIC
    competition.save(update_fields=["results"])
    entries = ranked(competition, tree["g1"], clerk1, [1, 2, 3, 4, 5, 6, 7])

    staff = new_context().new_page()
    sign_in(staff, organiser.username)
    staff.goto(reverse("campaigns:competition_award", args=[competition.pk]))
    expect(staff.locator("#award-plan")).to_contain_text(entries[0].name)
    screenshot(staff, "awards-1-preview")
    staff.locator("form[method=post] button[type=submit].btn-danger").click()
    staff.wait_for_load_state()
    competition.refresh_from_db()
    assert competition.status == Competition.Status.COMMENDED
    expect(staff.locator("#panel-awards")).to_contain_text(entries[0].name)
    staff.locator("#panel-awards").scroll_into_view_if_needed()
    screenshot(staff, "awards-2-panel")

    phone = new_context(**PHONE).new_page()
    phone.goto(reverse("campaigns:results", args=[competition.public_token]))
    expect(phone.locator("#results")).to_contain_text(entries[6].name)
    assert fits(phone), "the results page overflows a phone"
    screenshot(phone, "awards-3-results-phone")

    award = competition.entries.get(pk=entries[0].pk).award
    phone.goto(reverse("campaigns:certificate_check", args=[award.token]))
    expect(phone.locator(".card-check-valid")).to_be_visible()
    assert entries[0].name not in phone.inner_text("body")
    assert fits(phone)
    screenshot(phone, "awards-4-check-phone")
    phone.goto(reverse("campaigns:certificate_check", args=["not-a-token"]))
    expect(phone.locator(".card-check-invalid")).to_be_visible()
    screenshot(phone, "awards-5-check-invalid-phone")
    for page in (staff, phone):
        assert page.context.console_errors == [], page.context.console_errors
