"""The navigation bar offers each role the pages it can use, grouped, and nothing that leads nowhere."""

import re

import pytest
from django.urls import reverse

from tests.pages import client_for, text
from unions.models import Role

from .factories import UserFactory, staff
from .reports.conftest import make_member

R = Role.Kind

MEMBER_PAGES = {"members:member_list", "members:application_queue", "members:transfer_list"}
REPORT_PAGES = {"reports:dashboard", "reports:list"}
CADRE_PAGES = {"cadres:cadre_list", "cadres:rotation_due"}
# A leader's cadres entries: the figures and the grades to confirm, no list of people.
CADRE_LEADER_PAGES = {"cadres:round_list", "reports:cadre_dashboard_home"}


def menu_of(response) -> str:
    """The main navigation's menu (the brand, language buttons, inbox and user menu left out)."""
    body = text(response)
    return body[body.index('<ul class="navbar-nav me-auto">') : body.index('<div class="d-flex flex-column')]


def nav_links(response) -> set[str]:
    return set(re.findall(r'href="([^"]+)"', menu_of(response)))


def urls(*names: str) -> set[str]:
    return {reverse(name) for name in names}


@pytest.mark.parametrize(
    ("kind", "node", "offered", "withheld"),
    [
        (R.CITY_ADMIN, "city", MEMBER_PAGES | REPORT_PAGES | {"unions:roles", "unions:audit"}, CADRE_PAGES),
        (R.FEDERATION_STAFF, "d1", MEMBER_PAGES | REPORT_PAGES | {"unions:roles"}, CADRE_PAGES | {"unions:audit"}),
        (R.UNION_CLERK, "g1", MEMBER_PAGES | REPORT_PAGES, CADRE_PAGES | {"unions:roles", "unions:audit"}),
        (R.LEADER, "d1", REPORT_PAGES | CADRE_LEADER_PAGES, MEMBER_PAGES | CADRE_PAGES | {"unions:audit"}),
        (R.CADRE_OFFICER, "city", CADRE_PAGES | {"cadres:settings"}, MEMBER_PAGES | REPORT_PAGES | {"unions:audit"}),
        (R.CADRE_OFFICER, "d1", CADRE_PAGES, MEMBER_PAGES | REPORT_PAGES | {"cadres:settings", "unions:audit"}),
        (R.DISCIPLINE_OFFICER, "city", set(), MEMBER_PAGES | REPORT_PAGES | CADRE_PAGES | {"unions:audit"}),
        (R.AUDITOR, "city", {"unions:audit"}, MEMBER_PAGES | REPORT_PAGES | CADRE_PAGES),
    ],
)
def test_each_role_is_offered_its_pages_and_no_others(tree, kind, node, offered, withheld):
    links = nav_links(client_for(staff(kind, tree[node])).get(reverse("home")))
    assert urls(*offered) <= links, links
    assert not urls(*withheld) & links, links


@pytest.mark.parametrize("kind", [R.CADRE_OFFICER, R.DISCIPLINE_OFFICER, R.AUDITOR])
def test_roles_without_reports_are_not_offered_the_reports_page(tree, kind):
    response = client_for(staff(kind, tree["city"])).get(reverse("home"))
    assert reverse("reports:list") not in nav_links(response)


def test_worker_without_a_card_is_not_offered_reports_but_a_member_with_a_card_is(tree):
    worker = UserFactory()
    assert reverse("reports:list") not in nav_links(client_for(worker).get(reverse("home")))

    member_user = UserFactory()
    make_member(tree["g1"], user=member_user, card=True)
    assert reverse("reports:list") in nav_links(client_for(member_user).get(reverse("home")))


def test_city_admins_menu_is_grouped_into_a_few_entries(tree):
    menu = menu_of(client_for(staff(R.CITY_ADMIN, tree["city"])).get(reverse("home")))
    top_level = re.findall(r'<li class="nav-item[^"]*">', menu)
    # Home, members, organisation, reports, audit, the working-day calendar: six entries, three of them groups.
    assert len(top_level) == 6, top_level
    assert menu.count('data-bs-toggle="dropdown"') == 3


def test_a_group_is_marked_active_on_one_of_its_pages(tree):
    client = client_for(staff(R.CITY_ADMIN, tree["city"]))
    body = text(client.get(reverse("members:transfer_list")))
    assert re.search(r'class="nav-link dropdown-toggle active"[^>]*>Members<', body), "Members group not active"


@pytest.mark.parametrize(
    ("kind", "node", "offered"),
    [(R.LEADER, "d1", True), (R.UNION_CLERK, "g1", True), (R.CADRE_OFFICER, "city", False), (R.AUDITOR, "city", False)],
)
def test_the_staff_home_offers_the_dashboard_exactly_when_the_menu_does(tree, kind, node, offered):
    response = client_for(staff(kind, tree[node])).get(reverse("home"))
    body = text(response)
    home = body[body.index('<div class="d-grid gap-2 mt-3">') :]
    assert (reverse("reports:dashboard") in home) is offered
    assert (reverse("reports:dashboard") in nav_links(response)) is offered
