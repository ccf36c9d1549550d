"""The scope promise (SECURITY.md), tried on random trees: users x nodes x staff URLs x methods, 0 leaks.

Hypothesis builds a tree that respects ``Union.CHILD_KINDS`` (sometimes two cities), puts random
roles of random kinds at random nodes, and requests every staff URL that names a union, for every
user and node. The oracle is the generated structure itself (a parent list walked in Python), not
the materialised paths the code under test relies on:

* a user with no role at all: 403 everywhere;
* a node outside every subtree of the user's roles (the security auditor's role reaches no union
  page): 404, the body never names the node, and a POST changes nothing;
* a node inside: never 404 (the scope must not hide what it should show), the detail page is 200,
  and no answer names a union outside the scope; a move that names a target outside the scope
  (every move request does, when there is an outside) does not happen.

Each request runs in a savepoint that is rolled back, so the tree the oracle describes is the tree
every request sees. Runs on whatever DATABASE_URL says: SQLite locally, PostgreSQL in CI.
"""

from dataclasses import dataclass

from django.db import transaction
from django.test import Client, override_settings
from django.urls import URLPattern, reverse
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis.extra.django import TestCase

from unions import urls as union_urls
from unions.models import Role, Union

from ..factories import UserFactory

K = Union.Kind
# Every kind, with the tree managers more often: they are the ones whose pages do the most.
ROLE_KINDS = [Role.Kind.CITY_ADMIN, Role.Kind.FEDERATION_STAFF, *sorted(Role.Kind.values)]
MAX_NODES = 9
MAX_USERS = 3


# --- the URLs under test -----------------------------------------------------------------------


@dataclass(frozen=True)
class StaffUrl:
    name: str
    argument: str
    takes_post: bool


def _members_urls() -> list[StaffUrl]:
    """Every page that names a union in its URL: a new one is covered without editing this test.

    Pages of members, applications and transfers name those records instead; their scope is tested
    with them (tests/members).
    """
    found = []
    for pattern in union_urls.urlpatterns:
        assert isinstance(pattern, URLPattern)
        if not str(pattern.pattern).startswith("unions/"):
            continue
        arguments = set(pattern.pattern.converters) & {"pk", "parent_pk"}
        if not arguments:
            continue
        view_class = getattr(pattern.callback, "view_class", None)
        takes_post = view_class is None or hasattr(view_class, "post")
        found.append(StaffUrl(f"{union_urls.app_name}:{pattern.name}", arguments.pop(), takes_post))
    return found


STAFF_URLS = [*_members_urls(), StaffUrl("unions:role_grant", "union_pk", takes_post=True)]


def test_the_url_list_covers_the_union_pages():
    names = {url.name for url in STAFF_URLS}
    assert {"unions:detail", "unions:create", "unions:edit", "unions:move", "unions:close"} <= names
    assert {url.name for url in STAFF_URLS if not url.takes_post} == {"unions:detail"}


# --- random trees and roles --------------------------------------------------------------------


@dataclass
class Plan:
    parents: list[int | None]  # index of each node's parent; None for a city federation
    kinds: list[str]
    closed: list[bool]
    roles: list[list[tuple[int, str]]]  # per user: (node index, role kind)
    move_seed: int

    def ancestors_or_self(self, node: int) -> set[int]:
        seen: set[int] = set()
        current: int | None = node
        while current is not None:
            seen.add(current)
            current = self.parents[current]
        return seen

    def in_scope(self, user: int, node: int) -> bool:
        """Below one of the user's roles, the auditor's aside: the auditor reads the audit trail and
        the roles, not the union pages, which answer 404 to a user with no other role."""
        return any(
            role_node in self.ancestors_or_self(node)
            for role_node, kind in self.roles[user]
            if kind != Role.Kind.AUDITOR
        )

    def move_target(self, user: int) -> int:
        """Where this user's move requests point: outside their scope whenever there is an outside."""
        outside = [i for i in range(len(self.kinds)) if not self.in_scope(user, i)]
        candidates = outside or list(range(len(self.kinds)))
        return candidates[self.move_seed % len(candidates)]


@st.composite
def plans(draw) -> Plan:
    parents: list[int | None] = [None]
    kinds: list[str] = [K.CITY_FEDERATION]
    size = draw(st.integers(min_value=1, max_value=MAX_NODES - 1))
    for _ in range(size):
        if len([k for k in kinds if k == K.CITY_FEDERATION]) < 2 and draw(st.integers(0, 9)) == 0:
            parents.append(None)
            kinds.append(K.CITY_FEDERATION)
            continue
        holders = [i for i, kind in enumerate(kinds) if Union.CHILD_KINDS[kind]]
        parent = draw(st.sampled_from(holders))
        parents.append(parent)
        kinds.append(draw(st.sampled_from(sorted(Union.CHILD_KINDS[kinds[parent]]))))
    count = len(kinds)
    # Closed unions keep their place in the tree; only leaves may be closed, as union_close requires.
    leaves = {i for i in range(count) if i not in parents}
    closed = [i in leaves and draw(st.booleans()) for i in range(count)]
    role = st.tuples(st.integers(0, count - 1), st.sampled_from(ROLE_KINDS))
    roles = draw(st.lists(st.lists(role, max_size=3, unique=True), min_size=1, max_size=MAX_USERS))
    return Plan(parents, kinds, closed, roles, draw(st.integers(0, count - 1)))


def node_name(index: int) -> str:
    # Bracketed and numbered, so that no name is part of another and a search of the page is exact.
    return f"〔{index:02d}〕号工会"


def build(plan: Plan) -> tuple[list[Union], list]:
    nodes: list[Union] = []
    for index, (parent, kind) in enumerate(zip(plan.parents, plan.kinds, strict=True)):
        values = {"kind": kind, "name": node_name(index)}
        if plan.closed[index]:
            values |= {"closed_on": timezone.localdate(), "close_reason": "撤销"}
        if parent is None:
            node = Union.objects.add_root(values)
        else:
            node = Union.objects.add_child(Union.objects.get(pk=nodes[parent].pk), values)
        nodes.append(node)
    users = []
    for user_roles in plan.roles:
        user = UserFactory()
        for node_index, kind in user_roles:
            Role.objects.create(user=user, union=nodes[node_index], kind=kind)
        users.append(user)
    return [Union.objects.get(pk=node.pk) for node in nodes], users


# --- requests ----------------------------------------------------------------------------------


def post_data(url: StaffUrl, node_index: int, plan: Plan, nodes: list[Union], user_index: int, other: str) -> dict:
    """What a real form would send: enough to succeed when the user is allowed to act."""
    child_kinds = sorted(Union.CHILD_KINDS[plan.kinds[node_index]])
    return {
        "unions:create": {"kind": child_kinds[0] if child_kinds else K.GRASSROOTS_UNION, "name": "新建工会"},
        "unions:edit": {"name": "改过名的工会", "chair_name": "张三"},
        "unions:move": {"new_parent": nodes[plan.move_target(user_index)].pk},
        "unions:close": {"closed_on": timezone.localdate().isoformat(), "reason": "撤销"},
        "unions:role_grant": {"kind": Role.Kind.UNION_CLERK, "username": other},
    }.get(url.name, {"name": "改过名的工会"})


def world() -> tuple:
    return (
        sorted(Union.objects.values_list("pk", "path", "depth", "numchild", "kind", "name", "closed_on")),
        sorted(Role.objects.values_list("user_id", "union_id", "kind")),
    )


@override_settings(STAFF_MFA_REQUIRED=False)
class ScopeProperty(TestCase):
    @settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
    @given(plans())
    def test_no_staff_url_answers_outside_the_users_scope(self, plan):
        self.plan = plan
        self.nodes, self.users = build(plan)
        for user_index, user in enumerate(self.users):
            client = Client()
            client.force_login(user)
            for node_index in range(len(self.nodes)):
                for url in STAFF_URLS:
                    for method in ["get", "post"] if url.takes_post else ["get"]:
                        self.check_one(client, user_index, node_index, url, method)

    def check_one(self, client: Client, user_index: int, node_index: int, url: StaffUrl, method: str) -> None:
        plan, nodes, users = self.plan, self.nodes, self.users
        path = reverse(url.name, kwargs={url.argument: nodes[node_index].pk})
        other = users[(user_index + 1) % len(users)].username
        where = f"{method.upper()} {url.name} at node {node_index} as user {user_index} with {plan.roles[user_index]}"
        before = world()
        with transaction.atomic():
            if method == "get":
                response = client.get(path)
            else:
                response = client.post(path, post_data(url, node_index, plan, nodes, user_index, other))
            after = world()
            transaction.set_rollback(True)
        status = response.status_code
        page = response.content.decode(errors="replace")

        if not plan.roles[user_index]:
            assert status == 403, where
            assert after == before, where
            return
        if not plan.in_scope(user_index, node_index):
            assert status == 404, f"{where}: {status}"
            assert node_name(node_index) not in page, where
            assert after == before, where
            return

        assert status in {200, 302, 400, 403}, f"{where}: {status}"
        if url.name == "unions:detail":
            assert status == 200, where
        for outside in (i for i in range(len(nodes)) if not plan.in_scope(user_index, i)):
            assert node_name(outside) not in page, f"{where}: names node {outside}, outside the scope"
        target = plan.move_target(user_index)
        if url.name == "unions:move" and method == "post" and not plan.in_scope(user_index, target):
            assert status != 302, f"{where}: moved under node {target}, outside the scope"
            assert after == before, where
