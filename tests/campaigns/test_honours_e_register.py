"""The honours register: its search and scope, a person's honours at every level, entering an earlier or
higher-level honour, revoking one, and the public check (which says only the honour, the year and
valid or revoked)."""

import datetime
import re

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import translation

from accounts.models import AuditEvent
from campaigns import kinds
from campaigns.models import Honour
from campaigns.services.register import honour_enter, honour_revoke, person_key_for

from .honour_factories import MAY_DAY_MEDAL, HonourFactory, honour_kind
from .test_honours_e_decisions import make_member

pytestmark = pytest.mark.django_db


@pytest.fixture
def register(tree, city_staff):
    """Six honours: four in district 1 (g1, s1), one in district 2, one in the education union."""
    g1, g2, g3, s1 = tree["g1"], tree["g2"], tree["g3"], tree["s1"]
    return {
        "zhang": HonourFactory(union=g1, created_by=city_staff, holder_name="张建华", unit_name="东城机械厂"),
        "li": HonourFactory(
            union=g1, created_by=city_staff, holder_name="李红梅", year=2024, unit_name="东城机械厂", sex="F"
        ),
        "medal": HonourFactory(
            union=s1,
            created_by=city_staff,
            holder_name="王力",
            kind=honour_kind(MAY_DAY_MEDAL),
            level=Honour.Level.PROVINCIAL,
            unit_name="东华门物业公司",
        ),
        "revoked": HonourFactory(
            union=g1, created_by=city_staff, holder_name="赵强", unit_name="东城机械厂", revoked_at="2026-01-05T10:00Z"
        ),
        "west": HonourFactory(union=g2, created_by=city_staff, holder_name="钱芳", unit_name="西城食品公司"),
        "school": HonourFactory(union=g3, created_by=city_staff, holder_name="孙老师", unit_name="市第一中学"),
    }


def names(response) -> set[str]:
    return {row.holder_name for row in response.context["rows"]}


# --- search and scope ---------------------------------------------------------------------------------
def test_the_register_is_scoped(client, register, clerk1, clerk2, organiser, city_staff, django_assert_max_num_queries):
    url = reverse("campaigns:register")
    client.force_login(clerk1)
    with django_assert_max_num_queries(12):
        response = client.get(url)
    assert names(response) == {"张建华", "李红梅", "赵强"}  # g1's holders only: not s1's, not g2's
    client.force_login(clerk2)
    assert names(client.get(url)) == {"钱芳"}
    client.force_login(organiser)
    assert names(client.get(url)) == {"张建华", "李红梅", "赵强", "王力"}
    client.force_login(city_staff)
    assert len(names(client.get(url))) == 6


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("q=建华", {"张建华"}),
        ("unit=机械厂", {"张建华", "李红梅", "赵强"}),
        ("unit=西城食品", {"钱芳"}),  # the union's name counts too
        ("year=2024", {"李红梅"}),
        ("level=provincial", {"王力"}),
        ("revoked=yes", {"赵强"}),
        ("revoked=no&unit=机械厂", {"张建华", "李红梅"}),
    ],
)
def test_the_register_filters(client, register, city_staff, query, expected):
    client.force_login(city_staff)
    assert names(client.get(reverse("campaigns:register") + "?" + query)) == expected


def test_the_register_filters_by_kind_and_union_subtree(client, register, tree, city_staff, clerk1):
    client.force_login(city_staff)
    url = reverse("campaigns:register")
    assert names(client.get(f"{url}?kind={honour_kind(MAY_DAY_MEDAL).pk}")) == {"王力"}
    assert names(client.get(f"{url}?union={tree['d1'].pk}")) == {"张建华", "李红梅", "王力", "赵强"}
    assert names(client.get(f"{url}?union={tree['ind'].pk}")) == {"孙老师"}
    client.force_login(clerk1)  # a union outside the clerk's scope is not a choice: the filter is ignored
    response = client.get(f"{url}?union={tree['d2'].pk}")
    assert "钱芳" not in names(response)


def test_the_register_pages_and_a_long_list(client, tree, city_staff, django_assert_max_num_queries):
    for _n in range(45):
        HonourFactory(union=tree["g1"], created_by=city_staff)
    client.force_login(city_staff)
    with django_assert_max_num_queries(12):
        response = client.get(reverse("campaigns:register") + "?page=2")
    assert len(response.context["rows"]) == 15
    assert "荣誉名录" in response.content.decode()


def test_the_empty_register(client, tree, clerk1):
    client.force_login(clerk1)
    assert "没有符合条件的荣誉" in client.get(reverse("campaigns:register")).content.decode()


def test_outside_scope_is_404(client, register, clerk1, clerk2, other_district_staff, district_leader):
    honour = register["zhang"]
    urls = [
        reverse("campaigns:honour_detail", args=[honour.pk]),
        reverse("campaigns:honour_person", args=[honour.pk]),
        reverse("campaigns:honour_certificate", args=[honour.pk]),
        reverse("campaigns:honour_revoke", args=[honour.pk]),
    ]
    client.force_login(clerk1)
    assert client.get(urls[0]).status_code == 200
    for user in (clerk2, other_district_staff):
        client.force_login(user)
        for url in urls:
            assert client.get(url).status_code == 404, (user, url)
    client.force_login(district_leader)  # leaders read aggregates, not the list
    assert client.get(reverse("campaigns:register")).status_code == 403
    assert client.get(urls[0]).status_code == 404


# --- a person's honours -------------------------------------------------------------------------------
def test_a_persons_honours_at_every_level_together(client, tree, city_staff, clerk1):
    member = make_member(tree["g1"], name="周大勇", born=datetime.date(1978, 3, 9))
    key = person_key_for(member=member, name="", birth_date=None)
    city = HonourFactory(
        union=tree["g1"],
        created_by=city_staff,
        member=member,
        person_key=key,
        holder_name="周大勇",
        birth_date=member.birth_date,
        year=2022,
    )
    national = HonourFactory(
        union=tree["g1"],
        created_by=city_staff,
        person_key=key,
        holder_name="周大勇",
        birth_date=member.birth_date,
        level=Honour.Level.NATIONAL,
        year=2025,
    )
    # entered later from the province's list, without the member: found by name and birth date
    provincial = honour_enter(
        union=tree["g1"],
        kind=honour_kind(MAY_DAY_MEDAL),
        level=Honour.Level.PROVINCIAL,
        year=2024,
        holder_name="周大勇",
        birth_date=datetime.date(1978, 3, 9),
        sex="M",
        unit_name="东城机械厂",
        document_number="省工发〔2024〕9号",
        conferring_body="省总工会",
        decided_on=datetime.date(2024, 4, 25),
        by=city_staff,
    )
    HonourFactory(union=tree["g1"], created_by=city_staff, holder_name="周大勇", birth_date=datetime.date(1990, 1, 1))
    client.force_login(clerk1)
    response = client.get(reverse("campaigns:honour_person", args=[provincial.pk]))
    assert response.status_code == 200
    groups = response.context["groups"]
    assert [g["level"] for g in groups] == ["national", "provincial", "city"]
    assert [[h.pk for h in g["honours"]] for g in groups] == [[national.pk], [provincial.pk], [city.pk]]
    html = response.content.decode()
    assert html.index("全国级") < html.index("省级") < html.index("市级")


# --- entering -----------------------------------------------------------------------------------------
def test_staff_enter_a_provincial_honour(client, tree, organiser):
    client.force_login(organiser)
    url = reverse("campaigns:honour_create")
    assert client.get(url).status_code == 200
    data = {
        "kind": honour_kind().pk,
        "level": "provincial",
        "year": "2023",
        "holder_name": "吴刚",
        "sex": "M",
        "birth_date": "1970-02-03",
        "unit_name": "东城机械厂",
        "post": "钳工",
        "union": tree["g1"].pk,
        "document_number": "省工发〔2023〕5号",
        "conferring_body": "省总工会",
        "decided_on": "2023-04-28",
    }
    response = client.post(url, data)
    honour = Honour.objects.get()
    assert response.status_code == 302 and response.url == reverse("campaigns:honour_detail", args=[honour.pk])
    assert honour.number == "RY2023-00001" and honour.round is None
    assert honour.person_key == person_key_for(member=None, name="吴刚", birth_date=datetime.date(1970, 2, 3))
    assert AuditEvent.objects.get(action=kinds.HONOUR_ENTERED).target_id == str(honour.pk)
    # a union outside the district: not a choice
    response = client.post(url, {**data, "union": tree["g2"].pk})
    assert response.status_code == 400 and Honour.objects.count() == 1


def test_entering_needs_a_birth_date_for_a_person_and_a_staff_role(tree, organiser, clerk1):
    fields = {
        "union": tree["g1"],
        "kind": honour_kind(),
        "level": "provincial",
        "year": 2023,
        "holder_name": "吴刚",
        "unit_name": "厂",
        "document_number": "省工发〔2023〕5号",
        "conferring_body": "省总工会",
        "decided_on": datetime.date(2023, 4, 28),
    }
    with pytest.raises(ValidationError) as exc:
        honour_enter(**fields, by=organiser)
    assert set(exc.value.message_dict) == {"birth_date"}
    with pytest.raises(PermissionDenied):
        honour_enter(**fields, birth_date=datetime.date(1970, 1, 1), by=clerk1)
    assert not Honour.objects.exists()


def test_a_clerk_may_not_open_the_entry_form(client, tree, clerk1):
    client.force_login(clerk1)
    assert client.get(reverse("campaigns:honour_create")).status_code == 403


# --- revoking and the public check --------------------------------------------------------------------
def test_revoke_then_the_check_says_revoked(client, register, city_staff, clerk1):
    honour = register["zhang"]
    check = reverse("campaigns:honour_check", args=[honour.token])
    assert "荣誉有效" in client.get(check).content.decode()
    client.force_login(city_staff)
    url = reverse("campaigns:honour_revoke", args=[honour.pk])
    assert client.post(url, {"reason": " "}).status_code == 400
    response = client.post(url, {"reason": "经查实，事迹材料存在严重失实"})
    assert response.status_code == 302
    honour.refresh_from_db()
    assert honour.is_revoked and honour.revoked_by == city_staff and honour.revoke_reason.startswith("经查实")
    assert AuditEvent.objects.get(action=kinds.HONOUR_REVOKED).target_id == str(honour.pk)
    client.logout()
    html = client.get(check).content.decode()
    assert "该荣誉已被撤销" in html and "荣誉有效" not in html
    with translation.override("en"), pytest.raises(ValidationError, match="revoked already"):
        honour_revoke(honour=honour, reason="again", by=city_staff)


def test_who_may_revoke(client, register, honour_round, tree, city_staff, organiser, clerk1):
    own = register["zhang"]  # entered for the register: staff over its union
    conferred = HonourFactory(union=tree["g1"], created_by=city_staff, round=honour_round, year=2026)
    for honour, user in ((own, clerk1), (conferred, organiser)):  # a round's honour: its organiser's staff
        with pytest.raises(PermissionDenied):
            honour_revoke(honour=honour, reason="x", by=user)
        client.force_login(user)
        assert client.post(reverse("campaigns:honour_revoke", args=[honour.pk]), {"reason": "x"}).status_code == 404
    honour_revoke(honour=own, reason="x", by=organiser)
    honour_revoke(honour=conferred, reason="x", by=city_staff)
    assert Honour.objects.filter(revoked_at__isnull=False).count() == 3


PERSONAL = re.compile(r"\d{17}[\dX]|1[3-9]\d{9}|19\d\d-\d\d-\d\d|19\d\d年")


def test_the_public_check_holds_no_personal_data(client, tree, city_staff):
    member = make_member(tree["g1"], name="欧阳明珠", born=datetime.date(1981, 7, 15))
    honour = HonourFactory(
        union=tree["g1"],
        created_by=city_staff,
        member=member,
        holder_name="欧阳明珠",
        birth_date=member.birth_date,
        unit_name="东城机械厂精工车间",
        post="首席技师",
    )
    response = client.get(reverse("campaigns:honour_check", args=[honour.token]))
    assert response.status_code == 200
    html = response.content.decode()
    assert "劳动模范" in html and "2025" in html and "市总工会" in html and "荣誉有效" in html
    for secret in ("欧阳明珠", "东城机械厂", "首席技师", member.mobile, member.id_masked[:6], "1981", honour.number):
        assert secret not in html, secret
    assert not PERSONAL.search(html)
    assert response["X-Robots-Tag"] == "noindex, nofollow"


def test_an_unknown_token_is_not_valid(client):
    for token in ("nope", "x" * 65):
        html = client.get(reverse("campaigns:honour_check", args=[token])).content.decode()
        assert "证书无效" in html and "荣誉有效" not in html


def test_the_public_check_is_throttled(client, register, settings, redis_cache):
    settings.THROTTLE_RATES = {**settings.THROTTLE_RATES, "honour_check": "3/m/ip"}
    url = reverse("campaigns:honour_check", args=[register["zhang"].token])
    codes = [client.get(url).status_code for _ in range(5)]
    assert codes[:3] == [200, 200, 200] and codes[-1] == 429


def test_a_large_scope_finds_the_union_by_name(client, tree, organiser, settings, monkeypatch):
    from campaigns.views import register as views

    monkeypatch.setattr(views, "UNIONS_LISTED", 2)  # district 1 has three unions: found by name
    client.force_login(organiser)
    url = reverse("campaigns:honour_create")
    html = client.get(url).content.decode()
    assert "union_query" in html and "东城机械厂工会" not in html
    response = client.post(url, {"union_query": "机械厂", "search": "1", "holder_name": "吴刚"})
    assert response.status_code == 200
    html = response.content.decode()
    assert "东城机械厂工会" in html and "东华门街道总工会" not in html and "吴刚" in html
    data = {
        "kind": honour_kind().pk,
        "level": "provincial",
        "year": "2023",
        "holder_name": "吴刚",
        "birth_date": "1970-02-03",
        "unit_name": "东城机械厂",
        "union": tree["g1"].pk,
        "union_query": "机械厂",
        "document_number": "省工发〔2023〕5号",
        "conferring_body": "省总工会",
        "decided_on": "2023-04-28",
    }
    assert client.post(url, data).status_code == 302
    assert Honour.objects.get().union == tree["g1"]
    assert client.post(url, {**data, "union": tree["g2"].pk}).status_code == 400  # not in the scope
