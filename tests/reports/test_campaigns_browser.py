"""A district's leader opens the dashboard: the competitions panel arrives after the page and draws its charts."""

import pytest
from playwright.sync_api import expect

from unions.models import Role

from ..factories import PASSWORD, staff
from .test_campaigns_dashboard import LAST, contests  # noqa: F401

pytestmark = pytest.mark.browser


def sign_in(context, user):
    page = context.new_page()
    page.goto("/accounts/login/")
    page.fill("input[name=login]", user.username)
    page.fill("input[name=password]", PASSWORD)
    page.locator("form[action*='/accounts/login/'] button[type=submit]").first.click()
    page.wait_for_load_state("networkidle")
    return page


def test_a_leader_sees_the_competitions_panel_on_the_dashboard(
    transactional_db,
    tree,
    contests,  # noqa: F811
    new_context,
    screenshot,
):
    leader = staff(Role.Kind.LEADER, tree["d1"], username="campaigns-panel-leader")
    context = new_context(viewport={"width": 1280, "height": 900})
    page = sign_in(context, leader)

    # when the leader opens the district's dashboard, the panel is loaded into it (htmx)
    page.goto(f"/reports/dashboard/{tree['d1'].pk}/")
    panel = page.locator("[data-campaigns-dashboard]")
    expect(panel).to_be_visible()
    # and, asked for last year, its charts are drawn from the JSON
    page.goto(f"/reports/dashboard/{tree['d1'].pk}/campaigns/?year={LAST}")
    expect(page.locator("[data-campaigns-dashboard]")).to_have_attribute("data-charts-ready", "true")
    expect(page.locator("[data-campaigns-kpi=person-times]")).to_have_text("159")
    expect(page.locator("[data-campaigns-chart=kinds] canvas")).to_be_visible()
    expect(page.locator("[data-campaigns-chart=children] canvas")).to_be_visible()
    screenshot(page, "campaigns-panel")
    assert not [e for e in context.console_errors if "Content Security Policy" in e], context.console_errors


def test_the_panel_on_a_phone(
    transactional_db,
    tree,
    contests,  # noqa: F811
    new_context,
    screenshot,
):
    leader = staff(Role.Kind.LEADER, tree["d1"], username="campaigns-phone-leader")
    context = new_context(viewport={"width": 375, "height": 800})
    page = sign_in(context, leader)
    page.goto(f"/reports/dashboard/{tree['d1'].pk}/campaigns/?year={LAST}")
    expect(page.locator("[data-campaigns-dashboard]")).to_have_attribute("data-charts-ready", "true")
    # nothing wider than the screen but the tables' own scrolling boxes
    assert page.evaluate("document.documentElement.scrollWidth") <= 375
    screenshot(page, "campaigns-panel-phone")
