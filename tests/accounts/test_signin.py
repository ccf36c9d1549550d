"""Sign-in policy: password rules, login names, lock-out, admin login, idle sessions, no enumeration."""

import datetime
import re
from urllib.parse import parse_qs, urlsplit

import pytest
import time_machine
from django.conf import settings as django_settings
from django.contrib.auth import SESSION_KEY
from django.contrib.auth.password_validation import validate_password
from django.core import mail
from django.core.cache import caches
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse

from accounts import kinds as accounts_kinds
from accounts.models import AuditEvent, User
from tests.factories import PASSWORD, UserFactory, staff
from unions.models import Role

K = Role.Kind
WRONG = "Not-the-pass-99"


def signed_in_user_id(client: Client):
    return client.session.get(SESSION_KEY)


# --- passwords -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "weak",
    [
        "password1",  # common, and short
        "abcdefghij",  # one kind of character
        "Abcdefghij",  # two kinds only
        "abcdefgh12",  # two kinds only
        "12345678901",  # digits only
        "Ab1!xyz",  # four kinds, but short
        "Aa1!",
    ],
)
def test_password_validators_reject_weak_passwords(db, weak):
    with pytest.raises(ValidationError):
        validate_password(weak, user=User(username="zhangsan"))


def test_password_validators_reject_a_password_like_the_username(db):
    with pytest.raises(ValidationError):
        validate_password("Zhangsan2026", user=User(username="zhangsan2026", email="zhangsan2026@example.org"))


@pytest.mark.parametrize("good", ["Blue-Harbor-2026", "qiche7Lun-hao", "长江Yangtze2026"])
def test_password_validators_accept_a_long_mixed_password(db, good):
    validate_password(good, user=User(username="zhangsan"))


def test_complexity_rule_is_explained_in_the_help_text():
    from django.contrib.auth.password_validation import password_validators_help_texts

    texts = " ".join(password_validators_help_texts())
    assert "3" in texts and "10" in texts


# --- login names -----------------------------------------------------------------------------


@pytest.fixture
def worker(db):
    return UserFactory(username="worker1", email="worker1@example.org", phone="13812345678", phone_verified=True)


@pytest.mark.parametrize(
    "typed", ["worker1", "WORKER1@example.org", "13812345678", "138 1234 5678", "+8613812345678", "138-1234-5678"]
)
def test_sign_in_by_username_email_or_mobile_number_in_any_common_spelling(client, sign_in, worker, typed):
    response = sign_in(client, typed)

    assert response.status_code == 302, response.content.decode()[:2000]
    assert str(signed_in_user_id(client)) == str(worker.pk)


def test_wrong_password_and_unknown_account_get_the_same_answer(client, sign_in, worker):
    known = sign_in(client, "worker1", password=WRONG, ip="198.51.100.1")
    unknown = sign_in(Client(), "nosuchuser", password=WRONG, ip="198.51.100.2")

    assert known.status_code == unknown.status_code == 200
    assert known.context["form"].non_field_errors() == unknown.context["form"].non_field_errors()
    assert signed_in_user_id(client) is None


# --- lock-out --------------------------------------------------------------------------------


def _lock_out_with_rotating_ips(client: Client, sign_in, logins: list[str]) -> None:
    for n, typed in enumerate(logins, start=1):
        response = sign_in(client, typed, password=WRONG, ip=f"198.51.100.{n}")
        assert response.status_code == 200
        assert signed_in_user_id(client) is None


def _assert_locked(client: Client, sign_in, typed: str, ip: str) -> None:
    response = sign_in(client, typed, password=PASSWORD, ip=ip)
    assert response.status_code in (200, 429)
    assert signed_in_user_id(client) is None
    assert not AuditEvent.objects.filter(action=accounts_kinds.LOGIN).exists()


def test_five_wrong_passwords_from_rotating_ips_lock_the_account_even_for_the_right_password(client, sign_in, worker):
    # given five wrong passwords, each from another address
    _lock_out_with_rotating_ips(client, sign_in, ["worker1"] * 5)

    # then the sixth attempt, with the right password and a fresh address, is refused
    _assert_locked(client, sign_in, "worker1", ip="198.51.100.200")
    last = AuditEvent.objects.filter(action=accounts_kinds.LOGIN_FAILED).first()
    assert (last.actor, last.detail["reason"]) == (worker, "rate_limited")
    assert AuditEvent.objects.filter(action=accounts_kinds.LOGIN_FAILED, actor=worker).count() == 6


def test_lock_out_counts_per_account_however_the_login_is_spelled(client, sign_in, worker):
    spellings = ["worker1", "worker1@example.org", "13812345678", "138 1234 5678", "+8613812345678"]
    _lock_out_with_rotating_ips(client, sign_in, spellings)

    for n, typed in enumerate([*spellings, "0086 138 1234 5678", "WORKER1"]):
        _assert_locked(client, sign_in, typed, ip=f"192.0.2.{n + 1}")


def test_other_accounts_are_not_locked_by_attacks_on_one(client, sign_in, worker):
    other = UserFactory(username="other1")
    _lock_out_with_rotating_ips(client, sign_in, ["worker1"] * 5)

    response = sign_in(client, "other1", ip="198.51.100.201")

    assert response.status_code == 302
    assert str(signed_in_user_id(client)) == str(other.pk)


@pytest.mark.redis
def test_lock_out_holds_on_the_shared_redis_cache(client, sign_in, worker):
    assert caches["default"].__class__.__name__ == "RedisCache"
    assert django_settings.CACHES["default"]["LOCATION"] == django_settings.REDIS_URL

    _lock_out_with_rotating_ips(client, sign_in, ["worker1"] * 5)

    _assert_locked(Client(), sign_in, "worker1", ip="198.51.100.250")


# --- the Django admin ------------------------------------------------------------------------


def test_admin_login_redirects_to_the_portal_sign_in(client, db):
    response = client.get("/admin/login/")

    assert response.status_code == 302
    location = urlsplit(response.url)
    assert location.path == reverse("account_login")
    assert parse_qs(location.query)["next"] == ["/admin/login/"]


def test_admin_login_form_post_cannot_bypass_the_portal_sign_in(client, db):
    admin = UserFactory(username="root2", is_staff=True, is_superuser=True)

    response = client.post("/admin/login/", {"username": admin.username, "password": PASSWORD})

    assert response.status_code == 302
    assert response.url.startswith(reverse("account_login"))
    assert signed_in_user_id(client) is None


def test_admin_login_refuses_a_signed_in_user_who_is_not_django_staff(client, db):
    client.force_login(UserFactory())

    assert client.get("/admin/login/").status_code == 403


# --- sessions --------------------------------------------------------------------------------


@pytest.fixture
def signed_in_admin(client, sign_in, tree, settings):
    settings.STAFF_MFA_REQUIRED = False
    staff(K.CITY_ADMIN, tree["city"], username="cityadmin")
    assert sign_in(client, "cityadmin").status_code == 302
    return client


def test_idle_session_ends_after_thirty_minutes(signed_in_admin):
    client = signed_in_admin
    start = datetime.datetime.now(tz=datetime.UTC)
    with time_machine.travel(start, tick=False) as clock:
        assert client.get(reverse("unions:roles")).status_code == 200

        clock.shift(datetime.timedelta(minutes=31))
        response = client.get(reverse("unions:roles"))

    assert response.status_code == 302
    assert response.url.startswith(reverse("account_login"))


def test_each_request_renews_the_idle_timeout(signed_in_admin):
    client = signed_in_admin
    start = datetime.datetime.now(tz=datetime.UTC)
    with time_machine.travel(start, tick=False) as clock:
        for _ in range(3):
            clock.shift(datetime.timedelta(minutes=20))
            assert client.get(reverse("unions:roles")).status_code == 200


def test_old_session_cookie_is_rejected_after_logout(signed_in_admin):
    client = signed_in_admin
    old_cookie = client.cookies[django_settings.SESSION_COOKIE_NAME].value
    assert client.get(reverse("unions:roles")).status_code == 200

    assert client.post(reverse("account_logout")).status_code == 302

    replay = Client()
    replay.cookies[django_settings.SESSION_COOKIE_NAME] = old_cookie
    response = replay.get(reverse("unions:roles"))
    assert response.status_code == 302
    assert response.url.startswith(reverse("account_login"))


def test_session_cookie_is_http_only_and_dies_with_the_browser(signed_in_admin):
    cookie = signed_in_admin.cookies[django_settings.SESSION_COOKIE_NAME]

    assert cookie["httponly"]
    assert not cookie["max-age"] and not cookie["expires"]


# --- enumeration -----------------------------------------------------------------------------


def _without_tokens(html: str) -> str:
    return re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", html)


def test_password_reset_answers_alike_for_known_and_unknown_email(client, worker):
    known = client.post(reverse("account_reset_password"), {"email": "worker1@example.org"}, REMOTE_ADDR="192.0.2.1")
    unknown = Client().post(reverse("account_reset_password"), {"email": "nobody@example.org"}, REMOTE_ADDR="192.0.2.2")

    assert known.status_code == unknown.status_code == 302
    assert known.url == unknown.url
    known_page = client.get(known.url)
    unknown_page = Client().get(unknown.url)
    assert known_page.status_code == unknown_page.status_code == 200
    assert _without_tokens(known_page.content.decode()) == _without_tokens(unknown_page.content.decode())
    # each address gets one message; only the account holder's holds a reset link
    assert sorted(m.to[0] for m in mail.outbox) == ["nobody@example.org", "worker1@example.org"]
    known_mail = next(m for m in mail.outbox if m.to == ["worker1@example.org"])
    unknown_mail = next(m for m in mail.outbox if m.to == ["nobody@example.org"])
    assert "/accounts/password/reset/key/" in known_mail.body
    assert "/accounts/password/reset/key/" not in unknown_mail.body
