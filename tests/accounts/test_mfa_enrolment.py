"""A first authenticator is set up only through an e-mailed link: a stolen staff password is not enough.

The link comes with the invitation of a new staff account, from a city administrator's reset, or
from ``manage.py mfa_enrolment_link`` on the server; it expires and works for one set-up.
"""

import datetime
import io
import re
from urllib.parse import urlsplit

import pytest
import time_machine
from allauth.mfa.models import Authenticator
from allauth.mfa.totp.internal.auth import SECRET_SESSION_KEY, TOTP, generate_totp_secret
from django.core import mail
from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from accounts import kinds as accounts_kinds
from accounts.models import AuditEvent, MfaEnrolmentLink, User
from accounts.services import mfa_enrolment_link_issue, mfa_enrolment_path
from tests.factories import PASSWORD, UserFactory, staff
from unions.models import Role

from .conftest import current_totp_code

pytestmark = pytest.mark.usefixtures("mfa_required")
K = Role.Kind
LINK = re.compile(r"https?://[^\s\"<]+/enrol/[\w-]+/")
NEEDED = "/enrol/"


def _link_path(text: str) -> str:
    """The path of the set-up link in an e-mail or the command's output."""
    return urlsplit(LINK.search(text).group(0)).path


def _has_totp(user) -> bool:
    return Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).exists()


def _open_set_up_page(client: Client):
    """The set-up page, giving the password again when allauth asks for it (a thief has it too)."""
    page = client.get(reverse("mfa_activate_totp"))
    if page.status_code == 302 and page.url.startswith(reverse("account_reauthenticate")):
        page = client.post(page.url, {"password": PASSWORD}, follow=True)
    return page


def _try_to_enrol(client: Client) -> None:
    """What a thief holding only the password would do: open the set-up page and post a code."""
    _open_set_up_page(client)
    secret = client.session.get(SECRET_SESSION_KEY) or generate_totp_secret()
    client.post(reverse("mfa_activate_totp"), {"code": current_totp_code(secret)})


def _city_admin(tree, **fields):
    admin = staff(K.CITY_ADMIN, tree["city"], **fields)
    TOTP.activate(admin, generate_totp_secret())
    return admin


def test_a_stolen_staff_password_alone_cannot_enrol_an_authenticator(client, sign_in, tree):
    clerk = staff(K.UNION_CLERK, tree["g1"], username="clerk1")
    sign_in(client, "clerk1")

    page = client.get(reverse("mfa_activate_totp"))
    _try_to_enrol(client)

    assert page.status_code == 302 and page.url == NEEDED
    assert not _has_totp(clerk)
    needed = client.get(NEEDED)
    assert needed.status_code == 200
    assert "请向管理员索取新的设置链接" in needed.content.decode()


def test_a_new_staff_member_sets_a_password_and_enrols_through_the_invitation(
    client, sign_in, activate_totp, tree, django_capture_on_commit_callbacks
):
    admin = _city_admin(tree)
    admin_client = Client()
    admin_client.force_login(admin)
    form = {"kind": K.UNION_CLERK, "username": "newclerk", "name": "新经办人", "email": "new@example.org"}
    with django_capture_on_commit_callbacks(execute=True):
        admin_client.post(reverse("unions:role_grant", args=[tree["g1"].pk]), form)
    (invitation,) = mail.outbox
    link = _link_path(invitation.body)
    assert link in invitation.alternatives[0][0]

    # the link first asks for a password (the account has none yet) ...
    response = client.get(link, follow=True)
    assert response.status_code == 200
    new_password = "Brand-new-pass-2026"
    set_password = client.post(response.wsgi_request.path, {"password1": new_password, "password2": new_password})
    assert set_password.status_code == 302
    # ... then, signed in, the set-up page opens in the browser that opened the link
    assert sign_in(client, "newclerk", password=new_password).status_code == 302
    assert client.get(reverse("home")).url == reverse("mfa_activate_totp")
    activate_totp(client, password=new_password)

    clerk = User.objects.get(username="newclerk")
    assert _has_totp(clerk)
    assert client.get(reverse("home")).status_code == 200
    # the link has done its work
    reopened = Client().get(link)
    assert reopened.status_code == 400
    assert not MfaEnrolmentLink.objects.filter(user=clerk, closed_at=None).exists()


def _grant_clerk(admin, tree, username: str, django_capture_on_commit_callbacks) -> None:
    admin_client = Client()
    admin_client.force_login(admin)
    with django_capture_on_commit_callbacks(execute=True):
        response = admin_client.post(
            reverse("unions:role_grant", args=[tree["g1"].pk]), {"kind": K.UNION_CLERK, "username": username}
        )
    assert response.status_code == 302


def test_an_existing_account_given_a_staff_role_is_e_mailed_a_set_up_link(
    client, sign_in, activate_totp, tree, django_capture_on_commit_callbacks
):
    worker = UserFactory(username="worker1", email="worker1@example.org")

    _grant_clerk(_city_admin(tree), tree, "worker1", django_capture_on_commit_callbacks)

    (message,) = mail.outbox
    assert message.to == ["worker1@example.org"]
    sign_in(client, "worker1")
    assert client.get(reverse("home")).url == NEEDED
    client.get(_link_path(message.body))
    activate_totp(client)
    assert _has_totp(worker)


def test_an_account_with_an_authenticator_is_sent_no_link_with_a_new_role(tree, django_capture_on_commit_callbacks):
    worker = UserFactory(username="worker1")
    TOTP.activate(worker, generate_totp_secret())

    _grant_clerk(_city_admin(tree), tree, "worker1", django_capture_on_commit_callbacks)

    assert mail.outbox == []
    assert not MfaEnrolmentLink.objects.filter(user=worker).exists()


def test_a_link_opened_by_another_browser_does_not_help_the_thief(client, sign_in, tree):
    clerk = staff(K.UNION_CLERK, tree["g1"], username="clerk1")
    path = mfa_enrolment_path(mfa_enrolment_link_issue(user=clerk, by=None))
    Client().get(path)  # the real clerk's phone opened it

    sign_in(client, "clerk1")
    _try_to_enrol(client)

    assert not _has_totp(clerk)


def test_an_existing_account_signs_in_from_the_link_and_enrols(client, sign_in, activate_totp, tree):
    clerk = staff(K.UNION_CLERK, tree["g1"], username="clerk1")
    path = mfa_enrolment_path(mfa_enrolment_link_issue(user=clerk, by=None))

    response = client.get(path)
    assert response.status_code == 302
    assert response.url.startswith(reverse("account_login"))
    sign_in(client, "clerk1")
    activate_totp(client)

    assert _has_totp(clerk)


def test_an_expired_link_enrols_nothing(client, sign_in, tree, settings):
    clerk = staff(K.UNION_CLERK, tree["g1"], username="clerk1")
    path = mfa_enrolment_path(mfa_enrolment_link_issue(user=clerk, by=None))
    sign_in(client, "clerk1")

    later = timezone.now() + datetime.timedelta(hours=settings.MFA_ENROLMENT_LINK_HOURS, minutes=1)
    with time_machine.travel(later, tick=False):
        opened = client.get(path)
        _try_to_enrol(client)

    assert opened.status_code == 400
    assert "链接已失效" in opened.content.decode()
    assert not _has_totp(clerk)


def test_a_link_expiring_after_it_was_opened_stops_the_set_up(client, sign_in, tree, settings):
    clerk = staff(K.UNION_CLERK, tree["g1"], username="clerk1")
    sign_in(client, "clerk1")
    client.get(mfa_enrolment_path(mfa_enrolment_link_issue(user=clerk, by=None)))
    page = _open_set_up_page(client)
    assert (page.status_code, page.wsgi_request.path) == (200, reverse("mfa_activate_totp"))

    later = timezone.now() + datetime.timedelta(hours=settings.MFA_ENROLMENT_LINK_HOURS, minutes=1)
    with time_machine.travel(later, tick=False):
        _try_to_enrol(client)

    assert not _has_totp(clerk)


def test_a_newer_link_replaces_the_older_one(client, sign_in, tree):
    clerk = staff(K.UNION_CLERK, tree["g1"], username="clerk1")
    old = mfa_enrolment_path(mfa_enrolment_link_issue(user=clerk, by=None))
    mfa_enrolment_link_issue(user=clerk, by=None)
    sign_in(client, "clerk1")

    assert client.get(old).status_code == 400
    _try_to_enrol(client)
    assert not _has_totp(clerk)


def test_a_link_for_another_account_grants_nothing(client, sign_in, tree):
    clerk = staff(K.UNION_CLERK, tree["g1"], username="clerk1")
    other = staff(K.UNION_CLERK, tree["g2"], username="clerk2")
    sign_in(client, "clerk1")

    response = client.get(mfa_enrolment_path(mfa_enrolment_link_issue(user=other, by=None)))
    _try_to_enrol(client)

    assert response.status_code == 400
    assert not _has_totp(clerk) and not _has_totp(other)


def test_an_unknown_token_is_answered_with_a_message_not_an_error(client, db):
    response = client.get(reverse("accounts:mfa_enrol", args=["x" * 500]))

    assert response.status_code == 400
    assert "链接已失效" in response.content.decode()


# --- reset by a city administrator ------------------------------------------------------------


def test_a_city_admin_resets_an_authenticator_sends_a_new_link_and_it_is_audited(
    client, sign_in, activate_totp, tree, django_capture_on_commit_callbacks
):
    admin = _city_admin(tree, username="cityadmin")
    clerk = staff(K.UNION_CLERK, tree["g1"], username="clerk1", email="clerk1@example.org")
    TOTP.activate(clerk, generate_totp_secret())
    client.force_login(admin)

    roles_page = client.get(reverse("unions:roles")).content.decode()
    assert reverse("unions:mfa_reset", args=[clerk.pk]) in roles_page
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("unions:mfa_reset", args=[clerk.pk]), {"next": reverse("unions:roles")})

    assert response.status_code == 302 and response.url == reverse("unions:roles")
    assert not Authenticator.objects.filter(user=clerk).exists()
    event = AuditEvent.objects.get(action=accounts_kinds.MFA_ENROLMENT_RESET)
    assert (event.actor, event.target_id, event.detail["removed"]) == (admin, str(clerk.pk), ["totp"])
    (message,) = mail.outbox
    assert message.to == ["clerk1@example.org"]
    # the clerk, signed in with the password, is stopped until the new link is opened
    clerk_client = Client()
    sign_in(clerk_client, "clerk1")
    assert clerk_client.get(reverse("home")).url == NEEDED
    clerk_client.get(_link_path(message.body))
    activate_totp(clerk_client)
    assert _has_totp(clerk)


@pytest.mark.parametrize(("kind", "node"), [(K.FEDERATION_STAFF, "city"), (K.AUDITOR, "city")])
def test_only_a_city_admin_may_reset_an_authenticator(client, tree, kind, node):
    other = staff(kind, tree[node])
    TOTP.activate(other, generate_totp_secret())
    clerk = staff(K.UNION_CLERK, tree["g1"])
    TOTP.activate(clerk, generate_totp_secret())
    client.force_login(other)

    roles_page = client.get(reverse("unions:roles")).content.decode()
    response = client.post(reverse("unions:mfa_reset", args=[clerk.pk]))

    assert reverse("unions:mfa_reset", args=[clerk.pk]) not in roles_page
    assert response.status_code == 403
    assert _has_totp(clerk)
    (refused,) = AuditEvent.objects.filter(action=accounts_kinds.MFA_ENROLMENT_RESET)
    assert (refused.actor, refused.result, refused.target_id) == (other, AuditEvent.Result.FAILURE, str(clerk.pk))


def test_a_city_admin_cannot_reset_their_own_authenticator_nor_someone_unknown(client, tree):
    admin = _city_admin(tree)
    worker = UserFactory()  # holds no role: not on the city admin's pages
    TOTP.activate(worker, generate_totp_secret())
    client.force_login(admin)

    own = client.post(reverse("unions:mfa_reset", args=[admin.pk]))
    unknown = client.post(reverse("unions:mfa_reset", args=[worker.pk]))

    assert (own.status_code, unknown.status_code) == (403, 404)
    assert _has_totp(admin) and _has_totp(worker)


def test_a_reset_without_an_e_mail_address_changes_nothing_and_says_why(client, tree):
    admin = _city_admin(tree)
    clerk = staff(K.UNION_CLERK, tree["g1"], email="")
    TOTP.activate(clerk, generate_totp_secret())
    client.force_login(admin)

    response = client.post(reverse("unions:mfa_reset", args=[clerk.pk]), follow=True)

    assert "没有电子邮箱" in response.content.decode()
    assert _has_totp(clerk)
    assert not MfaEnrolmentLink.objects.filter(user=clerk).exists()
    assert not AuditEvent.objects.filter(action=accounts_kinds.MFA_ENROLMENT_RESET).exists()


# --- on the server ----------------------------------------------------------------------------


def test_the_operator_command_gives_a_superuser_a_first_link(client, sign_in, activate_totp, db):
    root = UserFactory(username="root1", is_staff=True, is_superuser=True)
    out = io.StringIO()

    call_command("mfa_enrolment_link", "root1", stdout=out)

    sign_in(client, "root1")
    assert client.get("/admin/").url == NEEDED
    client.get(_link_path(out.getvalue()))
    activate_totp(client)
    assert client.get("/admin/").status_code == 200
    event = AuditEvent.objects.get(action=accounts_kinds.MFA_ENROLMENT_RESET)
    assert (event.actor, event.target_id) == (None, str(root.pk))
    assert PASSWORD not in out.getvalue()
