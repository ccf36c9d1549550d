"""The dashboard pages: who sees which node, the JSON the charts read, bounded queries, the targets."""

import datetime
import json

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from members.models import EmploymentType
from reports import dashboard, tallies, targets
from reports.models import EnrolmentTarget
from tests.pages import client_for, messages_of, text
from unions.models import Role, Union

from ..factories import UserFactory, make_child, staff
from .conftest import make_member

R = Role.Kind
TODAY = timezone.localdate()
YEAR = TODAY.year


def page(pk):
    return reverse("reports:dashboard_node", args=[pk])


def data(pk):
    return reverse("reports:dashboard_data", args=[pk])


def targets_url(pk):
    return reverse("reports:dashboard_targets", args=[pk])


@pytest.fixture
def counted(tree):
    """Members in both districts (couriers who joined this year among them), counted into the summary."""
    for _ in range(3):
        make_member(tree["g1"], employment_type=EmploymentType.COURIER, joined_on=TODAY)
    make_member(tree["g1"], name="李四", mobile="13912345678", joined_on=datetime.date(2019, 5, 1))
    make_member(tree["g2"], employment_type=EmploymentType.TRUCK_DRIVER, joined_on=TODAY)
    make_member(tree["g3"], joined_on=datetime.date(2018, 3, 1))
    tallies.refresh()
    return tree


# --- who sees which node ----------------------------------------------------------------------------
def test_district_leader_gets_404_for_the_other_district_and_the_city(counted):
    tree = counted
    leader = client_for(staff(R.LEADER, tree["d1"]))
    for node in ("d2", "s2", "g2", "city", "ind"):
        pk = tree[node].pk
        assert leader.get(page(pk)).status_code == 404, node
        assert leader.get(data(pk)).status_code == 404, node
        assert leader.get(targets_url(pk)).status_code == 404, node
        assert leader.post(targets_url(pk), {"year": YEAR, "courier": "5"}).status_code == 404, node
    assert not EnrolmentTarget.objects.exists()


def test_district_leader_sees_own_district_and_the_nodes_below(counted):
    tree = counted
    leader = client_for(staff(R.LEADER, tree["d1"]))
    for node in ("d1", "s1", "g1"):
        assert leader.get(page(tree[node].pk)).status_code == 200, node
        assert leader.get(data(tree[node].pk)).status_code == 200, node


@pytest.mark.parametrize("kind", [R.AUDITOR, R.CADRE_OFFICER, R.DISCIPLINE_OFFICER])
def test_roles_without_dashboards_get_404(tree, kind):
    user = client_for(staff(kind, tree["city"]))
    assert user.get(reverse("reports:dashboard")).status_code == 404
    assert user.get(page(tree["city"].pk)).status_code == 404
    assert user.get(data(tree["d1"].pk)).status_code == 404


def test_worker_without_a_role_gets_404_and_anonymous_goes_to_the_login(tree):
    worker = client_for(UserFactory())
    assert worker.get(reverse("reports:dashboard")).status_code == 404
    assert worker.get(page(tree["g1"].pk)).status_code == 404
    assert worker.get(data(tree["g1"].pk)).status_code == 404
    response = client_for().get(data(tree["g1"].pk))
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_clerk_sees_the_dashboard_of_their_own_union_only(counted):
    clerk = client_for(staff(R.UNION_CLERK, counted["g1"]))
    response = clerk.get(reverse("reports:dashboard"))
    assert response.status_code == 302 and response["Location"] == page(counted["g1"].pk)
    assert clerk.get(page(counted["g1"].pk)).status_code == 200
    assert clerk.get(page(counted["s1"].pk)).status_code == 404
    assert clerk.get(page(counted["g2"].pk)).status_code == 404


def test_dashboard_opens_at_the_top_of_the_scope_or_offers_a_choice(tree):
    leader = UserFactory()
    Role.objects.create(user=leader, union=tree["d1"], kind=R.LEADER)
    response = client_for(leader).get(reverse("reports:dashboard"))
    assert response.status_code == 302 and response["Location"] == page(tree["d1"].pk)

    # A role inside the first one's subtree adds no root; a role elsewhere does.
    Role.objects.create(user=leader, union=tree["s1"], kind=R.LEADER)
    assert client_for(leader).get(reverse("reports:dashboard")).status_code == 302
    Role.objects.create(user=leader, union=tree["ind"], kind=R.LEADER)
    response = client_for(leader).get(reverse("reports:dashboard"))
    assert response.status_code == 200
    body = text(response)
    assert f'href="{page(tree["d1"].pk)}"' in body and f'href="{page(tree["ind"].pk)}"' in body
    assert f'href="{page(tree["city"].pk)}"' not in body


# --- the JSON the charts read ---------------------------------------------------------------------
def test_data_json_holds_the_figures_of_the_node(counted):
    tree = counted
    response = client_for(staff(R.LEADER, tree["city"])).get(data(tree["city"].pk))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    assert "private" in response["Cache-Control"]
    body = response.json()
    assert body == json.loads(json.dumps(dashboard.figures(tree["city"])))
    assert body["members"]["total"] == 6
    assert {row["group"]: row["joined"] for row in body["enrolment"]}["courier"] == 3
    assert [child["name"] for child in body["children"]] == ["东城区总工会", "西城区总工会", "市教育工会"]


def test_data_json_holds_no_personal_data(counted):
    response = client_for(staff(R.LEADER, counted["city"])).get(data(counted["city"].pk))
    assert "李四" not in response.content.decode()
    assert "13912345678" not in response.content.decode()


def test_data_json_of_a_district_counts_only_its_subtree(counted):
    body = client_for(staff(R.LEADER, counted["d1"])).get(data(counted["d1"].pk)).json()
    assert body["members"]["total"] == 4
    assert [child["id"] for child in body["children"]] == [counted["s1"].pk]


# --- bounded queries ------------------------------------------------------------------------------
def _district_with(city, streets: int, name: str) -> Union:
    district = make_child(city, Union.Kind.DISTRICT_FEDERATION, name)
    for i in range(streets):
        street = make_child(district, Union.Kind.STREET_FEDERATION, f"{name}街道{i}")
        union = make_child(street, Union.Kind.GRASSROOTS_UNION, f"{name}工会{i}", employer_staff_count=30 + i)
        make_member(union, joined_on=TODAY, employment_type=EmploymentType.COURIER)
        EnrolmentTarget.objects.create(union=street, year=YEAR, group=EmploymentType.COURIER, target=5)
    district.refresh_from_db()
    return district


def _queries(client, url) -> int:
    cache.clear()  # cold: the figures are computed, not read from the cache
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


def test_page_and_data_queries_do_not_grow_with_the_children(tree, django_assert_max_num_queries):
    small = _district_with(tree["city"], 2, "小区")
    large = _district_with(tree["city"], 10, "大区")
    tallies.refresh()
    leader = client_for(staff(R.LEADER, tree["city"]))
    for url in (page, data):
        assert _queries(leader, url(small.pk)) == _queries(leader, url(large.pk)), url.__name__
    # the session, the user, roles, node and breadcrumb, about 13 for the figures, the inbox badge,
    # the session's save (idle timeout)
    with django_assert_max_num_queries(24):
        cache.clear()
        leader.get(page(large.pk))
    with django_assert_max_num_queries(22):
        cache.clear()
        leader.get(data(large.pk))


def test_warm_data_json_reads_the_figures_from_the_cache(tree, django_assert_max_num_queries):
    district = _district_with(tree["city"], 3, "暖区")
    tallies.refresh()
    leader = client_for(staff(R.LEADER, tree["city"]))
    leader.get(data(district.pk))
    # the session, the user, roles, the node, and the session's save (3 statements): none for the figures
    with django_assert_max_num_queries(7):
        assert leader.get(data(district.pk)).status_code == 200


# --- the page ------------------------------------------------------------------------------------
def test_page_shows_figures_breadcrumb_league_and_export_button(counted):
    tree = counted
    response = client_for(staff(R.LEADER, tree["d1"])).get(page(tree["g1"].pk))
    body = text(response)
    # the breadcrumb runs from the top of the leader's scope, never above it
    assert f'href="{page(tree["d1"].pk)}"' in body and f'href="{page(tree["s1"].pk)}"' in body
    assert f'href="{page(tree["city"].pk)}"' not in body
    assert "测试市总工会" not in body
    # the charts' data and the PDF export of this node
    assert f'data-url="{data(tree["g1"].pk)}"' in body
    assert f'action="{reverse("reports:request")}"' in body
    assert 'name="kind" value="dashboard"' in body and f'name="union" value="{tree["g1"].pk}"' in body
    assert 'name="csrfmiddlewaretoken"' in body
    assert '<script src="/static/vendor/echarts/echarts.common.min.js"></script>' in body
    # no inline script or style attribute (the CSP forbids both)
    assert "<script>" not in body and " style=" not in body
    # a grassroots union has nobody below it, and leaders set no targets
    assert "No unions below this one." in body
    assert "No targets are set here" in body
    assert targets_url(tree["g1"].pk) not in body
    # aggregates only
    assert "李四" not in body and "13912345678" not in body


def test_league_table_links_each_child_to_its_dashboard_and_orders_by_a_measure(counted):
    tree = counted
    leader = client_for(staff(R.LEADER, tree["city"]))
    body = text(leader.get(page(tree["city"].pk)))
    for node in ("d1", "d2", "ind"):
        assert f'<a href="{page(tree[node].pk)}">{tree[node].name}</a>' in body
    # by members: 东城 (4), then 西城 and 市教育工会 (1 each)
    league = body[body.index('data-table="league"') :]
    assert league.index(tree["d1"].name) < league.index(tree["d2"].name)
    assert "#1" in league

    EnrolmentTarget.objects.create(union=tree["d2"], year=YEAR, group=EmploymentType.TRUCK_DRIVER, target=1)
    EnrolmentTarget.objects.create(union=tree["d1"], year=YEAR, group=EmploymentType.COURIER, target=30)
    cache.clear()
    league = text(leader.get(page(tree["city"].pk) + "?order=target"))
    league = league[league.index('data-table="league"') :]
    # 西城 met its target (100%), 东城 has 10%, 市教育工会 has none: ranked, then unranked
    assert league.index(tree["d2"].name) < league.index(tree["d1"].name) < league.index(tree["ind"].name)
    assert "100.0%" in league and "10.0%" in league


def test_page_of_a_node_without_members_says_so(tree):
    body = text(client_for(staff(R.CITY_ADMIN, tree["city"])).get(page(tree["ind"].pk)))
    assert "No members are counted here yet" in body
    assert 'data-chart="trend"' not in body
    # the city admin may set targets, so the empty state links to the form
    empty = body[body.index("No targets are set here") :]
    assert f'href="{targets_url(tree["ind"].pk)}"' in empty[: empty.index("</div>")]


def test_page_shows_enrolment_against_the_target(counted, django_capture_on_commit_callbacks):
    tree = counted
    admin = client_for(staff(R.CITY_ADMIN, tree["city"]))
    admin.get(page(tree["d1"].pk))  # the figures are cached now
    with django_capture_on_commit_callbacks(execute=True):
        response = admin.post(targets_url(tree["d1"].pk), {"year": YEAR, "courier": "12"})
    assert response.status_code == 302 and response["Location"] == page(tree["d1"].pk)
    # the new target shows at once, despite the cache
    body = text(admin.get(page(tree["d1"].pk)))
    enrolment = body[body.index('data-table="enrolment"') :]
    enrolment = enrolment[: enrolment.index("</table>")]
    row = enrolment[enrolment.index(str(EmploymentType.COURIER.label)) :]
    row = row[: row.index("</tr>")]
    assert ">3<" in row and ">12<" in row and "25.0%" in row
    assert "No targets are set here" not in body
    json_row = next(r for r in admin.get(data(tree["d1"].pk)).json()["enrolment"] if r["group"] == "courier")
    assert json_row == {"group": "courier", "label": "Courier", "joined": 3, "target": 12, "rate": 25.0}


# --- targets ----------------------------------------------------------------------------------------
@pytest.mark.parametrize(("kind", "at", "node"), [(R.CITY_ADMIN, "city", "d1"), (R.FEDERATION_STAFF, "d1", "s1")])
def test_tree_managers_set_targets_for_a_node_they_cover(tree, kind, at, node):
    user = staff(kind, tree[at])
    client = client_for(user)
    form = client.get(targets_url(tree[node].pk))
    assert form.status_code == 200
    response = client.post(
        targets_url(tree[node].pk), {"year": YEAR + 1, "courier": "40", "food_delivery": "0", "streamer": ""}
    )
    assert response.status_code == 302
    saved = {t.group: t.target for t in EnrolmentTarget.objects.filter(union=tree[node], year=YEAR + 1)}
    assert saved == {"courier": 40, "food_delivery": 0}
    assert EnrolmentTarget.objects.get(union=tree[node], group="courier").set_by == user
    assert "The targets for" in " ".join(messages_of(client.get(page(tree[node].pk), follow=True)))


def test_targets_form_shows_the_saved_year_and_a_blank_removes_a_target(tree):
    admin = client_for(staff(R.CITY_ADMIN, tree["city"]))
    EnrolmentTarget.objects.create(union=tree["d1"], year=YEAR - 1, group="courier", target=77)
    EnrolmentTarget.objects.create(union=tree["d1"], year=YEAR - 1, group="streamer", target=5)
    body = text(admin.get(targets_url(tree["d1"].pk) + f"?year={YEAR - 1}"))
    assert 'value="77"' in body and f'name="year" value="{YEAR - 1}"' in body
    assert 'value="77"' not in text(admin.get(targets_url(tree["d1"].pk)))  # this year has none
    admin.post(targets_url(tree["d1"].pk), {"year": YEAR - 1, "courier": "", "streamer": "6"})
    assert dict(EnrolmentTarget.objects.filter(union=tree["d1"]).values_list("group", "target")) == {"streamer": 6}


@pytest.mark.parametrize("kind", [R.LEADER, R.UNION_CLERK])
def test_leaders_and_clerks_cannot_set_targets(tree, kind):
    at = "d1" if kind == R.LEADER else "g1"
    client = client_for(staff(kind, tree[at]))
    assert client.get(page(tree[at].pk)).status_code == 200
    assert client.get(targets_url(tree[at].pk)).status_code == 403
    assert client.post(targets_url(tree[at].pk), {"year": YEAR, "courier": "5"}).status_code == 403
    assert not EnrolmentTarget.objects.exists()


def test_federation_staff_cannot_set_targets_above_their_node(tree):
    client = client_for(staff(R.FEDERATION_STAFF, tree["d1"]))
    assert client.post(targets_url(tree["city"].pk), {"year": YEAR, "courier": "5"}).status_code == 404
    assert not EnrolmentTarget.objects.exists()


@pytest.mark.parametrize(
    ("post", "message"),
    [
        ({"courier": "-1"}, "Ensure this value is greater than or equal to 0."),
        ({"courier": "abc"}, "Enter a whole number."),
        ({"courier": "2.5"}, "Enter a whole number."),
        ({"courier": "10000001"}, "Ensure this value is less than or equal to 10000000."),
        ({"year": str(YEAR + 2)}, "Targets can be set for last year, this year and next year only."),
        ({"year": str(YEAR - 2)}, "Targets can be set for last year, this year and next year only."),
        ({"year": "next"}, "Targets can be set for last year, this year and next year only."),
    ],
)
def test_bad_targets_are_refused_with_a_message_and_nothing_is_saved(tree, post, message):
    admin = client_for(staff(R.CITY_ADMIN, tree["city"]))
    response = admin.post(targets_url(tree["d1"].pk), {"year": YEAR, "truck_driver": "3", **post})
    assert response.status_code == 400
    assert message in text(response)
    assert not EnrolmentTarget.objects.exists()


def test_bad_target_message_is_in_the_users_language(tree):
    admin = client_for(staff(R.CITY_ADMIN, tree["city"]), english=False)
    response = admin.post(targets_url(tree["d1"].pk), {"year": YEAR, "courier": "-5"})
    assert response.status_code == 400
    assert "确保该值大于或等于0。" in text(response)
    assert not EnrolmentTarget.objects.exists()


def test_targets_form_needs_the_csrf_token_and_ignores_other_fields(tree):
    admin_user = staff(R.CITY_ADMIN, tree["city"])
    strict = client_for(admin_user, csrf=True)
    assert strict.post(targets_url(tree["d1"].pk), {"year": YEAR, "courier": "5"}).status_code == 403
    assert not EnrolmentTarget.objects.exists()
    client_for(admin_user).post(
        targets_url(tree["d1"].pk), {"year": YEAR, "courier": "5", "union": tree["d2"].pk, "group": "regular"}
    )
    assert list(EnrolmentTarget.objects.values_list("union_id", "group", "target")) == [(tree["d1"].pk, "courier", 5)]


def test_targets_service_checks_its_rules(tree):
    from django.core.exceptions import PermissionDenied, ValidationError

    admin, leader = staff(R.CITY_ADMIN, tree["city"]), staff(R.LEADER, tree["city"])
    with pytest.raises(PermissionDenied):
        targets.targets_set(union=tree["d1"], year=YEAR, targets={"courier": 1}, by=leader)
    bad = [
        (YEAR + 2, {"courier": 1}),
        (YEAR, {"regular": 1}),  # not a new-employment-form group
        (YEAR, {"courier": -1}),
        (YEAR, {"courier": True}),
        (YEAR, {"courier": 1.5}),
        (YEAR, {"courier": "3"}),
    ]
    for year, values in bad:
        with pytest.raises(ValidationError):
            targets.targets_set(union=tree["d1"], year=year, targets={"truck_driver": 2, **values}, by=admin)
    assert not EnrolmentTarget.objects.exists()
    targets.targets_set(union=tree["d1"], year=YEAR, targets={"courier": 0}, by=admin)
    assert targets.targets_of(tree["d1"], YEAR) == {"courier": 0}
