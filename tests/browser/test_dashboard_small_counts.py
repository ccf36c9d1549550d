"""A leader opens a small grassroots union's dashboard: a breakdown hidden for its small counts is not
drawn and keeps its table (dashes and the note) open; the other charts are drawn as usual."""

import pytest
from playwright.sync_api import expect

from members.models import PoliticalStatus
from reports import tallies
from unions.models import Role

from ..factories import PASSWORD, staff
from ..reports.conftest import make_member

pytestmark = pytest.mark.browser


def test_leader_sees_a_hidden_breakdown_as_its_table_not_as_a_chart(
    transactional_db, tree, new_context, screenshot, settings
):
    # given a union of five, one of them a Party member, and a leader of its district
    settings.DASHBOARD_SMALL_COUNT = 3
    make_member(tree["g1"], name="党员甲", political_status=PoliticalStatus.CPC_MEMBER)
    for i in range(4):
        make_member(tree["g1"], name=f"群众{i}", political_status=PoliticalStatus.NONE)
    tallies.refresh()
    leader = staff(Role.Kind.LEADER, tree["d1"], username="small-counts-leader")

    # when the leader opens the union's dashboard
    context = new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.goto("/accounts/login/")
    page.fill("input[name=login]", leader.username)
    page.fill("input[name=password]", PASSWORD)
    page.locator("form[action*='/accounts/login/'] button[type=submit]").first.click()
    page.wait_for_load_state("networkidle")
    page.goto(f"/reports/dashboard/{tree['g1'].pk}/")
    expect(page.locator("[data-dashboard]")).to_have_attribute("data-charts-ready", "true")

    # then the political breakdown is not drawn and its table stays open, with no figure in it
    political = page.locator("[data-chart=political]")
    expect(political).to_be_hidden()
    table = page.locator("table[data-table=political]")
    expect(table).to_be_visible()
    assert "1" not in table.locator("tbody").inner_text() and "4" not in table.locator("tbody").inner_text()
    # while the other charts are drawn, the trend's among them, its table folded away
    expect(page.locator("[data-chart=trend] canvas")).to_be_visible()
    expect(page.locator("[data-chart=trend] ~ details.chart-numbers table")).to_be_hidden()

    screenshot(page, "dashboard-small-counts")
    assert not [e for e in context.console_errors if "Content Security Policy" in e], context.console_errors
