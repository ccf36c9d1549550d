"""Staff whose roles see personal or discipline data need a second factor (TOTP) for every staff page.

Without an authenticator they are sent to the page that asks for a set-up link
(tests/accounts/test_mfa_enrolment.py covers the link itself).
"""

import pytest
from allauth.mfa.models import Authenticator
from django.contrib.auth import SESSION_KEY
from django.test import Client
from django.urls import reverse

from accounts.services import mfa_enrolment_link_issue, mfa_enrolment_path
from tests.factories import staff
from unions.models import Role

pytestmark = pytest.mark.usefixtures("mfa_required")
K = Role.Kind


def _staff_pages(tree) -> list[str]:
    return [
        reverse("home"),
        reverse("unions:tree"),
        reverse("unions:detail", args=[tree["g1"].pk]),
        reverse("unions:roles"),
        reverse("unions:audit"),
        reverse("unions:role_grant", args=[tree["g1"].pk]),
    ]


@pytest.mark.parametrize(("kind", "node"), [(K.UNION_CLERK, "g1"), (K.CITY_ADMIN, "city"), (K.AUDITOR, "city")])
def test_staff_who_see_personal_data_reach_no_staff_page_with_a_password_only(client, sign_in, tree, kind, node):
    staff(kind, tree[node], username="needsmfa")
    assert sign_in(client, "needsmfa").status_code == 302

    for url in _staff_pages(tree):
        response = client.get(url)
        assert response.status_code == 302, url
        assert response.url == reverse("accounts:mfa_enrolment_needed"), url
        posted = client.post(url, {"kind": K.UNION_CLERK, "username": "x"})
        assert posted.url == reverse("accounts:mfa_enrolment_needed")


def test_leader_is_not_forced_to_set_up_a_second_factor(client, sign_in, tree):
    staff(K.LEADER, tree["d1"], username="leader1")
    sign_in(client, "leader1")

    home = client.get(reverse("home"))
    detail = client.get(reverse("unions:detail", args=[tree["d1"].pk]))

    assert (home.status_code, detail.status_code) == (200, 200)


def test_a_leader_who_also_holds_a_clerk_role_is_forced(client, sign_in, tree):
    leader = staff(K.LEADER, tree["d1"], username="leader1")
    Role.objects.create(user=leader, union=tree["g1"], kind=K.UNION_CLERK)
    sign_in(client, "leader1")

    assert client.get(reverse("home")).url == reverse("accounts:mfa_enrolment_needed")


def test_workers_are_not_asked_for_a_second_factor(client, db):
    from tests.factories import UserFactory

    client.force_login(UserFactory())

    assert client.get(reverse("home")).status_code == 200


def test_after_activating_totp_the_staff_pages_open_and_the_next_sign_in_asks_for_the_code(
    client, sign_in, activate_totp, totp_code, tree
):
    clerk = staff(K.UNION_CLERK, tree["g1"], username="clerk1")
    sign_in(client, "clerk1")
    client.get(mfa_enrolment_path(mfa_enrolment_link_issue(user=clerk, by=None)))
    assert client.get(reverse("home")).url == reverse("mfa_activate_totp")

    activate_totp(client)

    assert Authenticator.objects.filter(user=clerk, type=Authenticator.Type.TOTP).exists()
    assert client.get(reverse("home")).status_code == 200
    assert client.get(reverse("unions:detail", args=[tree["g1"].pk])).status_code == 200

    # a new sign-in with the password alone stops at the code page
    later = Client()
    response = sign_in(later, "clerk1")
    assert response.status_code == 302
    assert response.url == reverse("mfa_authenticate")
    assert later.session.get(SESSION_KEY) is None
    assert later.get(reverse("home")).status_code == 302

    # a wrong code does not let the clerk in; the right one does
    assert later.post(reverse("mfa_authenticate"), {"code": "000000"}).status_code == 200
    assert later.session.get(SESSION_KEY) is None
    secret = _totp_secret(clerk)
    assert later.post(reverse("mfa_authenticate"), {"code": totp_code(secret)}).status_code == 302
    assert str(later.session[SESSION_KEY]) == str(clerk.pk)
    assert later.get(reverse("home")).status_code == 200


def _totp_secret(user) -> str:
    from allauth.mfa.utils import decrypt

    return decrypt(Authenticator.objects.get(user=user, type=Authenticator.Type.TOTP).data["secret"])


def test_mfa_pages_exist_for_a_signed_in_user(client, sign_in, tree):
    staff(K.UNION_CLERK, tree["g1"], username="clerk1")
    sign_in(client, "clerk1")

    assert client.get(reverse("mfa_index")).status_code == 200


def test_mfa_pages_need_a_sign_in(client, db):
    response = client.get(reverse("mfa_index"))

    assert response.status_code == 302
    assert response.url.startswith(reverse("account_login"))


def test_staff_pages_are_open_without_totp_when_the_setting_is_off(client, sign_in, tree, settings):
    settings.STAFF_MFA_REQUIRED = False
    staff(K.UNION_CLERK, tree["g1"], username="clerk1")
    sign_in(client, "clerk1")

    assert client.get(reverse("home")).status_code == 200
