"""Transfers through members.services: both unions act, the member moves once, the history is kept.

Also a property test: any sequence of service calls, valid or refused, leaves at most one active
record per person, exactly one valid card per active member (none otherwise, always from the
member's own union) and at most one open transfer and one open application per person.
"""

import itertools

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Count, Q
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from accounts.models import AuditEvent, Notification
from members import kinds as members_kinds
from members import permissions, pii, services
from members.id_number import parse
from members.models import Application, Member, MemberCard, MemberEvent, Transfer
from unions.models import Role, Union

from ..factories import UserFactory, make_child, staff
from ..factories import id_number as new_id_number

K = Union.Kind
R = Role.Kind
S = Transfer.Status

_people = itertools.count(1)


def new_worker():
    return UserFactory(phone=f"137{next(_people):08d}")


def submit(worker, union: Union, number: str, name: str = "张三"):
    consent = services.consent_give(user=worker, ip=None)
    return services.application_submit(
        applicant=worker,
        union=union,
        consent=consent,
        number=parse(number),
        details={"name": name, "mobile": worker.phone},
    )


def join(union: Union, clerk, number: str | None = None, worker=None) -> Member:
    application = submit(worker or new_worker(), union, number or new_id_number())
    return services.application_approve(application=application, by=clerk)


def valid_card(member: Member) -> MemberCard:
    return MemberCard.objects.get(member=member, revoked_on__isnull=True)


@pytest.fixture
def worker():
    return new_worker()


@pytest.fixture
def member(tree, clerk1, worker):
    """An active member of g1 who joined online (so their account is linked)."""
    return join(tree["g1"], clerk1, worker=worker)


# --- the happy path ----------------------------------------------------------------------------


def test_request_release_accept_moves_the_member_with_a_new_card_and_history(tree, clerk1, clerk2, member, worker):
    old_card = valid_card(member)

    transfer = services.transfer_request(member=member, to_union=tree["g2"], by=clerk2)
    assert (transfer.status, transfer.from_union, transfer.to_union) == (S.REQUESTED, tree["g1"], tree["g2"])
    assert transfer.requested_by == clerk2

    transfer = services.transfer_release(transfer=transfer, by=clerk1)
    assert transfer.status == S.RELEASED
    assert (transfer.released_by, transfer.released_at is not None) == (clerk1, True)
    member.refresh_from_db()
    assert member.union == tree["g1"]  # released is not moved: the new union still has to accept

    services.transfer_accept(transfer=transfer, by=clerk2)

    member.refresh_from_db()
    transfer.refresh_from_db()
    assert member.union == tree["g2"] and member.status == Member.Status.ACTIVE
    assert (transfer.status, transfer.decided_by) == (S.ACCEPTED, clerk2)
    old_card.refresh_from_db()
    assert not old_card.is_valid
    new_card = valid_card(member)
    assert new_card.union == tree["g2"]
    assert new_card.number == f"{tree['g2'].pk:06d}-000001"
    moved = member.events.get(kind=MemberEvent.Kind.TRANSFERRED)
    assert (moved.from_union, moved.to_union, moved.by) == (tree["g1"], tree["g2"], clerk2)
    assert member.events.filter(kind=MemberEvent.Kind.CARD_REVOKED).count() == 1
    audited = set(AuditEvent.objects.filter(target_id=str(member.pk)).values_list("action", "actor"))
    assert {
        (members_kinds.TRANSFER_REQUESTED, clerk2.pk),
        (members_kinds.TRANSFER_RELEASED, clerk1.pk),
        (members_kinds.TRANSFER_ACCEPTED, clerk2.pk),
    } <= audited
    titles = list(
        Notification.objects.filter(recipient=worker, kind__startswith="transfer_").values_list("title", flat=True)
    )
    assert any(tree["g2"].name in title for title in titles)
    assert Member.objects.count() == 1


def test_the_member_may_ask_for_the_transfer_themself(tree, clerk1, clerk2, member, worker):
    transfer = services.transfer_request(member=member, to_union=tree["g2"], by=worker)
    services.transfer_release(transfer=transfer, by=clerk1)
    services.transfer_accept(transfer=transfer, by=clerk2)
    member.refresh_from_db()
    assert member.union == tree["g2"]


def test_a_transfer_from_an_application_completes_like_any_other(tree, clerk1, clerk2, member):
    number = member.reveal_id_number()
    transfer = submit(new_worker(), tree["g2"], number)
    services.transfer_release(transfer=transfer, by=clerk1)
    services.transfer_accept(transfer=transfer, by=clerk2)
    member.refresh_from_db()
    assert member.union == tree["g2"]
    assert Member.objects.count() == 1


def test_a_transfer_to_a_platform_federation_places_the_member_below_it(tree, clerk1, member):
    Union.objects.filter(pk=tree["s2"].pk).update(takes_platform_workers=True)
    tree["s2"].refresh_from_db()
    street_staff = staff(R.FEDERATION_STAFF, tree["s2"])
    transfer = services.transfer_request(member=member, to_union=tree["s2"], by=street_staff)
    services.transfer_release(transfer=transfer, by=clerk1)

    with pytest.raises(ValidationError, match="Choose the open grassroots or joint union"):
        services.transfer_accept(transfer=transfer, by=street_staff)
    with pytest.raises(ValidationError, match="Choose the open grassroots or joint union"):
        services.transfer_accept(transfer=transfer, by=street_staff, union=tree["g3"])  # not below s2

    services.transfer_accept(transfer=transfer, by=street_staff, union=tree["g2"])
    member.refresh_from_db()
    transfer.refresh_from_db()
    assert member.union == tree["g2"]
    assert transfer.to_union == tree["g2"]


# --- declining and cancelling ------------------------------------------------------------------


@pytest.mark.parametrize("side", ["current", "receiving"])
@pytest.mark.parametrize("released", [False, True])
def test_either_union_may_decline_with_a_reason(tree, clerk1, clerk2, member, worker, side, released):
    transfer = services.transfer_request(member=member, to_union=tree["g2"], by=clerk2)
    if released:
        transfer = services.transfer_release(transfer=transfer, by=clerk1)
    by = clerk1 if side == "current" else clerk2

    with pytest.raises(ValidationError, match="Give the reason"):
        services.transfer_decline(transfer=transfer, by=by, reason="  ")
    services.transfer_decline(transfer=transfer, by=by, reason="劳动关系未解除")

    transfer.refresh_from_db()
    assert (transfer.status, transfer.reason, transfer.decided_by) == (S.DECLINED, "劳动关系未解除", by)
    member.refresh_from_db()
    assert member.union == tree["g1"]
    assert valid_card(member).union == tree["g1"]
    assert AuditEvent.objects.filter(action=members_kinds.TRANSFER_DECLINED, actor=by).count() == 1
    assert Notification.objects.filter(recipient=worker, body="劳动关系未解除").exists()
    with pytest.raises(ValidationError, match="already been decided"):
        services.transfer_accept(transfer=transfer, by=clerk2)


def test_a_third_union_may_not_decline_release_or_accept(tree, clerk1, clerk2, clerk3, member):
    transfer = services.transfer_request(member=member, to_union=tree["g2"], by=clerk2)
    with pytest.raises(PermissionDenied):
        services.transfer_decline(transfer=transfer, by=clerk3, reason="无关")
    with pytest.raises(PermissionDenied):
        services.transfer_release(transfer=transfer, by=clerk3)
    services.transfer_release(transfer=transfer, by=clerk1)
    with pytest.raises(PermissionDenied):
        services.transfer_accept(transfer=transfer, by=clerk3)
    transfer.refresh_from_db()
    assert transfer.status == S.RELEASED


def test_the_requester_may_cancel_and_nobody_else(tree, clerk1, clerk2, member):
    transfer = services.transfer_request(member=member, to_union=tree["g2"], by=clerk2)
    with pytest.raises(PermissionDenied):
        services.transfer_cancel(transfer=transfer, by=clerk1)

    services.transfer_cancel(transfer=transfer, by=clerk2)
    transfer.refresh_from_db()
    assert (transfer.status, transfer.decided_by) == (S.CANCELLED, clerk2)
    with pytest.raises(ValidationError, match="already been decided"):
        services.transfer_release(transfer=transfer, by=clerk1)
    # A cancelled transfer no longer blocks a new one.
    assert services.transfer_request(member=member, to_union=tree["g2"], by=clerk2).status == S.REQUESTED


# --- refusals ------------------------------------------------------------------------------------


def test_a_second_open_transfer_is_refused(tree, clerk2, clerk3, member):
    services.transfer_request(member=member, to_union=tree["g2"], by=clerk2)
    with pytest.raises(ValidationError, match="already under way"):
        services.transfer_request(member=member, to_union=tree["g3"], by=clerk3)
    assert Transfer.objects.count() == 1


def test_accepting_before_the_release_is_refused(tree, clerk2, member):
    transfer = services.transfer_request(member=member, to_union=tree["g2"], by=clerk2)
    with pytest.raises(ValidationError, match="has not released"):
        services.transfer_accept(transfer=transfer, by=clerk2)
    member.refresh_from_db()
    assert member.union == tree["g1"]


def test_releasing_twice_and_releasing_from_the_receiving_side_are_refused(tree, clerk1, clerk2, member):
    transfer = services.transfer_request(member=member, to_union=tree["g2"], by=clerk2)
    with pytest.raises(PermissionDenied):
        services.transfer_release(transfer=transfer, by=clerk2)
    services.transfer_release(transfer=transfer, by=clerk1)
    with pytest.raises(ValidationError, match="already been released"):
        services.transfer_release(transfer=transfer, by=clerk1)


def test_accepting_twice_is_refused_and_issues_no_second_card(tree, clerk1, clerk2, member):
    transfer = services.transfer_request(member=member, to_union=tree["g2"], by=clerk2)
    services.transfer_release(transfer=transfer, by=clerk1)
    services.transfer_accept(transfer=transfer, by=clerk2)
    cards = MemberCard.objects.count()
    with pytest.raises(ValidationError, match="already been decided"):
        services.transfer_accept(transfer=transfer, by=clerk2)
    assert MemberCard.objects.count() == cards


def test_staff_may_request_only_into_their_own_scope(tree, clerk1, clerk3, member):
    with pytest.raises(PermissionDenied):
        services.transfer_request(member=member, to_union=tree["g2"], by=clerk3)
    assert not Transfer.objects.exists()


@pytest.mark.parametrize("where", ["own union", "closed", "district", "street without platform workers"])
def test_a_transfer_goes_only_to_another_open_union_that_takes_members(tree, member, where):
    admin = staff(R.CITY_ADMIN, tree["city"])
    target = {"own union": tree["g1"], "district": tree["d2"], "street without platform workers": tree["s2"]}.get(where)
    if where == "closed":
        target = make_child(tree["s2"], K.GRASSROOTS_UNION, "已撤销工会")
        Union.objects.filter(pk=target.pk).update(closed_on=timezone.localdate())
        target.refresh_from_db()
    with pytest.raises(ValidationError):
        services.transfer_request(member=member, to_union=target, by=admin)
    assert not Transfer.objects.exists()


def test_only_an_active_member_transfers(tree, clerk1, clerk2, member):
    services.member_end(member=member, by=clerk1, status=Member.Status.LEFT, on=timezone.localdate(), reason="离职")
    with pytest.raises(ValidationError, match="Only an active member"):
        services.transfer_request(member=member, to_union=tree["g2"], by=clerk2)


@pytest.mark.parametrize("released", [False, True])
def test_ending_a_membership_cancels_its_open_transfer(tree, clerk1, clerk2, member, released):
    transfer = services.transfer_request(member=member, to_union=tree["g2"], by=clerk2)
    if released:
        services.transfer_release(transfer=transfer, by=clerk1)

    services.member_end(member=member, by=clerk1, status=Member.Status.LEFT, on=timezone.localdate(), reason="离职")

    transfer.refresh_from_db()
    assert (transfer.status, transfer.decided_by) == (S.CANCELLED, clerk1)
    with pytest.raises(ValidationError, match="already been decided"):
        services.transfer_accept(transfer=transfer, by=clerk2)
    member.refresh_from_db()
    assert member.union == tree["g1"] and member.status == Member.Status.LEFT


# --- what the pages offer ------------------------------------------------------------------------


def test_transfer_actions_follow_the_rules_of_the_services(tree, clerk1, clerk2, clerk3, member):
    transfer = services.transfer_request(member=member, to_union=tree["g2"], by=clerk2)
    assert permissions.transfer_actions(clerk1, transfer) == {"release", "decline"}
    assert permissions.transfer_actions(clerk2, transfer) == {"decline", "cancel"}
    assert permissions.transfer_actions(clerk3, transfer) == set()
    transfer = services.transfer_release(transfer=transfer, by=clerk1)
    assert permissions.transfer_actions(clerk1, transfer) == {"decline"}
    assert permissions.transfer_actions(clerk2, transfer) == {"accept", "decline", "cancel"}
    services.transfer_accept(transfer=transfer, by=clerk2)
    transfer.refresh_from_db()
    assert permissions.transfer_actions(clerk2, transfer) == set()


# --- the invariants, under any sequence of calls ---------------------------------------------------

PEOPLE = 2
UNIONS = ["g1", "g2", "g3", "s1"]  # s1 takes platform workers in this test; g1 lies below it
OPERATIONS = [
    "apply",
    "approve",
    "reject",
    "correct",
    "withdraw",
    "request",
    "release",
    "accept",
    "decline",
    "cancel",
    "end",
]
# Mostly the one who may act, so that sequences get far; sometimes someone who may not.
ACTORS = ["proper", "proper", "proper", "admin", "other clerk", "worker"]

operations = st.lists(
    st.tuples(
        st.sampled_from(OPERATIONS),
        st.integers(0, PEOPLE - 1),
        st.sampled_from(UNIONS),
        st.sampled_from(ACTORS),
    ),
    min_size=4,
    max_size=20,
)


def check_invariants(numbers: list[str]) -> None:
    for number in numbers:
        digest = pii.id_hash(number)
        assert Member.objects.filter(id_hash=digest).count() <= 1
        assert Application.objects.filter(id_hash=digest, status__in=Application.OPEN_STATUSES).count() <= 1
    for member in Member.objects.select_related("union").annotate(
        valid=Count("cards", filter=Q(cards__revoked_on__isnull=True), distinct=True),
        open_transfers=Count("transfers", filter=Q(transfers__status__in=Transfer.OPEN_STATUSES), distinct=True),
    ):
        assert member.valid == (1 if member.is_active else 0), member.status
        assert member.open_transfers <= (1 if member.is_active else 0)
        assert member.union.holds_members and not member.union.is_closed
        if member.is_active:
            assert valid_card(member).union_id == member.union_id
    for transfer in Transfer.objects.filter(status__in=Transfer.OPEN_STATUSES).select_related("member"):
        assert transfer.member.union_id == transfer.from_union_id


class World:
    """The unions, their staff and the people of one example; who acts for each call."""

    def __init__(self, tree):
        Union.objects.filter(pk=tree["s1"].pk).update(takes_platform_workers=True)
        self.unions = {key: Union.objects.get(pk=tree[key].pk) for key in UNIONS}
        self.staff = {
            union.pk: staff(R.UNION_CLERK if union.holds_members else R.FEDERATION_STAFF, union)
            for union in self.unions.values()
        }
        self.admin = staff(R.CITY_ADMIN, tree["city"])
        self.numbers = [new_id_number() for _ in range(PEOPLE)]
        self.workers = [new_worker() for _ in range(PEOPLE)]
        # A head start, so that short sequences reach transfers and rejoining: person 0 is a member
        # of g1 whom g2 asked to transfer, person 1 has applied to the platform federation s1.
        g1, g2 = self.unions["g1"], self.unions["g2"]
        first = submit(self.workers[0], g1, self.numbers[0])
        member = services.application_approve(application=first, by=self.staff[g1.pk])
        services.transfer_request(member=member, to_union=g2, by=self.staff[g2.pk])
        submit(self.workers[1], self.unions["s1"], self.numbers[1])

    def actor(self, kind: str, person: int, proper_union_pk: int | None, fallback_pk: int):
        if kind == "admin":
            return self.admin
        if kind == "worker":
            return self.workers[person]
        pk = proper_union_pk or fallback_pk
        if kind == "other clerk":
            pk = next(other for other in self.staff if other != pk)
        return self.staff.get(pk, self.admin)

    def run(self, operation: str, person: int, key: str, actor_kind: str) -> None:
        union = self.unions[key]
        digest = pii.id_hash(self.numbers[person])
        application = Application.objects.filter(id_hash=digest).select_related("union").order_by("-id").first()
        member = Member.objects.filter(id_hash=digest).first()
        transfer = Transfer.objects.filter(member=member).order_by("-id").first() if member else None
        below = self.unions["g1"] if union.pk == self.unions["s1"].pk else None
        proper = {
            "approve": application and application.union_id,
            "reject": application and application.union_id,
            "correct": application and application.union_id,
            "release": transfer and transfer.from_union_id,
            "accept": transfer and transfer.to_union_id,
            "decline": transfer and transfer.to_union_id,
            "end": member and member.union_id,
        }.get(operation)
        by = self.actor(actor_kind, person, proper, union.pk)
        if operation == "cancel" and actor_kind == "proper" and transfer:
            by = transfer.requested_by
        if operation in {"approve", "accept"} and below is None:
            # The target of a platform federation's application or transfer: g1, below s1.
            target = application.union if operation == "approve" and application else transfer and transfer.to_union
            below = self.unions["g1"] if target and not target.holds_members else None
        if operation == "apply":
            submit(self.workers[person], union, self.numbers[person])
        elif operation == "approve" and application:
            services.application_approve(application=application, by=by, union=below)
        elif operation == "reject" and application:
            services.application_reject(application=application, by=by, reason="不符合")
        elif operation == "correct" and application:
            services.application_request_correction(application=application, by=by, reason="请更正")
        elif operation == "withdraw" and application:
            services.application_withdraw(application=application, by=self.workers[person])
        elif operation == "request" and member:
            services.transfer_request(member=member, to_union=union, by=by)
        elif operation == "release" and transfer:
            services.transfer_release(transfer=transfer, by=by)
        elif operation == "accept" and transfer:
            services.transfer_accept(transfer=transfer, by=by, union=below)
        elif operation == "decline" and transfer:
            services.transfer_decline(transfer=transfer, by=by, reason="不同意")
        elif operation == "cancel" and transfer:
            services.transfer_cancel(transfer=transfer, by=by)
        elif operation == "end" and member:
            services.member_end(member=member, by=by, status=Member.Status.LEFT, on=timezone.localdate(), reason="离职")


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow]
)
@given(plan=operations)
def test_any_sequence_of_service_calls_keeps_one_record_and_one_valid_card(tree, plan):
    # Each example runs in a savepoint that is rolled back: the next one starts from the same tree.
    with transaction.atomic():
        world = World(tree)
        for step in plan:
            try:
                with transaction.atomic():
                    world.run(*step)
            except (ValidationError, PermissionDenied):
                pass
            check_invariants(world.numbers)
        transaction.set_rollback(True)
