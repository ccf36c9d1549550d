"""The audit trail: a row for each security event, with who, when, from where; rows never change."""

import datetime
import json

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.db import DatabaseError, connection, transaction
from django.forms.models import model_to_dict
from django.urls import reverse
from django.utils import timezone

from accounts import audit, services
from accounts import kinds as accounts_kinds
from accounts.models import AuditEvent
from tests.factories import UserFactory, make_child, make_city, staff
from unions import kinds as unions_kinds
from unions import services as union_services
from unions.models import Role, Union

K = Role.Kind
IP = "203.0.113.7"
WRONG = "Wr0ng-guess-#42"


def row_text(row: AuditEvent) -> str:
    """Everything stored in a row, as one string."""
    return json.dumps(model_to_dict(row), default=str, ensure_ascii=False)


@pytest.fixture
def city_admin(tree):
    return staff(K.CITY_ADMIN, tree["city"], username="cityadmin", email="boss@example.org", phone="13812345678")


# --- one row per event -----------------------------------------------------------------------


def test_sign_in_through_the_login_page_leaves_a_row_with_actor_ip_and_time(client, sign_in, tree):
    clerk = staff(K.UNION_CLERK, tree["g1"], username="clerk1")
    before = timezone.now()

    response = sign_in(client, "clerk1", ip=IP)

    assert response.status_code == 302
    row = AuditEvent.objects.get(action=accounts_kinds.LOGIN)
    assert (row.actor, row.actor_label, row.result, row.ip) == (clerk, f"{clerk.name} (clerk1)", "success", IP)
    assert before <= row.created_at <= timezone.now()


@pytest.mark.parametrize("typed", ["cityadmin", "BOSS@example.org", "13812345678", "138 1234 5678"])
def test_failed_sign_in_row_is_a_failure_linked_to_the_account_with_the_login_masked_and_no_password(
    client, sign_in, city_admin, typed
):
    response = sign_in(client, typed, password=WRONG, ip=IP)

    assert response.status_code == 200
    row = AuditEvent.objects.get(action=accounts_kinds.LOGIN_FAILED)
    assert (row.result, row.actor, row.ip) == (AuditEvent.Result.FAILURE, city_admin, IP)
    assert row.detail["login"] == audit.mask_identifier(typed)
    assert row.detail["login"].startswith(typed[:3]) and "*" in row.detail["login"]
    text = row_text(row)
    assert WRONG not in text
    assert typed not in json.dumps(row.detail, ensure_ascii=False)
    assert not AuditEvent.objects.filter(action=accounts_kinds.LOGIN).exists()


def test_failed_sign_in_for_an_unknown_login_has_no_actor_and_no_password(client, sign_in, db):
    sign_in(client, "ghost-user", password=WRONG, ip=IP)

    row = AuditEvent.objects.get(action=accounts_kinds.LOGIN_FAILED)
    assert (row.actor, row.actor_label, row.result, row.ip) == (None, "", AuditEvent.Result.FAILURE, IP)
    assert row.detail == {"login": "gho*******", "reason": "bad_credentials"}
    assert WRONG not in row_text(row)
    assert "ghost-user" not in row_text(row)


def test_sign_out_leaves_a_row(client, sign_in, tree):
    clerk = staff(K.UNION_CLERK, tree["g1"], username="clerk1")
    sign_in(client, "clerk1")

    response = client.post(reverse("account_logout"), REMOTE_ADDR=IP)

    assert response.status_code == 302
    row = AuditEvent.objects.get(action=accounts_kinds.LOGOUT)
    assert (row.actor, row.ip) == (clerk, IP)


def test_adding_and_removing_an_authenticator_app_leaves_rows(
    client, sign_in, activate_totp, tree, django_capture_on_commit_callbacks
):
    clerk = staff(K.UNION_CLERK, tree["g1"], username="clerk1")
    sign_in(client, "clerk1")

    activate_totp(client, ip=IP)

    added = AuditEvent.objects.filter(action=accounts_kinds.MFA_ADDED)
    assert {row.detail["type"] for row in added} >= {"totp"}
    assert all((row.actor, row.ip) == (clerk, IP) for row in added)

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("mfa_deactivate_totp"), REMOTE_ADDR=IP)

    assert response.status_code == 302
    removed = AuditEvent.objects.filter(action=accounts_kinds.MFA_REMOVED)
    assert "totp" in {row.detail["type"] for row in removed}
    assert all((row.actor, row.ip) == (clerk, IP) for row in removed)


def test_granting_and_revoking_a_role_through_the_pages_leaves_rows_with_the_client_ip(client, tree, city_admin):
    person = UserFactory()
    client.force_login(city_admin)

    client.post(
        reverse("unions:role_grant", args=[tree["g1"].pk]),
        {"kind": K.UNION_CLERK, "username": person.username},
        REMOTE_ADDR=IP,
    )
    role = Role.objects.get(user=person)
    client.post(reverse("unions:role_revoke", args=[role.pk]), REMOTE_ADDR=IP)

    granted = AuditEvent.objects.get(action=unions_kinds.ROLE_GRANTED)
    revoked = AuditEvent.objects.get(action=unions_kinds.ROLE_REVOKED)
    for row in (granted, revoked):
        assert (row.actor, row.ip, row.union_id, row.union_path, row.target_id) == (
            city_admin,
            IP,
            tree["g1"].pk,
            tree["g1"].path,
            str(person.pk),
        )
        assert row.detail["kind"] == K.UNION_CLERK


def test_moving_and_closing_a_union_leave_rows(tree, city_admin):
    g1 = tree["g1"]

    union_services.union_move(union=g1, new_parent=tree["s2"], by=city_admin)
    union_services.union_close(
        union=Union.objects.get(pk=g1.pk), on=datetime.date(2026, 1, 31), reason="企业注销", by=city_admin
    )

    moved = AuditEvent.objects.get(action=unions_kinds.UNION_MOVED)
    assert (moved.actor, moved.union_id, moved.detail) == (
        city_admin,
        g1.pk,
        {"from": tree["s1"].pk, "to": tree["s2"].pk},
    )
    closed = AuditEvent.objects.get(action=unions_kinds.UNION_CLOSED)
    assert (closed.actor, closed.union_id, closed.detail) == (city_admin, g1.pk, {"on": "2026-01-31"})


def test_making_a_staff_account_leaves_a_row(tree, city_admin):
    new = services.staff_user_create(
        username="newclerk", name="新文员", email="n@example.org", phone=None, by=city_admin
    )

    row = AuditEvent.objects.get(action=accounts_kinds.USER_CREATED)
    assert (row.actor, row.target_type, row.target_id, row.target_label) == (
        city_admin,
        "accounts.user",
        str(new.pk),
        "新文员",
    )


# --- append-only -----------------------------------------------------------------------------


@pytest.fixture
def row(db):
    return audit.record(accounts_kinds.LOGIN_FAILED, result=AuditEvent.Result.FAILURE, detail={"login": "abc***"})


def test_saving_an_existing_row_again_is_refused(row):
    row.result = AuditEvent.Result.SUCCESS
    with pytest.raises(ValidationError):
        row.save()
    row.refresh_from_db()
    assert row.result == AuditEvent.Result.FAILURE


def test_deleting_a_row_is_refused(row):
    with pytest.raises(ValidationError):
        row.delete()
    assert AuditEvent.objects.filter(pk=row.pk).exists()


def test_queryset_update_and_delete_are_refused(row):
    with pytest.raises(ValidationError):
        AuditEvent.objects.filter(pk=row.pk).update(result=AuditEvent.Result.SUCCESS)
    with pytest.raises(ValidationError):
        AuditEvent.objects.all().delete()
    with pytest.raises(ValidationError):
        AuditEvent.objects.update(actor_label="someone")
    row.refresh_from_db()
    assert (row.result, row.actor_label) == (AuditEvent.Result.FAILURE, "")


def test_deleting_the_actor_does_not_delete_their_audit_rows(tree, city_admin):
    services.staff_user_create(username="newclerk", name="新文员", email="n@example.org", phone=None, by=city_admin)

    with pytest.raises(Exception):  # noqa: B017 - PROTECT raises ProtectedError; what matters is the row stays
        city_admin.delete()

    assert AuditEvent.objects.filter(actor=city_admin).exists()


def _raw(sql: str, params) -> None:
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(sql, params)


@pytest.mark.postgres
def test_postgres_refuses_a_raw_update_of_a_row(row):
    with pytest.raises(DatabaseError, match="cannot be changed"):
        _raw("UPDATE accounts_auditevent SET result = 'success' WHERE id = %s", [row.pk])
    row.refresh_from_db()
    assert row.result == AuditEvent.Result.FAILURE


@pytest.mark.postgres
def test_postgres_refuses_a_raw_update_even_of_an_old_row(db):
    old = AuditEvent.objects.create(
        action=accounts_kinds.LOGIN, created_at=timezone.now() - datetime.timedelta(days=200)
    )
    with pytest.raises(DatabaseError, match="cannot be changed"):
        _raw("UPDATE accounts_auditevent SET actor_label = 'x' WHERE id = %s", [old.pk])


@pytest.mark.postgres
def test_postgres_refuses_a_raw_delete_of_a_young_row(row):
    with pytest.raises(DatabaseError, match="183 days"):
        _raw("DELETE FROM accounts_auditevent WHERE id = %s", [row.pk])
    assert AuditEvent.objects.filter(pk=row.pk).exists()


@pytest.mark.postgres
def test_postgres_lets_the_retention_job_delete_a_row_older_than_183_days(db):
    young = AuditEvent.objects.create(
        action=accounts_kinds.LOGIN, created_at=timezone.now() - datetime.timedelta(days=180)
    )
    old = AuditEvent.objects.create(
        action=accounts_kinds.LOGIN, created_at=timezone.now() - datetime.timedelta(days=200)
    )

    _raw("DELETE FROM accounts_auditevent WHERE id = %s", [old.pk])

    assert not AuditEvent.objects.filter(pk=old.pk).exists()
    with pytest.raises(DatabaseError):
        _raw("DELETE FROM accounts_auditevent WHERE id = %s", [young.pk])
    assert AuditEvent.objects.filter(pk=young.pk).exists()


# --- the audit list page ---------------------------------------------------------------------


def _listed(response) -> list[AuditEvent]:
    assert response.status_code == 200
    return list(response.context["page"].object_list)


@pytest.fixture
def events(tree, city_admin):
    """A few events on different days, by different people, about different nodes."""
    clerk = staff(K.UNION_CLERK, tree["g1"], username="clerk1")
    with time_machine.travel(datetime.datetime(2026, 3, 1, 10, 0, tzinfo=datetime.UTC), tick=False):
        login = audit.record(accounts_kinds.LOGIN, actor=clerk)
    with time_machine.travel(datetime.datetime(2026, 3, 5, 10, 0, tzinfo=datetime.UTC), tick=False):
        failed = audit.record(accounts_kinds.LOGIN_FAILED, result=AuditEvent.Result.FAILURE, detail={"login": "eve***"})
        granted = audit.record(unions_kinds.ROLE_GRANTED, actor=city_admin, union=tree["g2"], target=clerk)
    with time_machine.travel(datetime.datetime(2026, 3, 9, 10, 0, tzinfo=datetime.UTC), tick=False):
        moved = audit.record(unions_kinds.UNION_MOVED, actor=city_admin, union=tree["g1"], target=tree["g1"])
    return {"login": login, "failed": failed, "granted": granted, "moved": moved}


@pytest.mark.parametrize("reader_kind", [K.CITY_ADMIN, K.AUDITOR])
def test_city_admin_and_auditor_read_the_whole_audit_list(client, tree, events, reader_kind):
    reader = staff(reader_kind, tree["city"])
    client.force_login(reader)

    listed = _listed(client.get(reverse("unions:audit")))

    assert set(listed) >= set(events.values())
    assert listed == sorted(listed, key=lambda r: (r.created_at, r.pk), reverse=True)


def test_audit_list_filters_by_action_actor_and_date(client, tree, city_admin, events):
    client.force_login(city_admin)
    url = reverse("unions:audit")

    assert _listed(client.get(url, {"action": accounts_kinds.LOGIN_FAILED})) == [events["failed"]]
    assert _listed(client.get(url, {"actor": "CLERK"})) == [events["login"]]
    assert _listed(client.get(url, {"actor": "cityadmin", "since": "2026-03-06", "until": "2026-03-31"})) == [
        events["moved"]
    ]
    assert set(_listed(client.get(url, {"since": "2026-03-05", "until": "2026-03-05"}))) == {
        events["failed"],
        events["granted"],
    }
    assert _listed(client.get(url, {"result": "failure"})) == [events["failed"]]


def test_a_filter_link_saved_with_an_action_of_the_last_release_still_filters(client, tree, city_admin, events):
    # given a bookmark from before actions were named by their app
    client.force_login(city_admin)

    # when it is opened
    response = client.get(reverse("unions:audit"), {"action": "login_failed"})

    # then it lists what it listed then, and an unknown action is still refused as before
    assert response.status_code == 200
    assert _listed(response) == [events["failed"]]
    unknown = client.get(reverse("unions:audit"), {"action": "no_such_action"})
    assert "action" in unknown.context["filter"].form.errors


def test_audit_list_queries_stay_few_however_many_rows(client, tree, city_admin, django_assert_max_num_queries):
    for _ in range(40):
        audit.record(unions_kinds.ROLE_GRANTED, actor=city_admin, union=tree["g1"], target=city_admin)
    client.force_login(city_admin)

    with django_assert_max_num_queries(12):
        response = client.get(reverse("unions:audit"), {"action": unions_kinds.ROLE_GRANTED})

    assert len(_listed(response)) == 40


@pytest.mark.parametrize(("kind", "node"), [(K.UNION_CLERK, "g1"), (K.FEDERATION_STAFF, "d1"), (K.LEADER, "city")])
def test_staff_who_are_not_audit_readers_get_403(client, tree, events, kind, node):
    client.force_login(staff(kind, tree[node]))

    assert client.get(reverse("unions:audit")).status_code == 403


def test_worker_and_anonymous_cannot_read_the_audit_list(client, db):
    response = client.get(reverse("unions:audit"))
    assert response.status_code == 302
    assert response.url.startswith(reverse("account_login"))

    client.force_login(UserFactory())
    assert client.get(reverse("unions:audit")).status_code == 403


def test_city_admin_of_another_city_does_not_see_events_about_this_city(client, tree, events):
    other_city = make_city("另一市总工会")
    other_union = make_child(other_city, Union.Kind.GRASSROOTS_UNION, "另一市某厂工会")
    other_admin = staff(K.CITY_ADMIN, other_city)
    own = audit.record(unions_kinds.UNION_CLOSED, actor=other_admin, union=other_union, target=other_union)
    client.force_login(other_admin)

    listed = _listed(client.get(reverse("unions:audit")))

    assert own in listed
    assert events["granted"] not in listed
    assert events["moved"] not in listed
    assert not [row for row in listed if row.union_id and not row.union_path.startswith(other_city.path)]


def test_audit_list_filters_by_ip_and_ignores_a_malformed_address(client, tree, city_admin, events):
    with_ip = AuditEvent.objects.create(action=accounts_kinds.LOGIN_FAILED, result=AuditEvent.Result.FAILURE, ip=IP)
    client.force_login(city_admin)
    url = reverse("unions:audit")

    assert _listed(client.get(url, {"ip": IP})) == [with_ip]
    for garbage in ("abc", "1.2.3", "' OR 1=1 --"):
        response = client.get(url, {"ip": garbage})
        assert response.status_code == 200
        assert response.context["filter"].form.errors["ip"]


def test_django_admin_shows_audit_rows_but_cannot_change_or_delete_them(client, row):
    admin_user = UserFactory(is_staff=True, is_superuser=True)
    client.force_login(admin_user)

    assert client.get(reverse("admin:accounts_auditevent_changelist")).status_code == 200
    assert client.post(reverse("admin:accounts_auditevent_delete", args=[row.pk]), {"post": "yes"}).status_code == 403
    response = client.post(
        reverse("admin:accounts_auditevent_changelist"),
        {"action": "delete_selected", "_selected_action": [row.pk], "post": "yes"},
    )
    assert response.status_code in (200, 302, 403)
    assert client.get(reverse("admin:accounts_auditevent_add")).status_code == 403
    assert AuditEvent.objects.filter(pk=row.pk).exists()
