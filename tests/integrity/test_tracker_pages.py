"""The tracker's page and its XLSX export: scope, who gets 404, what is listed, query counts."""

import datetime
import io

import pytest
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from accounts.models import AuditEvent
from integrity import kinds
from integrity.models import Talk
from unions.models import Role

from ..cadres.factories import CadreFactory
from ..factories import staff
from .factories import TalkFactory

pytestmark = pytest.mark.django_db

THIS_YEAR = timezone.localdate().year
URL = reverse("integrity:tracker")
EXPORT_URL = reverse("integrity:tracker_export")


def talk(cadre, recorder, **kwargs):
    kwargs.setdefault("held_on", datetime.date(THIS_YEAR, 1, 15))
    return TalkFactory(cadre=cadre, recorder=recorder, **kwargs)


@pytest.fixture
def year_of_city(tree, discipline_officer):
    """District 1: one covered, one uncovered; district 2: one uncovered; a draft and last year's talk."""
    covered = CadreFactory(union=tree["g1"], name="谈过甲")
    talk(covered, discipline_officer)
    CadreFactory(union=tree["s1"], name="东城未谈")
    drafted = CadreFactory(union=tree["s2"], name="西城草稿")
    talk(drafted, discipline_officer, status=Talk.Status.DRAFT)
    last_year = CadreFactory(union=tree["g3"], name="去年谈过")
    talk(last_year, discipline_officer, held_on=datetime.date(THIS_YEAR - 1, 6, 1))
    return tree


def names_on(response) -> list[str]:
    return [cadre.name for cadre in response.context["cadres"]]


def test_city_officer_sees_every_uncovered_cadre_and_coverage_by_district(client, discipline_officer, year_of_city):
    client.force_login(discipline_officer)

    response = client.get(URL)

    assert response.status_code == 200
    assert sorted(names_on(response)) == sorted(["东城未谈", "西城草稿", "去年谈过"])
    assert "谈过甲" not in response.content.decode()
    rows = {row.node.name: (row.in_post, row.covered) for row in response.context["rows"]}
    assert rows == {"东城区总工会": (2, 1), "西城区总工会": (1, 0), "市教育工会": (1, 0)}
    assert (response.context["in_post"], response.context["covered"]) == (4, 1)


def test_the_list_links_each_cadre_to_recording_a_talk(client, discipline_officer, year_of_city):
    client.force_login(discipline_officer)

    response = client.get(URL)

    uncovered = response.context["cadres"][0]
    assert f"{reverse('integrity:talk_create')}?cadre={uncovered.pk}" in response.content.decode()


def test_a_district_officer_sees_their_district_only(client, district_discipline_officer, year_of_city):
    client.force_login(district_discipline_officer)

    response = client.get(URL)

    assert names_on(response) == ["东城未谈"]
    assert response.context["node"] == year_of_city["d1"]
    assert [row.node.name for row in response.context["rows"]] == ["东华门街道总工会"]


def test_a_node_outside_scope_answers_404(client, district_discipline_officer, year_of_city):
    client.force_login(district_discipline_officer)

    assert client.get(URL, {"node": year_of_city["d2"].pk}).status_code == 404
    assert client.get(URL, {"node": year_of_city["city"].pk}).status_code == 404
    assert client.get(URL, {"node": "abc"}).status_code == 404
    assert client.get(EXPORT_URL, {"node": year_of_city["d2"].pk}).status_code == 404


def test_a_node_below_narrows_the_list(client, discipline_officer, year_of_city):
    client.force_login(discipline_officer)

    response = client.get(URL, {"node": year_of_city["d2"].pk})

    assert names_on(response) == ["西城草稿"]


def test_another_year_is_counted_for_itself(client, discipline_officer, year_of_city):
    client.force_login(discipline_officer)

    response = client.get(URL, {"year": THIS_YEAR - 1})

    assert sorted(names_on(response)) == sorted(["谈过甲", "东城未谈", "西城草稿"])


def test_a_malformed_year_shows_this_year(client, discipline_officer, year_of_city):
    client.force_login(discipline_officer)

    response = client.get(URL, {"year": "1999x"})

    assert response.status_code == 200
    assert response.context["year"] == THIS_YEAR


@pytest.mark.parametrize("kind", [Role.Kind.CITY_ADMIN, Role.Kind.CADRE_OFFICER, Role.Kind.LEADER])
def test_anyone_but_a_discipline_officer_gets_404(client, tree, kind):
    client.force_login(staff(kind, tree["city"]))

    assert client.get(URL).status_code == 404
    assert client.get(EXPORT_URL).status_code == 404


def test_the_page_takes_a_fixed_number_of_queries(client, discipline_officer, tree, django_assert_max_num_queries):
    for node in ("g1", "g2", "g3", "s1", "s2", "d1"):
        for _ in range(4):
            CadreFactory(union=tree[node])
        talk(CadreFactory(union=tree[node]), discipline_officer)
    client.force_login(discipline_officer)

    with django_assert_max_num_queries(13):
        response = client.get(URL)

    assert len(response.context["cadres"]) == 24


def test_the_export_lists_the_uncovered_cadres_with_formulas_as_text(client, discipline_officer, tree):
    CadreFactory(union=tree["s1"], name="=HYPERLINK(1)", post="+部长")
    covered = CadreFactory(union=tree["s1"], name="谈过甲")
    talk(covered, discipline_officer)
    client.force_login(discipline_officer)

    response = client.get(EXPORT_URL, {"node": tree["d1"].pk})

    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment")
    sheet = load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
    rows = list(sheet.iter_rows(values_only=True))
    assert len(rows) == 2
    assert rows[1][:3] == ("=HYPERLINK(1)", "东华门街道总工会", "+部长")
    assert rows[1][4].date() == datetime.date(2018, 3, 1)
    assert sheet["A2"].data_type == "s"
    event = AuditEvent.objects.get(action=kinds.TRACKER_EXPORTED)
    assert event.detail["rows"] == 1


def test_an_officer_of_two_subtrees_sees_both_by_default_and_each_one_alone(client, tree, discipline_officer):
    officer = staff(Role.Kind.DISCIPLINE_OFFICER, tree["d1"])
    Role.objects.create(user=officer, union=tree["ind"], kind=Role.Kind.DISCIPLINE_OFFICER)
    CadreFactory(union=tree["s1"], name="东城未谈")
    CadreFactory(union=tree["g3"], name="教育未谈")
    CadreFactory(union=tree["s2"], name="西城未谈")
    client.force_login(officer)

    both = client.get(URL)
    one = client.get(URL, {"node": tree["ind"].pk})

    assert both.context["node"] is None
    assert sorted(names_on(both)) == sorted(["东城未谈", "教育未谈"])
    assert [(row.node.name, row.in_post) for row in both.context["rows"]] == [("东城区总工会", 1), ("市教育工会", 1)]
    assert names_on(one) == ["教育未谈"]


def test_each_uncovered_cadre_links_to_their_integrity_record(client, discipline_officer, year_of_city):
    client.force_login(discipline_officer)

    response = client.get(URL)

    body = response.content.decode()
    for cadre in response.context["cadres"]:
        assert f'href="{reverse("integrity:cadre_record", args=[cadre.pk])}"' in body
