"""Throttles for the pages a signed-in worker or an anonymous visitor can call in a loop.

They reuse allauth's rate limiter, which keeps its counters in the Django cache (Redis in production,
shared by every web process) and finds the client through the account adapter, so a throttle counts
the same IP as the audit trail (``accounts.audit.client_ip``). The limits are the ``THROTTLE_RATES``
setting, in allauth's notation: ``"10/m/user,30/m/ip"`` is ten a minute per account and thirty a minute
per client IP.
"""

from allauth.core.exceptions import RateLimited
from allauth.core.internal import ratelimit
from django.conf import settings
from django.core import checks

# Each throttled action, and whether anonymous visitors use it (then it can count per IP only).
# Actions in KEYED count per a key the caller gives (a hash of a mobile number, say), not per person.
KEYED = frozenset({"objection_code_mobile"})
ACTIONS = {
    "join": False,
    "union_search": False,
    "card_check": True,
    "certificate_check": True,
    "competition_results": True,
    "notice_public": True,
    "objection_code": True,
    "objection_code_mobile": True,
    "objection_submit": True,
    "honour_check": True,
}


def throttle(request, action: str, *, key: str | None = None) -> None:
    """Count one use of ``action`` by this account and this IP (or, for a ``KEYED`` action, by ``key``);
    past a limit, raise ``RateLimited``.

    Call it before any work is done: ``unionportal.middleware.RateLimitedMiddleware`` answers the
    exception with the 429 page, so nothing of the request is processed. Searches are GET requests,
    which allauth leaves uncounted unless asked (``limit_get``).
    """
    allowed = ratelimit.consume(
        request,
        app="portal",
        action=action,
        config=settings.THROTTLE_RATES,
        key=key,
        limit_get=True,
    )
    if not allowed:
        raise RateLimited


@checks.register(checks.Tags.security)
def check_throttle_rates(app_configs=None, **kwargs) -> list[checks.CheckMessage]:
    """A rate that does not parse would fail every request it guards, and a missing one would guard
    nothing: ``manage.py check`` (run at every deployment) reports both."""
    errors = []
    for action, anonymous in ACTIONS.items():
        value = settings.THROTTLE_RATES.get(action)
        try:
            rates = ratelimit.parse_rates(value)
        except ValueError:
            rates = []
        allowed = {"key"} if action in KEYED else {"ip"} if anonymous else {"ip", "user"}
        if not rates or any(rate.per not in allowed for rate in rates):
            example = "1/m/key" if action in KEYED else "30/m/ip" if anonymous else "10/m/user,30/m/ip"
            errors.append(
                checks.Error(
                    f"THROTTLE_RATES[{action!r}] is {value!r}; it needs rates such as {example!r}, "
                    f"counted per {' or '.join(sorted(allowed))}.",
                    id="accounts.E101",
                )
            )
    return errors
