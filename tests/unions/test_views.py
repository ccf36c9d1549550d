"""The union tree pages: scope in every answer (404 outside), forms that accept only their own fields."""

import datetime

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation
from django.utils.html import escape

from tests.pages import client_for
from unions.models import Role, Union

from ..factories import credit_code, grant, make_child, staff

K = Union.Kind
R = Role.Kind


def in_language(message: str, **params) -> str:
    """The message as the portal shows it (Simplified Chinese by default), HTML-escaped."""
    with translation.override("zh-hans"):
        text = translation.gettext(message)
    return escape(text % params if params else text)


def body(response) -> str:
    return response.content.decode()


def tree_state():
    return sorted(
        Union.objects.values_list(
            "pk", "path", "depth", "numchild", "kind", "name", "credit_code", "closed_on", "close_reason"
        )
    )


def edit_data(union: Union, **overrides) -> dict:
    data = {
        "name": union.name,
        "credit_code": union.credit_code,
        "employer_name": union.employer_name,
        "employer_staff_count": "" if union.employer_staff_count is None else union.employer_staff_count,
        "employer_ownership": union.employer_ownership,
        "chair_name": union.chair_name,
        "founded_on": "",
        "address": union.address,
    }
    data.update(overrides)
    return data


# --- what a district staff member sees ---------------------------------------------------------


def test_district_staff_see_their_district_and_its_children(tree, district_staff):
    response = client_for(district_staff, english=False).get(reverse("unions:detail", args=[tree["d1"].pk]))
    assert response.status_code == 200
    page = body(response)
    assert tree["d1"].name in page
    assert tree["s1"].name in page
    # Neither the other district nor the city above is named: both lie outside the scope.
    assert tree["d2"].name not in page
    assert tree["city"].name not in page


def test_district_staff_see_a_street_and_its_grassroots_unions(tree, district_staff):
    response = client_for(district_staff, english=False).get(reverse("unions:detail", args=[tree["s1"].pk]))
    assert response.status_code == 200
    assert tree["g1"].name in body(response)


def test_the_tree_page_takes_a_single_subtree_holder_straight_to_their_node(tree, district_staff):
    response = client_for(district_staff, english=False).get(reverse("unions:tree"))
    assert response.status_code == 302
    assert response.url == reverse("unions:detail", args=[tree["d1"].pk])


def test_the_tree_page_lists_each_root_of_a_user_with_two_subtrees(tree):
    user = staff(R.FEDERATION_STAFF, tree["d1"])
    grant(user, tree["ind"], R.FEDERATION_STAFF)
    response = client_for(user, english=False).get(reverse("unions:tree"))
    assert response.status_code == 200
    page = body(response)
    assert tree["d1"].name in page and tree["ind"].name in page
    assert tree["d2"].name not in page


STAFF_PAGES = ["unions:detail", "unions:edit", "unions:create", "unions:move", "unions:close"]
ACTION_PAGES = STAFF_PAGES[1:]  # the detail page takes no POST (405 inside scope and outside alike)


OUTSIDE_D1 = ["d2", "s2", "g2", "city", "ind", "g3"]


@pytest.mark.parametrize("url_name", STAFF_PAGES)
@pytest.mark.parametrize("node", OUTSIDE_D1)
def test_district_staff_get_404_for_unions_outside_their_district(tree, district_staff, url_name, node):
    union = tree[node]
    response = client_for(district_staff, english=False).get(reverse(url_name, args=[union.pk]))
    assert response.status_code == 404
    assert union.name not in body(response)


@pytest.mark.parametrize("url_name", ACTION_PAGES)
@pytest.mark.parametrize("node", OUTSIDE_D1)
def test_district_staff_post_404_for_unions_outside_their_district(tree, district_staff, url_name, node):
    before = tree_state()
    union = tree[node]
    data = {
        "name": "被篡改",
        "kind": K.GRASSROOTS_UNION,
        "new_parent": tree["d1"].pk,
        "closed_on": "2026-01-01",
        "reason": "x",
    }
    response = client_for(district_staff, english=False).post(reverse(url_name, args=[union.pk]), data)
    assert response.status_code == 404
    assert union.name not in body(response)
    assert tree_state() == before


def test_post_to_the_detail_page_is_405_inside_and_outside_scope_alike(tree, district_staff):
    client = client_for(district_staff, english=False)
    inside = client.post(reverse("unions:detail", args=[tree["d1"].pk]))
    outside = client.post(reverse("unions:detail", args=[tree["d2"].pk]))
    assert inside.status_code == outside.status_code == 405


@pytest.mark.parametrize("url_name", STAFF_PAGES)
def test_a_union_that_does_not_exist_answers_like_one_outside_scope(tree, district_staff, url_name):
    missing = Union.objects.order_by("-pk").first().pk + 1000
    response = client_for(district_staff, english=False).get(reverse(url_name, args=[missing]))
    assert response.status_code == 404


def test_htmx_search_outside_scope_is_404_too(tree, district_staff):
    response = client_for(district_staff, english=False).get(
        reverse("unions:detail", args=[tree["d2"].pk]), {"q": "工会"}, headers={"HX-Request": "true"}
    )
    assert response.status_code == 404


def test_detail_page_counts_every_union_below_by_kind_and_per_child(tree, admin):
    make_child(tree["s1"], K.JOINT_UNION, "东华门联合工会")
    response = client_for(admin, english=False).get(reverse("unions:detail", args=[tree["city"].pk]))
    assert response.status_code == 200
    assert dict(response.context["counts"]) == {
        K.DISTRICT_FEDERATION.label: 2,
        K.INDUSTRY_UNION.label: 1,
        K.STREET_FEDERATION.label: 2,
        K.GRASSROOTS_UNION.label: 3,
        K.JOINT_UNION.label: 1,
    }
    below = {row.name: row.below_count for row in response.context["rows"]}
    assert below == {tree["d1"].name: 3, tree["d2"].name: 2, tree["ind"].name: 1}


# --- a union clerk -----------------------------------------------------------------------------


def test_clerk_can_edit_own_union(tree, clerk):
    client = client_for(clerk, english=False)
    url = reverse("unions:edit", args=[tree["g1"].pk])
    assert client.get(url).status_code == 200
    response = client.post(url, edit_data(tree["g1"], chair_name="陈静", employer_staff_count="85"))
    assert response.status_code == 302
    stored = Union.objects.get(pk=tree["g1"].pk)
    assert (stored.chair_name, stored.employer_staff_count) == ("陈静", 85)


@pytest.mark.parametrize("method", ["get", "post"])
def test_clerk_cannot_create_unions_below_own_union(tree, clerk, method):
    url = reverse("unions:create", args=[tree["g1"].pk])
    client = client_for(clerk, english=False)
    response = client.get(url) if method == "get" else client.post(url, {"kind": K.GRASSROOTS_UNION, "name": "新"})
    assert response.status_code == 403


def test_clerk_role_at_a_federation_node_still_cannot_create_below_it(tree):
    # Clerks are granted only at grassroots and joint unions; were one placed at a street anyway,
    # holding a clerk role there still gives no right to add unions.
    user = staff(R.UNION_CLERK, tree["s1"])
    before = tree_state()
    response = client_for(user, english=False).post(
        reverse("unions:create", args=[tree["s1"].pk]), {"kind": K.GRASSROOTS_UNION, "name": "新工会"}
    )
    assert response.status_code == 403
    assert tree_state() == before


@pytest.mark.parametrize("url_name", ["unions:move", "unions:close"])
def test_clerk_cannot_move_or_close_own_union(tree, clerk, url_name):
    response = client_for(clerk, english=False).get(reverse(url_name, args=[tree["g1"].pk]))
    assert response.status_code == 403


@pytest.mark.parametrize(
    ("method", "url_name"), [("get", name) for name in STAFF_PAGES] + [("post", name) for name in ACTION_PAGES]
)
@pytest.mark.parametrize("node", ["s1", "d1", "city", "g2", "g3"])
def test_clerk_gets_404_for_any_other_union(tree, clerk, url_name, method, node):
    before = tree_state()
    client = client_for(clerk, english=False)
    url = reverse(url_name, args=[tree[node].pk])
    response = client.get(url) if method == "get" else client.post(url, edit_data(tree[node], name="被篡改"))
    assert response.status_code == 404
    assert tree_state() == before


def test_user_without_a_staff_role_is_refused(tree):
    worker = staff(R.UNION_CLERK, tree["g1"])
    Role.objects.filter(user=worker).delete()
    response = client_for(worker, english=False).get(reverse("unions:detail", args=[tree["g1"].pk]))
    assert response.status_code == 403


# --- creating ----------------------------------------------------------------------------------


def test_district_staff_create_a_grassroots_union_with_a_pasted_credit_code(tree, district_staff):
    code = credit_code()
    pasted = " ".join(code[i : i + 4] for i in range(0, 18, 4)).lower()  # "9135 0100 ..." as people type it
    response = client_for(district_staff, english=False).post(
        reverse("unions:create", args=[tree["s1"].pk]),
        {"kind": K.GRASSROOTS_UNION, "name": "东华门印刷厂工会", "credit_code": pasted},
    )
    assert response.status_code == 302
    union = Union.objects.get(name="东华门印刷厂工会")
    assert union.credit_code == code
    assert Union.objects.get_parent(union).pk == tree["s1"].pk


@pytest.mark.parametrize(
    ("code", "message", "params"),
    [
        (
            "91350100M000100Y44",
            "The check character does not match: please compare the code with the business licence.",
            {},
        ),
        ("9135", "A unified social credit code has 18 characters; this one has %(n)d.", {"n": 4}),
        (
            "91350100M000100YI3",
            "The code contains characters that credit codes never use: %(chars)s (I, O, Z, S and V are not used).",
            {"chars": "I"},
        ),
    ],
    ids=["check", "length", "characters"],
)
def test_bad_credit_code_on_the_create_form_is_400_with_its_message_and_creates_nothing(
    tree, district_staff, code, message, params
):
    before = tree_state()
    response = client_for(district_staff, english=False).post(
        reverse("unions:create", args=[tree["s1"].pk]),
        {"kind": K.GRASSROOTS_UNION, "name": "东华门印刷厂工会", "credit_code": code},
    )
    assert response.status_code == 400
    assert in_language(message, **params) in body(response)
    assert tree_state() == before


def test_a_credit_code_already_registered_is_refused_on_the_create_form(tree, district_staff):
    code = credit_code()
    Union.objects.filter(pk=tree["g2"].pk).update(credit_code=code)
    before = tree_state()
    response = client_for(district_staff, english=False).post(
        reverse("unions:create", args=[tree["s1"].pk]),
        {"kind": K.GRASSROOTS_UNION, "name": "重复工会", "credit_code": code},
    )
    assert response.status_code == 400
    assert in_language("Another union is already registered with this credit code.") in body(response)
    assert tree_state() == before


def test_create_form_offers_and_accepts_only_kinds_the_parent_may_hold(tree, district_staff):
    before = tree_state()
    response = client_for(district_staff, english=False).post(
        reverse("unions:create", args=[tree["s1"].pk]), {"kind": K.DISTRICT_FEDERATION, "name": "假区总工会"}
    )
    assert response.status_code == 400
    assert tree_state() == before


def test_create_form_ignores_forged_tree_and_state_fields(tree, district_staff):
    response = client_for(district_staff, english=False).post(
        reverse("unions:create", args=[tree["s1"].pk]),
        {
            "kind": K.GRASSROOTS_UNION,
            "name": "伪造字段工会",
            "path": "0002",
            "depth": "1",
            "numchild": "9",
            "closed_on": "2020-01-01",
            "close_reason": "x",
            "is_staff": "on",
            "is_superuser": "on",
        },
    )
    assert response.status_code == 302
    union = Union.objects.get(name="伪造字段工会")
    assert Union.objects.get_parent(union).pk == tree["s1"].pk
    assert (union.depth, union.numchild, union.closed_on, union.close_reason) == (4, 0, None, "")
    district_staff.refresh_from_db()
    assert not district_staff.is_staff and not district_staff.is_superuser


# --- editing -----------------------------------------------------------------------------------


def test_edit_form_ignores_forged_fields(tree, district_staff):
    g1 = tree["g1"]
    before = Union.objects.filter(pk=g1.pk).values().get()
    response = client_for(district_staff, english=False).post(
        reverse("unions:edit", args=[g1.pk]),
        edit_data(
            g1,
            chair_name="周红",
            kind=K.DISTRICT_FEDERATION,
            path="0002",
            depth="1",
            numchild="3",
            closed_on="2020-01-01",
            close_reason="伪造",
            is_staff="on",
            is_superuser="on",
            id="9999",
        ),
    )
    assert response.status_code == 302
    after = Union.objects.filter(pk=g1.pk).values().get()
    assert {f for f in before if before[f] != after[f]} == {"chair_name", "updated_at"}
    district_staff.refresh_from_db()
    assert not district_staff.is_staff and not district_staff.is_superuser


def test_edit_with_a_bad_credit_code_is_400_and_changes_nothing(tree, district_staff):
    before = tree_state()
    response = client_for(district_staff, english=False).post(
        reverse("unions:edit", args=[tree["g1"].pk]), edit_data(tree["g1"], name="改名", credit_code="123")
    )
    assert response.status_code == 400
    assert tree_state() == before


# --- moving and closing ------------------------------------------------------------------------


def test_move_into_own_descendant_is_400_with_a_message_and_the_tree_is_unchanged(tree, admin):
    before = tree_state()
    response = client_for(admin, english=False).post(
        reverse("unions:move", args=[tree["d1"].pk]), {"new_parent": tree["s1"].pk}
    )
    assert response.status_code == 400
    assert in_language("A union cannot be moved under itself or one of its own subordinate unions.") in body(response)
    assert tree_state() == before


def test_city_admin_moves_a_street_to_the_other_district(tree, admin):
    response = client_for(admin, english=False).post(
        reverse("unions:move", args=[tree["s1"].pk]), {"new_parent": tree["d2"].pk}
    )
    assert response.status_code == 302
    s1 = Union.objects.get(pk=tree["s1"].pk)
    assert Union.objects.get_parent(s1).pk == tree["d2"].pk
    assert Union.objects.get(pk=tree["g1"].pk).path.startswith(s1.path)


def test_district_staff_cannot_reach_the_move_page(tree, district_staff):
    response = client_for(district_staff, english=False).get(reverse("unions:move", args=[tree["s1"].pk]))
    assert response.status_code == 403


def test_close_form_closes_a_leaf_and_refuses_a_union_with_open_children(tree, district_staff):
    client = client_for(district_staff, english=False)
    today = datetime.date.today().isoformat()  # noqa: DTZ011 - the form's own "today" is the local date
    before = tree_state()
    refused = client.post(reverse("unions:close", args=[tree["s1"].pk]), {"closed_on": today, "reason": "撤并"})
    assert refused.status_code == 400
    assert tree_state() == before
    done = client.post(reverse("unions:close", args=[tree["g1"].pk]), {"closed_on": today, "reason": "企业注销"})
    assert done.status_code == 302
    assert Union.objects.get(pk=tree["g1"].pk).is_closed


# --- CSRF --------------------------------------------------------------------------------------


@pytest.mark.parametrize("url_name", ["unions:edit", "unions:create", "unions:close"])
def test_post_without_csrf_token_is_403(tree, district_staff, url_name):
    client = Client(enforce_csrf_checks=True)
    client.force_login(district_staff)
    before = tree_state()
    node = tree["s1"] if url_name == "unions:create" else tree["g1"]
    response = client.post(
        reverse(url_name, args=[node.pk]),
        edit_data(node, name="无令牌", kind=K.GRASSROOTS_UNION, closed_on="2026-01-01", reason="x"),
    )
    assert response.status_code == 403
    assert tree_state() == before


def test_post_with_the_forms_csrf_token_is_accepted(tree, district_staff):
    client = Client(enforce_csrf_checks=True)
    client.force_login(district_staff)
    url = reverse("unions:edit", args=[tree["g1"].pk])
    form_page = client.get(url)
    token = form_page.context["csrf_token"]
    response = client.post(url, edit_data(tree["g1"], chair_name="有令牌", csrfmiddlewaretoken=str(token)))
    assert response.status_code == 302
    assert Union.objects.get(pk=tree["g1"].pk).chair_name == "有令牌"


# --- query counts ------------------------------------------------------------------------------

# Everything the detail page needs, whatever the number of children: session, user, roles, the
# union, page count and rows, descendants per child, breadcrumb, kind counts, roles here, the
# unread-inbox badge, and the session save (three statements with its savepoint).
DETAIL_QUERY_BOUND = 14


@pytest.mark.parametrize("children", [3, 30])
@pytest.mark.parametrize("params", [{}, {"q": "工会"}], ids=["children", "search"])
def test_detail_page_query_count_does_not_grow_with_children(
    tree, admin, django_assert_max_num_queries, children, params
):
    street = make_child(tree["d2"], K.STREET_FEDERATION, "计数街道总工会")
    for i in range(children):
        child = make_child(street, K.GRASSROOTS_UNION, f"计数企业{i:02d}工会", chair_name=f"主席{i}")
        if i % 3 == 0:
            make_child(street, K.JOINT_UNION, f"计数联合{i:02d}工会")
        street.refresh_from_db()
        assert child.pk
    client = client_for(admin, english=False)
    url = reverse("unions:detail", args=[street.pk])
    client.get(url, params)  # warm the session
    with django_assert_max_num_queries(DETAIL_QUERY_BOUND):
        response = client.get(url, params)
    assert response.status_code == 200
    assert "计数企业00工会" in body(response)


def test_detail_page_query_count_is_the_same_for_3_and_30_children(tree, admin):
    def count(n: int) -> int:
        street = make_child(tree["d2"], K.STREET_FEDERATION, f"计数街道{n}")
        for i in range(n):
            make_child(street, K.GRASSROOTS_UNION, f"计数{n}-{i:02d}")
            street.refresh_from_db()
        client = client_for(admin, english=False)
        url = reverse("unions:detail", args=[street.pk])
        client.get(url)
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url).status_code == 200
        return len(queries)

    assert count(30) == count(3)


# --- search ------------------------------------------------------------------------------------


def test_search_finds_a_grassroots_union_deep_in_the_subtree(tree, admin):
    response = client_for(admin, english=False).get(reverse("unions:detail", args=[tree["city"].pk]), {"q": "机械厂"})
    assert response.status_code == 200
    page = body(response)
    assert tree["g1"].name in page
    assert tree["g2"].name not in page


def test_search_by_credit_code_finds_the_union(tree, district_staff):
    code = credit_code()
    Union.objects.filter(pk=tree["g1"].pk).update(credit_code=code)
    response = client_for(district_staff, english=False).get(
        reverse("unions:detail", args=[tree["d1"].pk]), {"q": code.lower()}
    )
    assert tree["g1"].name in body(response)


@pytest.mark.parametrize(
    "typed",
    [
        lambda code: " ".join(code[i : i + 6] for i in range(0, 18, 6)),
        lambda code: code.translate({ord(c): ord(c) + 0xFEE0 for c in code}),  # full width
    ],
    ids=["spaced", "full-width"],
)
def test_search_by_a_pasted_credit_code_finds_the_union(tree, district_staff, typed):
    code = credit_code()
    Union.objects.filter(pk=tree["g1"].pk).update(credit_code=code)
    response = client_for(district_staff, english=False).get(
        reverse("unions:detail", args=[tree["d1"].pk]), {"q": typed(code)}
    )
    assert tree["g1"].name in body(response)


def test_search_never_returns_a_union_outside_scope(tree, district_staff):
    # Every grassroots union's name contains "工会", and so does every other union's.
    response = client_for(district_staff, english=False).get(
        reverse("unions:detail", args=[tree["d1"].pk]), {"q": "工会"}
    )
    assert response.status_code == 200
    page = body(response)
    assert tree["g1"].name in page and tree["s1"].name in page
    for outside in ("d2", "s2", "g2", "ind", "g3", "city"):
        assert tree[outside].name not in page


def test_search_from_a_node_covers_only_that_nodes_subtree(tree, admin):
    response = client_for(admin, english=False).get(reverse("unions:detail", args=[tree["d2"].pk]), {"q": "机械厂"})
    assert response.status_code == 200
    assert tree["g1"].name not in body(response)
