"""The navigation bar of the widest menu (the city admin's) stays one line at 1280 px in both languages,
without sideways scrolling, and folds behind the toggler on a phone with every group still reachable."""

import pytest
from django.conf import settings
from playwright.sync_api import expect

from unions.models import Role

from ..factories import PASSWORD, staff

pytestmark = pytest.mark.browser

# How the bar and the page measure: the bar's height, how many rows its entries sit on, and whether
# the page is wider than the window.
MEASURE = """
() => {
  const bar = document.querySelector("nav.portal-navbar");
  const entries = [...bar.querySelectorAll(".navbar-brand, .navbar-nav > .nav-item, .language-form, .btn, .dropdown")]
    .filter((e) => e.offsetParent !== null);
  const rows = new Set(entries.map((e) => Math.round(e.getBoundingClientRect().top + e.getBoundingClientRect().height / 2)));
  const labels = [...bar.querySelectorAll(".navbar-nav > .nav-item > .nav-link")];
  const lineHeight = parseFloat(getComputedStyle(labels[0]).lineHeight);
  return {
    height: bar.getBoundingClientRect().height,
    rows: rows.size,
    wrappedLabels: labels.filter((l) => l.getBoundingClientRect().height > 2 * lineHeight).map((l) => l.textContent.trim()),
    scrollWidth: document.documentElement.scrollWidth,
    innerWidth: window.innerWidth,
  };
}
"""


def sign_in(page, username: str) -> None:
    page.goto("/accounts/login/")
    page.fill("input[name=login]", username)
    page.fill("input[name=password]", PASSWORD)
    page.locator("form[action*='/accounts/login/'] button[type=submit]").first.click()
    page.wait_for_load_state("networkidle")


@pytest.fixture
def city_admin(transactional_db, tree):
    # A four-character name (a compound surname): the user menu's button is as wide as real ones get.
    return staff(Role.Kind.CITY_ADMIN, tree["city"], username="nav-city-admin", name="欧阳建国")


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_city_admins_bar_is_one_line_at_1280_px_without_sideways_scroll(
    city_admin, new_context, screenshot, live_server, language
):
    # given the city admin in the language
    context = new_context(viewport={"width": 1280, "height": 800})
    context.add_cookies([{"name": settings.LANGUAGE_COOKIE_NAME, "value": language, "url": live_server.url}])
    page = context.new_page()

    # when they sign in and look at a staff page
    sign_in(page, city_admin.username)
    page.goto("/members/")
    expect(page.locator("html")).to_have_attribute("lang", language)

    # then the bar is one row of entries, no label is broken over two lines, and the page does not scroll sideways
    measured = page.evaluate(MEASURE)
    assert measured["rows"] == 1, measured
    assert measured["wrappedLabels"] == [], measured
    assert measured["height"] < 80, measured
    assert measured["scrollWidth"] <= measured["innerWidth"], measured

    # and a group opens to its pages
    page.locator("#portal-nav .dropdown-toggle", has_text="Members" if language == "en" else "会员").click()
    expect(page.locator("#portal-nav .dropdown-menu.show a[href='/transfers/']")).to_be_visible()
    screenshot(page, f"nav-city-admin-{language}-1280")
    assert not [e for e in context.console_errors if "Content Security Policy" in e], context.console_errors


def test_city_admins_bar_folds_behind_the_toggler_on_a_phone(city_admin, new_context, screenshot):
    # given the city admin on a phone
    context = new_context(viewport={"width": 375, "height": 740}, is_mobile=True, has_touch=True)
    page = context.new_page()
    sign_in(page, city_admin.username)
    page.goto("/members/")

    # then the groups are hidden and the page does not scroll sideways
    menu = page.locator("#portal-nav")
    expect(menu).to_be_hidden()
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")

    # when they open the menu and a group in it
    page.locator(".navbar-toggler").click()
    expect(menu).to_be_visible()
    page.locator("#portal-nav .dropdown-toggle", has_text="报表").click()

    # then the group's pages are listed inside the bar, still without sideways scroll
    expect(page.locator("#portal-nav .dropdown-menu.show a[href='/reports/dashboard/']")).to_be_visible()
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    screenshot(page, "nav-city-admin-phone")
