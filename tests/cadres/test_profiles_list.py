"""The cadre list: scoped to the officer's subtree, filtered, paginated, masked, in a fixed number of queries."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from cadres.models import Cadre
from tests.pages import client_for, text
from unions.models import Role

from ..factories import staff
from .factories import CadreFactory

URL = reverse("cadres:cadre_list")


def names(response) -> list[str]:
    return [cadre.name for cadre in response.context["rows"]]


def years_ago(years: int, days: int = 0) -> datetime.date:
    today = timezone.localdate()
    return today.replace(year=today.year - years) - datetime.timedelta(days=days)


def test_a_district_officer_sees_only_the_cadres_of_their_district(
    cadre, other_district_cadre, district_cadre_officer, cadre_officer
):
    assert names(client_for(district_cadre_officer).get(URL)) == ["李晓明"]
    assert set(names(client_for(cadre_officer).get(URL))) == {"李晓明", "王芳"}


@pytest.mark.parametrize("kind", [Role.Kind.UNION_CLERK, Role.Kind.LEADER, Role.Kind.DISCIPLINE_OFFICER])
def test_staff_who_are_not_cadre_officers_are_refused(tree, kind):
    node = tree["g1"] if kind == Role.Kind.UNION_CLERK else tree["d1"]
    assert client_for(staff(kind, node)).get(URL).status_code == 403


def test_a_signed_out_visitor_is_sent_to_sign_in(db):
    response = client_for().get(URL)
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_the_list_masks_mobiles_and_shows_the_columns(tree, district_cadre_officer):
    young = CadreFactory(
        union=tree["s1"], name="赵青", mobile="13912345678", birth_date=years_ago(30), post="宣传部干事"
    )
    body = text(client_for(district_cadre_officer).get(URL))
    assert "139****5678" in body and "13912345678" not in body
    assert young.name in body and "宣传部干事" in body and "Young cadre" in body
    assert tree["s1"].name in body and "Township or section level" in body and "Full-time" in body


def test_filters_narrow_the_list(tree, cadre_officer):
    CadreFactory(union=tree["d1"], name="县处甲", rank="county_division", birth_date=years_ago(50))
    CadreFactory(union=tree["s2"], name="兼职乙", employment="part_time", birth_date=years_ago(40))
    CadreFactory(union=tree["g1"], name="青年丙", birth_date=years_ago(34, days=300), post="女工委员")
    CadreFactory(union=tree["d2"], name="已退丁", status=Cadre.Status.RETIRED)
    CadreFactory(union=tree["s1"], name="刚满戊", birth_date=years_ago(35))  # 35 today: no longer young
    client = client_for(cadre_officer)

    assert names(client.get(URL, {"rank": "county_division"})) == ["县处甲"]
    assert names(client.get(URL, {"employment": "part_time"})) == ["兼职乙"]
    assert names(client.get(URL, {"young": "true"})) == ["青年丙"]
    assert "刚满戊" in names(client.get(URL, {"young": "false"}))
    assert "已退丁" not in names(client.get(URL))
    assert names(client.get(URL, {"status": "retired"})) == ["已退丁"]
    assert "已退丁" in names(client.get(URL, {"status": "any"}))
    assert names(client.get(URL, {"q": "女工"})) == ["青年丙"]
    assert names(client.get(URL, {"q": "兼职"})) == ["兼职乙"]
    # a node's subtree: district 1 holds d1, s1, g1
    assert set(names(client.get(URL, {"union": tree["d1"].pk}))) == {"县处甲", "青年丙", "刚满戊"}


def test_a_node_outside_the_officers_scope_is_not_a_filter_choice(tree, district_cadre_officer, other_district_cadre):
    response = client_for(district_cadre_officer).get(URL, {"union": tree["s2"].pk})
    assert names(response) == []
    assert response.context["filter"].form.errors["union"]


def test_the_list_pages_in_a_fixed_number_of_queries(tree, district_cadre_officer, django_assert_max_num_queries):
    client = client_for(district_cadre_officer)
    client.get(URL)  # warm the session
    CadreFactory.create_batch(60, union=tree["s1"])
    # session, user, roles, the node choices, the count, the rows, the menu's card and inbox checks,
    # and the session's save (three): none per row.
    with django_assert_max_num_queries(11):
        first = client.get(URL)
    assert len(first.context["rows"]) == 50 and first.context["page"].paginator.count == 60
    second = client.get(URL, {"page": 2})
    assert len(second.context["rows"]) == 10


def test_the_empty_state_offers_to_add_a_cadre(district_cadre_officer):
    body = text(client_for(district_cadre_officer).get(URL))
    assert "No cadre is recorded in your part of the tree yet." in body
    assert reverse("cadres:cadre_create") in body


def test_the_empty_state_of_a_search_offers_to_clear_it(cadre, district_cadre_officer):
    body = text(client_for(district_cadre_officer).get(URL, {"q": "没有这个人"}))
    assert "No cadre matches the search and filters." in body


def test_the_export_link_keeps_the_filters(cadre, district_cadre_officer):
    response = client_for(district_cadre_officer).get(URL, {"rank": "township_section", "page": "1"})
    export = response.context["export_url"]
    if not export:
        pytest.skip("the export page is not routed yet")
    assert export.startswith(reverse("cadres:export_cadres")) and "rank=township_section" in export
    assert "page=" not in export
    assert export.replace("&", "&amp;") in text(response)


def test_an_htmx_request_answers_the_results_only(cadre, district_cadre_officer):
    response = client_for(district_cadre_officer).get(URL, {"q": "李"}, HTTP_HX_REQUEST="true")
    body = text(response)
    assert body.lstrip().startswith('<div id="cadre-results"') and "李晓明" in body


def test_a_number_typed_into_the_search_leaves_the_address_at_once(cadre, district_cadre_officer):
    client = client_for(district_cadre_officer)
    response = client.get(URL, {"q": cadre.mobile, "rank": "township_section"})
    assert response.status_code == 302 and response["Location"] == f"{URL}?rank=township_section"
    assert "not numbers" in text(client.get(response["Location"]))
    htmx = client.get(URL, {"q": "139 1234 5678"}, HTTP_HX_REQUEST="true")
    assert htmx["HX-Redirect"] == URL
