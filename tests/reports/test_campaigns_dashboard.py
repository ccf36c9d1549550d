"""The competitions panel of the dashboard: figures counted by hand, who sees them, queries, the page."""

import datetime

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from campaigns.models import Competition, Entry
from reports import campaigns_dashboard
from tests.campaigns.factories import CompetitionFactory, EntryFactory
from tests.pages import client_for, text
from unions.models import Role, Union

from ..factories import make_child, staff

R = Role.Kind
K = Competition.Kind
TODAY = timezone.localdate()
LAST = TODAY.year - 1  # a whole year behind us: every date below is fixed in it


def day(month: int, dom: int, year: int = LAST) -> datetime.date:
    return datetime.date(year, month, dom)


def moment(month: int, dom: int, year: int = LAST) -> datetime.datetime:
    return datetime.datetime(year, month, dom, 10, tzinfo=timezone.get_current_timezone())


def page(pk, year=LAST) -> str:
    return reverse("reports:campaigns_dashboard", args=[pk]) + f"?year={year}"


def data(pk, year=LAST) -> str:
    return reverse("reports:campaigns_dashboard_data", args=[pk]) + f"?year={year}"


def competition(organiser, by, *, kind=K.SKILL, status=Competition.Status.RUNNING, year=LAST, **fields):
    return CompetitionFactory(
        organiser=organiser,
        created_by=by,
        kind=kind,
        status=status,
        starts_on=day(3, 1, year),
        ends_on=day(11, 30, year),
        entry_deadline=day(4, 30, year),
        **fields,
    )


def entry(contest, union, by, *, person_times, status=Entry.Status.ACCEPTED, on=None, **fields):
    return EntryFactory(
        competition=contest,
        union=union,
        entered_by=by,
        person_times=person_times,
        status=status,
        entered_at=on or moment(3, 15),
        **fields,
    )


@pytest.fixture(autouse=True)
def _fresh_cache():
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def contests(tree):
    """The competitions of the year ``LAST`` and their entries (person-times in brackets):

    A  d1's skill contest, running: g1 a team, accepted (8); g1 an individual, waiting, entered in June (1);
       g1 a team refused (10, not counted).
    B  s1's Ankang Cup, closed: g1 its unit, accepted (120).
    C  d1's skill contest, a draft (not counted): g1 accepted (5).
    D  d1's innovation contest, approved, starting the year before (not counted in ``LAST``).
    E  the city's key-project contest, in judging: g1 accepted (30), g2 accepted (40), g3 withdrawn (7).
    F  d2's window-service contest, commended: g2 accepted (6).
    """
    by = staff(R.FEDERATION_STAFF, tree["city"], username="campaigns-figures-staff")
    S = Competition.Status
    a = competition(tree["d1"], by, title="甲")
    b = competition(tree["s1"], by, kind=K.SAFETY, status=S.CLOSED, title="乙")
    c = competition(tree["d1"], by, status=S.DRAFT, title="丙")
    competition(tree["d1"], by, kind=K.INNOVATION, status=S.APPROVED, year=LAST - 1, title="丁")
    e = competition(tree["city"], by, kind=K.KEY_PROJECT, status=S.REVIEWING, title="戊")
    f = competition(tree["d2"], by, kind=K.WINDOW_SERVICE, status=S.COMMENDED, title="己")
    entry(a, tree["g1"], by, person_times=8)
    entry(a, tree["g1"], by, person_times=1, kind=Entry.Kind.INDIVIDUAL, status=Entry.Status.ENTERED, on=moment(6, 15))
    entry(a, tree["g1"], by, person_times=10, status=Entry.Status.REFUSED)
    entry(b, tree["g1"], by, person_times=120, kind=Entry.Kind.UNIT)
    entry(c, tree["g1"], by, person_times=5)
    entry(e, tree["g1"], by, person_times=30)
    entry(e, tree["g2"], by, person_times=40)
    entry(e, tree["g3"], by, person_times=7, status=Entry.Status.WITHDRAWN)
    entry(f, tree["g2"], by, person_times=6)
    return {"A": a, "B": b, "C": c, "E": e, "F": f}


def counts(row: dict) -> tuple:
    return tuple(row[key] for key in campaigns_dashboard.COUNT_KEYS)


def rows_of(figures: dict) -> dict[str, tuple]:
    return {row["name"]: counts(row) for row in figures["children"]}


# --- the figures, by hand ----------------------------------------------------------------------------
def test_a_districts_figures_count_what_it_organised_and_what_its_unions_entered(tree, contests):
    figures = campaigns_dashboard.compute(tree["d1"], year=LAST)
    # (competitions, under way, closed, entries, accepted, person-times)
    # organised: A (d1 itself, running) and B (s1, closed); C is a draft, D of the year before.
    # entered by g1 (under s1): A 8 + 1 waiting, B 120, E 30 (the city's); the refused team and C not.
    assert counts(figures["totals"]) == (2, 1, 1, 4, 3, 159)
    assert rows_of(figures) == {
        "东城区总工会 itself": (1, 1, 0, 0, 0, 0),
        "东华门街道总工会": (1, 0, 1, 4, 3, 159),
    }
    by_kind = {item["key"]: counts(item) for item in figures["by_kind"]}
    assert by_kind == {
        K.KEY_PROJECT: (0, 0, 0, 1, 1, 30),
        K.SKILL: (1, 1, 0, 2, 1, 9),
        K.INNOVATION: (0, 0, 0, 0, 0, 0),
        K.SAFETY: (1, 0, 1, 1, 1, 120),
        K.WINDOW_SERVICE: (0, 0, 0, 0, 0, 0),
        K.OTHER: (0, 0, 0, 0, 0, 0),
    }
    assert figures["year"] == LAST and figures["as_of"] == f"{LAST}-12-31"


def test_the_citys_figures_hold_every_district_and_its_own_contest(tree, contests):
    figures = campaigns_dashboard.compute(tree["city"], year=LAST)
    # organised: A, B, E, F (under way: A, E; closed: B, F); entries: d1's four, g2's two (40 + 6)
    assert counts(figures["totals"]) == (4, 2, 2, 6, 5, 205)
    assert rows_of(figures) == {
        "测试市总工会 itself": (1, 1, 0, 0, 0, 0),
        "东城区总工会": (2, 1, 1, 4, 3, 159),
        "西城区总工会": (1, 0, 1, 2, 2, 46),
        "市教育工会": (0, 0, 0, 0, 0, 0),
    }


def test_another_year_and_a_grassroots_union(tree, contests):
    # the year before: D, approved, with no entry
    assert counts(campaigns_dashboard.compute(tree["d1"], year=LAST - 1)["totals"]) == (1, 0, 0, 0, 0, 0)
    # g1 organises nothing; its four entries sit at g1 itself
    figures = campaigns_dashboard.compute(tree["g1"], year=LAST)
    assert rows_of(figures) == {"东城机械厂工会 itself": (0, 0, 0, 4, 3, 159)}


def test_entries_count_from_the_day_they_were_entered(tree, contests):
    # at April's end the individual entered in June is not yet there
    figures = campaigns_dashboard.compute(tree["d1"], year=LAST, as_of=day(4, 30))
    assert counts(figures["totals"]) == (2, 1, 1, 3, 3, 158)


def test_the_monthly_page_counts_to_the_months_end_and_draws_the_entries(tree, contests):
    context = campaigns_dashboard.monthly_page(tree["city"], day(4, 1))
    assert context["campaigns_as_of"] == day(4, 30)
    assert counts(context["campaigns"]["totals"]) == (4, 2, 2, 5, 5, 204)
    svg = context["campaigns_entries_svg"]
    assert svg.startswith("<svg") and 'aria-label="东城区总工会: 3"' in svg and 'aria-label="西城区总工会: 2"' in svg


def test_an_empty_node_has_zeros_and_no_chart(tree):
    context = campaigns_dashboard.monthly_page(tree["ind"], day(4, 1))
    assert counts(context["campaigns"]["totals"]) == (0,) * 6
    assert context["campaigns_entries_svg"] == ""


# --- who sees them -----------------------------------------------------------------------------------
def test_a_leader_reads_the_panel_and_its_json(tree, contests, leader):
    client = client_for(leader)
    response = client.get(page(tree["d1"].pk))
    assert response.status_code == 200
    body = text(response)
    assert "Labour and skill competitions" in body and "东华门街道总工会" in body
    # the street's row links to the street's own panel
    assert reverse("reports:campaigns_dashboard", args=[tree["s1"].pk]) in body
    payload = client.get(data(tree["d1"].pk)).json()
    assert counts(payload["totals"]) == (2, 1, 1, 4, 3, 159)
    # below the district too
    assert client.get(page(tree["g1"].pk)).status_code == 200


@pytest.fixture
def clerk1(tree):
    return staff(R.UNION_CLERK, tree["g1"], username="campaigns-clerk-g1")


@pytest.mark.parametrize(
    ("kind", "node"),
    [
        (R.LEADER, "d2"),  # another district's leader
        (R.FEDERATION_STAFF, "d2"),  # another district's staff
        (R.UNION_CLERK, "g1"),  # the union's own clerk: not a leader
        (R.CITY_ADMIN, "city"),
        (R.CADRE_OFFICER, "d1"),
        (R.DISCIPLINE_OFFICER, "d1"),
    ],
)
def test_anyone_else_gets_404(tree, contests, kind, node):
    user = staff(kind, tree[node], username=f"campaigns-{kind}-{node}")
    client = client_for(user)
    target = tree["g1"] if node == "g1" else tree["d1"]
    assert client.get(page(target.pk)).status_code == 404
    assert client.get(data(target.pk)).status_code == 404


def test_the_home_sends_a_leader_to_their_node_and_others_away(tree, leader, clerk1):
    response = client_for(leader).get(reverse("reports:campaigns_dashboard_home"))
    assert response.status_code == 302 and response["Location"] == reverse(
        "reports:campaigns_dashboard", args=[tree["d1"].pk]
    )
    assert client_for(clerk1).get(reverse("reports:campaigns_dashboard_home")).status_code == 404


def test_a_bad_year_falls_back_to_this_year(tree, contests, leader):
    payload = client_for(leader).get(data(tree["d1"].pk, year="abc")).json()
    assert payload["year"] == TODAY.year


def test_the_node_dashboard_loads_the_panel_for_a_leader_only(tree, leader, clerk1):
    placeholder = reverse("reports:campaigns_dashboard", args=[tree["g1"].pk])
    leader_page = client_for(leader).get(reverse("reports:dashboard_node", args=[tree["g1"].pk]))
    assert leader_page.status_code == 200 and "data-campaigns-placeholder" in text(leader_page)
    assert placeholder in text(leader_page)
    clerk_page = client_for(clerk1).get(reverse("reports:dashboard_node", args=[tree["g1"].pk]))
    assert clerk_page.status_code == 200 and "data-campaigns-placeholder" not in text(clerk_page)


def test_the_htmx_request_gets_the_panel_alone(tree, contests, leader):
    response = client_for(leader).get(page(tree["d1"].pk), HTTP_HX_REQUEST="true")
    body = text(response)
    assert response.status_code == 200 and "data-campaigns-dashboard" in body and "<html" not in body


# --- queries -----------------------------------------------------------------------------------------
def test_the_figures_take_three_queries_however_many_nodes_and_entries(tree, contests):
    # given twenty more streets under d1, each organising a contest entered by a union of its own
    by = contests["A"].created_by
    for i in range(20):
        street = make_child(tree["d1"], Union.Kind.STREET_FEDERATION, f"街道{i}")
        union = make_child(street, Union.Kind.GRASSROOTS_UNION, f"基层{i}")
        contest = competition(street, by, kind=list(K)[i % len(K)])
        entry(contest, union, by, person_times=i + 1)
        entry(contests["A"], union, by, person_times=2)
    d1 = Union.objects.get(pk=tree["d1"].pk)
    # then one query for the competitions, one for the entries, one for the child nodes
    with CaptureQueriesContext(connection) as queries:
        figures = campaigns_dashboard.compute(d1, year=LAST)
    assert len(queries) == 3, [q["sql"] for q in queries]
    assert len(figures["children"]) == 22
    assert counts(figures["totals"]) == (22, 21, 1, 44, 43, 159 + 210 + 40)


def test_the_panel_page_stays_within_a_few_queries(tree, contests, leader, django_assert_max_num_queries):
    # the session, the user and their roles, the scope, the figures (three), the breadcrumb and the menu;
    # the honours figures under the panel (kinds, honours, nominations, model workers, studios, children)
    client = client_for(leader)
    with django_assert_max_num_queries(20):
        assert client.get(page(tree["d1"].pk)).status_code == 200
