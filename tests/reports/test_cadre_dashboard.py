"""The cadres panel of a node's dashboard: figures by hand, who sees it, small counts, queries."""

import datetime
from decimal import Decimal

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from cadres.models import Assessment, AssessmentRound, Cadre, Enrolment, GrassrootsStay, Secondment
from reports import cadres_dashboard
from tests.cadres.factories import CadreFactory, TrainingClassFactory
from tests.pages import client_for, text
from unions.models import Role, Union

from ..factories import make_child, staff

R = Role.Kind
TODAY = timezone.localdate()
YEAR = TODAY.year
YOUNG = datetime.date(YEAR - 25, 1, 1)
OLD = datetime.date(YEAR - 50, 1, 1)


def page(pk) -> str:
    return reverse("reports:cadre_dashboard", args=[pk])


def data(pk) -> str:
    return reverse("reports:cadre_dashboard_data", args=[pk])


def met_hours(cadre, course) -> None:
    Enrolment.objects.create(
        training_class=course, cadre=cadre, status=Enrolment.Status.COMPLETED, credited_hours=Decimal("90.0")
    )


@pytest.fixture
def officer_city(tree):
    return staff(R.CADRE_OFFICER, tree["city"], username="cadre-city")


@pytest.fixture
def corps(tree, officer_city):
    """Cadres of the small city, every one of a rank owing 90 hours a year:

    d1 itself: a young cadre who met the hours and an older one who did not;
    s1: a young cadre and an older one who met them, an older one who did not, and one who left;
    g1 (under s1): one older cadre who did not;
    s2 (district 2): an older cadre who met them and an older one who did not;
    a secondment under way and one closed last year in s1; a stay under way in s2;
    grades of last year under d1: one 优秀, two 称职 confirmed, one evaluated (not final); and an older
    year's grade that is not the latest.
    """
    course = TrainingClassFactory(
        organiser=tree["city"],
        created_by=officer_city,
        starts_on=datetime.date(YEAR, 1, 5),
        ends_on=datetime.date(YEAR, 1, 6),
        credit_hours=Decimal("90.0"),
        status="finished",
    )
    c = {}
    c["d1_young"] = CadreFactory(union=tree["d1"], birth_date=YOUNG)
    c["d1_old"] = CadreFactory(union=tree["d1"], birth_date=OLD)
    c["s1_young"] = CadreFactory(union=tree["s1"], birth_date=YOUNG)
    c["s1_old_met"] = CadreFactory(union=tree["s1"], birth_date=OLD)
    c["s1_old"] = CadreFactory(union=tree["s1"], birth_date=OLD)
    c["s1_left"] = CadreFactory(
        union=tree["s1"], birth_date=YOUNG, status=Cadre.Status.LEFT, status_changed_on=datetime.date(YEAR - 1, 5, 1)
    )
    c["g1_old"] = CadreFactory(union=tree["g1"], birth_date=OLD)
    c["s2_met"] = CadreFactory(union=tree["s2"], birth_date=OLD)
    c["s2_old"] = CadreFactory(union=tree["s2"], birth_date=OLD)
    for key in ("d1_young", "s1_young", "s1_old_met", "s2_met", "s1_left"):
        met_hours(c[key], course)
    Secondment.objects.create(
        cadre=c["s1_young"],
        host_name="东城精密机械有限公司",
        host_kind="enterprise",
        post_at_host="总经理助理",
        planned_start=TODAY - datetime.timedelta(days=30),
        planned_end=TODAY + datetime.timedelta(days=60),
        actual_start=TODAY - datetime.timedelta(days=30),
        status=Secondment.Status.ACTIVE,
        created_by=officer_city,
    )
    Secondment.objects.create(
        cadre=c["s1_old"],
        host_name="东城物流园",
        host_kind="park",
        post_at_host="副主任",
        planned_start=datetime.date(YEAR - 1, 1, 1),
        planned_end=datetime.date(YEAR - 1, 6, 30),
        actual_start=datetime.date(YEAR - 1, 1, 1),
        actual_end=datetime.date(YEAR - 1, 6, 30),
        status=Secondment.Status.CLOSED,
        created_by=officer_city,
    )
    GrassrootsStay.objects.create(
        cadre=c["s2_old"],
        union=tree["g2"],
        starts_on=TODAY - datetime.timedelta(days=3),
        ends_on=TODAY + datetime.timedelta(days=27),
        status=GrassrootsStay.Status.ACTIVE,
        created_by=officer_city,
    )
    last = AssessmentRound.objects.create(
        union=tree["d1"], year=YEAR - 1, self_report_due=datetime.date(YEAR, 1, 15), opened_by=officer_city
    )
    older = AssessmentRound.objects.create(
        union=tree["d1"], year=YEAR - 2, self_report_due=datetime.date(YEAR - 1, 1, 15), opened_by=officer_city
    )
    confirmed = timezone.now() - datetime.timedelta(days=1)
    for key, grade, status in (
        ("d1_young", "excellent", Assessment.Status.PUBLISHED),
        ("s1_young", "competent", Assessment.Status.CONFIRMED),
        ("s1_old_met", "competent", Assessment.Status.CONFIRMED),
        ("s1_old", "basic", Assessment.Status.EVALUATED),
    ):
        Assessment.objects.create(
            round=last,
            cadre=c[key],
            year=YEAR - 1,
            unit=c[key].union,
            grade=grade,
            status=status,
            assessor_comment="不应出现在看板",
            confirmed_at=confirmed if status != Assessment.Status.EVALUATED else None,
        )
    Assessment.objects.create(
        round=older,
        cadre=c["d1_old"],
        year=YEAR - 2,
        unit=tree["d1"],
        grade="incompetent",
        status=Assessment.Status.PUBLISHED,
        confirmed_at=confirmed,
    )
    return c


def by_name(rows: list[dict]) -> dict[str, dict]:
    return {row["name"]: row for row in rows}


# --- the figures, by hand --------------------------------------------------------------------------------


def test_city_figures_by_hand(tree, corps):
    figures = cadres_dashboard.compute(tree["city"], year=YEAR, as_of=TODAY)
    totals = figures["totals"]
    # 8 in post (the one who left is not), 2 young, 4 of the 8 met their 90 hours
    assert totals == {
        "in_post": 8,
        "young": 2,
        "young_share": 25.0,
        "owing": 8,
        "completed": 4,
        "completion_rate": 50.0,
        "secondments": 1,
        "stays": 1,
    }
    rows = by_name(figures["children"])
    # the city itself has no cadre: no row of its own; each child has a row, the industry union empty
    assert list(rows) == ["东城区总工会", "西城区总工会", "市教育工会"]
    d1, d2, ind = rows["东城区总工会"], rows["西城区总工会"], rows["市教育工会"]
    assert (d1["in_post"], d1["young"], d1["owing"], d1["completed"], d1["completion_rate"]) == (6, 2, 6, 3, 50.0)
    assert (d1["secondments"], d1["stays"]) == (1, 0)
    assert (d2["in_post"], d2["young"], d2["completed"], d2["completion_rate"], d2["stays"]) == (2, 0, 1, 50.0, 1)
    assert (ind["in_post"], ind["completion_rate"], ind["young_share"]) == (0, None, None)
    # the latest year with final grades: last year's confirmed and published ones, the evaluated one pending
    grades = figures["grades"]
    assert grades["year"] == YEAR - 1 and grades["pending"] == 1
    assert {row["key"]: row["count"] for row in grades["rows"]} == {
        "excellent": 1,
        "competent": 2,
        "basic": 0,
        "incompetent": 0,
    }


def test_district_rows_hold_its_own_cadres_and_its_streets(tree, corps):
    figures = cadres_dashboard.compute(tree["d1"], year=YEAR, as_of=TODAY)
    rows = figures["children"]
    assert [row["own_level"] for row in rows] == [True, False]
    own, s1 = rows
    assert own["id"] == tree["d1"].pk and (own["in_post"], own["young"], own["completed"]) == (2, 1, 1)
    # s1 holds its own three in post and g1's one
    assert (s1["in_post"], s1["young"], s1["owing"], s1["completed"], s1["completion_rate"]) == (4, 1, 4, 2, 50.0)
    assert figures["totals"]["in_post"] == 6


def test_as_of_an_earlier_day_counts_what_was_under_way_then(tree, corps):
    # forty days ago: the secondment under way today had not begun; the cadre who left last May had
    figures = cadres_dashboard.compute(tree["city"], year=YEAR, as_of=TODAY - datetime.timedelta(days=40))
    assert figures["totals"]["secondments"] == 0 and figures["totals"]["stays"] == 0
    # and in the middle of last year's closed secondment, one was under way; the leaver was still in post
    middle = cadres_dashboard.compute(tree["city"], year=YEAR - 1, as_of=datetime.date(YEAR - 1, 3, 1))
    assert middle["totals"]["secondments"] == 1 and middle["totals"]["in_post"] == 9


# --- who sees it -------------------------------------------------------------------------------------------


def test_cadre_officer_and_leader_over_the_node_read_the_page_and_its_data(tree, corps, officer_city):
    for user in (officer_city, staff(R.LEADER, tree["d1"])):
        client = client_for(user)
        response = client.get(page(tree["d1"].pk))
        assert response.status_code == 200
        assert 'data-cadre-kpi="in-post">6<' in text(response)
        figures = client.get(data(tree["d1"].pk)).json()
        assert figures["totals"]["in_post"] == 6
    # no personal field in the data
    body = client_for(officer_city).get(data(tree["city"].pk)).content.decode()
    for cadre in corps.values():
        assert cadre.name not in body and cadre.mobile not in body
    assert "不应出现在看板" not in body


def test_leader_of_another_district_and_member_staff_get_404(tree, corps):
    for user in (
        staff(R.LEADER, tree["d2"]),
        staff(R.CADRE_OFFICER, tree["d2"]),
        staff(R.UNION_CLERK, tree["g1"]),
        staff(R.FEDERATION_STAFF, tree["city"]),
    ):
        client = client_for(user)
        assert client.get(page(tree["d1"].pk)).status_code == 404
        assert client.get(data(tree["d1"].pk)).status_code == 404
    assert client_for(staff(R.LEADER, tree["d1"])).get(data(999999)).status_code == 404


def test_home_sends_to_the_top_node_and_404s_without_a_role(tree, officer_city):
    response = client_for(officer_city).get(reverse("reports:cadre_dashboard_home"))
    assert response.status_code == 302 and response["Location"] == page(tree["city"].pk)
    assert client_for(staff(R.UNION_CLERK, tree["g1"])).get(reverse("reports:cadre_dashboard_home")).status_code == 404


def test_the_node_dashboard_loads_the_panel_for_its_leader_only(tree, corps):
    node = reverse("reports:dashboard_node", args=[tree["d1"].pk])
    # the district's leader: the panel is asked for after the page (htmx), and comes alone
    leader = client_for(staff(R.LEADER, tree["d1"]))
    body = text(leader.get(node))
    assert f'hx-get="{page(tree["d1"].pk)}"' in body
    fragment = leader.get(page(tree["d1"].pk), headers={"HX-Request": "true"})
    assert fragment.status_code == 200 and "<html" not in text(fragment) and "data-cadres-dashboard" in text(fragment)
    # member staff read the members' dashboard but not the cadres' (the panels' audience is not widened)
    member_staff = client_for(staff(R.FEDERATION_STAFF, tree["d1"]))
    assert member_staff.get(node).status_code == 200
    assert page(tree["d1"].pk) not in text(member_staff.get(node))


# --- small counts ------------------------------------------------------------------------------------------


def test_leader_sees_small_counts_of_grassroots_unions_hidden_and_the_officer_sees_them(tree, corps):
    leader = client_for(staff(R.LEADER, tree["d1"]))
    officer = client_for(staff(R.CADRE_OFFICER, tree["d1"]))
    # s1's rows: its own cadres (a street federation: exact) and g1 (a grassroots union with one cadre)
    hidden = leader.get(data(tree["s1"].pk)).json()
    rows = by_name(hidden["children"])
    g1 = rows["东城机械厂工会"]
    assert g1["in_post"] is None and g1["young"] is None and g1["completed"] is None
    assert g1["completion_rate"] is None and g1["owing"] is None
    assert g1["secondments"] == 0  # zero points at nobody
    own = next(row for row in hidden["children"] if row["own_level"])
    assert own["in_post"] == 3 and own["completed"] == 2
    assert hidden["small_counts"]["label"] == "<3" and hidden["small_counts"]["hidden"] > 0
    # the node's own totals (a street federation) stay exact
    assert hidden["totals"]["in_post"] == 4
    exact = officer.get(data(tree["s1"].pk)).json()
    assert by_name(exact["children"])["东城机械厂工会"]["in_post"] == 1 and "small_counts" not in exact
    # the page prints the hidden count as <3
    assert "&lt;3" in text(leader.get(page(tree["s1"].pk)))


def test_a_grassroots_unions_own_panel_hides_its_small_figures_and_grade_breakdown(tree, officer_city):
    union = make_child(tree["s1"], Union.Kind.GRASSROOTS_UNION, "小微企业工会")
    cadres = [CadreFactory(union=union, birth_date=OLD) for _ in range(4)] + [
        CadreFactory(union=union, birth_date=YOUNG)
    ]
    round_ = AssessmentRound.objects.create(
        union=union, year=YEAR - 1, self_report_due=datetime.date(YEAR, 1, 15), opened_by=officer_city
    )
    for cadre, grade in zip(cadres, ["excellent", "competent", "competent", "competent", "competent"], strict=True):
        Assessment.objects.create(
            round=round_,
            cadre=cadre,
            year=YEAR - 1,
            unit=union,
            grade=grade,
            status="published",
            confirmed_at=timezone.now(),
        )
    leader = client_for(staff(R.LEADER, tree["d1"]))
    figures = leader.get(data(union.pk)).json()
    totals = figures["totals"]
    # five in post are shown; the one young cadre is hidden, with the share that gives them back;
    # nobody met the hours: 0 of 5 points at no one in particular and is shown
    assert totals["in_post"] == 5 and totals["young"] is None and totals["young_share"] is None
    assert totals["completed"] == 0 and totals["owing"] == 5
    # the grade breakdown has a group of one: hidden whole
    assert all(row["count"] is None for row in figures["grades"]["rows"])


# --- cost ----------------------------------------------------------------------------------------------------


def _grow(tree, officer_city, n: int) -> Union:
    district = make_child(tree["city"], Union.Kind.DISTRICT_FEDERATION, f"测试区{n}")
    course = TrainingClassFactory(
        organiser=district,
        created_by=officer_city,
        starts_on=datetime.date(YEAR, 2, 1),
        ends_on=datetime.date(YEAR, 2, 2),
    )
    for i in range(n):
        street = make_child(district, Union.Kind.STREET_FEDERATION, f"测试区{n}街道{i}")
        for _ in range(3):
            met_hours(CadreFactory(union=street), course)
    return district


def test_queries_do_not_grow_with_the_subtree(tree, officer_city, django_assert_max_num_queries):
    small, large = _grow(tree, officer_city, 2), _grow(tree, officer_city, 12)
    client = client_for(officer_city)
    counts = []
    for district in (small, large):
        cache.clear()
        with CaptureQueriesContext(connection) as queries:
            assert client.get(data(district.pk)).status_code == 200
        counts.append(len(queries))
    assert counts[0] == counts[1], counts
    # the session, the user, roles, the node, the figures (about a dozen), the session's save
    with django_assert_max_num_queries(24):
        cache.clear()
        client.get(page(large.pk))
    # warm: the figures come from the cache
    with django_assert_max_num_queries(8):
        client.get(data(large.pk))
