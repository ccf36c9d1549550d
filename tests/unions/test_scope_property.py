"""The scope promise (SECURITY.md), tried on random trees: users x objects x staff URLs x methods, 0 leaks.

Every URL of the portal that names an object in its path is found in the URL resolver, so a new page
is covered without editing this test; which objects an argument names is listed below by the route's
start and the argument's name, and a URL whose argument is in no list fails the test.

Hypothesis builds a tree that respects ``Union.CHILD_KINDS`` (sometimes two cities) and puts random
roles of random kinds at random nodes. The oracle is the generated structure itself (a parent list
walked in Python, and the role kinds each kind of object is shown to, written out here), not the
materialised paths and selectors the code under test relies on.

The union pages (``test_no_union_url_answers_outside_the_users_scope``), for every user and node:

* a user with no role at all: 403 everywhere;
* a node outside every subtree of the user's roles (the security auditor's role reaches no union
  page): 404, the body never names the node, and a POST changes nothing;
* a node inside: never 404 (the scope must not hide what it should show), the detail page is 200,
  and no answer names a union outside the scope; a move that names a target outside the scope
  (every move request does, when there is an outside) does not happen.

Every other object (``test_no_object_url_answers_outside_the_users_scope``): members, applications,
transfers, roster imports and exports, reports, dashboards, roles, role holders, notifications, cadres
and their records, and the integrity records (talks, rectifications, the four-forms register, warning
education, responsibility and opinion letters), and the competitions (a competition and its
approval, entries, stage report files, judges and their score sheets with the judge rules, awards).
Per user and URL one object inside the user's scope and one outside (when there are):

* outside: the answer a made-up id gets (404; 403 where the page turns the user away before it
  looks anything up, but never on an integrity page: a city admin too gets 404 there), the body never
  names the object, and a POST changes nothing;
* inside: never 404.

An object may be known to more users than those its URL must open for (an action on a competition in
another state, or one its approver sees): those may get any answer, and the others the made-up id's.

Each request runs in a savepoint that is rolled back, so the world the oracle describes is the world
every request sees.
"""

import datetime
import itertools
from collections.abc import Callable
from dataclasses import dataclass, field

from django.apps import apps
from django.core.cache import cache
from django.core.files.base import ContentFile
from django.db import transaction
from django.test import Client, override_settings
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis.extra.django import TestCase

from accounts.models import Notification
from cadres.models import (
    Assessment,
    AssessmentRound,
    Cadre,
    CadreExport,
    CadreImport,
    Enrolment,
    ExternalTraining,
    GrassrootsStay,
    HoursRule,
    PoliticalReview,
    Secondment,
    TaskForce,
    TrainingClass,
)
from members.id_number import parse
from members.models import Application, Consent, Member, RosterExport, RosterImport, Transfer
from reports.models import Report
from unions.models import Role, Union

from ..factories import UserFactory, id_number

K = Union.Kind
R = Role.Kind
# Every kind, with the tree managers more often: they are the ones whose pages do the most.
ROLE_KINDS = [R.CITY_ADMIN, R.FEDERATION_STAFF, *sorted(R.values)]
MAX_NODES = 9
MAX_USERS = 3
# Who is shown what, written out for the oracle (SECURITY.md, DESIGN.md "The union tree and scope").
TREE_READERS = frozenset(set(R.values) - {R.AUDITOR})
MEMBER_STAFF = frozenset({R.CITY_ADMIN, R.FEDERATION_STAFF, R.UNION_CLERK})
DASHBOARD_READERS = frozenset({R.LEADER, *MEMBER_STAFF})
ROLE_READERS = frozenset({R.CITY_ADMIN, R.FEDERATION_STAFF, R.AUDITOR})
HOLDS_MEMBERS = frozenset({K.GRASSROOTS_UNION, K.JOINT_UNION})
# Cadres and every record of them: cadre officers in scope, nobody else (the cadre themself through the
# ``my/cadre/`` pages only); the settings and hours rules: cadre officers at a city federation.
CADRE_STAFF = frozenset({R.CADRE_OFFICER})
CADRE_PANEL = frozenset({R.CADRE_OFFICER, R.LEADER})
CADRE_LEADERS = frozenset({R.LEADER})
# Integrity figures (aggregates, small counts hidden): leaders and discipline officers over the node.
INTEGRITY_PANEL = frozenset({R.DISCIPLINE_OFFICER, R.LEADER})
# Competition figures (running, entries, person-times): leaders and federation staff over the node.
CAMPAIGNS_PANEL = frozenset({R.FEDERATION_STAFF, R.LEADER})


# --- the URLs under test: every route with an argument, found in the resolver --------------------

# What a route's argument names: by the start of the route (the longest that fits) and the argument.
OBJECT_OF_ROUTE = {
    ("unions/", "pk"): "union",
    ("unions/", "parent_pk"): "union",
    ("roles/grant/", "union_pk"): "union",
    ("roles/", "pk"): "role",
    ("roles/authenticator-reset/", "user_pk"): "role_holder",
    ("members/", "pk"): "member",
    ("members/exports/", "pk"): "roster_export",
    ("approvals/", "pk"): "application",
    ("join/", "pk"): "own_application",
    ("transfers/", "pk"): "transfer",
    ("roster-imports/", "pk"): "roster_import",
    ("reports/", "pk"): "report",
    ("reports/dashboard/", "pk"): "dashboard",
    ("inbox/", "pk"): "notification",
    ("cadres/", "pk"): "cadre",
    ("cadres/political/", "pk"): "political_review",
    ("cadres/classes/", "pk"): "training_class",
    ("cadres/imports/", "pk"): "cadre_import",
    ("cadres/exports/", "pk"): "cadre_export",
    ("cadres/ledger/rules/", "pk"): "hours_rule",
    ("cadres/external/", "pk"): "external_training",
    ("cadres/secondments/", "pk"): "secondment",
    ("cadres/stays/", "pk"): "stay",
    ("cadres/task-forces/", "pk"): "task_force",
    ("cadres/assessments/", "pk"): "assessment",
    ("cadres/assessments/rounds/", "pk"): "assessment_round",
    ("cadres/assessments/rounds/<int:pk>/confirm/", "pk"): "round_to_confirm",
    ("my/cadre/external/", "pk"): "own_external_training",
    ("my/cadre/secondments/", "pk"): "own_secondment",
    ("my/cadre/stays/", "pk"): "own_stay",
    ("my/cadre/task-forces/", "pk"): "own_task_force",
    ("my/cadre/assessments/", "pk"): "own_assessment",
    ("reports/cadres/", "pk"): "cadre_file",
    ("reports/dashboard/<int:pk>/cadres", "pk"): "cadre_dashboard",
    ("reports/dashboard/<int:pk>/integrity", "pk"): "integrity_dashboard",
    ("reports/dashboard/<int:pk>/campaigns", "pk"): "campaigns_dashboard",
    # Integrity (issue 15): discipline officers over the record only (a talk: its recorder too, a draft
    # its recorder alone); the requester's pages of an opinion letter: the requester alone. Built by
    # tests/integrity/test_visibility_property.py ``integrity_records``, the oracle with them.
    ("integrity/cadres/", "pk"): "integrity_cadre",
    ("integrity/talks/", "pk"): "talk",
    ("integrity/rectifications/", "pk"): "rectification",
    ("integrity/four-forms/", "pk"): "four_forms_entry",
    ("integrity/education/", "pk"): "education_session",
    ("integrity/letters/", "pk"): "responsibility_letter",
    ("integrity/letters/batches/", "pk"): "letter_batch",
    ("integrity/opinions/", "pk"): "opinion_letter",
    ("integrity/opinions/requested/", "pk"): "requested_opinion",
    # Campaigns (issue 16): built by tests/campaigns/test_visibility_property.py ``campaign_records``, the
    # oracle with them. A competition's pages: federation staff over the organiser; its own page the
    # approver too (a key ending in "$" names that route alone); an action on it: must open only in the
    # state it is taken in, and may be refused (never 404) to whoever may see the competition.
    ("campaigns/competitions/", "pk"): "competition",
    ("campaigns/competitions/<int:pk>/$", "pk"): "competition_page",
    ("campaigns/competitions/<int:pk>/approve/", "pk"): "competition_to_approve",
    ("campaigns/competitions/<int:pk>/return/", "pk"): "competition_to_return",
    ("campaigns/competitions/<int:pk>/edit/", "pk"): "competition_setup",
    ("campaigns/competitions/<int:pk>/submit/", "pk"): "competition_setup",
    ("campaigns/competitions/<int:pk>/start/", "pk"): "competition_to_start",
    ("campaigns/competitions/<int:pk>/open-judging/", "pk"): "competition_to_judge",
    ("campaigns/competitions/<int:pk>/close/", "pk"): "competition_to_close",
    ("campaigns/competitions/<int:pk>/ranking/", "pk"): "competition_ranking",
    ("campaigns/competitions/<int:pk>/award/", "pk"): "competition_to_award",
    # Entering: a clerk (or staff) over a member-holding union inside the organiser's subtree.
    ("campaigns/entering/", "pk"): "competition_to_enter",
    # An entry: clerks and staff over its union (the organiser's staff among them); the organiser decides.
    ("campaigns/entries/", "pk"): "entry",
    ("campaigns/entries/<int:pk>/accept/", "pk"): "entry_to_decide",
    ("campaigns/entries/<int:pk>/refuse/", "pk"): "entry_to_decide",
    ("campaigns/entries/<int:pk>/withdraw/", "pk"): "entry_to_withdraw",
    ("campaigns/entries/<int:pk>/report/", "pk"): "entry_to_report",
    # A stage report's file: the entry's clerks and staff, and a judge of it who does not conflict.
    ("campaigns/stage-report-files/", "pk"): "stage_report_file",
    # Judges: the organiser's staff remove them; a judge's own pages are the judge's alone; the score
    # sheet of an entry opens for an assigned, declared, non-conflicted judge while judging is open.
    ("campaigns/judges/", "pk"): "judge_row",
    ("campaigns/judging/", "pk"): "own_judge",
    ("campaigns/judging/entries/", "pk"): "entry_to_judge",
    # A certificate: the entry's clerks and staff over its union (the organiser's staff among them).
    ("campaigns/awards/", "pk"): "award",
    # Honours (issue 17): built by tests/campaigns/test_honours_visibility_property.py ``honour_records``, the
    # oracle with them. A round: run by federation staff over its organiser, known (never more than
    # refused) to anyone nominating, staffing or leading at, above or below it; its nominate pages open
    # to a clerk or staff over a member-holding union inside it; its summary to its leaders too.
    ("campaigns/honours/rounds/", "pk"): "honour_round",
    ("campaigns/honours/rounds/<int:pk>/nominate/", "pk"): "honour_round_to_nominate",
    ("campaigns/honours/rounds/<int:pk>/candidates/", "pk"): "honour_round_to_nominate",
    ("campaigns/honours/rounds/<int:pk>/member-search/", "pk"): "honour_round_to_nominate",
    ("campaigns/honours/rounds/<int:pk>/summary.pdf", "pk"): "honour_round_summary",
    # A nomination: clerks and staff over its union (the reviewers and the organiser among them); each
    # move opens in its state to whoever takes it there.
    ("campaigns/honours/nominations/", "pk"): "nomination",
    ("campaigns/honours/nominations/<int:pk>/edit/", "pk"): "nomination_to_edit",
    ("campaigns/honours/nominations/<int:pk>/files/", "pk"): "nomination_to_edit",
    ("campaigns/honours/nominations/<int:pk>/submit/", "pk"): "nomination_to_edit",
    ("campaigns/honours/nominations/<int:pk>/withdraw/", "pk"): "nomination_to_withdraw",
    ("campaigns/honours/nominations/<int:pk>/review/", "pk"): "nomination_to_review",
    ("campaigns/honours/nominations/<int:pk>/vetting/", "pk"): "nomination_to_vet",
    ("campaigns/honours/nominations/<int:pk>/decide/", "pk"): "nomination_to_decide",
    ("campaigns/honours/nomination-files/", "pk"): "nomination_file",
    ("campaigns/honours/vetting-files/", "pk"): "vetting_file",
    # The notice and the objections: the organiser's staff alone (the objector's details are on them).
    ("campaigns/honours/notices/", "pk"): "honour_notice",
    ("campaigns/honours/objections/", "pk"): "objection",
    # The register: clerks and staff over the holder's union; revoked by the conferring organiser's staff.
    ("campaigns/honours/register/", "pk"): "honour",
    ("campaigns/honours/register/<int:pk>/revoke/", "pk"): "honour_to_revoke",
    ("campaigns/honours/people/", "pk"): "honour",
    ("campaigns/honours/studios/", "pk"): "studio",
}
# Routes whose argument names no object of anyone's scope, and why.
NOT_AN_OBJECT = {
    "check/": "a public card check: the argument is the card's secret QR token",
    "cadres/check-in/": "a training class's QR check-in: the argument is the class's secret token",
    "enrol/": "the e-mailed set-up link: the argument is its secret token",
    "accounts/": "django-allauth's e-mailed links: the arguments are secret keys",
    "admin/": "the Django admin, for superusers only (tests/accounts/test_admin_access.py)",
    "integrity/check-in/": "warning education's QR check-in: the argument is the session's secret token",
    "campaigns/results/": "a competition's published ranking: the argument is its secret results token",
    "campaigns/check/": "a prize certificate's public check: the argument is the certificate's secret QR token",
    "campaigns/notice/": "a round's public notice and its objection form: the argument is the notice's secret token",
    "campaigns/honour-check/": "an honour certificate's public check: the argument is the certificate's secret QR token",
    "campaigns/honours/kinds/": "an honour kind: the federation's one list, the same for everyone (tests/campaigns)",
    "campaigns/honours/calendar/": "a year of the working-day calendar: city admins only, no node's (tests/campaigns)",
}


@dataclass(frozen=True)
class ObjectUrl:
    name: str
    route: str
    argument: str
    kind: str
    takes_post: bool


def _routes(patterns, prefix="", namespace=""):
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            inner = f"{namespace}{pattern.namespace}:" if pattern.namespace else namespace
            yield from _routes(pattern.url_patterns, prefix + str(pattern.pattern), inner)
        else:
            assert isinstance(pattern, URLPattern)
            yield prefix + str(pattern.pattern), f"{namespace}{pattern.name}", pattern


def _takes_post(pattern: URLPattern) -> bool:
    view_class = getattr(pattern.callback, "view_class", None)
    return view_class is None or hasattr(view_class, "post")


def _fits(route: str, start: str) -> bool:
    """The route starts so; a start ending in "$" is the whole route (a page whose actions are further on)."""
    return route == start[:-1] if start.endswith("$") else route.startswith(start)


def discover() -> tuple[list[ObjectUrl], list[str]]:
    """Every route with an argument, as an ObjectUrl; and the routes no list names (must be none)."""
    found, unknown = [], []
    for route, name, pattern in _routes(get_resolver().url_patterns):
        arguments = list(pattern.pattern.converters) if hasattr(pattern.pattern, "converters") else []
        if not arguments:
            continue
        if route.startswith(tuple(NOT_AN_OBJECT)):
            continue
        if len(arguments) != 1:
            unknown.append(f"{route} ({name}): more than one argument")
            continue
        (argument,) = arguments
        starts = [(start, arg) for start, arg in OBJECT_OF_ROUTE if arg == argument and _fits(route, start)]
        if not starts:
            unknown.append(f"{route} ({name}): argument {argument!r}")
            continue
        kind = OBJECT_OF_ROUTE[max(starts, key=lambda key: len(key[0]))]
        found.append(ObjectUrl(name, route, argument, kind, _takes_post(pattern)))
    return found, unknown


OBJECT_URLS, UNKNOWN_ROUTES = discover()
UNION_URLS = [url for url in OBJECT_URLS if url.kind == "union"]
OTHER_URLS = [url for url in OBJECT_URLS if url.kind != "union"]


def test_every_url_that_names_an_object_is_under_test():
    assert UNKNOWN_ROUTES == [], "say which objects these arguments name (OBJECT_OF_ROUTE) or why they name none"


def test_the_url_list_covers_the_pages_of_every_kind_of_object():
    names = {url.name for url in OBJECT_URLS}
    assert {"unions:detail", "unions:create", "unions:edit", "unions:move", "unions:close"} <= names
    assert {url.name for url in UNION_URLS if not url.takes_post} == {"unions:detail"}
    assert {
        "members:member_detail",
        "members:application_detail",
        "members:transfer_detail",
        "members:roster_import_detail",
        "members:roster_export_detail",
        "reports:detail",
        "reports:dashboard_node",
        "unions:role_revoke",
        "unions:mfa_reset",
        "accounts:inbox_read",
    } <= names
    assert {url.kind for url in OBJECT_URLS} == set(OBJECT_OF_ROUTE.values())


# --- random trees and roles --------------------------------------------------------------------


@dataclass
class Plan:
    parents: list[int | None]  # index of each node's parent; None for a city federation
    kinds: list[str]
    closed: list[bool]
    roles: list[list[tuple[int, str]]]  # per user: (node index, role kind)
    seed: int

    def ancestors_or_self(self, node: int) -> set[int]:
        seen: set[int] = set()
        current: int | None = node
        while current is not None:
            seen.add(current)
            current = self.parents[current]
        return seen

    def reaches(self, user: int, node: int, kinds=TREE_READERS) -> bool:
        """Whether the user holds a role of these kinds at the node or above it."""
        return any(n in self.ancestors_or_self(node) for n, kind in self.roles[user] if kind in kinds)

    def in_scope(self, user: int, node: int) -> bool:
        """Below one of the user's roles, the auditor's aside: the auditor reads the audit trail and
        the roles, not the union pages, which answer 404 to a user with no other role."""
        return self.reaches(user, node, TREE_READERS)

    def move_target(self, user: int) -> int:
        """Where this user's move requests point: outside their scope whenever there is an outside."""
        outside = [i for i in range(len(self.kinds)) if not self.in_scope(user, i)]
        candidates = outside or list(range(len(self.kinds)))
        return candidates[self.seed % len(candidates)]

    def holders(self) -> list[int]:
        return [i for i, kind in enumerate(self.kinds) if kind in HOLDS_MEMBERS]


@st.composite
def plans(draw, min_nodes: int = 1) -> Plan:
    parents: list[int | None] = [None]
    kinds: list[str] = [K.CITY_FEDERATION]
    size = draw(st.integers(min_value=min_nodes, max_value=MAX_NODES - 1))
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
    return Plan(parents, kinds, closed, roles, draw(st.integers(0, 10_000)))


def node_name(index: int) -> str:
    # Bracketed and numbered, so that no name is part of another and a search of the page is exact.
    return f"〔{index:02d}〕号工会"


def build_tree(plan: Plan) -> tuple[list[Union], list]:
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


# --- the union pages ---------------------------------------------------------------------------


def post_data(url: ObjectUrl, node_index: int, plan: Plan, nodes: list[Union], user_index: int, other: str) -> dict:
    """What a real form would send: enough to succeed when the user is allowed to act."""
    child_kinds = sorted(Union.CHILD_KINDS[plan.kinds[node_index]])
    return {
        "unions:create": {"kind": child_kinds[0] if child_kinds else K.GRASSROOTS_UNION, "name": "新建工会"},
        "unions:edit": {"name": "改过名的工会", "chair_name": "张三"},
        "unions:move": {"new_parent": nodes[plan.move_target(user_index)].pk},
        "unions:close": {"closed_on": timezone.localdate().isoformat(), "reason": "撤销"},
        "unions:role_grant": {"kind": R.UNION_CLERK, "username": other},
    }.get(url.name, {"name": "改过名的工会"})


def tree_world() -> tuple:
    return (
        sorted(Union.objects.values_list("pk", "path", "depth", "numchild", "kind", "name", "closed_on")),
        sorted(Role.objects.values_list("user_id", "union_id", "kind")),
    )


@override_settings(STAFF_MFA_REQUIRED=False)
class UnionScopeProperty(TestCase):
    @settings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.too_slow])
    @given(plans())
    def test_no_union_url_answers_outside_the_users_scope(self, plan):
        self.plan = plan
        self.nodes, self.users = build_tree(plan)
        for user_index, user in enumerate(self.users):
            client = Client()
            client.force_login(user)
            for node_index in range(len(self.nodes)):
                for url in UNION_URLS:
                    for method in ["get", "post"] if url.takes_post else ["get"]:
                        self.check_one(client, user_index, node_index, url, method)

    def check_one(self, client: Client, user_index: int, node_index: int, url: ObjectUrl, method: str) -> None:
        plan, nodes, users = self.plan, self.nodes, self.users
        path = reverse(url.name, kwargs={url.argument: nodes[node_index].pk})
        other = users[(user_index + 1) % len(users)].username
        where = f"{method.upper()} {url.name} at node {node_index} as user {user_index} with {plan.roles[user_index]}"
        before = tree_world()
        with transaction.atomic():
            if method == "get":
                response = client.get(path)
            else:
                response = client.post(path, post_data(url, node_index, plan, nodes, user_index, other))
            after = tree_world()
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


# --- every other object ------------------------------------------------------------------------


@dataclass
class Thing:
    """One object a URL may name, with the oracle's answer to: may this user see it?"""

    pk: int
    label: str  # what its pages show of it (a name), if anything: an answer outside the scope must not show it
    visible_to: Callable[[int], bool] = field(repr=False)
    # Who may get anything but 404 (the object's existence is theirs to know), when more than ``visible_to``:
    # an action on a competition its approver sees, taken by its organiser's staff.
    known_to: Callable[[int], bool] | None = field(default=None, repr=False)

    def known(self, user: int) -> bool:
        return (self.known_to or self.visible_to)(user)


class Objects:
    """One of each kind of object at each node where it can be, made through the models so that
    nothing here depends on the services' rules; ``things[kind]`` lists them with the oracle."""

    def __init__(self, plan: Plan, nodes: list[Union], users: list) -> None:
        self.plan, self.nodes, self.users = plan, nodes, users
        self.things: dict[str, list[Thing]] = {kind: [] for kind in set(OBJECT_OF_ROUTE.values())}
        self.numbers = itertools.count(1)
        self.worker = UserFactory()
        holders = plan.holders()
        for node in holders:
            self.member_and_more(node)
        for node in range(len(nodes)):
            self.dashboard(node)
        for a, b in zip(holders, holders[1:] + holders[:1], strict=True):
            if a != b:
                self.transfer(a, b)
        for user_index, user in enumerate(users):
            self.export_and_notification(user_index, user)
        for node in range(len(nodes)):
            self.cadre_and_records(node)
        self.hours_rule()
        for record in campaigns_tests.campaign_records(plan, nodes, users, self.worker):
            self.add(record.kind, record.pk, record.label, record.visible_to, record.known_to)
        for record in honours_tests.honour_records(plan, nodes, users, self.worker):
            self.add(record.kind, record.pk, record.label, record.visible_to, record.known_to)
        for user_index, user in enumerate(users):
            for role in Role.objects.filter(user=user).select_related("union"):
                node = next(i for i, n in enumerate(nodes) if n.pk == role.union_id)
                # No label: a holder's name is on every page they open themselves (the menu names them).
                self.add("role", role.pk, "", lambda u, node=node: plan.reaches(u, node, ROLE_READERS))
            if plan.roles[user_index]:
                held = {n for n, _ in plan.roles[user_index]}
                self.add(
                    "role_holder",
                    user.pk,
                    "",
                    lambda u, held=held: any(plan.reaches(u, n, ROLE_READERS) for n in held),
                )

    def add(
        self, kind: str, pk: int, label: str, visible_to: Callable[[int], bool], known_to: Callable | None = None
    ) -> None:
        self.things[kind].append(Thing(pk, label, visible_to, known_to))

    def person(self, model, node: int, **fields):
        number = next(self.numbers)
        record = model(
            union=self.nodes[node],
            name=f"〔人{number:03d}〕",
            mobile=f"139{number:08d}",
            political_status="none",
            education="bachelor",
            employment_type="regular",
            **fields,
        )
        record.set_id_number(parse(id_number()))
        record.save()
        return record

    def member_and_more(self, node: int) -> None:
        plan = self.plan

        def staff(u: int) -> bool:
            return plan.reaches(u, node, MEMBER_STAFF)

        member = self.person(Member, node, joined_on=datetime.date(2020, 1, 1))
        self.add("member", member.pk, member.name, staff)
        # The applicant is one of the users: the worker's own pages open for them alone.
        applicant_index = node % len(self.users)
        applicant = self.users[applicant_index]
        consent = Consent.objects.create(user=applicant, text_version="test")
        application = self.person(Application, node, applicant=applicant, consent=consent)
        self.add("application", application.pk, application.name, staff)
        self.add("own_application", application.pk, application.name, lambda u, a=applicant_index: u == a)
        record = RosterImport.objects.create(
            union=self.nodes[node],
            created_by=self.worker,
            original_name=f"〔名册{node:02d}〕.xlsx",
            status=RosterImport.Status.CHECKED,
            rows_total=2,
            new_count=1,
            error_count=1,
        )
        self.add("roster_import", record.pk, record.original_name, staff)
        report = self.report(Report.Kind.ROSTER, node, {"date": "2026-01-01"})
        self.add("report", report.pk, node_name(node), staff)

    def report(self, kind: str, node: int, params: dict) -> Report:
        report = Report.objects.create(
            kind=kind,
            union=self.nodes[node],
            parameters=params,
            status=Report.Status.DONE,
            reuse_key=f"test-{kind}-{node}",
            finished_at=timezone.now(),
        )
        report.file.save("report.pdf", ContentFile(b"%PDF-1.4 test"), save=True)
        return report

    def dashboard(self, node: int) -> None:
        plan = self.plan
        # The cadres panel: aggregates, for leaders and cadre officers over the node.
        self.add("cadre_dashboard", self.nodes[node].pk, node_name(node), lambda u: plan.reaches(u, node, CADRE_PANEL))
        self.add(
            "integrity_dashboard",
            self.nodes[node].pk,
            node_name(node),
            lambda u: plan.reaches(u, node, INTEGRITY_PANEL),
        )
        self.add(
            "campaigns_dashboard",
            self.nodes[node].pk,
            node_name(node),
            lambda u: plan.reaches(u, node, CAMPAIGNS_PANEL),
        )
        self.add("dashboard", self.nodes[node].pk, node_name(node), lambda u: plan.reaches(u, node, DASHBOARD_READERS))
        # A dashboard PDF with small counts hidden: an aggregate, for leaders and member staff alike.
        report = self.report(Report.Kind.DASHBOARD, node, {"year": 2026, "date": "2026-01-01", "exact_counts": False})
        self.add("report", report.pk, node_name(node), lambda u: plan.reaches(u, node, DASHBOARD_READERS))

    def transfer(self, source: int, target: int) -> None:
        plan = self.plan
        member = self.person(Member, source, joined_on=datetime.date(2020, 1, 1))
        transfer = Transfer.objects.create(
            member=member, from_union=self.nodes[source], to_union=self.nodes[target], requested_by=self.worker
        )
        self.add(
            "transfer",
            transfer.pk,
            member.name,
            lambda u: plan.reaches(u, source, MEMBER_STAFF) or plan.reaches(u, target, MEMBER_STAFF),
        )

    def export_and_notification(self, user_index: int, user) -> None:
        export = RosterExport.objects.create(
            requested_by=user,
            file_format="csv",
            status=RosterExport.Status.DONE,
            rows_total=1,
            finished_at=timezone.now(),
        )
        export.file.save("export.csv", ContentFile("姓名\n〔人〕\n".encode()), save=True)
        self.add("roster_export", export.pk, "", lambda u: u == user_index)
        note = Notification.objects.create(recipient=user, kind="test", title=f"〔通知{user_index}〕", url="/")
        self.add("notification", note.pk, note.title, lambda u: u == user_index)

    # --- cadres ---------------------------------------------------------------------------------
    def cadre_and_records(self, node: int) -> None:
        """A cadre serving at the node with one record of every kind; the first nodes' cadres are
        users of the plan, so that their own pages are tried too."""
        plan, union = self.plan, self.nodes[node]
        owner = node if node < len(self.users) else None

        def staff(u: int) -> bool:
            return plan.reaches(u, node, CADRE_STAFF)

        def own(u: int) -> bool:
            return u == owner

        number = next(self.numbers)
        cadre = Cadre.objects.create(
            union=union,
            user=self.users[owner] if owner is not None else None,
            name=f"〔干部{number:03d}〕",
            sex="F",
            birth_date=datetime.date(1990, 1, 1),
            mobile=f"137{number:08d}",
            post="组织部部长",
            rank="township_section",
            employment="full_time",
            political_status="cpc_member",
            education="bachelor",
            in_post_since=datetime.date(2020, 1, 1),
        )
        self.add("cadre", cadre.pk, cadre.name, staff)
        self.add("cadre_file", cadre.pk, cadre.name, lambda u: staff(u) or own(u))
        self.integrity(node, cadre, number)
        review = PoliticalReview.objects.create(
            cadre=cadre, assessed_on=datetime.date(2026, 1, 5), conclusion="pass", recorded_by=self.worker
        )
        self.add("political_review", review.pk, cadre.name, staff)
        course = TrainingClass.objects.create(
            organiser=union,
            title=f"〔培训班{node:02d}〕",
            category="union_work",
            starts_on=datetime.date(2026, 9, 14),
            ends_on=datetime.date(2026, 9, 15),
            credit_hours=14,
            created_by=self.worker,
        )
        Enrolment.objects.create(training_class=course, cadre=cadre)
        self.add("training_class", course.pk, course.title, staff)
        external = ExternalTraining(
            cadre=cadre,
            title=f"〔外训{node:02d}〕",
            provider="省总工会干部学校",
            starts_on=datetime.date(2026, 5, 6),
            ends_on=datetime.date(2026, 5, 8),
            hours=24,
            filed_by=self.worker,
        )
        external.certificate.save("certificate.pdf", ContentFile(b"%PDF-1.4 test"), save=True)
        self.add("external_training", external.pk, external.title, staff)
        self.add("own_external_training", external.pk, external.title, own)
        secondment = Secondment.objects.create(
            cadre=cadre,
            host_name=f"〔挂职单位{node:02d}〕",
            host_kind="enterprise",
            post_at_host="副总经理",
            planned_start=datetime.date(2026, 3, 1),
            planned_end=datetime.date(2026, 12, 31),
            report_due_on=datetime.date(2027, 1, 31),
            status="active",
            created_by=self.worker,
        )
        self.add("secondment", secondment.pk, secondment.host_name, staff)
        self.add("own_secondment", secondment.pk, secondment.host_name, own)
        stay = GrassrootsStay.objects.create(
            cadre=cadre,
            employer_name=f"〔蹲点单位{node:02d}〕",
            starts_on=datetime.date(2026, 6, 1),
            ends_on=datetime.date(2026, 6, 30),
            report_due_on=datetime.date(2026, 7, 31),
            status="report_due",
            created_by=self.worker,
        )
        self.add("stay", stay.pk, stay.employer_name, staff)
        self.add("own_stay", stay.pk, stay.employer_name, own)
        force = TaskForce.objects.create(
            organiser=union,
            name=f"〔专班{node:02d}〕",
            purpose="新就业形态劳动者入会",
            lead=cadre,
            starts_on=datetime.date(2026, 3, 1),
            ends_on=datetime.date(2026, 11, 30),
            status="assessing",
            created_by=self.worker,
        )
        self.add("task_force", force.pk, force.name, staff)
        self.add("own_task_force", force.pk, force.name, own)
        round_ = AssessmentRound.objects.create(
            union=union, year=2026, self_report_due=datetime.date(2026, 12, 20), opened_by=self.worker
        )
        assessment = Assessment.objects.create(round=round_, cadre=cadre, year=2026, unit=union)
        self.add("assessment_round", round_.pk, "", staff)
        # The leader over the assessed unit confirms its grades (names, posts and grades only).
        self.add("round_to_confirm", round_.pk, "", lambda u: plan.reaches(u, node, CADRE_LEADERS))
        self.add("assessment", assessment.pk, cadre.name, staff)
        self.add("own_assessment", assessment.pk, cadre.name, own)
        record = CadreImport.objects.create(
            union=union, created_by=self.worker, original_name=f"〔干部名册{node:02d}〕.xlsx", rows_total=1
        )
        self.add("cadre_import", record.pk, record.original_name, staff)
        for user_index, user in enumerate(self.users):
            if node == 0:
                export = CadreExport.objects.create(
                    requested_by=user, kind="cadres", status=CadreExport.Status.DONE, finished_at=timezone.now()
                )
                export.file.save("export.xlsx", ContentFile(b"PK test"), save=True)
                self.add("cadre_export", export.pk, "", lambda u, i=user_index: u == i)

    def integrity(self, node: int, cadre: Cadre, number: int) -> None:
        """One integrity record of each kind for the cadre, with the first rule's oracle."""
        for record in integrity_tests.integrity_records(
            self.plan, node, self.nodes[node], cadre, self.users, self.worker, number
        ):
            if record.kind in self.things:
                self.add(record.kind, record.pk, record.label, record.visible_to)

    def hours_rule(self) -> None:
        plan = self.plan
        roots = [i for i, parent in enumerate(plan.parents) if parent is None]
        for rule in HoursRule.objects.all():
            self.add("hours_rule", rule.pk, "", lambda u: any((n, R.CADRE_OFFICER) in plan.roles[u] for n in roots))


def world() -> dict:
    """Every row of the portal's own apps: a request outside the scope must change none of them."""
    rows = {}
    for label in ("accounts", "unions", "members", "cadres", "reports", "integrity", "campaigns"):
        for model in apps.get_app_config(label).get_models():
            fields = [f.attname for f in model._meta.concrete_fields]
            rows[model._meta.label] = sorted(model.objects.values_list(*fields), key=repr)
    return rows


MISSING = 999_999_999


@override_settings(STAFF_MFA_REQUIRED=False)
class ObjectScopeProperty(TestCase):
    @settings(max_examples=10, deadline=None, suppress_health_check=[HealthCheck.too_slow])
    @given(plans(min_nodes=2))
    def test_no_object_url_answers_outside_the_users_scope(self, plan):
        # The join pages count requests per user in the cache: each example starts with none counted.
        cache.clear()
        with override_settings(MEDIA_ROOT=self.media):
            nodes, users = build_tree(plan)
            objects = Objects(plan, nodes, users)
            for user_index, user in enumerate(users):
                client = Client()
                client.force_login(user)
                for url in OTHER_URLS:
                    self.check_url(client, plan, objects, user_index, url)

    @classmethod
    def setUpClass(cls):
        import tempfile

        super().setUpClass()
        cls._media = tempfile.TemporaryDirectory()
        cls.media = cls._media.name

    @classmethod
    def tearDownClass(cls):
        cls._media.cleanup()
        super().tearDownClass()

    def check_url(self, client: Client, plan: Plan, objects: Objects, user_index: int, url: ObjectUrl) -> None:
        things = objects.things[url.kind]
        inside = [t for t in things if t.visible_to(user_index)]
        outside = [t for t in things if not t.known(user_index)]
        methods = ["get", "post"] if url.takes_post else ["get"]
        who = f"as user {user_index} with {plan.roles[user_index]}"
        for method in methods:
            unknown = self.request(client, url, MISSING, method)[0].status_code
            assert unknown in {403, 404, 405}, f"{method.upper()} {url.name} of a made-up id {who}: {unknown}"
            if url.name.startswith("integrity:"):
                # The integrity pages do not exist for whoever may not see the record: 404, never 403.
                assert unknown != 403, f"{method.upper()} {url.name} of a made-up id {who}: 403"
            if unknown == 405:
                continue  # the method is refused before anything is looked up
            for thing in outside[plan.seed % len(outside) :][:1] if outside else []:
                where = f"{method.upper()} {url.name} of {url.kind} {thing.label} {who}"
                response, changed = self.request(client, url, thing.pk, method, compare=True)
                # Told apart from a made-up id, the answer would say that the object exists.
                assert response.status_code == unknown, f"{where}: {response.status_code}, a made-up id {unknown}"
                if thing.label:
                    assert thing.label not in response.content.decode(errors="replace"), f"{where}: names it"
                assert not changed, f"{where}: changed {changed}"
            for thing in inside[plan.seed % len(inside) :][:1] if inside else []:
                where = f"{method.upper()} {url.name} of {url.kind} {thing.label} {who}"
                if url.name.startswith("integrity:") and not (method == "get" and url.route.endswith(">/")):
                    # Seeing a talk (its recorder) is not taking an officer's action on it: the first rule
                    # answers that with 404 too. The record's own pages must open (test_visibility_property).
                    continue
                response, _ = self.request(client, url, thing.pk, method)
                assert response.status_code != 404, f"{where}: hidden from a user whose scope covers it"

    def request(self, client: Client, url: ObjectUrl, pk: int, method: str, *, compare: bool = False):
        path = reverse(url.name, kwargs={url.argument: pk})
        before = world() if compare and method == "post" else None
        with transaction.atomic():
            if method == "get":
                response = client.get(path)
            else:
                response = client.post(path, {"reason": "测试", "status": "left", "on": "2026-01-01"})
            after = world() if before is not None else None
            transaction.set_rollback(True)
        if before is None:
            return response, []
        changed = [label for label in before if before[label] != after[label]]
        return response, changed


# Last, as that module imports this one's names: the integrity records' builder and oracle (imported
# here and not where it is called, which is inside a Hypothesis test, where its own @given may not run).
from ..campaigns import test_honours_visibility_property as honours_tests  # noqa: E402
from ..campaigns import test_visibility_property as campaigns_tests  # noqa: E402
from ..integrity import test_visibility_property as integrity_tests  # noqa: E402
