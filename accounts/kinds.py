"""Audit actions and reminder kinds: each app declares its own, and registers their labels here.

An app names its kinds ``<app>.<name>`` (``members.application_approved``) in its own ``kinds.py``,
as constants for its code and two dicts of labels, ``AUDIT_ACTIONS`` and ``REMINDER_KINDS``, which
its ``AppConfig.ready()`` hands to ``register_kinds``. The stored value is the plain string: the
model fields carry no choices, so a new app never touches this app or its migrations (pretix's log
types, Zulip's audit log).

Display goes through the registries: a value nobody registers any more (an app was removed) shows
as itself rather than failing.

This module also declares the accounts app's own kinds, at the bottom.
"""

from collections.abc import Mapping
from types import ModuleType

from django.core.exceptions import ImproperlyConfigured
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

MAX_LENGTH = 64


class KindRegistry:
    """Values and their labels, in the order the apps registered them (``INSTALLED_APPS``)."""

    def __init__(self, name: str) -> None:
        self.name = name
        self._labels: dict[str, str | Promise] = {}
        self._owners: dict[str, str] = {}

    def register(self, app_label: str, labels: Mapping[str, str | Promise]) -> None:
        for value, label in labels.items():
            if not value.startswith(f"{app_label}.") or len(value) > MAX_LENGTH:
                raise ImproperlyConfigured(
                    f"{self.name} {value!r} of the {app_label} app must be named '{app_label}.<name>', "
                    f"at most {MAX_LENGTH} characters."
                )
            owner = self._owners.setdefault(value, app_label)
            if owner != app_label:
                raise ImproperlyConfigured(f"{self.name} {value!r} is registered by {owner} already.")
            self._labels[value] = label

    def label(self, value: str) -> str:
        return str(self._labels.get(value, value))

    def choices(self) -> list[tuple[str, str | Promise]]:
        """For a form field; pass the bound method itself, so the field reads it after every app is ready."""
        return list(self._labels.items())

    def values(self) -> set[str]:
        return set(self._labels)

    def __contains__(self, value: object) -> bool:
        return value in self._labels


audit_actions = KindRegistry("Audit action")
reminder_kinds = KindRegistry("Reminder kind")


def register_kinds(app_label: str, module: ModuleType) -> None:
    """Register the labels an app's kinds module declares; called from the app's ``ready()``."""
    audit_actions.register(app_label, getattr(module, "AUDIT_ACTIONS", {}))
    reminder_kinds.register(app_label, getattr(module, "REMINDER_KINDS", {}))


# The accounts app's own: signing in, second factors, passwords and staff accounts.
LOGIN = "accounts.login"
LOGIN_FAILED = "accounts.login_failed"
LOGOUT = "accounts.logout"
MFA_ADDED = "accounts.mfa_added"
MFA_REMOVED = "accounts.mfa_removed"
MFA_CODES_RESET = "accounts.mfa_codes_reset"
MFA_ENROLMENT_RESET = "accounts.mfa_enrolment_reset"
PASSWORD_CHANGED = "accounts.password_changed"  # noqa: S105  (an audit action, not a password)
PASSWORD_RESET = "accounts.password_reset"  # noqa: S105
USER_CREATED = "accounts.user_created"

AUDIT_ACTIONS = {
    LOGIN: _("Signed in"),
    LOGIN_FAILED: _("Sign-in failed"),
    LOGOUT: _("Signed out"),
    MFA_ADDED: _("Second factor added"),
    MFA_REMOVED: _("Second factor removed"),
    MFA_CODES_RESET: _("Recovery codes regenerated"),
    MFA_ENROLMENT_RESET: _("Second factor reset, new set-up link sent"),
    PASSWORD_CHANGED: _("Password changed"),
    PASSWORD_RESET: _("Password reset"),
    USER_CREATED: _("Staff account created"),
}
