import os

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
