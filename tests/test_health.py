"""The health check for load balancers: 200 when every configured dependency answers, 503 otherwise."""

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest
from cryptography.fernet import Fernet
from django.urls import reverse

ROOT = Path(__file__).resolve().parent.parent
CLOSED_PORT = "redis://127.0.0.1:1/0"


@pytest.fixture
def broker_at(settings):
    """Point the portal and the Celery app at another broker for one test, then put them back."""
    from unionportal.celery import app

    original = app.conf.broker_url

    def _point(url: str) -> None:
        settings.REDIS_URL = url
        settings.CELERY_BROKER_URL = url
        app.conf.broker_url = url

    yield _point
    app.conf.broker_url = original


def test_healthz_is_ok_without_a_broker_configured(client, settings, db):
    settings.REDIS_URL = ""

    response = client.get(reverse("healthz"))

    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    assert response.json() == {"status": "ok", "database": "ok", "cache": "ok", "broker": "not configured"}
    assert "no-cache" in response["Cache-Control"] or "max-age=0" in response["Cache-Control"]


def test_healthz_needs_no_sign_in_and_sets_no_cookie(client, settings, db):
    settings.REDIS_URL = ""

    response = client.get("/healthz")

    assert response.status_code == 200
    assert settings.SESSION_COOKIE_NAME not in response.cookies


def test_healthz_refuses_post(client, db):
    assert client.post(reverse("healthz")).status_code == 405


@pytest.mark.redis
def test_healthz_reports_the_redis_broker_ok(client, broker_at, settings, db):
    broker_at(settings.REDIS_URL)

    response = client.get(reverse("healthz"))

    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "ok", "cache": "ok", "broker": "ok"}


def test_healthz_is_503_when_the_broker_does_not_answer(client, broker_at, db):
    broker_at(CLOSED_PORT)

    started = time.monotonic()
    response = client.get(reverse("healthz"))

    assert response.status_code == 503
    body = response.json()
    assert body["status"] == "unavailable"
    assert body["broker"].startswith("error: ")
    assert (body["database"], body["cache"]) == ("ok", "ok")
    assert time.monotonic() - started < 15  # a load balancer must get its answer quickly


def test_healthz_is_503_when_the_cache_does_not_answer(client, settings, db):
    settings.REDIS_URL = ""
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": CLOSED_PORT}}

    response = client.get(reverse("healthz"))

    assert response.status_code == 503
    assert response.json()["cache"].startswith("error: ")
    assert response.json()["database"] == "ok"


def test_healthz_is_not_redirected_to_https_in_production_while_pages_are():
    """Load balancers probe over plain HTTP inside the network; everyone else is sent to HTTPS."""
    script = (
        "import django; django.setup(); from django.test import Client; c = Client(HTTP_HOST='portal.example.org');"
        "h = c.get('/healthz'); p = c.get('/accounts/login/');"
        "print(h.status_code, p.status_code, p.get('Location', ''))"
    )
    env = {k: v for k, v in os.environ.items() if k not in ("DEBUG", "SECRET_KEY", "ALLOWED_HOSTS")}
    env.update(
        DEBUG="0",
        SECRET_KEY="x" * 60,
        ALLOWED_HOSTS="portal.example.org",
        FIELD_ENCRYPTION_KEY=Fernet.generate_key().decode(),
        ID_HASH_KEY="h" * 48,
        SMS_BACKEND="accounts.sms.MemoryBackend",
    )
    result = subprocess.run(  # noqa: S603 - our own interpreter
        [sys.executable, "-c", script], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120, check=False
    )

    assert result.returncode == 0, result.stderr
    health, page, location = result.stdout.strip().splitlines()[-1].split(" ")
    assert health in {"200", "503"}  # answered, not redirected
    assert page == "301"
    assert location == "https://portal.example.org/accounts/login/"
