"""Whoever can reach the Django admin signs in with a second factor, and the admin shows no clear mobile."""

import pytest
from allauth.mfa.models import Authenticator
from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret
from django.contrib.auth import SESSION_KEY
from django.test import Client
from django.urls import reverse

from tests.factories import UserFactory, staff
from unions.models import Role

from .conftest import current_totp_code

pytestmark = pytest.mark.usefixtures("mfa_required")
K = Role.Kind
ADMIN_PAGES = ("/admin/", "/admin/accounts/user/", "/admin/django_celery_beat/periodictask/add/")


@pytest.mark.parametrize("flags", [{"is_staff": True, "is_superuser": True}, {"is_staff": True}])
def test_a_superuser_without_portal_roles_cannot_open_the_admin_with_a_password_alone(client, sign_in, db, flags):
    UserFactory(username="root1", **flags)
    assert sign_in(client, "root1").status_code == 302

    for url in ADMIN_PAGES:
        response = client.get(url)
        assert response.status_code == 302, url
        assert response.url == reverse("accounts:mfa_enrolment_needed"), url
    # nor can the password alone set up an authenticator app of the signer's choosing
    assert client.get(reverse("mfa_activate_totp")).url == reverse("accounts:mfa_enrolment_needed")
    assert not Authenticator.objects.exists()


def test_a_superuser_with_an_authenticator_reaches_the_admin_only_after_the_code(client, sign_in, db):
    root = UserFactory(username="root1", is_staff=True, is_superuser=True)
    secret = generate_totp_secret()
    TOTP.activate(root, secret)

    response = sign_in(client, "root1")
    assert response.url == reverse("mfa_authenticate")
    assert client.session.get(SESSION_KEY) is None
    assert client.get("/admin/").status_code == 302

    assert client.post(reverse("mfa_authenticate"), {"code": current_totp_code(secret)}).status_code == 302
    assert client.get("/admin/").status_code == 200


def test_the_admin_login_page_still_hands_over_to_the_portal_sign_in(client, db):
    response = client.get("/admin/login/?next=/admin/")

    assert response.status_code == 302
    assert response.url.startswith(reverse("account_login"))


def _admin_client() -> Client:
    root = UserFactory(is_staff=True, is_superuser=True)
    TOTP.activate(root, generate_totp_secret())
    client = Client()
    client.force_login(root)
    return client


def test_the_user_admin_shows_a_mobile_masked_only(db):
    worker = UserFactory(phone="13812345678", phone_verified=True)
    client = _admin_client()

    listing = client.get(reverse("admin:accounts_user_changelist")).content.decode()
    change = client.get(reverse("admin:accounts_user_change", args=[worker.pk])).content.decode()
    found = client.get(reverse("admin:accounts_user_changelist"), {"q": "13812345678"}).content.decode()

    assert "138****5678" in listing and "138****5678" in change
    assert "13812345678" not in listing.replace('value="13812345678"', "")  # the search box echoes the query
    assert "13812345678" not in change
    assert 'name="phone"' not in change
    assert worker.username not in found


def test_the_authenticator_admin_shows_no_secret_and_deletes_nothing(db):
    clerk = UserFactory()
    secret = generate_totp_secret()
    authenticator = TOTP.activate(clerk, secret).instance
    client = _admin_client()

    page = client.get(reverse("admin:mfa_authenticator_change", args=[authenticator.pk]))
    deleted = client.post(reverse("admin:mfa_authenticator_delete", args=[authenticator.pk]), {"post": "yes"})

    assert page.status_code == 200
    assert secret not in page.content.decode()
    assert deleted.status_code == 403
    assert Authenticator.objects.filter(pk=authenticator.pk).exists()


def test_a_city_admin_is_not_an_admin_site_user(client, tree):
    # Schedules are changed by a superuser (README, Deployment); a city admin's pages are the portal's.
    admin = staff(K.CITY_ADMIN, tree["city"])
    TOTP.activate(admin, generate_totp_secret())
    client.force_login(admin)

    assert client.get("/admin/", follow=True).status_code == 403
    assert client.get("/admin/django_celery_beat/periodictask/", follow=True).status_code == 403
