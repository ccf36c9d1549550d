"""The security auditor reads the audit trail and the roles, not the unions: the union tree pages
answer 404 to a user whose only role is the auditor's, and no page offers them."""

import pytest
from django.urls import reverse

from tests.pages import client_for
from unions.models import Role
from unions.selectors import scope_roots, unions_visible_to

from ..factories import grant, staff

R = Role.Kind
TREE_PAGES = ["unions:detail", "unions:create", "unions:edit", "unions:move", "unions:close"]


@pytest.fixture
def auditor(tree):
    return staff(R.AUDITOR, tree["city"])


# Every page with GET, and every page but the detail page (which takes no POST) with POST.
PAGE_METHODS = [(name, "get") for name in TREE_PAGES] + [
    (name, "post") for name in TREE_PAGES if name != "unions:detail"
]


@pytest.mark.parametrize(("name", "method"), PAGE_METHODS)
@pytest.mark.parametrize("node", ["city", "d1", "g1"])
def test_every_union_page_answers_404_to_the_auditor(tree, auditor, name, node, method):
    url = reverse(name, args=[tree[node].pk])
    response = getattr(client_for(auditor), method)(url, {"name": "审计员改的名"} if method == "post" else None)
    assert response.status_code == 404
    assert tree[node].name not in response.content.decode()


def test_the_tree_page_answers_404_to_the_auditor(tree, auditor):
    assert client_for(auditor).get(reverse("unions:tree")).status_code == 404


def test_the_auditor_still_reads_the_roles_and_the_audit_trail(tree, auditor):
    clerk = staff(R.UNION_CLERK, tree["g1"])
    client = client_for(auditor)
    roles = client.get(reverse("unions:roles"))
    assert roles.status_code == 200 and clerk.username in roles.content.decode()
    assert client.get(reverse("unions:audit")).status_code == 200


def test_no_page_offers_the_auditor_the_union_tree(tree, auditor):
    home = client_for(auditor).get(reverse("home")).content.decode()
    assert f'href="{reverse("unions:tree")}"' not in home
    assert f'href="{reverse("unions:detail", args=[tree["city"].pk])}"' not in home
    # the home page points them to what is theirs instead
    assert f'href="{reverse("unions:audit")}"' in home and f'href="{reverse("unions:roles")}"' in home
    assert "You hold no role at any union yet." not in home


def test_an_auditor_who_is_also_a_clerk_sees_only_the_clerks_union(tree, auditor):
    grant(auditor, tree["g1"], R.UNION_CLERK)
    client = client_for(auditor)
    assert client.get(reverse("unions:detail", args=[tree["g1"].pk])).status_code == 200
    assert client.get(reverse("unions:detail", args=[tree["city"].pk])).status_code == 404
    assert [u.pk for u in scope_roots(auditor)] == [tree["g1"].pk]
    assert set(unions_visible_to(auditor)) == {tree["g1"]}


def test_the_home_page_links_a_union_of_the_auditors_other_role_only(tree, auditor):
    grant(auditor, tree["g1"], R.UNION_CLERK)
    home = client_for(auditor).get(reverse("home")).content.decode()
    assert f'href="{reverse("unions:detail", args=[tree["g1"].pk])}"' in home
    assert f'href="{reverse("unions:detail", args=[tree["city"].pk])}"' not in home
