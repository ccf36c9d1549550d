"""Staff member pages: list (search, filters, order, uncounted pages), detail, reveal, edit, end.

Scope in every answer (404 outside, 403 for roles that see no personal lists), no full ID number in
any page unless revealed on purpose (audited), and refused input writes nothing.
"""

import datetime
import itertools
import re

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.html import escape

from accounts import kinds as accounts_kinds
from accounts.models import AuditEvent
from members import kinds as members_kinds
from members import services
from members.id_number import parse
from members.models import EmploymentType, Member, MemberCard, MemberEvent, PoliticalStatus
from members.views import staff as staff_views
from members.views.staff import MemberListView
from tests.pages import client_for
from unions.models import Role, Union

from ..factories import id_number as new_id_number
from ..factories import make_child, staff

K = Union.Kind
R = Role.Kind
FULL_ID = re.compile(r"\d{17}[\dX]")
_people = itertools.count(1)


# --- helpers ---------------------------------------------------------------------------------------


def make_member(union: Union, *, name: str = "张三", number: str | None = None, card: bool = True, **fields) -> Member:
    """A member as approval leaves one: the record (ID hashed, encrypted, masked) and a valid card."""
    n = next(_people)
    fields.setdefault("mobile", f"139{n:08d}")
    fields.setdefault("joined_on", datetime.date(2020, 1, 1))
    member = Member(union=union, name=name, **fields)
    member.set_id_number(parse(number or new_id_number()))
    member.save()
    if card:
        services.card_issue(member=member, by=None)
    return member


def body(response) -> str:
    return response.content.decode()


def en(message: str, **params) -> str:
    with translation.override("en"):
        text = translation.gettext(message)
    return escape(text % params if params else text)


def listed(response) -> list[str]:
    """Names of the members in the list, in order."""
    return [member.name for member in response.context["page"].rows]


def member_state(member: Member) -> tuple:
    member.refresh_from_db()
    return (
        member.name,
        member.mobile,
        member.id_hash,
        member.id_encrypted,
        member.union_id,
        member.status,
        member.ended_on,
        member.political_status,
        member.is_in_hardship,
    )


def written_rows() -> tuple[int, int, int]:
    """History, audit (sign-ins aside: creating a test client signs in) and valid cards."""
    audit = AuditEvent.objects.exclude(action=accounts_kinds.LOGIN).count()
    return MemberEvent.objects.count(), audit, MemberCard.objects.filter(revoked_on=None).count()


@pytest.fixture
def mine(tree):
    return make_member(tree["g1"], name="李小明", mobile="13912345678", joined_on=datetime.date(2021, 5, 1))


@pytest.fixture
def theirs(tree):
    return make_member(tree["g2"], name="李小红", mobile="13987654321", joined_on=datetime.date(2021, 6, 1))


MEMBER_PAGES = ["members:member_detail", "members:member_edit", "members:member_end"]


# --- who may see what ------------------------------------------------------------------------------


@pytest.mark.parametrize("kind, at", [(R.LEADER, "city"), (R.AUDITOR, "city"), (R.CADRE_OFFICER, "d1")])
def test_roles_without_personal_lists_get_403_on_every_member_page(tree, mine, kind, at):
    client = client_for(staff(kind, tree[at]))
    assert client.get(reverse("members:member_list")).status_code == 403
    for name in MEMBER_PAGES:
        assert client.get(reverse(name, args=[mine.pk])).status_code == 403, name
    before = written_rows()
    assert client.post(reverse("members:member_reveal_id", args=[mine.pk])).status_code == 403
    assert written_rows() == before


def test_a_worker_without_a_role_gets_403_and_an_anonymous_visitor_the_login_page(tree, mine):
    from ..factories import UserFactory

    assert client_for(UserFactory()).get(reverse("members:member_list")).status_code == 403
    response = Client().get(reverse("members:member_detail", args=[mine.pk]))
    assert response.status_code == 302 and reverse("account_login") in response.url


@pytest.mark.parametrize("name", MEMBER_PAGES)
def test_clerk_gets_404_for_a_member_of_another_union(tree, clerk, theirs, name):
    assert client_for(clerk).get(reverse(name, args=[theirs.pk])).status_code == 404


def test_clerk_cannot_edit_end_or_reveal_a_member_of_another_union(tree, clerk, theirs):
    client = client_for(clerk)
    before, rows = member_state(theirs), written_rows()
    edit = {"name": "改名", "mobile": "13700000000", "ethnicity": "汉族", "political_status": "none"}
    edit |= {"employment_type": "regular"}
    assert client.post(reverse("members:member_edit", args=[theirs.pk]), edit).status_code == 404
    end = {"status": "left", "on": timezone.localdate().isoformat(), "reason": "离职"}
    assert client.post(reverse("members:member_end", args=[theirs.pk]), end).status_code == 404
    response = client.post(reverse("members:member_reveal_id", args=[theirs.pk]), HTTP_HX_REQUEST="true")
    assert response.status_code == 404
    assert theirs.id_masked[:6] not in body(response)
    assert member_state(theirs) == before
    assert written_rows() == rows


def test_a_member_that_does_not_exist_answers_like_one_outside_scope(tree, clerk):
    client = client_for(clerk)
    for name in MEMBER_PAGES:
        assert client.get(reverse(name, args=[999999])).status_code == 404


def test_the_list_holds_only_members_in_scope(tree, clerk, district_staff, admin, mine, theirs):
    school = make_member(tree["g3"], name="王老师")
    assert set(listed(client_for(clerk).get(reverse("members:member_list")))) == {mine.name}
    assert set(listed(client_for(district_staff).get(reverse("members:member_list")))) == {mine.name}
    everyone = set(listed(client_for(admin).get(reverse("members:member_list"))))
    assert everyone == {mine.name, theirs.name, school.name}


# --- search --------------------------------------------------------------------------------------


def search(user, q: str, **params):
    """The search form posted, as the page sends it, and its redirect followed."""
    return client_for(user).post(reverse("members:member_list"), {"q": q, **params}, follow=True)


def test_search_by_name_prefix_finds_members_in_scope_only(tree, clerk, mine, theirs):
    make_member(tree["g1"], name="王李")  # contains 李 but does not begin with it
    response = search(clerk, "李")
    assert listed(response) == [mine.name]
    assert theirs.name not in body(response)
    assert listed(search(clerk, "小明")) == []  # a prefix, not a substring


@pytest.mark.parametrize(
    "typed",
    [
        lambda n: n,
        lambda n: n.lower(),
        lambda n: f"{n[:6]} {n[6:14]} {n[14:]}".lower(),
        lambda n: f" {n[:6]}-{n[6:14]}-{n[14:]} ",
        lambda n: "".join(chr(ord(c) + 0xFEE0) for c in n),  # full-width, as some input methods type it
    ],
    ids=["plain", "lowercase-x", "spaces", "dashes", "full-width"],
)
def test_search_by_full_id_number_however_typed(tree, clerk, typed):
    member = make_member(tree["g1"], name="赵一", number="11010519491231002X")
    make_member(tree["g1"], name="赵二")
    response = search(clerk, typed("11010519491231002X"))
    assert listed(response) == [member.name]
    assert response.context["filter"].search_kind == "id"


def test_search_by_id_number_uses_the_keyed_hash_never_a_like(tree, clerk, mine):
    number = mine.reveal_id_number()
    with CaptureQueriesContext(connection) as queries:
        response = search(clerk, number)
    assert listed(response) == [mine.name]
    sql = " ".join(q["sql"] for q in queries.captured_queries)
    assert mine.id_hash in sql
    assert number not in sql and number[:6] + "%" not in sql


def test_search_by_id_number_of_a_member_outside_scope_finds_nothing(tree, clerk, theirs):
    assert listed(search(clerk, theirs.reveal_id_number())) == []


@pytest.mark.parametrize(
    "typed, fault",
    [
        ("11010519491231002", "A resident ID number has 18 characters; this one has %(n)d."),
        ("110105194912310021", "The last character does not match the rest of the number"),
        ("110105194902300025", "Digits 7 to 14 are the birth date (YYYYMMDD), but %(digits)s is not a real date."),
    ],
    ids=["17-digits", "check-digit", "impossible-date"],
)
def test_search_with_a_bad_id_number_says_what_is_wrong_and_lists_nothing(tree, clerk, mine, typed, fault):
    response = search(clerk, typed)
    assert response.status_code == 200
    assert listed(response) == []
    assert en("This looks like an ID number, but it is not a valid one:") in body(response)
    expected = fault.split("%")[0]
    assert escape(expected) in body(response)


def test_search_by_mobile_finds_the_member_in_scope_only(tree, clerk, mine):
    make_member(tree["g2"], name="同号码的人", mobile=mine.mobile)
    for typed in [mine.mobile, "+86 139 1234 5678", "139-1234-5678"]:
        response = search(clerk, typed)
        assert listed(response) == [mine.name], typed
        assert response.context["filter"].search_kind == "mobile"


def test_search_by_card_number_finds_a_valid_card_only(tree, clerk, mine, theirs):
    card = MemberCard.objects.get(member=mine, revoked_on=None)
    response = search(clerk, f" {card.number} ")
    assert listed(response) == [mine.name]
    assert response.context["filter"].search_kind == "card"
    # another union's card: not found
    other = MemberCard.objects.get(member=theirs, revoked_on=None)
    assert listed(search(clerk, other.number)) == []
    # a revoked card no longer finds its member
    services.card_issue(member=mine, by=None)
    assert listed(search(clerk, card.number)) == []


# --- filters and order -----------------------------------------------------------------------------


def test_status_filter_defaults_to_active_and_offers_the_others(tree, clerk, mine):
    gone = make_member(tree["g1"], name="钱离开", status=Member.Status.LEFT, ended_on=datetime.date(2024, 1, 1))
    dead = make_member(tree["g1"], name="孙去世", status=Member.Status.DECEASED, ended_on=datetime.date(2024, 2, 1))
    client = client_for(clerk)
    url = reverse("members:member_list")
    assert listed(client.get(url)) == [mine.name]
    assert listed(client.get(url, {"status": "left"})) == [gone.name]
    assert listed(client.get(url, {"status": "deceased"})) == [dead.name]
    assert set(listed(client.get(url, {"status": "any"}))) == {mine.name, gone.name, dead.name}


def test_union_filter_takes_a_subtree_in_scope(tree, district_staff, mine):
    direct = make_child(tree["d1"], K.GRASSROOTS_UNION, "东城区直属工会")
    other = make_member(direct, name="周直属")
    client = client_for(district_staff)
    url = reverse("members:member_list")
    assert set(listed(client.get(url))) == {mine.name, other.name}
    assert listed(client.get(url, {"union": tree["s1"].pk})) == [mine.name]
    assert listed(client.get(url, {"union": direct.pk})) == [other.name]
    # the street federation is offered in the drop-down; the grassroots union only when chosen
    options = dict(client.get(url).context["filter"].form.fields["union"].widget.choices)
    assert tree["s1"].pk in options and tree["d1"].pk in options and direct.pk not in options


def test_union_filter_naming_a_union_outside_scope_is_refused_and_shows_nothing_of_it(tree, district_staff, mine):
    theirs = make_member(tree["g2"], name="吴西城")
    response = client_for(district_staff).get(reverse("members:member_list"), {"union": tree["g2"].pk})
    assert response.status_code == 200
    assert response.context["filter"].form.errors.get("union")
    assert theirs.name not in body(response)
    assert tree["g2"].name not in body(response)


def test_political_employment_migrant_and_hardship_filters(tree, clerk):
    cpc = make_member(tree["g1"], name="党员甲", political_status=PoliticalStatus.CPC_MEMBER)
    rider = make_member(tree["g1"], name="骑手乙", employment_type=EmploymentType.FOOD_DELIVERY, is_migrant_worker=True)
    courier = make_member(tree["g1"], name="快递丙", employment_type=EmploymentType.COURIER, is_in_hardship=True)
    regular = make_member(tree["g1"], name="职工丁")
    client, url = client_for(clerk), reverse("members:member_list")
    assert listed(client.get(url, {"political_status": "cpc_member"})) == [cpc.name]
    assert listed(client.get(url, {"employment_type": "courier"})) == [courier.name]
    assert set(listed(client.get(url, {"employment_type": "new_form"}))) == {rider.name, courier.name}
    assert listed(client.get(url, {"migrant": "true"})) == [rider.name]
    assert rider.name not in listed(client.get(url, {"migrant": "false"}))
    assert listed(client.get(url, {"hardship": "true"})) == [courier.name]
    assert regular.name in listed(client.get(url, {"hardship": "false"}))


def test_joined_date_filters(tree, clerk):
    early = make_member(tree["g1"], name="早", joined_on=datetime.date(2010, 3, 1))
    middle = make_member(tree["g1"], name="中", joined_on=datetime.date(2015, 3, 1))
    late = make_member(tree["g1"], name="晚", joined_on=datetime.date(2020, 3, 1))
    client, url = client_for(clerk), reverse("members:member_list")
    assert listed(client.get(url, {"joined_from": "2015-03-01"})) == [late.name, middle.name]
    assert listed(client.get(url, {"joined_to": "2015-03-01"})) == [middle.name, early.name]
    both = {"joined_from": "2011-01-01", "joined_to": "2019-12-31"}
    assert listed(client.get(url, both)) == [middle.name]


def test_orders_with_a_stable_tie_break(tree, clerk):
    day = datetime.date(2022, 1, 1)
    a = make_member(tree["g1"], name="甲", joined_on=day)
    b = make_member(tree["g1"], name="乙", joined_on=day)
    c = make_member(tree["g1"], name="丙", joined_on=datetime.date(2023, 1, 1))
    d = make_member(tree["g1"], name="甲", joined_on=datetime.date(2019, 1, 1))
    client, url = client_for(clerk), reverse("members:member_list")

    def order(sort):
        return [m.pk for m in client.get(url, {"sort": sort} if sort else {}).context["page"].rows]

    assert order(None) == order("joined_desc") == [c.pk, b.pk, a.pk, d.pk]
    assert order("joined_asc") == [d.pk, a.pk, b.pk, c.pk]
    by_name = order("name")
    names = [Member.objects.get(pk=pk).name for pk in by_name]
    assert names == sorted(names)
    assert by_name.index(a.pk) < by_name.index(d.pk)  # equal names: by id


def test_filters_keep_what_was_chosen_in_the_form(tree, clerk, mine):
    response = client_for(clerk).get(
        reverse("members:member_list"), {"q": "李", "status": "any", "sort": "name", "hardship": "false"}
    )
    page = body(response)
    assert 'value="李"' in page
    assert re.search(r'<option value="any" selected>', page)
    assert re.search(r'<option value="name" selected>', page)
    assert '<details class="mb-3" open>' in page  # a filter below the fold is in use


# --- pages without a count ---------------------------------------------------------------------------


def _list_queries(user, **params) -> tuple[list[str], object]:
    client = client_for(user)
    client.get(reverse("members:member_list"))  # session and caches warm, as for a user already browsing
    with CaptureQueriesContext(connection) as queries:
        response = client.get(reverse("members:member_list"), params)
    assert response.status_code == 200
    return [q["sql"] for q in queries.captured_queries], response


def test_the_list_counts_members_only_up_to_its_cap_and_its_query_count_does_not_grow_with_them(
    tree, clerk, monkeypatch
):
    monkeypatch.setattr(staff_views, "COUNT_CAP", 20)
    for i in range(5):
        make_member(tree["g1"], name=f"成员{i:02d}")
    few, response = _list_queries(clerk)
    assert len(response.context["page"].rows) == 5
    assert en("%(shown)s members match.", shown="5") in body(response)
    for i in range(5, 60):
        make_member(tree["g1"], name=f"成员{i:02d}")
    many, response = _list_queries(clerk)
    assert len(response.context["page"].rows) == MemberListView.page_size
    assert en("More than %(n)s members match.", n="20") in body(response)
    assert len(many) == len(few)
    counts = [sql for sql in many if "COUNT(" in sql.upper() and "members_member" in sql]
    assert counts and all("LIMIT 21" in sql for sql in counts), counts


def test_the_list_says_how_many_members_match_in_chinese(tree, clerk, mine):
    response = client_for(clerk, english=False).get(reverse("members:member_list"))
    assert "共 1 名会员符合条件。" in body(response)


def test_the_list_stays_within_its_query_budget(tree, admin, django_assert_max_num_queries):
    for i in range(12):
        make_member(tree["g1" if i % 2 else "g2"], name=f"成员{i:02d}")
    client = client_for(admin)
    client.get(reverse("members:member_list"))
    # session, user, roles, the union drop-down, the chosen union, the page's ids, its members, the
    # bounded count, the session's idle-timeout save (3 statements); one spare for the navigation bar
    with django_assert_max_num_queries(12):
        response = client.get(reverse("members:member_list"), {"q": "成员", "union": tree["d1"].pk})
    assert len(response.context["page"].rows) == 6


def test_next_and_previous_pages_without_a_total(tree, clerk, monkeypatch):
    monkeypatch.setattr(MemberListView, "page_size", 4)
    for i in range(10):
        make_member(tree["g1"], name=f"成员{i:02d}", joined_on=datetime.date(2020, 1, 1) + datetime.timedelta(days=i))
    client, url = client_for(clerk), reverse("members:member_list")
    first = client.get(url)
    page = first.context["page"]
    assert (page.number, page.has_previous, page.has_next) == (1, False, True)
    assert listed(first) == ["成员09", "成员08", "成员07", "成员06"]
    assert "?page=2" in body(first) and ">Page 1<" in body(first)  # a page number, no "Page 1 of n"
    third = client.get(url, {"page": "3"})
    assert listed(third) == ["成员01", "成员00"]
    assert (third.context["page"].has_previous, third.context["page"].has_next) == (True, False)
    assert client.get(url, {"page": "9"}).context["page"].rows == []
    assert client.get(url, {"page": "abc"}).context["page"].number == 1
    assert client.get(url, {"page": "-3"}).context["page"].number == 1


def test_htmx_filter_answers_with_the_table_only(tree, clerk, mine):
    response = client_for(clerk).get(reverse("members:member_list"), {"q": "李"}, HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    page = body(response)
    assert page.lstrip().startswith('<div id="member-results"') and "<html" not in page
    assert mine.name in page
    assert "HX-Request" in response.headers.get("Vary", "")


# --- personal data in the pages ------------------------------------------------------------------


def test_list_and_detail_hold_no_full_id_number_and_the_list_no_full_mobile(tree, clerk, mine):
    make_member(tree["g1"], name="带X的人", number="11010519491231002X")
    list_page = body(client_for(clerk).get(reverse("members:member_list"), {"status": "any"}))
    assert not FULL_ID.search(list_page)
    assert mine.id_masked in list_page
    assert mine.mobile not in list_page and mine.mobile_masked in list_page

    detail = client_for(clerk).get(reverse("members:member_detail", args=[mine.pk]))
    assert not FULL_ID.search(body(detail))
    assert mine.id_masked in body(detail)
    # the mobile is shown in full on the detail page: member staff call the member
    assert mine.mobile in body(detail)
    assert "no-store" in detail.headers["Cache-Control"]


def test_detail_shows_card_history_and_transfers(tree, clerk, admin, mine):
    services.member_update(member=mine, by=admin, name="李晓明", mobile=mine.mobile)
    transfer = services.transfer_request(member=mine, to_union=tree["g2"], by=admin)
    services.transfer_decline(transfer=transfer, by=admin, reason="不符合条件")
    response = client_for(clerk).get(reverse("members:member_detail", args=[mine.pk]))
    page = body(response)
    card = MemberCard.objects.get(member=mine, revoked_on=None)
    assert card.number in page
    assert en("Details edited") in page and en("Card issued") in page
    edited = next(e for e in response.context["events"] if e.kind == MemberEvent.Kind.EDITED)
    assert edited.note == "name"  # the changed field by its label, in the page's language
    assert tree["g2"].name in page and "不符合条件" in page
    assert reverse("unions:detail", args=[tree["g1"].pk]) in page


# --- reveal -------------------------------------------------------------------------------------


def test_reveal_returns_the_number_and_writes_audit_and_history(tree, clerk, mine):
    number = mine.reveal_id_number()
    response = client_for(clerk).post(reverse("members:member_reveal_id", args=[mine.pk]), HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    assert number in body(response) and "<html" not in body(response)
    assert "no-store" in response.headers["Cache-Control"]
    event = AuditEvent.objects.get(action=members_kinds.ID_REVEALED)
    assert (event.actor, event.target_id, event.union_id) == (clerk, str(mine.pk), tree["g1"].pk)
    assert number not in str(event.detail) and number not in event.target_label
    assert MemberEvent.objects.filter(member=mine, kind=MemberEvent.Kind.ID_REVEALED, by=clerk).count() == 1


def test_reveal_without_javascript_renders_the_detail_page_with_the_number_once(tree, clerk, mine):
    number = mine.reveal_id_number()
    response = client_for(clerk).post(reverse("members:member_reveal_id", args=[mine.pk]))
    assert response.status_code == 200
    assert body(response).count(number) == 1
    assert mine.name in body(response) and "<html" in body(response)
    again = client_for(clerk).get(reverse("members:member_detail", args=[mine.pk]))
    assert number not in body(again)


def test_reveal_is_post_only_and_needs_the_csrf_token(tree, clerk, mine):
    client = client_for(clerk, csrf=True)
    assert client.get(reverse("members:member_reveal_id", args=[mine.pk])).status_code == 405
    assert client.post(reverse("members:member_reveal_id", args=[mine.pk])).status_code == 403
    assert not AuditEvent.objects.filter(action=members_kinds.ID_REVEALED).exists()


# --- edit -------------------------------------------------------------------------------------------


def edit_data(member: Member, **overrides) -> dict:
    data = {
        "name": member.name,
        "mobile": member.mobile,
        "ethnicity": member.ethnicity,
        "political_status": member.political_status,
        "education": member.education,
        "employment_type": member.employment_type,
        "employer_name": member.employer_name,
        "id_number": "",
    }
    data.update(overrides)
    return {k: v for k, v in data.items() if v is not False}


def test_clerk_edits_details_and_the_history_says_so(tree, clerk, mine):
    data = edit_data(mine, name="李晓明", mobile="138 0013 8000", political_status="cpc_member", is_in_hardship="on")
    response = client_for(clerk).post(reverse("members:member_edit", args=[mine.pk]), data)
    assert response.status_code == 302 and response.url == reverse("members:member_detail", args=[mine.pk])
    mine.refresh_from_db()
    assert (mine.name, mine.mobile, mine.political_status, mine.is_in_hardship) == (
        "李晓明",
        "13800138000",
        "cpc_member",
        True,
    )
    assert MemberEvent.objects.filter(member=mine, kind=MemberEvent.Kind.EDITED, by=clerk).exists()
    assert AuditEvent.objects.filter(action=members_kinds.MEMBER_EDITED, actor=clerk).exists()


def test_edit_corrects_the_id_number(tree, clerk, mine):
    response = client_for(clerk).post(
        reverse("members:member_edit", args=[mine.pk]), edit_data(mine, id_number="11010519491231002x")
    )
    assert response.status_code == 302
    mine.refresh_from_db()
    assert mine.reveal_id_number() == "11010519491231002X"
    assert (mine.birth_date, mine.sex, mine.id_masked) == (datetime.date(1949, 12, 31), "F", "110105********002X")


@pytest.mark.parametrize(
    "overrides, field, message",
    [
        ({"id_number": "110105194912310021"}, "id_number", "The last character does not match the rest"),
        ({"id_number": "11010519491231002"}, "id_number", "A resident ID number has 18 characters; this one has 17."),
        ({"id_number": "110105194902300025"}, "id_number", "Digits 7 to 14 are the birth date (YYYYMMDD), but"),
        ({"mobile": "1391234567a"}, "mobile", "Enter an 11-digit mainland mobile number, such as 13812345678."),
        ({"mobile": "1391234567"}, "mobile", "Enter an 11-digit mainland mobile number, such as 13812345678."),
        ({"name": "   "}, "name", "Enter the member's name."),
    ],
    ids=["check-digit", "17-digits", "impossible-date", "letter-in-mobile", "short-mobile", "empty-name"],
)
def test_edit_with_bad_input_is_400_with_its_message_and_writes_nothing(tree, clerk, mine, overrides, field, message):
    before, rows = member_state(mine), written_rows()
    data = edit_data(mine, political_status="cpc_member", **overrides)
    response = client_for(clerk).post(reverse("members:member_edit", args=[mine.pk]), data)
    assert response.status_code == 400
    assert response.context["form"].errors.get(field)
    assert escape(message) in body(response)
    assert member_state(mine) == before
    assert written_rows() == rows


def test_edit_with_the_id_number_of_another_member_gives_the_services_message(tree, clerk, mine):
    other = make_member(tree["g2"], name="别人")
    before, rows = member_state(mine), written_rows()
    data = edit_data(mine, name="李晓明", id_number=other.reveal_id_number())
    response = client_for(clerk).post(reverse("members:member_edit", args=[mine.pk]), data)
    assert response.status_code == 400
    assert en("This ID number already belongs to a member record. One person has one record: request a transfer.") in (
        body(response)
    )
    assert member_state(mine) == before
    assert written_rows() == rows


def test_edit_ignores_forged_fields(tree, clerk, mine):
    forged = edit_data(
        mine,
        name="李晓明",
        union=tree["g2"].pk,
        status="deceased",
        id_hash="0" * 64,
        id_encrypted="x",
        card="999999-000001",
        joined_on="1990-01-01",
        user=clerk.pk,
    )
    hash_before = mine.id_hash
    response = client_for(clerk).post(reverse("members:member_edit", args=[mine.pk]), forged)
    assert response.status_code == 302
    mine.refresh_from_db()
    assert mine.name == "李晓明"
    assert (mine.union_id, mine.status, mine.id_hash, mine.joined_on, mine.user_id) == (
        tree["g1"].pk,
        Member.Status.ACTIVE,
        hash_before,
        datetime.date(2021, 5, 1),
        None,
    )
    assert not MemberCard.objects.filter(number="999999-000001").exists()


def test_edit_form_shows_the_masked_id_and_never_the_full_one(tree, clerk, mine):
    response = client_for(clerk).get(reverse("members:member_edit", args=[mine.pk]))
    assert response.status_code == 200
    assert mine.id_masked in body(response)
    assert not FULL_ID.search(body(response))


# --- end --------------------------------------------------------------------------------------------


def test_ending_a_membership_revokes_the_card(tree, clerk, mine):
    card = MemberCard.objects.get(member=mine, revoked_on=None)
    today = timezone.localdate()
    data = {"status": "left", "on": today.isoformat(), "reason": "离职"}
    response = client_for(clerk).post(reverse("members:member_end", args=[mine.pk]), data)
    assert response.status_code == 302
    mine.refresh_from_db()
    card.refresh_from_db()
    assert (mine.status, mine.ended_on, mine.end_reason) == (Member.Status.LEFT, today, "离职")
    assert card.revoked_on == today
    assert MemberEvent.objects.filter(member=mine, kind=MemberEvent.Kind.LEFT, by=clerk).exists()
    assert MemberEvent.objects.filter(member=mine, kind=MemberEvent.Kind.CARD_REVOKED).exists()
    detail = client_for(clerk).get(reverse("members:member_detail", args=[mine.pk]))
    assert reverse("members:member_end", args=[mine.pk]) not in body(detail)


def test_a_death_is_recorded_as_such(tree, clerk, mine):
    data = {"status": "deceased", "on": "2024-01-02", "reason": "病故"}
    assert client_for(clerk).post(reverse("members:member_end", args=[mine.pk]), data).status_code == 302
    mine.refresh_from_db()
    assert (mine.status, mine.ended_on) == (Member.Status.DECEASED, datetime.date(2024, 1, 2))
    assert not MemberCard.objects.filter(member=mine, revoked_on=None).exists()


@pytest.mark.parametrize(
    "on, message",
    [
        (lambda today: today + datetime.timedelta(days=1), "The date cannot be in the future."),
        (lambda today: datetime.date(2021, 4, 30), "The date cannot be before the member joined (%(joined)s)."),
    ],
    ids=["future", "before-joining"],
)
def test_end_with_a_bad_date_is_400_with_its_message_and_writes_nothing(tree, clerk, mine, on, message):
    before, rows = member_state(mine), written_rows()
    data = {"status": "left", "on": on(timezone.localdate()).isoformat(), "reason": "离职"}
    response = client_for(clerk).post(reverse("members:member_end", args=[mine.pk]), data)
    assert response.status_code == 400
    assert en(message, joined="2021-05-01") in body(response)
    assert member_state(mine) == before
    assert written_rows() == rows


@pytest.mark.parametrize(
    "data", [{"status": "transferred_out", "on": "2024-01-02", "reason": "x"}, {"status": "left", "on": "2024-01-02"}]
)
def test_end_needs_a_known_outcome_and_a_reason(tree, clerk, mine, data):
    before = member_state(mine)
    response = client_for(clerk).post(reverse("members:member_end", args=[mine.pk]), data)
    assert response.status_code == 400
    assert member_state(mine) == before


def test_ending_twice_says_it_has_already_ended_and_writes_nothing_more(tree, clerk, mine):
    client = client_for(clerk)
    data = {"status": "left", "on": "2024-01-02", "reason": "离职"}
    assert client.post(reverse("members:member_end", args=[mine.pk]), data).status_code == 302
    rows = written_rows()
    again = client.post(reverse("members:member_end", args=[mine.pk]), {**data, "status": "deceased"})
    assert again.status_code == 400
    assert en("This membership has already ended.") in body(again)
    mine.refresh_from_db()
    assert mine.status == Member.Status.LEFT
    assert written_rows() == rows
    page = client.get(reverse("members:member_end", args=[mine.pk]))
    assert page.status_code == 200 and 'name="status"' not in body(page)


def test_a_clerk_of_two_unions_and_a_street_sees_exactly_their_members(tree):
    """A union's subtree is the union itself (matched by id); a federation's by path: mixed, both hold."""
    from ..factories import grant

    clerk = staff(R.UNION_CLERK, tree["g1"])
    grant(clerk, tree["g3"], R.UNION_CLERK)
    grant(clerk, tree["s2"], R.FEDERATION_STAFF)
    names = {key: make_member(tree[key], name=f"成员{key}").name for key in ("g1", "g2", "g3")}
    outsider = make_child(tree["d1"], Union.Kind.GRASSROOTS_UNION, "东城另一工会")
    make_member(outsider, name="成员外")

    listed_names = set(listed(client_for(clerk).get(reverse("members:member_list"))))

    assert listed_names == set(names.values())


def test_the_union_filter_renders_like_a_django_select():
    """LongSelect writes its options in Python; the markup is Django's Select's, escaping included."""
    from django import forms

    from members.widgets import LongSelect

    choices = [("", "全部"), (1, "东城<区>总工会"), (2, "西城区总工会")]
    mine = LongSelect(choices=choices, attrs={"class": "form-select"}).render("union", "1", attrs={"id": "id_union"})
    django = forms.Select(choices=choices, attrs={"class": "form-select"}).render(
        "union", "1", attrs={"id": "id_union"}
    )

    assert mine == re.sub(r">\s+<", "><", django)
    assert '<option value="1" selected>东城&lt;区&gt;总工会</option>' in mine
