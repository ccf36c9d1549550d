"""The client IP behind the proxies: one address for the audit trail, the portal's throttles and allauth.

Each trusted proxy appends the address it saw to X-Forwarded-For; whatever stands further left was
written by the client and must not be believed. Without a trusted proxy the header is ignored.
"""

import pytest
from django.test import Client
from django.urls import reverse

from accounts import kinds as accounts_kinds
from accounts.models import AuditEvent
from tests.factories import PASSWORD, UserFactory
from tests.pages import client_for

PROXY = "10.0.0.5"  # the proxy's own address: what the portal sees as the connection's peer
REAL = "203.0.113.9"


@pytest.fixture
def worker(db):
    return UserFactory(username="worker1")


def failed_sign_in(forwarded: str | None, remote: str = PROXY) -> AuditEvent:
    headers = {"HTTP_X_FORWARDED_FOR": forwarded} if forwarded is not None else {}
    Client().post(reverse("account_login"), {"login": "worker1", "password": "wrong"}, REMOTE_ADDR=remote, **headers)
    return AuditEvent.objects.filter(action=accounts_kinds.LOGIN_FAILED).latest("pk")


def test_behind_one_proxy_the_audit_trail_records_the_address_the_proxy_saw(settings, worker):
    settings.ALLAUTH_TRUSTED_PROXY_COUNT = 1

    assert failed_sign_in(f"198.51.100.66, {REAL}").ip == REAL


def test_without_a_trusted_proxy_the_forwarded_header_is_ignored(settings, worker):
    settings.ALLAUTH_TRUSTED_PROXY_COUNT = 0

    assert failed_sign_in(f"198.51.100.66, {REAL}").ip == PROXY


def test_behind_two_proxies_the_entry_two_from_the_end_is_the_client(settings, worker):
    settings.ALLAUTH_TRUSTED_PROXY_COUNT = 2

    assert failed_sign_in(f"198.51.100.66, {REAL}, 10.0.0.4").ip == REAL


@pytest.mark.parametrize("forwarded", ["", REAL, "unknown, not-an-address"])
def test_a_header_that_did_not_pass_the_configured_proxies_falls_back_to_the_connection(settings, worker, forwarded):
    # Two proxies configured, but the header is shorter than that or holds no address: never guess from it.
    settings.ALLAUTH_TRUSTED_PROXY_COUNT = 2

    assert failed_sign_in(forwarded).ip == PROXY


def test_a_page_write_is_audited_with_the_forwarded_client_ip(settings, worker):
    settings.ALLAUTH_TRUSTED_PROXY_COUNT = 1
    client = Client()

    client.post(
        reverse("account_login"),
        {"login": "worker1", "password": PASSWORD},
        REMOTE_ADDR=PROXY,
        HTTP_X_FORWARDED_FOR=f"198.51.100.66, {REAL}",
    )

    assert AuditEvent.objects.get(action=accounts_kinds.LOGIN).ip == REAL


def test_allauths_sign_in_limit_counts_the_forwarded_client_not_the_spoofed_entries(settings, worker):
    settings.ALLAUTH_TRUSTED_PROXY_COUNT = 1
    settings.ACCOUNT_RATE_LIMITS = {**settings.ACCOUNT_RATE_LIMITS, "login": "2/m/ip"}

    def attempt(forwarded):
        data = {"login": "worker1", "password": "wrong"}
        return Client().post(reverse("account_login"), data, REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR=forwarded)

    # A client that writes a new address in front of the header each time is still one client...
    assert [attempt(f"198.51.100.{n}, {REAL}").status_code for n in range(3)] == [200, 200, 429]
    # ...and another client behind the same proxy is not held back by it.
    assert attempt("198.51.100.1, 203.0.113.10").status_code == 200


def test_the_portals_throttle_counts_the_forwarded_client(settings, db):
    settings.ALLAUTH_TRUSTED_PROXY_COUNT = 1
    settings.THROTTLE_RATES = {**settings.THROTTLE_RATES, "card_check": "2/m/ip"}
    url = reverse("members:card_check", args=["A" * 43])

    def check(forwarded):
        return client_for().get(url, REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR=forwarded).status_code

    assert [check(f"198.51.100.{n}, {REAL}") for n in range(3)] == [200, 200, 429]
    assert check("198.51.100.1, 203.0.113.10") == 200
