"""Every change to the union tree goes through members.services: the rules, the audit, nothing partial."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import translation

from accounts.models import AuditEvent
from unions import kinds as unions_kinds
from unions import services
from unions.models import Role, Union

from ..factories import credit_code, make_child, make_city, staff

K = Union.Kind
R = Role.Kind
TODAY = datetime.date(2026, 3, 1)


def snapshot():
    """Everything about the tree that a refused change must leave alone."""
    return sorted(
        Union.objects.values_list(
            "pk", "path", "depth", "numchild", "kind", "name", "credit_code", "closed_on", "close_reason"
        )
    )


def close_now(union: Union) -> None:
    Union.objects.filter(pk=union.pk).update(closed_on=TODAY, close_reason="合并")
    union.refresh_from_db()


@pytest.fixture(autouse=True)
def _messages_in_english():
    # The messages are checked in the source language; the Chinese catalogue is tested by the pages.
    with translation.override("en"):
        yield


@pytest.fixture
def joint(tree):
    return make_child(tree["d1"], K.JOINT_UNION, "东城区小微企业联合工会")


# --- union_create ------------------------------------------------------------------------------

PARENT_NODES = ["city", "d1", "ind", "s1", "g1", "joint"]


@pytest.mark.parametrize("parent_key", PARENT_NODES)
@pytest.mark.parametrize("child_kind", [k for k in K.values if k != K.CITY_FEDERATION])
def test_union_create_follows_child_kinds(tree, admin, joint, parent_key, child_kind):
    parent = joint if parent_key == "joint" else tree[parent_key]
    allowed = child_kind in Union.CHILD_KINDS[parent.kind]
    before = snapshot()

    if allowed:
        union = services.union_create(parent=parent, by=admin, kind=child_kind, name="新工会")
        union.refresh_from_db()
        assert Union.objects.get_parent(union).pk == parent.pk
        assert union.kind == child_kind
        assert Union.objects.get(pk=parent.pk).numchild == parent.numchild + 1
    else:
        with pytest.raises(ValidationError):
            services.union_create(parent=parent, by=admin, kind=child_kind, name="新工会")
        assert snapshot() == before


def test_city_federation_can_never_be_created_under_anything(tree, admin):
    with pytest.raises(ValidationError):
        services.union_create(parent=tree["city"], by=admin, kind=K.CITY_FEDERATION, name="第二个市总")


@pytest.mark.parametrize("kind", ["", None, "no_such_kind"])
def test_union_create_with_an_unknown_kind_is_a_validation_error(tree, admin, kind):
    before = snapshot()
    fields = {"name": "新工会"} if kind is None else {"kind": kind, "name": "新工会"}
    with pytest.raises(ValidationError):
        services.union_create(parent=tree["d1"], by=admin, **fields)
    assert snapshot() == before


def test_union_create_refuses_a_closed_parent(tree, admin):
    close_now(tree["g1"])
    close_now(tree["s1"])
    before = snapshot()
    with pytest.raises(ValidationError) as info:
        services.union_create(parent=tree["s1"], by=admin, kind=K.GRASSROOTS_UNION, name="新工会")
    assert tree["s1"].name in info.value.messages[0]
    assert snapshot() == before


def test_union_create_writes_an_audit_row(tree, admin):
    union = services.union_create(parent=tree["s1"], by=admin, kind=K.GRASSROOTS_UNION, name="东华门食品厂工会")
    event = AuditEvent.objects.get(action=unions_kinds.UNION_CREATED)
    assert event.actor == admin
    assert event.union_id == union.pk
    assert event.detail == {"parent": tree["s1"].pk}


def test_union_create_ignores_tree_and_state_fields(tree, admin):
    union = services.union_create(
        parent=tree["s1"],
        by=admin,
        kind=K.GRASSROOTS_UNION,
        name="新工会",
        path="0009",
        depth=1,
        numchild=7,
        closed_on=TODAY,
        close_reason="x",
    )
    union.refresh_from_db()
    assert union.path.startswith(tree["s1"].path)
    assert union.depth == tree["s1"].depth + 1
    assert union.numchild == 0
    assert union.closed_on is None
    assert union.close_reason == ""


def test_union_create_normalises_and_checks_the_credit_code(tree, admin):
    code = credit_code()
    spaced = " ".join([code[:6], code[6:12], code[12:].lower()])
    union = services.union_create(
        parent=tree["s1"], by=admin, kind=K.GRASSROOTS_UNION, name="新工会", credit_code=spaced
    )
    assert Union.objects.get(pk=union.pk).credit_code == code

    before = snapshot()
    broken = code[:17] + ("0" if code[17] != "0" else "1")
    with pytest.raises(ValidationError):
        services.union_create(parent=tree["s1"], by=admin, kind=K.GRASSROOTS_UNION, name="另一个", credit_code=broken)
    assert snapshot() == before


@pytest.mark.parametrize(
    ("role_kind", "role_at", "parent_key"),
    [
        (R.UNION_CLERK, "g1", "g1"),  # a clerk manages no unions
        (R.FEDERATION_STAFF, "d1", "d2"),  # staff of one district, the other district
        (R.FEDERATION_STAFF, "s1", "d1"),  # street staff, above their street
        (R.LEADER, "city", "d1"),  # leaders read, they do not write
        (R.DISCIPLINE_OFFICER, "city", "d1"),
        (R.AUDITOR, "city", "d1"),
    ],
)
def test_union_create_refuses_users_who_do_not_manage_the_parent(tree, role_kind, role_at, parent_key):
    user = staff(role_kind, tree[role_at])
    parent = tree[parent_key]
    kind = next(iter(Union.CHILD_KINDS[parent.kind]), K.GRASSROOTS_UNION)
    before = snapshot()
    with pytest.raises(PermissionDenied):
        services.union_create(parent=parent, by=user, kind=kind, name="新工会")
    assert snapshot() == before


def test_federation_staff_create_inside_their_own_subtree(tree):
    user = staff(R.FEDERATION_STAFF, tree["d1"])
    union = services.union_create(parent=tree["s1"], by=user, kind=K.GRASSROOTS_UNION, name="新工会")
    assert union.path.startswith(tree["d1"].path)


# --- union_move --------------------------------------------------------------------------------


def test_city_admin_moves_a_union_with_its_whole_subtree(tree, admin):
    # given: s1 (with g1 below it) in district 1
    s1, g1, d1, d2 = tree["s1"], tree["g1"], tree["d1"], tree["d2"]
    old_s1_path, old_g1_path = s1.path, g1.path

    # when
    services.union_move(union=s1, new_parent=d2, by=admin)

    # then: s1 is a child of d2, g1 still a child of s1, both paths changed
    s1.refresh_from_db()
    g1.refresh_from_db()
    assert Union.objects.get_parent(s1).pk == d2.pk
    assert Union.objects.get_parent(g1).pk == s1.pk
    assert s1.path != old_s1_path and g1.path != old_g1_path
    assert g1.path.startswith(s1.path) and g1.path.startswith(d2.path)
    assert (s1.depth, g1.depth) == (3, 4)
    assert Union.objects.get(pk=d1.pk).numchild == 0
    assert Union.objects.get(pk=d2.pk).numchild == 2
    assert not Union.objects.filter(path__startswith=d1.path, depth__gt=d1.depth).exists()
    assert set(Union.objects.filter(path__startswith=d2.path).values_list("pk", flat=True)) == {
        d2.pk,
        tree["s2"].pk,
        tree["g2"].pk,
        s1.pk,
        g1.pk,
    }


def test_union_move_writes_an_audit_row(tree, admin):
    services.union_move(union=tree["g1"], new_parent=tree["ind"], by=admin)
    event = AuditEvent.objects.get(action=unions_kinds.UNION_MOVED)
    assert event.actor == admin
    assert event.union_id == tree["g1"].pk
    assert event.detail == {"from": tree["s1"].pk, "to": tree["ind"].pk}


@pytest.mark.parametrize(
    ("role_kind", "role_at"),
    [
        (R.FEDERATION_STAFF, "city"),
        (R.FEDERATION_STAFF, "d1"),
        (R.UNION_CLERK, "g1"),
        (R.LEADER, "city"),
        (R.AUDITOR, "city"),
    ],
)
def test_only_a_city_admin_may_move_a_union(tree, role_kind, role_at):
    user = staff(role_kind, tree[role_at])
    before = snapshot()
    with pytest.raises(PermissionDenied):
        services.union_move(union=tree["g1"], new_parent=tree["s2"] if role_at != "d1" else tree["s1"], by=user)
    assert snapshot() == before
    assert not AuditEvent.objects.filter(action=unions_kinds.UNION_MOVED).exists()


def test_the_city_federation_itself_cannot_be_moved(tree, admin):
    with pytest.raises(PermissionDenied):
        services.union_move(union=tree["city"], new_parent=tree["d1"], by=admin)


@pytest.mark.parametrize(("node", "target"), [("d1", "s1"), ("d1", "g1"), ("s1", "g1"), ("d1", "d1")])
def test_a_union_cannot_be_moved_under_itself_or_its_own_descendant(tree, admin, node, target):
    before = snapshot()
    with pytest.raises(ValidationError) as info:
        services.union_move(union=tree[node], new_parent=tree[target], by=admin)
    assert "cannot be moved under itself" in info.value.messages[0]
    assert snapshot() == before


def test_a_union_cannot_be_moved_under_a_closed_union(tree, admin):
    s3 = make_child(tree["d2"], K.STREET_FEDERATION, "已撤销街道总工会")
    close_now(s3)
    before = snapshot()
    with pytest.raises(ValidationError) as info:
        services.union_move(union=tree["g1"], new_parent=s3, by=admin)
    assert "closed" in info.value.messages[0]
    assert snapshot() == before


@pytest.mark.parametrize(("node", "target"), [("g1", "g3"), ("d1", "d2"), ("s1", "ind"), ("s1", "s2"), ("d1", "ind")])
def test_a_union_cannot_be_moved_under_a_kind_that_cannot_hold_it(tree, admin, node, target):
    before = snapshot()
    with pytest.raises(ValidationError) as info:
        services.union_move(union=tree[node], new_parent=tree[target], by=admin)
    assert "cannot be placed under" in info.value.messages[0]
    assert snapshot() == before


def test_moving_under_the_same_parent_is_refused(tree, admin):
    before = snapshot()
    with pytest.raises(ValidationError):
        services.union_move(union=tree["g1"], new_parent=tree["s1"], by=admin)
    assert snapshot() == before


def test_city_admin_cannot_move_a_union_into_a_tree_they_only_hold_a_lesser_role_in(tree, admin):
    # given: a second city whose federation staff role the same person also holds
    other_city = make_city("另一市总工会")
    other_district = make_child(other_city, K.DISTRICT_FEDERATION, "另一市某区总工会")
    Role.objects.create(user=admin, union=other_city, kind=R.FEDERATION_STAFF)
    before = snapshot()
    # when / then: moving is a city administrator's act at both ends
    with pytest.raises(PermissionDenied):
        services.union_move(union=tree["s1"], new_parent=other_district, by=admin)
    assert snapshot() == before


# --- union_close -------------------------------------------------------------------------------


def test_union_close_refuses_while_subordinate_unions_are_open(tree, admin):
    before = snapshot()
    with pytest.raises(ValidationError) as info:
        services.union_close(union=tree["s1"], on=TODAY, reason="撤并", by=admin)
    assert "1" in info.value.messages[0]
    assert snapshot() == before


def test_union_close_is_allowed_once_all_subordinate_unions_are_closed(tree, admin):
    close_now(tree["g1"])
    services.union_close(union=tree["s1"], on=TODAY, reason="撤并", by=admin)
    assert Union.objects.get(pk=tree["s1"].pk).closed_on == TODAY


@pytest.mark.parametrize("reason", ["", "   ", "\n"])
def test_union_close_refuses_an_empty_reason(tree, admin, reason):
    before = snapshot()
    with pytest.raises(ValidationError):
        services.union_close(union=tree["g1"], on=TODAY, reason=reason, by=admin)
    assert snapshot() == before
    assert not AuditEvent.objects.filter(action=unions_kinds.UNION_CLOSED).exists()


def test_union_close_writes_the_date_the_reason_and_an_audit_row(tree, admin):
    union = services.union_close(union=tree["g1"], on=TODAY, reason="  企业注销  ", by=admin)
    stored = Union.objects.get(pk=union.pk)
    assert stored.closed_on == TODAY
    assert stored.close_reason == "企业注销"
    assert stored.is_closed
    event = AuditEvent.objects.get(action=unions_kinds.UNION_CLOSED)
    assert event.actor == admin
    assert event.union_id == union.pk
    assert event.detail == {"on": "2026-03-01"}


def test_a_closed_union_cannot_be_closed_again(tree, admin):
    services.union_close(union=tree["g1"], on=TODAY, reason="企业注销", by=admin)
    before = snapshot()
    with pytest.raises(ValidationError):
        services.union_close(union=tree["g1"], on=datetime.date(2026, 3, 2), reason="再次", by=admin)
    assert snapshot() == before


@pytest.mark.parametrize(
    ("role_kind", "role_at", "node"),
    [
        (R.UNION_CLERK, "g1", "g1"),  # clerks do not close their own union
        (R.FEDERATION_STAFF, "g1", "g1"),  # nobody closes the node they stand on
        (R.FEDERATION_STAFF, "d2", "g1"),  # the other district
        (R.CITY_ADMIN, "city", "city"),  # the root is never closed
    ],
)
def test_union_close_refuses_users_not_strictly_above(tree, role_kind, role_at, node):
    user = staff(role_kind, tree[role_at])
    before = snapshot()
    with pytest.raises(PermissionDenied):
        services.union_close(union=tree[node], on=TODAY, reason="撤并", by=user)
    assert snapshot() == before


def test_district_staff_close_a_grassroots_union_in_their_district(tree):
    user = staff(R.FEDERATION_STAFF, tree["d1"])
    services.union_close(union=tree["g1"], on=TODAY, reason="企业注销", by=user)
    assert Union.objects.get(pk=tree["g1"].pk).is_closed


# --- union_update ------------------------------------------------------------------------------


def test_union_update_changes_only_editable_fields(tree, admin):
    g1 = tree["g1"]
    before = Union.objects.filter(pk=g1.pk).values().get()
    code = credit_code()
    services.union_update(
        union=g1,
        by=admin,
        name="东城机械厂有限公司工会",
        credit_code=code,
        chair_name="李明",
        employer_staff_count=320,
        has_women_committee=True,
        # none of these may change through an edit:
        kind=K.DISTRICT_FEDERATION,
        path="0001",
        depth=1,
        numchild=5,
        closed_on=TODAY,
        close_reason="x",
        created_at=before["created_at"] - datetime.timedelta(days=999),
        id=9999,
    )
    after = Union.objects.filter(pk=g1.pk).values().get()
    changed = {f for f in before if before[f] != after[f]}
    assert changed == {"name", "credit_code", "chair_name", "employer_staff_count", "has_women_committee", "updated_at"}
    assert set(changed) - {"updated_at"} <= set(services.EDITABLE_FIELDS)


def test_union_update_audits_the_names_of_changed_fields(tree, admin):
    services.union_update(union=tree["g1"], by=admin, name="新名称", chair_name="王芳", address=tree["g1"].address)
    event = AuditEvent.objects.get(action=unions_kinds.UNION_UPDATED)
    assert event.detail == {"changed": ["chair_name", "name"]}


def test_union_update_without_changes_writes_nothing(tree, admin):
    services.union_update(union=tree["g1"], by=admin, name=tree["g1"].name)
    assert not AuditEvent.objects.filter(action=unions_kinds.UNION_UPDATED).exists()


def test_clerk_can_update_own_union(tree):
    clerk = staff(R.UNION_CLERK, tree["g1"])
    services.union_update(union=tree["g1"], by=clerk, chair_name="赵强")
    assert Union.objects.get(pk=tree["g1"].pk).chair_name == "赵强"


@pytest.mark.parametrize(
    ("role_kind", "role_at", "node"),
    [
        (R.UNION_CLERK, "g1", "g2"),
        (R.UNION_CLERK, "g1", "s1"),
        (R.FEDERATION_STAFF, "d1", "g2"),
        (R.LEADER, "city", "g1"),
    ],
)
def test_union_update_refuses_users_who_may_not_edit(tree, role_kind, role_at, node):
    user = staff(role_kind, tree[role_at])
    before = snapshot()
    with pytest.raises(PermissionDenied):
        services.union_update(union=tree[node], by=user, name="被篡改")
    assert snapshot() == before


def test_union_update_refuses_an_invalid_credit_code(tree, admin):
    before = snapshot()
    with pytest.raises(ValidationError):
        services.union_update(union=tree["g1"], by=admin, credit_code="91350100M000100Y44", name="改名")
    assert snapshot() == before
