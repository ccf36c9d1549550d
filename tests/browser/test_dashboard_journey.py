"""A city leader opens the dashboard, sees the charts drawn, drills into a district through the league
table and climbs back by the breadcrumb; the district's dashboard also fits a phone."""

import datetime
import re

import pytest
from django.utils import timezone, translation
from playwright.sync_api import expect

from members.models import EmploymentType, Member, PoliticalStatus
from reports import tallies
from reports.models import EnrolmentTarget
from unions.models import Role, Union

from ..factories import PASSWORD, make_child, staff
from ..reports.conftest import make_member, new_id_number

pytestmark = pytest.mark.browser

DESKTOP = {"viewport": {"width": 1280, "height": 900}}
PHONE = {"viewport": {"width": 375, "height": 740}, "is_mobile": True, "has_touch": True}
CHARTS = ["trend", "enrolment", "political", "employment", "sex", "age"]

# For each chart box: whether it holds a canvas or SVG of non-zero size with something drawn on it.
CHART_STATE = """
(box) => {
  const drawing = box.querySelector("canvas, svg");
  if (!drawing) return {drawn: false, width: 0, height: 0};
  const rect = drawing.getBoundingClientRect();
  let painted = 0;
  if (drawing.tagName.toLowerCase() === "canvas") {
    const pixels = drawing.getContext("2d").getImageData(0, 0, drawing.width, drawing.height).data;
    for (let i = 3; i < pixels.length; i += 4) if (pixels[i] !== 0) painted++;
  } else {
    painted = drawing.querySelectorAll("path, rect, text").length;
  }
  return {drawn: painted > 0, width: rect.width, height: rect.height};
}
"""


def sign_in(page, username: str) -> None:
    page.goto("/accounts/login/")
    page.fill("input[name=login]", username)
    page.fill("input[name=password]", PASSWORD)
    page.locator("form[action*='/accounts/login/'] button[type=submit]").first.click()
    page.wait_for_load_state("networkidle")


def months_ago(today: datetime.date, n: int) -> datetime.date:
    month = today.month - 1 - n
    return datetime.date(today.year + month // 12, month % 12 + 1, 1)


def populate(tree) -> None:
    """Members over two years in both districts and the industry union, some gone; large employers, a
    joint union holding the staff of two employers without a union of their own; the city's targets."""
    today = timezone.localdate()
    g4 = make_child(tree["s1"], Union.Kind.GRASSROOTS_UNION, "东华门快递站工会", employer_staff_count=60)
    make_child(
        tree["s1"],
        Union.Kind.JOINT_UNION,
        "东华门联合工会",
        employer_name="东华门物流有限公司",
        employer_staff_count=180,
    )
    make_child(
        tree["s2"], Union.Kind.JOINT_UNION, "西长安街联合工会", employer_name="长安商贸集团", employer_staff_count=90
    )
    Union.objects.filter(pk__in=[tree["g1"].pk, tree["g2"].pk]).update(employer_staff_count=120)
    kinds = list(EmploymentType.values)
    statuses = list(PoliticalStatus.values)
    plan = [(tree["g1"], 14), (g4, 10), (tree["g2"], 9), (tree["g3"], 5)]
    n = 0
    for union, count in plan:
        for i in range(count):
            n += 1
            if n % 3 == 0:
                new_id_number()  # the sex is in an ID's 17th digit: skip one, and the next is a woman's
            member = make_member(
                union,
                name=f"会员{n}",
                joined_on=months_ago(today, (n * 7) % 24),
                employment_type=kinds[n % len(kinds)],
                political_status=statuses[n % len(statuses)],
                is_migrant_worker=n % 3 == 0,
            )
            if i % 6 == 5:
                Member.objects.filter(pk=member.pk).update(
                    status=Member.Status.LEFT, ended_on=months_ago(today, n % 12)
                )
    for group, target in [("courier", 6), ("food_delivery", 4), ("truck_driver", 3)]:
        EnrolmentTarget.objects.create(union=tree["city"], year=today.year, group=group, target=target)
        EnrolmentTarget.objects.create(union=tree["d1"], year=today.year, group=group, target=target // 2 + 1)
    tallies.refresh()


def charts_drawn(page) -> None:
    expect(page.locator("[data-dashboard]")).to_have_attribute("data-charts-ready", "true")
    page.wait_for_timeout(600)  # the charts' entry animation
    for name in CHARTS:
        box = page.locator(f"[data-chart={name}]")
        expect(box).to_be_visible()
        state = box.evaluate(CHART_STATE)
        assert state["drawn"] and state["width"] > 0 and state["height"] > 0, (name, state)


def no_csp_errors(context) -> None:
    assert not [e for e in context.console_errors if "Content Security Policy" in e], context.console_errors
    assert not context.console_errors, context.console_errors


def test_city_leader_drills_from_the_city_into_a_district_and_back(transactional_db, tree, new_context, screenshot):
    populate(tree)
    leader = staff(Role.Kind.LEADER, tree["city"], username="city-leader")
    context = new_context(**DESKTOP)
    page = context.new_page()
    sign_in(page, leader.username)

    # the dashboard opens at the top of the leader's scope: the city
    page.goto("/reports/dashboard/")
    expect(page).to_have_url(re.compile(rf"/reports/dashboard/{tree['city'].pk}/$"))
    expect(page.locator("h1")).to_have_text(tree["city"].name)
    charts_drawn(page)
    # the tables fold away behind "The numbers" once the charts are up, and open on a click
    table = page.locator("table[data-table=enrolment]")
    expect(table).to_be_hidden()
    page.locator("section:has(table[data-table=enrolment]) summary").click()
    expect(table).to_be_visible()
    couriers = table.locator("tbody tr").nth(1)
    with translation.override("zh-hans"):  # the page speaks the portal's default language
        expect(couriers.locator("th")).to_have_text(str(EmploymentType.COURIER.label))
    expect(couriers.locator("td").nth(1)).to_have_text("6")  # the city's target
    expect(page.locator(".dashboard-employers li").first).to_have_text("东华门物流有限公司")
    screenshot(page, "dashboard-city-1280")

    # the league table leads into the district
    page.locator("table[data-table=league] a", has_text="东城区总工会").click()
    expect(page).to_have_url(re.compile(rf"/reports/dashboard/{tree['d1'].pk}/$"))
    expect(page.locator("h1")).to_have_text("东城区总工会")
    charts_drawn(page)
    expect(page.locator("table[data-table=league]")).to_contain_text("东华门街道总工会")
    expect(page.locator("table[data-table=league]")).not_to_contain_text("西长安街街道总工会")
    screenshot(page, "dashboard-district-1280")

    # and the breadcrumb back up to the city
    page.locator("ol.breadcrumb a", has_text=tree["city"].name).click()
    expect(page).to_have_url(re.compile(rf"/reports/dashboard/{tree['city'].pk}/$"))
    charts_drawn(page)
    no_csp_errors(context)


def test_district_dashboard_fits_a_phone(transactional_db, tree, new_context, screenshot):
    populate(tree)
    leader = staff(Role.Kind.LEADER, tree["d1"], username="district-leader")
    context = new_context(**PHONE)
    page = context.new_page()
    sign_in(page, leader.username)
    page.goto("/reports/dashboard/")
    expect(page).to_have_url(re.compile(rf"/reports/dashboard/{tree['d1'].pk}/$"))
    charts_drawn(page)
    assert page.evaluate("document.documentElement.scrollWidth") <= 375
    # the charts follow the width of the screen
    width = page.locator("[data-chart=trend] canvas").evaluate("c => c.getBoundingClientRect().width")
    assert 250 < width <= 375
    screenshot(page, "dashboard-district-375")
    no_csp_errors(context)
