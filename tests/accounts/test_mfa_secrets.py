"""Second-factor secrets are encrypted at rest: the authenticator table gives nobody anyone's codes."""

import importlib
import time

from allauth.mfa.models import Authenticator
from allauth.mfa.recovery_codes.internal.auth import RecoveryCodes
from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret, hotp_value
from django.apps import apps as django_apps

from tests.factories import UserFactory


def _code_now(secret: str) -> str:
    return format(hotp_value(secret, int(time.time()) // 30), "06d")


def _stored(user, kind) -> dict:
    return Authenticator.objects.get(user=user, type=kind).data


def test_a_totp_secret_is_stored_encrypted_and_still_checks_codes(db):
    user = UserFactory()
    secret = generate_totp_secret()

    totp = TOTP.activate(user, secret)

    stored = _stored(user, Authenticator.Type.TOTP)["secret"]
    assert secret not in stored and stored.startswith("fernet:")
    code = _code_now(secret)
    assert totp.validate_code(code)


def test_recovery_codes_seed_is_stored_encrypted_and_the_codes_work(db):
    user = UserFactory()
    codes = RecoveryCodes.activate(user)

    stored = _stored(user, Authenticator.Type.RECOVERY_CODES)["seed"]
    assert stored.startswith("fernet:")
    first = codes.get_unused_codes()[0]
    assert codes.validate_code(first)


def test_the_migration_encrypts_secrets_stored_in_clear_and_they_keep_working(db):
    # given an authenticator written before encryption, with the secret in clear
    user = UserFactory()
    secret = generate_totp_secret()
    authenticator = Authenticator.objects.create(user=user, type=Authenticator.Type.TOTP, data={"secret": secret})

    # when the data migration runs
    migration = importlib.import_module("accounts.migrations.0008_encrypt_mfa_secrets")
    migration.encrypt_stored_secrets(django_apps, None)

    # then the row holds no clear secret, and codes made from the secret still validate
    authenticator.refresh_from_db()
    assert secret not in str(authenticator.data)
    code = _code_now(secret)
    assert TOTP(authenticator).validate_code(code)
