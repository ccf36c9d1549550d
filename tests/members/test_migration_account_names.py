"""Accounts made before sign-up asked for a name get the name of their approved membership."""

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

BEFORE = ("members", "0010_roster_error_file")
AFTER = ("members", "0011_account_names_from_members")


def _migrate(target):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate([target])
    return executor.loader.project_state([target]).apps


@pytest.fixture(autouse=True)
def _latest_schema_afterwards():
    # The tests after this one (in the same database) expect every migration applied.
    yield
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(executor.loader.graph.leaf_nodes())


@pytest.mark.django_db(transaction=True)
def test_members_accounts_without_a_name_get_the_member_s_name_and_others_are_left_alone():
    # given, before the migration: a member's account without a name, one with a name of its own,
    # and an account that is no member
    apps = _migrate(BEFORE)
    User = apps.get_model("accounts", "User")
    Union = apps.get_model("members", "Union")
    Member = apps.get_model("members", "Member")
    union = Union.objects.create(path="0001", depth=1, numchild=0, name="测试工会", kind="grassroots_union")
    unnamed = User.objects.create(username="user9", name="")
    named = User.objects.create(username="user10", name="小李")
    User.objects.create(username="user11", name="")  # no member
    for user, name, hash_ in [(unnamed, "王五", "a"), (named, "李四", "b")]:
        Member.objects.create(
            user=user,
            union=union,
            name=name,
            id_hash=hash_ * 64,
            id_encrypted="x",
            id_masked="x",
            sex="m",
            birth_date="1990-01-01",
            joined_on="2026-01-01",
            mobile="13800000000",
        )

    # when
    apps = _migrate(AFTER)

    # then
    names = dict(apps.get_model("accounts", "User").objects.values_list("username", "name"))
    assert names == {"user9": "王五", "user10": "小李", "user11": ""}
