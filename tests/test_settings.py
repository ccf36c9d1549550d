"""Production settings: the deploy checks pass, a missing secret stops the portal, migrations are complete."""

import json
import os
import secrets
import string
import subprocess
import sys
from pathlib import Path

import pytest
from cryptography.fernet import Fernet
from django.conf import settings

ROOT = Path(__file__).resolve().parent.parent
# Also dropped: the browser tests' DJANGO_ALLOW_ASYNC_UNSAFE, which the deploy checks rightly reject.
PRODUCTION_ONLY = (
    "DEBUG",
    "SECRET_KEY",
    "ALLOWED_HOSTS",
    "STAFF_MFA_REQUIRED",
    "SECURE_SSL_REDIRECT",
    "DJANGO_ALLOW_ASYNC_UNSAFE",
    "FIELD_ENCRYPTION_KEY",
    "ID_HASH_KEY",
    "SMS_BACKEND",
)


def _env(**overrides: str) -> dict[str, str]:
    """The test run's environment (DATABASE_URL and REDIS_URL unchanged), without production switches."""
    env = {k: v for k, v in os.environ.items() if k not in PRODUCTION_ONLY}
    env["DJANGO_SETTINGS_MODULE"] = "unionportal.settings"
    env.update(overrides)
    return env


def _run(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess:
    return subprocess.run(  # noqa: S603 - our own interpreter and manage.py
        [sys.executable, *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=180, check=False
    )


def _production_env(**overrides: str) -> dict[str, str]:
    key = "".join(secrets.choice(string.ascii_letters + string.digits + "!@#%^&*(-_=+)") for _ in range(60))
    production = {
        "DEBUG": "0",
        "SECRET_KEY": key,
        "ALLOWED_HOSTS": "portal.example.org",
        "FIELD_ENCRYPTION_KEY": Fernet.generate_key().decode(),
        "ID_HASH_KEY": secrets.token_urlsafe(48),
        # Stands in for a real gateway's backend: the development one is refused in production.
        "SMS_BACKEND": "accounts.sms.MemoryBackend",
    }
    return _env(**{**production, **overrides})


def test_deploy_checks_pass_with_production_settings():
    result = _run("manage.py", "check", "--deploy", "--fail-level", "WARNING", env=_production_env())

    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout


def test_deploy_checks_fail_with_a_weak_secret_key():
    # the same command must be able to fail: a short key is a deploy warning (security.W009)
    result = _run(
        "manage.py", "check", "--deploy", "--fail-level", "WARNING", env=_production_env(SECRET_KEY="too-short")
    )

    assert result.returncode != 0
    assert "security.W009" in result.stdout + result.stderr


def test_settings_refuse_to_load_without_a_secret_key_when_debug_is_off():
    result = _run("manage.py", "check", env=_env(DEBUG="0", ALLOWED_HOSTS="portal.example.org"))

    assert result.returncode != 0
    assert "SECRET_KEY" in result.stderr


@pytest.mark.parametrize("missing", ["FIELD_ENCRYPTION_KEY", "ID_HASH_KEY"])
def test_production_refuses_to_start_without_the_personal_data_keys(missing):
    env = _production_env()
    del env[missing]
    result = _run("manage.py", "check", env=env)

    assert result.returncode != 0
    assert missing in result.stderr


def test_production_refuses_to_start_with_the_sms_backend_that_logs_codes():
    result = _run("manage.py", "check", env=_production_env(SMS_BACKEND="accounts.sms.LoggingBackend"))

    assert result.returncode != 0
    assert "SMS_BACKEND" in result.stderr
    assert "verification codes" in result.stderr


def test_production_refuses_to_start_without_an_sms_backend():
    env = _production_env()
    del env["SMS_BACKEND"]
    result = _run("manage.py", "check", env=env)

    assert result.returncode != 0
    assert "SMS_BACKEND" in result.stderr


def test_production_settings_turn_on_every_safeguard():
    script = (
        "import json, django; django.setup(); from django.conf import settings as s; print(json.dumps({"
        "'debug': s.DEBUG, 'mfa': s.STAFF_MFA_REQUIRED, 'ssl': s.SECURE_SSL_REDIRECT, 'hsts': s.SECURE_HSTS_SECONDS,"
        "'session_secure': s.SESSION_COOKIE_SECURE, 'csrf_secure': s.CSRF_COOKIE_SECURE,"
        "'session_age': s.SESSION_COOKIE_AGE, 'hosts': s.ALLOWED_HOSTS,"
        "'static': s.STORAGES['staticfiles']['BACKEND']}))"
    )
    result = _run("-c", script, env=_production_env())

    assert result.returncode == 0, result.stderr
    values = json.loads(result.stdout.strip().splitlines()[-1])
    assert values["debug"] is False
    assert values["mfa"] is True
    assert values["ssl"] is True
    assert values["hsts"] >= 31536000
    assert values["session_secure"] and values["csrf_secure"]
    assert values["session_age"] == 30 * 60
    assert values["hosts"] == ["portal.example.org"]
    assert values["static"].startswith("whitenoise.")


def test_migrations_match_the_models():
    result = _run("manage.py", "makemigrations", "--check", "--dry-run", env=_env())

    assert result.returncode == 0, result.stdout + result.stderr


def test_cache_is_redis_exactly_when_redis_url_is_set():
    backend = settings.CACHES["default"]["BACKEND"]
    if settings.REDIS_URL:
        assert backend == "django.core.cache.backends.redis.RedisCache"
        assert settings.CACHES["default"]["LOCATION"] == settings.REDIS_URL
        assert settings.CELERY_BROKER_URL == settings.REDIS_URL
        assert settings.CELERY_TASK_ALWAYS_EAGER is False
    else:
        assert backend == "django.core.cache.backends.locmem.LocMemCache"
        assert settings.CELERY_TASK_ALWAYS_EAGER is True


@pytest.mark.parametrize(
    ("db_url", "engine"),
    [
        ("postgres://portal@db.internal:5432/portal", "django.db.backends.postgresql"),
        ("sqlite:////tmp/portal-test.sqlite3", "django.db.backends.sqlite3"),
    ],
)
def test_database_url_chooses_the_database(db_url, engine):
    script = (
        "import django; django.setup(); from django.conf import settings as s; print(s.DATABASES['default']['ENGINE'])"
    )
    result = _run("-c", script, env=_env(DATABASE_URL=db_url))

    assert result.returncode == 0, result.stderr
    assert result.stdout.strip().splitlines()[-1] == engine
