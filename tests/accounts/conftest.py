"""Fixtures of the accounts tests: signing in through allauth's real pages, TOTP, a second factor required."""

import time

import pytest
from django.test import Client
from django.urls import reverse

from tests.factories import PASSWORD


@pytest.fixture
def mfa_required(settings):
    """Staff must have a second factor (the rest of the suite signs staff in with a password only)."""
    settings.STAFF_MFA_REQUIRED = True


@pytest.fixture
def sign_in():
    """Sign in through allauth's login page (so signals, rate limits and audit run for real)."""

    def _sign_in(client: Client, login: str, password: str = PASSWORD, ip: str = "198.51.100.10"):
        return client.post(reverse("account_login"), {"login": login, "password": password}, REMOTE_ADDR=ip)

    return _sign_in


def current_totp_code(secret: str) -> str:
    """What an authenticator app shows now for this secret."""
    from allauth.mfa.totp.internal.auth import format_hotp_value, hotp_value

    remaining = 30 - time.time() % 30
    if remaining < 2:  # the code would change before the server checks it
        time.sleep(remaining + 0.1)
    return format_hotp_value(hotp_value(secret, int(time.time()) // 30))


@pytest.fixture
def totp_code():
    return current_totp_code


@pytest.fixture
def activate_totp(django_capture_on_commit_callbacks):
    """Set up an authenticator app through allauth's activation page, as a person would."""

    def _activate(client: Client, password: str = PASSWORD, ip: str = "198.51.100.10"):
        from allauth.mfa.totp.internal.auth import SECRET_SESSION_KEY

        page = client.get(reverse("mfa_activate_totp"), REMOTE_ADDR=ip)
        if page.status_code == 302 and page.url.startswith(reverse("account_reauthenticate")):
            # allauth asks for the password again before a second factor is added
            page = client.post(page.url, {"password": password}, REMOTE_ADDR=ip, follow=True)
        assert page.status_code == 200, page
        assert page.wsgi_request.path == reverse("mfa_activate_totp")
        secret = client.session[SECRET_SESSION_KEY]
        with django_capture_on_commit_callbacks(execute=True):
            response = client.post(reverse("mfa_activate_totp"), {"code": current_totp_code(secret)}, REMOTE_ADDR=ip)
        assert response.status_code == 302, response
        return response

    return _activate
