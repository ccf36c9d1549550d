"""Who may grant and revoke which role where: through the services and through the pages."""

import datetime
import re

import pytest
from django.contrib.messages import get_messages
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import translation

from accounts import kinds as accounts_kinds
from accounts.models import AuditEvent, User
from tests.factories import PASSWORD, UserFactory, grant, staff
from unions import kinds as unions_kinds
from unions import services
from unions.models import Role, Union

K = Role.Kind

NEW_PASSWORD = "Fresh-start-2026!"


def zh(message: str) -> str:
    """A message as the portal shows it by default (Simplified Chinese, or English if untranslated)."""
    with translation.override("zh-hans"):
        return translation.gettext(message)


def messages_of(response) -> list[str]:
    return [str(m) for m in get_messages(response.wsgi_request)]


def _grant_post(client, node, **data):
    return client.post(reverse("unions:role_grant", args=[node.pk]), data)


# --- services --------------------------------------------------------------------------------

# One node of an allowed kind for every role (roles.NODE_KINDS_FOR_ROLE).
ALLOWED_PLACES = [
    (K.CITY_ADMIN, "city"),
    (K.AUDITOR, "city"),
    (K.FEDERATION_STAFF, "d1"),
    (K.DISCIPLINE_OFFICER, "s1"),
    (K.CADRE_OFFICER, "ind"),
    (K.LEADER, "d2"),
    (K.UNION_CLERK, "g3"),
]


def test_every_role_kind_is_tried_at_an_allowed_place():
    assert {kind for kind, _node in ALLOWED_PLACES} == set(K.values)


@pytest.mark.parametrize(("kind", "node"), ALLOWED_PLACES)
def test_city_admin_grants_every_role_at_a_node_of_an_allowed_kind(tree, city_admin, kind, node):
    person = UserFactory()

    role = services.role_grant(user=person, union=tree[node], kind=kind, by=city_admin)

    assert Role.objects.get(user=person) == role
    assert (role.union, role.kind, role.granted_by) == (tree[node], kind, city_admin)
    row = AuditEvent.objects.get(action=unions_kinds.ROLE_GRANTED)
    assert (row.result, row.actor, row.union_id, row.target_id) == (
        "success",
        city_admin,
        tree[node].pk,
        str(person.pk),
    )


@pytest.mark.parametrize(("kind", "node"), [(K.UNION_CLERK, "g1"), (K.FEDERATION_STAFF, "s1"), (K.LEADER, "s1")])
def test_district_staff_grants_lower_roles_inside_own_district(tree, district_staff, kind, node):
    person = UserFactory()

    services.role_grant(user=person, union=tree[node], kind=kind, by=district_staff)

    assert Role.objects.filter(user=person, union=tree[node], kind=kind).exists()


@pytest.mark.parametrize(
    ("kind", "node"),
    [
        (K.FEDERATION_STAFF, "city"),  # above the district
        (K.UNION_CLERK, "g2"),  # in the other district
        (K.FEDERATION_STAFF, "s2"),  # in the other district
        (K.UNION_CLERK, "g3"),  # under the industry union, outside the district
        (K.CITY_ADMIN, "city"),
        (K.AUDITOR, "city"),
        (K.DISCIPLINE_OFFICER, "s1"),  # inside the district, but not a role district staff hand out
        (K.DISCIPLINE_OFFICER, "d1"),
    ],
)
def test_district_staff_cannot_grant_above_elsewhere_or_privileged_roles_and_the_attempt_is_audited(
    tree, district_staff, kind, node
):
    person = UserFactory()

    with pytest.raises(PermissionDenied):
        services.role_grant(user=person, union=tree[node], kind=kind, by=district_staff)

    assert not Role.objects.filter(user=person).exists()
    row = AuditEvent.objects.get(action=unions_kinds.ROLE_GRANTED)
    assert row.result == AuditEvent.Result.FAILURE
    assert (row.actor, row.union_id, row.target_id) == (district_staff, tree[node].pk, str(person.pk))
    assert row.detail["kind"] == kind


@pytest.mark.parametrize(("kind", "node"), [(K.UNION_CLERK, "d1"), (K.LEADER, "g1"), (K.CITY_ADMIN, "d1")])
def test_role_at_a_node_kind_it_cannot_sit_at_is_refused_with_a_message(tree, city_admin, kind, node):
    with pytest.raises(PermissionDenied) as refused:
        services.role_grant(user=UserFactory(), union=tree[node], kind=kind, by=city_admin)

    assert str(refused.value) == translation.gettext("This role cannot be held at a union of this kind.")
    assert not Role.objects.filter(kind=kind, union=tree[node]).exists()


def test_granting_a_role_twice_is_refused(tree, city_admin):
    person = UserFactory()
    services.role_grant(user=person, union=tree["g1"], kind=K.UNION_CLERK, by=city_admin)

    with pytest.raises(ValidationError):
        services.role_grant(user=person, union=tree["g1"], kind=K.UNION_CLERK, by=city_admin)

    assert Role.objects.filter(user=person).count() == 1


def test_district_staff_revokes_a_role_inside_the_district_and_it_is_audited(tree, district_staff):
    clerk = staff(K.UNION_CLERK, tree["g1"])
    role = clerk.roles.get()

    services.role_revoke(role=role, by=district_staff)

    assert not Role.objects.filter(pk=role.pk).exists()
    row = AuditEvent.objects.get(action=unions_kinds.ROLE_REVOKED)
    assert (row.actor, row.union_id, row.target_id, row.detail["kind"]) == (
        district_staff,
        tree["g1"].pk,
        str(clerk.pk),
        K.UNION_CLERK,
    )


def test_nobody_revokes_their_own_role(tree, city_admin):
    with pytest.raises(ValidationError):
        services.role_revoke(role=city_admin.roles.get(), by=city_admin)

    assert city_admin.roles.exists()


def test_district_staff_cannot_revoke_a_role_in_another_district(tree, district_staff):
    role = grant(UserFactory(), tree["g2"], K.UNION_CLERK)

    with pytest.raises(PermissionDenied):
        services.role_revoke(role=role, by=district_staff)

    assert Role.objects.filter(pk=role.pk).exists()


# --- pages -----------------------------------------------------------------------------------


@pytest.mark.parametrize(("kind", "node"), ALLOWED_PLACES)
def test_city_admin_grants_every_role_to_an_existing_account_through_the_page(client, tree, city_admin, kind, node):
    person = UserFactory(username="zhangsan")
    client.force_login(city_admin)

    response = _grant_post(client, tree[node], kind=kind, username="ZhangSan")

    assert response.status_code == 302
    assert response.url == reverse("unions:detail", args=[tree[node].pk])
    assert list(person.roles.values_list("union", "kind", "granted_by")) == [(tree[node].pk, kind, city_admin.pk)]


def test_district_staff_grants_a_clerk_at_a_grassroots_union_in_the_district_through_the_page(
    client, tree, district_staff
):
    person = UserFactory()
    client.force_login(district_staff)

    response = _grant_post(client, tree["g1"], kind=K.UNION_CLERK, username=person.username)

    assert response.status_code == 302
    assert Role.objects.filter(user=person, union=tree["g1"], kind=K.UNION_CLERK).exists()


@pytest.mark.parametrize("node", ["city", "d2", "s2", "g2", "ind", "g3"])
def test_grant_page_of_a_node_outside_own_district_is_not_found(client, tree, district_staff, node):
    person = UserFactory()
    client.force_login(district_staff)

    assert client.get(reverse("unions:role_grant", args=[tree[node].pk])).status_code == 404
    response = _grant_post(client, tree[node], kind=K.UNION_CLERK, username=person.username)

    assert response.status_code == 404
    assert not Role.objects.filter(user=person).exists()


@pytest.mark.parametrize(("kind", "node"), [(K.DISCIPLINE_OFFICER, "d1"), (K.CITY_ADMIN, "d1"), (K.AUDITOR, "d1")])
def test_district_staff_cannot_grant_privileged_roles_through_the_page(client, tree, district_staff, kind, node):
    person = UserFactory()
    client.force_login(district_staff)

    response = _grant_post(client, tree[node], kind=kind, username=person.username)

    assert response.status_code == 400
    assert "kind" in response.context["form"].errors
    assert not Role.objects.filter(user=person).exists()


def test_page_refuses_a_role_at_a_node_kind_it_cannot_sit_at_with_a_message(client, tree, city_admin):
    person = UserFactory()
    client.force_login(city_admin)

    response = _grant_post(client, tree["d1"], kind=K.UNION_CLERK, username=person.username)

    assert response.status_code == 400
    assert response.context["form"].errors["kind"]
    assert K.UNION_CLERK not in dict(response.context["form"].fields["kind"].choices)
    assert not Role.objects.filter(user=person).exists()


def test_union_clerk_may_not_open_the_grant_page(client, tree):
    clerk = staff(K.UNION_CLERK, tree["g1"])
    client.force_login(clerk)

    assert client.get(reverse("unions:role_grant", args=[tree["g1"].pk])).status_code == 403
    response = _grant_post(client, tree["g1"], kind=K.UNION_CLERK, username=UserFactory().username)
    assert response.status_code == 403
    assert Role.objects.count() == 1


def test_revoke_page_removes_a_role_inside_scope(client, tree, district_staff):
    role = grant(UserFactory(), tree["g1"], K.UNION_CLERK)
    client.force_login(district_staff)

    response = client.post(reverse("unions:role_revoke", args=[role.pk]))

    assert response.status_code == 302
    assert not Role.objects.filter(pk=role.pk).exists()
    assert AuditEvent.objects.filter(action=unions_kinds.ROLE_REVOKED, actor=district_staff).count() == 1


def test_revoke_page_keeps_own_role_and_says_why(client, tree, district_staff):
    own = district_staff.roles.get()
    client.force_login(district_staff)

    response = client.post(reverse("unions:role_revoke", args=[own.pk]))

    assert response.status_code == 302
    assert Role.objects.filter(pk=own.pk).exists()
    assert messages_of(response) == [zh("You cannot revoke your own role; ask someone above you.")]


@pytest.mark.parametrize("node", ["d2", "g2", "city"])
def test_revoke_page_answers_not_found_outside_scope(client, tree, district_staff, node):
    role = grant(UserFactory(), tree[node], K.FEDERATION_STAFF if node != "g2" else K.UNION_CLERK)
    client.force_login(district_staff)

    response = client.post(reverse("unions:role_revoke", args=[role.pk]))

    assert response.status_code == 404
    assert Role.objects.filter(pk=role.pk).exists()


def test_revoke_page_refuses_get(client, tree, district_staff):
    role = grant(UserFactory(), tree["g1"], K.UNION_CLERK)
    client.force_login(district_staff)

    assert client.get(reverse("unions:role_revoke", args=[role.pk])).status_code == 405
    assert Role.objects.filter(pk=role.pk).exists()


def test_granting_to_a_new_username_makes_an_invited_staff_account_that_can_set_a_password_and_sign_in(
    client, tree, district_staff, django_capture_on_commit_callbacks
):
    # given a district staff member granting a clerk role to someone with no account yet
    client.force_login(district_staff)

    # when
    with django_capture_on_commit_callbacks(execute=True):
        response = _grant_post(
            client,
            tree["g1"],
            kind=K.UNION_CLERK,
            username="wangwu",
            name="王五",
            email="WangWu@Example.org",
        )

    # then the account exists, without a usable password, with the role
    assert response.status_code == 302
    new = User.objects.get(username="wangwu")
    assert (new.name, new.email) == ("王五", "wangwu@example.org")
    assert not new.has_usable_password()
    assert not new.is_staff and not new.is_superuser
    assert Role.objects.filter(user=new, union=tree["g1"], kind=K.UNION_CLERK, granted_by=district_staff).exists()
    assert AuditEvent.objects.filter(
        action=accounts_kinds.USER_CREATED, actor=district_staff, target_id=str(new.pk)
    ).exists()

    # and an invitation went out with a link that works
    assert len(mail.outbox) == 1
    invitation = mail.outbox[0]
    assert invitation.to == ["wangwu@example.org"]
    link = re.search(r"http://testserver(/enrol/\S+/)", invitation.body).group(1)

    invitee = type(client)()
    landing = invitee.get(link, follow=True)  # on to allauth's password form
    assert landing.status_code == 200
    form_url = landing.wsgi_request.path
    done = invitee.post(form_url, {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD})
    assert done.status_code == 302
    new.refresh_from_db()
    assert new.check_password(NEW_PASSWORD)

    # the link sets a password once only: now it leads to the sign-in page
    again = invitee.get(link)
    assert again.status_code == 302 and again.url.startswith(reverse("account_login"))

    # and the new clerk signs in with the password they chose
    signed_in = invitee.post(reverse("account_login"), {"login": "wangwu", "password": NEW_PASSWORD})
    assert signed_in.status_code == 302
    assert invitee.get(reverse("home")).wsgi_request.user == new


def test_new_account_is_not_made_without_name_and_email(client, tree, district_staff):
    client.force_login(district_staff)

    response = _grant_post(client, tree["g1"], kind=K.UNION_CLERK, username="nobody")

    assert response.status_code == 400
    assert not User.objects.filter(username="nobody").exists()


def test_new_account_with_a_taken_email_is_refused_with_a_message(client, tree, district_staff):
    UserFactory(email="taken@example.org")
    client.force_login(district_staff)

    response = _grant_post(
        client, tree["g1"], kind=K.UNION_CLERK, username="newbie", name="新人", email="TAKEN@example.org"
    )

    assert response.status_code == 400
    assert response.context["form"].non_field_errors() == [zh("Another account already uses this e-mail address.")]
    assert not User.objects.filter(username="newbie").exists()


def test_forged_grant_post_with_extra_fields_changes_nothing_else(
    client, tree, district_staff, django_capture_on_commit_callbacks
):
    existing = UserFactory(username="lisi")
    client.force_login(district_staff)
    forged = {"is_staff": "on", "is_superuser": "on", "union": tree["g2"].pk, "granted_by": existing.pk}

    with django_capture_on_commit_callbacks(execute=True):
        r1 = _grant_post(client, tree["g1"], kind=K.UNION_CLERK, username="lisi", **forged)
        r2 = _grant_post(
            client,
            tree["g1"],
            kind=K.UNION_CLERK,
            username="zhaoliu",
            name="赵六",
            email="z6@example.org",
            phone="139 0000 1111",
            **forged,
        )

    assert (r1.status_code, r2.status_code) == (302, 302)
    for username in ("lisi", "zhaoliu"):
        person = User.objects.get(username=username)
        assert not person.is_staff and not person.is_superuser
        assert list(person.roles.values_list("union", "kind", "granted_by")) == [
            (tree["g1"].pk, K.UNION_CLERK, district_staff.pk)
        ]
    assert User.objects.get(username="zhaoliu").phone == "13900001111"
    existing.refresh_from_db()
    assert existing.check_password(PASSWORD)
    assert not Role.objects.filter(union=tree["g2"]).exists()


def test_grant_at_a_closed_union_is_refused_and_makes_no_account_and_sends_no_invitation(
    client, tree, city_admin, django_capture_on_commit_callbacks
):
    g1 = tree["g1"]
    Union.objects.filter(pk=g1.pk).update(closed_on=datetime.date(2026, 1, 1), close_reason="撤销")
    client.force_login(city_admin)

    with django_capture_on_commit_callbacks(execute=True):
        response = _grant_post(client, g1, kind=K.UNION_CLERK, username="late", name="迟到", email="late@example.org")

    assert response.status_code == 400
    assert response.context["form"].non_field_errors()
    assert not User.objects.filter(username="late").exists()
    assert mail.outbox == []
    assert not Role.objects.filter(union=g1).exists()


def test_revoke_buttons_show_only_for_roles_the_viewer_may_revoke(client, tree, district_staff):
    # given a colleague at the same district and a city admin (whose role sits above the district)
    colleague = staff(Role.Kind.FEDERATION_STAFF, tree["d1"])
    own = Role.objects.get(user=district_staff, union=tree["d1"])
    colleague_role = Role.objects.get(user=colleague)
    client.force_login(district_staff)

    # when the district page and the role list are opened
    pages = [client.get(reverse("unions:detail", args=[tree["d1"].pk])), client.get(reverse("unions:roles"))]

    # then the colleague's role has a revoke button and the viewer's own role has none
    for page in pages:
        body = page.content.decode()
        assert reverse("unions:role_revoke", args=[colleague_role.pk]) in body
        assert reverse("unions:role_revoke", args=[own.pk]) not in body
