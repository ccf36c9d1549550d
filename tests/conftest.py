import os
import shutil
from importlib import import_module
from pathlib import Path

import pytest
from django.db import connection

from unions.models import Role, Union

from .factories import make_child, make_city, staff

IN_CI = os.environ.get("CI", "").lower() in {"1", "true", "yes"}


def need(condition: bool, what: str) -> None:
    """A test that needs a real service: skipped on a developer's machine without it, failed in CI."""
    if condition:
        return
    if IN_CI:
        pytest.fail(f"{what} is required in CI but is not available")
    pytest.skip(f"{what} not available")


def _redis_up() -> bool:
    from django.conf import settings

    if not settings.REDIS_URL:
        return False
    import redis

    try:
        return bool(redis.Redis.from_url(settings.REDIS_URL, socket_timeout=2).ping())
    except redis.RedisError:
        return False


@pytest.fixture
def postgres(db):
    need(connection.vendor == "postgresql", "PostgreSQL (set DATABASE_URL)")


@pytest.fixture
def redis_cache():
    need(_redis_up(), "Redis (set REDIS_URL)")


@pytest.fixture(autouse=True)
def _marked_services(request):
    if request.node.get_closest_marker("postgres"):
        request.getfixturevalue("postgres")
    if request.node.get_closest_marker("redis"):
        request.getfixturevalue("redis_cache")


@pytest.fixture(autouse=True)
def _no_second_factor(settings):
    """Staff sign in with a password in tests; the second-factor gate is tested in tests/accounts/test_mfa.py."""
    settings.STAFF_MFA_REQUIRED = False


@pytest.fixture(autouse=True)
def _english_outside_requests():
    """Services called directly speak the active language; tests read their messages in English.

    Requests still get the portal's default (Chinese) from the language middleware.
    """
    from django.utils import translation

    with translation.override("en"):
        yield


@pytest.fixture(autouse=True)
def _clear_cache():
    """Rate-limit counters live in the cache; each test starts clean."""
    from django.core.cache import cache

    cache.clear()
    yield


@pytest.fixture
def tree(db):
    """A small city: two districts with a street and grassroots unions each, and an industry union."""
    city = make_city()
    d1 = make_child(city, Union.Kind.DISTRICT_FEDERATION, "东城区总工会")
    d2 = make_child(city, Union.Kind.DISTRICT_FEDERATION, "西城区总工会")
    ind = make_child(city, Union.Kind.INDUSTRY_UNION, "市教育工会")
    s1 = make_child(d1, Union.Kind.STREET_FEDERATION, "东华门街道总工会")
    s2 = make_child(d2, Union.Kind.STREET_FEDERATION, "西长安街街道总工会")
    g1 = make_child(s1, Union.Kind.GRASSROOTS_UNION, "东城机械厂工会")
    g2 = make_child(s2, Union.Kind.GRASSROOTS_UNION, "西城食品公司工会")
    g3 = make_child(ind, Union.Kind.GRASSROOTS_UNION, "市第一中学工会")
    nodes = {"city": city, "d1": d1, "d2": d2, "ind": ind, "s1": s1, "s2": s2, "g1": g1, "g2": g2, "g3": g3}
    for node in nodes.values():
        node.refresh_from_db()
    return nodes


DB_FIXTURES = frozenset({"db", "transactional_db", "live_server", "django_db_reset_sequences"})


@pytest.fixture(autouse=True)
def _standard_honour_kinds(request, django_db_blocker):
    """A transactional test (every browser journey) empties every table when it ends, the rows the data
    migrations wrote among them: before a test that uses the database, the standard honour kinds are put
    back if they are gone (one query when they are there)."""
    if not (DB_FIXTURES & set(request.fixturenames) or request.node.get_closest_marker("django_db")):
        return
    request.getfixturevalue("django_db_setup")
    from django.apps import apps

    from campaigns.models import HonourKind

    with django_db_blocker.unblock():
        if not HonourKind.objects.exists():
            import_module("campaigns.migrations.0004_standard_honour_kinds").add_kinds(apps, None)


@pytest.fixture
def sms_outbox(settings):
    """Text messages go to ``MemoryBackend.outbox``, which starts empty."""
    from accounts.sms import MemoryBackend

    settings.SMS_BACKEND = "accounts.sms.MemoryBackend"
    MemoryBackend.outbox.clear()
    yield MemoryBackend.outbox
    MemoryBackend.outbox.clear()


# --- staff of the small city, as most tests need them ----------------------------------------------
@pytest.fixture
def admin(tree):
    return staff(Role.Kind.CITY_ADMIN, tree["city"])


@pytest.fixture
def city_admin(tree):
    return staff(Role.Kind.CITY_ADMIN, tree["city"], username="cityadmin")


@pytest.fixture
def district_staff(tree):
    """Federation staff of district 1 (d1 → s1 → g1)."""
    return staff(Role.Kind.FEDERATION_STAFF, tree["d1"])


@pytest.fixture
def clerk(tree):
    """The union clerk of g1, a grassroots union in district 1."""
    return staff(Role.Kind.UNION_CLERK, tree["g1"])


# --- browser journeys: one Chromium for the whole run, whichever folder a journey lives in -----------
# Debian's Chromium driven by Playwright for Python against pytest-django's live_server. A second
# session browser would start a second Playwright event loop in this thread, which Playwright refuses.
CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


@pytest.fixture(scope="session")
def browser():
    need(Path(CHROMIUM).exists() or bool(shutil.which(CHROMIUM)), f"Chromium at {CHROMIUM}")
    from playwright.sync_api import sync_playwright

    # Playwright's sync API runs an event loop in this thread; the ORM calls the tests make in
    # between are ordinary synchronous calls, so Django's async-safety guard does not apply.
    previous = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            yield browser
            browser.close()
    finally:
        if previous is None:
            os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
        else:
            os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = previous


@pytest.fixture
def new_context(browser, live_server):
    """Opens browser contexts (separate cookie jars) that record console errors and CSP violations."""
    contexts = []

    def make(**options):
        context = browser.new_context(base_url=live_server.url, **options)
        context.console_errors = []
        context.on(
            "page",
            lambda page: page.on("console", lambda m: m.type == "error" and context.console_errors.append(m.text)),
        )
        contexts.append(context)
        return context

    yield make
    for context in contexts:
        context.close()


@pytest.fixture
def screenshot(tmp_path):
    """Saves a full-page screenshot under the test's tmp dir (and ARTIFACTS_DIR when set)."""

    def shoot(page, name: str) -> Path:
        path = tmp_path / f"{name}.png"
        page.screenshot(path=str(path), full_page=True)
        if artifacts := os.environ.get("ARTIFACTS_DIR"):
            Path(artifacts).mkdir(parents=True, exist_ok=True)
            shutil.copy(path, Path(artifacts) / path.name)
        assert path.stat().st_size > 0
        return path

    return shoot
