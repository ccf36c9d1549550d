"""Who must sign in with a second factor.

Accounts enforces the rule (accounts.middleware) but does not know the union tree's roles: the app
that defines roles registers a rule here in its ``AppConfig.ready()``, so the arrow points from the
tree down to accounts and never back.
"""

from collections.abc import Callable

_rules: list[Callable[[object], bool]] = []


def register(rule: Callable[[object], bool]) -> None:
    if rule not in _rules:
        _rules.append(rule)


def needs_mfa(user) -> bool:
    """Whether the user must sign in with a second factor: access to the Django admin (``is_staff``,
    ``is_superuser``), which sees and changes every account, or any registered rule (a role that sees
    personal or discipline data)."""
    if user.is_staff or user.is_superuser:
        return True
    return any(rule(user) for rule in _rules)
