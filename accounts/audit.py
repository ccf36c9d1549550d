"""Writing the audit trail. ``record`` is the only way rows are made; receivers cover sign-in and MFA."""

import ipaddress
from contextvars import ContextVar

from allauth.account.signals import password_changed, password_reset
from allauth.mfa.signals import authenticator_added, authenticator_removed, authenticator_reset
from django.conf import settings
from django.contrib.auth.signals import user_logged_in, user_logged_out
from django.dispatch import receiver

from . import kinds
from .models import AuditEvent

# The request being served, so that services can audit with its IP without passing it around.
_current_request: ContextVar = ContextVar("audit_request", default=None)


class AuditContextMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        token = _current_request.set(request)
        try:
            return self.get_response(request)
        finally:
            _current_request.reset(token)


def client_ip(request) -> str | None:
    """The address of whoever sent the request: the one IP for the audit trail, the portal's throttles
    and allauth's sign-in limits (the account adapter answers allauth with it).

    Each of the ``ALLAUTH_TRUSTED_PROXY_COUNT`` proxies in front of the portal appends the address it
    saw to X-Forwarded-For, so the client is the entry that many places from the end; anything further
    left was written by the client and is ignored. With no trusted proxy the header is not read at all.
    A header shorter than the proxy count, or an entry that is not an address, did not come through our
    proxies as configured: the connection's own address is used then, never a guess from the header.
    """
    if request is None:
        return None
    proxies = settings.ALLAUTH_TRUSTED_PROXY_COUNT
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
    if proxies > 0 and forwarded:
        hops = forwarded.split(",")
        if len(hops) >= proxies and (ip := _valid_ip(hops[-proxies])):
            return ip
    return _valid_ip(request.META.get("REMOTE_ADDR", ""))


def _valid_ip(value: str) -> str | None:
    try:
        return str(ipaddress.ip_address(value.strip()))
    except ValueError:
        return None


def mask_identifier(value: str) -> str:
    """Enough of a typed login to recognise a pattern of attacks, not enough to identify a person."""
    value = (value or "").strip()
    if len(value) <= 3:
        return "*" * len(value)
    return value[:3] + "*" * min(len(value) - 3, 8)


def actor_label(actor) -> str:
    """Who acted, as people and searches know them: "王五 (user9)", or the username of an account
    without a name. Kept on the row, so a later rename leaves the trail as it was."""
    if actor is None:
        return ""
    username = actor.get_username()
    return f"{actor.name} ({username})"[:150] if actor.name else username


def record(
    action: str,
    *,
    request=None,
    actor=None,
    result: str = AuditEvent.Result.SUCCESS,
    union=None,
    target=None,
    detail: dict | None = None,
) -> AuditEvent:
    """Append one event. ``action`` is a value an app declares in its ``kinds`` module
    (``members.kinds.APPLICATION_APPROVED``); ``target`` is any model instance the event is about."""
    request = request if request is not None else _current_request.get()
    if actor is None and request is not None and getattr(request, "user", None) is not None:
        actor = request.user if request.user.is_authenticated else None
    return AuditEvent.objects.create(
        action=action,
        result=result,
        actor=actor,
        actor_label=actor_label(actor),
        ip=client_ip(request),
        user_agent=(request.META.get("HTTP_USER_AGENT", "")[:300] if request is not None else ""),
        union_id=union.pk if union is not None else None,
        union_path=union.path if union is not None else "",
        target_type=target._meta.label_lower if target is not None else "",
        target_id=str(target.pk) if target is not None else "",
        target_label=str(target)[:200] if target is not None else "",
        detail=detail or {},
    )


@receiver(user_logged_in)
def _on_login(sender, request, user, **kwargs):
    record(kinds.LOGIN, request=request, actor=user)


@receiver(user_logged_out)
def _on_logout(sender, request, user, **kwargs):
    if user is not None:
        record(kinds.LOGOUT, request=request, actor=user)


@receiver(password_changed)
def _on_password_changed(sender, request, user, **kwargs):
    record(kinds.PASSWORD_CHANGED, request=request, actor=user)


@receiver(password_reset)
def _on_password_reset(sender, request, user, **kwargs):
    record(kinds.PASSWORD_RESET, request=request, actor=user)


def _authenticator_detail(authenticator) -> dict:
    return {"type": str(authenticator.type)}


@receiver(authenticator_added)
def _on_mfa_added(sender, request, user, authenticator, **kwargs):
    record(kinds.MFA_ADDED, request=request, actor=user, detail=_authenticator_detail(authenticator))


@receiver(authenticator_removed)
def _on_mfa_removed(sender, request, user, authenticator, **kwargs):
    record(kinds.MFA_REMOVED, request=request, actor=user, detail=_authenticator_detail(authenticator))


@receiver(authenticator_reset)
def _on_mfa_reset(sender, request, user, authenticator, **kwargs):
    record(kinds.MFA_CODES_RESET, request=request, actor=user, detail=_authenticator_detail(authenticator))
