"""``manage.py seed_demo``: the demo city, its demo accounts, and running it twice or in production."""

import io
from collections import Counter

import pytest
from allauth.account.models import EmailAddress
from django.contrib.auth.password_validation import validate_password
from django.core.management import call_command
from django.core.management.base import CommandError
from django.urls import reverse
from django.utils import timezone

from accounts.models import User
from members.id_number import parse
from members.management.commands._demo_members import MEMBER_ACCOUNT
from members.management.commands.seed_demo import ACCOUNTS, DEMO_PASSWORD, WORKER_PHONE, Planner
from members.models import Application, Member, MemberCard, Transfer
from unions.credit_code import validate_credit_code
from unions.models import Role, Union
from unions.roles import NODE_KINDS_FOR_ROLE

K = Union.Kind
pytestmark = pytest.mark.django_db

# Where each demo account's role sits: (role kind, kind of union node), None for the worker.
EXPECTED = {
    "demo-city-admin": (Role.Kind.CITY_ADMIN, K.CITY_FEDERATION),
    "demo-district-staff": (Role.Kind.FEDERATION_STAFF, K.DISTRICT_FEDERATION),
    "demo-street-staff": (Role.Kind.FEDERATION_STAFF, K.STREET_FEDERATION),
    "demo-clerk": (Role.Kind.UNION_CLERK, K.GRASSROOTS_UNION),
    "demo-cadre": (Role.Kind.CADRE_OFFICER, K.CITY_FEDERATION),
    "demo-discipline": (Role.Kind.DISCIPLINE_OFFICER, K.CITY_FEDERATION),
    "demo-leader": (Role.Kind.LEADER, K.DISTRICT_FEDERATION),
    "demo-auditor": (Role.Kind.AUDITOR, K.CITY_FEDERATION),
    "demo-worker": None,
    "demo-member": None,
}
# Tests keep the demo small: a few members per union exercise the same code as three hundred.
CAP = ("--member-cap", "3")


@pytest.fixture
def seed(settings):
    """Run the command as `make run` does: with DEBUG on (pytest-django turns it off)."""
    settings.DEBUG = True

    def _seed(*args) -> str:
        out = io.StringIO()
        call_command("seed_demo", *args, *CAP, stdout=out)
        return out.getvalue()

    return _seed


def _snapshot():
    unions = list(Union.objects.order_by("path").values_list("path", "kind", "name", "credit_code", "numchild"))
    users = list(User.objects.order_by("username").values_list("username", "name", "email", "phone", "password"))
    roles = sorted(Role.objects.values_list("user__username", "kind", "union__name"))
    emails = sorted(EmailAddress.objects.values_list("email", "verified", "primary"))
    return unions, users, roles, emails


def test_builds_a_city_of_the_promised_shape(seed):
    seed()

    kinds = Counter(Union.objects.values_list("kind", flat=True))
    assert kinds[K.CITY_FEDERATION] == 1
    assert kinds[K.DISTRICT_FEDERATION] == 6
    assert kinds[K.INDUSTRY_UNION] == 2
    assert kinds[K.STREET_FEDERATION] == 30
    assert kinds[K.GRASSROOTS_UNION] + kinds[K.JOINT_UNION] == 300
    assert 20 <= kinds[K.JOINT_UNION] <= 45  # about one in ten
    city = Union.objects.get(depth=1)
    assert city.name == "示范市总工会"
    # every street federation sits under a district and holds some unions
    for street in Union.objects.filter(kind=K.STREET_FEDERATION):
        assert Union.objects.get_parent(street).kind == K.DISTRICT_FEDERATION
        assert street.numchild > 0


def test_every_child_is_of_a_kind_its_parent_may_hold(seed):
    seed()

    by_path = {u.path: u for u in Union.objects.all()}
    for node in by_path.values():
        if node.depth == 1:
            continue
        parent = by_path[node.path[: -Union.steplen]]
        assert node.kind in Union.CHILD_KINDS[parent.kind], (parent.name, node.name)
        assert parent.numchild == sum(1 for p in by_path if p[: -Union.steplen] == parent.path)
    assert len({(node.path[: -Union.steplen], node.name) for node in by_path.values()}) == len(by_path)


def test_employers_have_valid_unique_credit_codes_and_realistic_facts(seed):
    seed()

    unions = list(Union.objects.filter(kind__in=[K.GRASSROOTS_UNION, K.JOINT_UNION]))
    codes = [u.credit_code for u in unions]
    for code in codes:
        validate_credit_code(code)
    assert len(set(codes)) == len(codes) == 300
    assert all(
        c == "" for c in Union.objects.exclude(pk__in=[u.pk for u in unions]).values_list("credit_code", flat=True)
    )

    staff = [u.employer_staff_count for u in unions]
    assert sum(10 <= n <= 300 for n in staff) >= 0.75 * len(staff)  # mostly small
    assert 3 <= sum(n >= 1000 for n in staff) <= 30  # a few big ones
    assert all(u.employer_ownership in Union.Ownership.values for u in unions)
    assert len({u.employer_ownership for u in unions}) >= 6
    assert all(u.chair_name and u.founded_on and u.address for u in unions)
    assert all(u.employer_name for u in unions if u.kind == K.GRASSROOTS_UNION)
    assert sum(u.has_women_committee for u in unions) >= 0.7 * len(unions)
    for u in unions:
        u.full_clean()  # every field passes the model's own validation


def test_the_plan_is_the_same_every_time():
    def strip(node):
        return node["fields"], [strip(c) for c in node["children"]]

    assert strip(Planner().city()) == strip(Planner().city())


def test_running_twice_changes_nothing(seed):
    first_out = seed()
    before = _snapshot()

    second_out = seed()

    assert _snapshot() == before
    assert "339 unions created" in first_out
    assert "0 unions created" in second_out and "0 accounts created" in second_out


def test_each_demo_account_has_its_role_where_it_should(seed, client):
    out = seed()

    assert {username for username, *_ in ACCOUNTS} == set(EXPECTED)
    for username, expected in EXPECTED.items():
        user = User.objects.get(username=username)
        assert user.name
        assert user.check_password(DEMO_PASSWORD)
        validate_password(DEMO_PASSWORD, user)  # the published password meets the portal's own rules
        assert EmailAddress.objects.filter(
            user=user, email=f"{username}@demo.union.local", verified=True, primary=True
        ).exists()
        assert username in out
        roles = list(user.roles.select_related("union"))
        if expected is None:
            assert roles == []
            assert user.phone == (WORKER_PHONE if username == "demo-worker" else MEMBER_ACCOUNT[2])
            continue
        [role] = roles
        assert (role.kind, role.union.kind) == expected
        assert role.union.kind in NODE_KINDS_FOR_ROLE.get(role.kind, {role.union.kind})
    assert DEMO_PASSWORD in out

    # the street is in the district, the clerk's union in the street: one chain to click down
    district = Role.objects.get(user__username="demo-district-staff").union
    street = Role.objects.get(user__username="demo-street-staff").union
    union = Role.objects.get(user__username="demo-clerk").union
    assert Union.objects.get_parent(street) == district and Union.objects.get_parent(union) == street

    # e-mail sign-in works through allauth's real login page
    response = client.post(
        reverse("account_login"), {"login": "demo-worker@demo.union.local", "password": DEMO_PASSWORD}
    )
    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(User.objects.get(username="demo-worker").pk)


def test_a_second_run_keeps_a_changed_password(seed):
    seed()
    clerk = User.objects.get(username="demo-clerk")
    clerk.set_password("Changed-by-a-real-clerk-1")
    clerk.save()

    seed()

    clerk.refresh_from_db()
    assert clerk.check_password("Changed-by-a-real-clerk-1")
    assert not clerk.check_password(DEMO_PASSWORD)


def test_a_renamed_employer_is_not_added_again(seed):
    seed()
    union = Union.objects.filter(kind=K.GRASSROOTS_UNION).order_by("path").last()
    union.name = union.name + "（已更名）"
    union.save()

    seed()

    assert Union.objects.count() == 339


def test_refuses_with_debug_off_unless_forced(settings):
    settings.DEBUG = False

    with pytest.raises(CommandError, match="--force"):
        call_command("seed_demo", *CAP, stdout=io.StringIO())

    assert not Union.objects.exists()
    assert not User.objects.exists()

    call_command("seed_demo", "--force", *CAP, stdout=io.StringIO())
    assert Union.objects.count() == 339
    assert User.objects.filter(username__in=EXPECTED).count() == len(EXPECTED)


def test_members_applications_and_transfers_are_demo_ready(seed):
    seed()

    # every grassroots and joint union has members, each with one valid card and a valid, unique ID
    holding = Union.objects.filter(kind__in=[K.GRASSROOTS_UNION, K.JOINT_UNION])
    assert not holding.exclude(members__isnull=False).exists()
    members = list(Member.objects.all())
    assert len({m.id_hash for m in members}) == len(members)
    for member in members[:50]:
        assert parse(member.reveal_id_number()).masked == member.id_masked
    assert MemberCard.objects.filter(revoked_on__isnull=True).count() == len(members)

    # pending applications wait at the clerk's union, at other unions, and at platform federations
    clerk_union = Role.objects.get(user__username="demo-clerk").union
    pending = Application.objects.filter(status=Application.Status.SUBMITTED)
    assert pending.filter(union=clerk_union).count() >= 3
    assert pending.filter(union__takes_platform_workers=True, union__kind=K.STREET_FEDERATION).exists()
    assert pending.filter(union__kind=K.JOINT_UNION).exists() or pending.filter(union__kind=K.GRASSROOTS_UNION).exists()

    # open transfers in both states, and the demo member can show a card
    assert set(Transfer.objects.values_list("status", flat=True)) == {"requested", "released"}
    member = Member.objects.get(user__username="demo-member")
    assert member.union == clerk_union and member.cards.filter(revoked_on__isnull=True).exists()

    # a second run adds no members
    seed()
    assert Member.objects.count() == len(members)


def test_the_demo_dashboard_has_counted_members_and_targets(seed):
    from reports import dashboard

    seed()
    city = Union.objects.get(depth=1)
    figures = dashboard.compute(city, year=timezone.localdate().year, today=timezone.localdate())

    assert figures["members"]["total"] == Member.objects.filter(status=Member.Status.ACTIVE).count() > 0
    assert all(group["target"] and group["target"] >= group["joined"] for group in figures["enrolment"])
    assert all(child["target"] for child in figures["children"] if not child["closed"])
