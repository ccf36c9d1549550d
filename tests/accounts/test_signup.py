"""Workers sign up with a mainland mobile number, verified by an SMS code."""

import re

import pytest
from django.contrib.auth import SESSION_KEY
from django.test import Client
from django.urls import reverse

from accounts import kinds as accounts_kinds
from accounts.models import AuditEvent, User
from tests.factories import UserFactory

GOOD = "Blue-Harbor-2026"
CODE_RE = re.compile(r"[0-9A-Z][0-9A-Z-]{3,}[0-9A-Z]")


def _sign_up(client: Client, phone: str, password: str = GOOD, ip: str = "198.51.100.30", **extra):
    data = {"name": "王小明", "phone": phone, "password1": password, "password2": password, **extra}
    return client.post(reverse("account_signup"), data, REMOTE_ADDR=ip)


def _code_in(message: str) -> str:
    return CODE_RE.search(message).group(0)


def test_worker_signs_up_with_a_mobile_number_and_the_sms_code_and_is_signed_in(client, sms_outbox, db):
    # given a worker who fills in the sign-up form with a mobile number typed with spaces
    response = _sign_up(client, "138 1234 5678")

    # then an account exists, not yet verified, and a code went out by SMS
    assert response.status_code == 302
    assert response.url == reverse("account_verify_phone")
    worker = User.objects.get(phone="13812345678")
    assert not worker.phone_verified
    assert client.session.get(SESSION_KEY) is None
    assert len(sms_outbox) == 1
    phone, message = sms_outbox[0]
    assert phone == "13812345678"

    # when the worker types the code on the verification page
    assert client.get(response.url).status_code == 200
    verified = client.post(reverse("account_verify_phone"), {"code": _code_in(message)})

    # then they are signed in, verified, with no staff role, and home is the worker's page
    assert verified.status_code == 302
    worker.refresh_from_db()
    assert worker.phone_verified
    assert worker.check_password(GOOD)
    assert not worker.roles.exists()
    assert not worker.is_staff and not worker.is_superuser
    assert str(client.session[SESSION_KEY]) == str(worker.pk)
    home = client.get(reverse("home"))
    assert home.status_code == 200
    assert "members/worker_home.html" in [t.name for t in home.templates]
    assert AuditEvent.objects.filter(action=accounts_kinds.LOGIN, actor=worker).count() == 1


def test_a_wrong_sms_code_does_not_sign_the_worker_in(client, sms_outbox, db):
    _sign_up(client, "13812345678")

    response = client.post(reverse("account_verify_phone"), {"code": "WRONG-CODE"})

    assert response.status_code == 200
    assert response.context["form"].errors["code"]
    assert client.session.get(SESSION_KEY) is None
    assert not User.objects.get(phone="13812345678").phone_verified


@pytest.mark.parametrize("typed", ["1381234abcd", "1381234567", "138123456789", "23812345678", "电话号码"])
def test_a_malformed_mobile_number_gets_a_clear_error_and_no_account(client, sms_outbox, db, typed):
    response = _sign_up(client, typed)

    assert response.status_code == 200
    errors = response.context["form"].errors["phone"]
    assert any("13812345678" in str(error) for error in errors), errors
    assert not User.objects.exists()
    assert sms_outbox == []


def test_a_weak_password_is_refused_at_sign_up(client, sms_outbox, db):
    response = _sign_up(client, "13812345678", password="abcdefghij")

    assert response.status_code == 200
    assert response.context["form"].errors["password1"]
    assert not User.objects.exists()
    assert sms_outbox == []


def test_sign_up_with_a_mobile_that_has_an_account_looks_the_same_and_tells_only_the_owner(client, sms_outbox, db):
    # given a worker who already has an account with this mobile
    owner = UserFactory(phone="13812345678", phone_verified=True)

    # when someone signs up with that mobile, and someone else with a new one
    taken = _sign_up(client, "138 1234 5678", ip="198.51.100.31")
    fresh_client = Client()
    fresh = _sign_up(fresh_client, "13900002222", ip="198.51.100.32")

    # then both answers are the same: off to the SMS code page
    assert taken.status_code == fresh.status_code == 302
    assert taken.url == fresh.url == reverse("account_verify_phone")
    assert client.get(taken.url).status_code == fresh_client.get(fresh.url).status_code == 200

    # no second account was made, and the owner's number got a notice without a usable code
    assert User.objects.filter(phone="13812345678").get() == owner
    owner_sms = [message for phone, message in sms_outbox if phone == "13812345678"]
    assert len(owner_sms) == 1
    new_sms = [message for phone, message in sms_outbox if phone == "13900002222"]
    assert len(new_sms) == 1
    assert owner_sms[0] != new_sms[0]

    # and nothing typed on the code page signs anyone in to the existing account
    response = client.post(reverse("account_verify_phone"), {"code": _code_in(new_sms[0])})
    assert response.status_code == 200
    assert client.session.get(SESSION_KEY) is None


def test_sign_up_form_ignores_forged_staff_fields(client, sms_outbox, db):
    _sign_up(client, "13812345678", is_staff="on", is_superuser="on", username="admin2", phone_verified="on")

    worker = User.objects.get(phone="13812345678")
    assert not worker.is_staff and not worker.is_superuser and not worker.phone_verified
    assert not worker.roles.exists()


def test_sign_up_asks_for_the_name_which_the_portal_then_calls_the_worker(client, sms_outbox, db):
    # given a worker who gives their name (with stray spaces) at sign-up
    form = client.get(reverse("account_signup"))
    assert "姓名" in form.content.decode()
    _sign_up(client, "13812345678", name="  王 小明 ")
    worker = User.objects.get(phone="13812345678")
    assert worker.name == "王 小明"

    # when they confirm the SMS code and open their pages
    client.post(reverse("account_verify_phone"), {"code": _code_in(sms_outbox[0][1])})
    pages = [client.get(reverse(name)).content.decode() for name in ("home", "accounts:inbox")]

    # then the nav bar and the greeting say the name, never the generated username
    for page in pages:
        assert "王 小明" in page
        assert not re.search(rf"(?<![\w@.-]){re.escape(worker.username)}(?![\w@.-])", page)
    login = AuditEvent.objects.get(action=accounts_kinds.LOGIN, actor=worker)
    assert "王 小明" in login.actor_label


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        ("", "请填写您的姓名。"),
        ("   ", "请填写您的姓名。"),
        ("王\x00明", "姓名中含有不能用于姓名的字符"),
        ("王\u202e明", "姓名中含有不能用于姓名的字符"),
        ("王\n明", "姓名中含有不能用于姓名的字符"),
        ("王", "至少"),
        ("王" * 51, "50"),
    ],
)
def test_a_missing_or_malformed_name_gets_a_chinese_message_and_no_account(client, sms_outbox, db, typed, message):
    response = _sign_up(client, "13812345678", name=typed)

    assert response.status_code == 200
    errors = " ".join(str(e) for e in response.context["form"].errors["name"])
    assert message in errors, errors
    assert not User.objects.exists()
    assert sms_outbox == []
