"""Read queries of the accounts app, scoped in SQL like every other staff query."""

from collections import defaultdict

from allauth.mfa.models import Authenticator
from django.db.models import Q, QuerySet
from django.utils import timezone

from .models import AuditEvent, MfaEnrolmentLink, Role
from .roles import AUDIT_READER_KINDS, GRANTABLE_BY, can_reset_mfa, can_revoke
from .scope import roles_of, scope_paths, subtree_q

ROLE_READER_KINDS = frozenset({*GRANTABLE_BY, Role.Kind.AUDITOR})
# The set-up link opened in this browser session (an MfaEnrolmentLink id).
MFA_ENROLMENT_SESSION_KEY = "mfa_enrolment_link"


def roles_visible_to(user) -> QuerySet[Role]:
    """Roles held at nodes inside the subtrees where the user grants roles or audits."""
    paths = scope_paths(user, ROLE_READER_KINDS)
    return (
        Role.objects.filter(subtree_q(paths, "union__path"))
        .select_related("user", "union", "granted_by")
        .order_by("union__path", "kind", "user__username")
    )


def with_revocable(user, roles) -> list[Role]:
    """The roles, each marked with whether this user may revoke it and may reset its holder's
    authenticator (for the buttons)."""
    roles = list(roles)
    held = _roles_by_user(user, roles)
    for role in roles:
        role.revocable = can_revoke(user, role)
        role.mfa_resettable = role.user_id in held and can_reset_mfa(user, role.user, held[role.user_id])
    return roles


def _roles_by_user(user, roles: list[Role]) -> dict[int, list[Role]]:
    """Every role of the holders of these roles, in one query; none to load for a non-city admin."""
    if not any(r.kind == Role.Kind.CITY_ADMIN for r in roles_of(user)) or not roles:
        return {}
    held: dict[int, list[Role]] = defaultdict(list)
    for role in Role.objects.filter(user_id__in={r.user_id for r in roles}).select_related("union"):
        held[role.user_id].append(role)
    return held


def has_totp(user) -> bool:
    return Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).exists()


def mfa_enrolment_link_valid(token: str) -> MfaEnrolmentLink | None:
    """The open, unexpired set-up link with this token, or None."""
    return (
        MfaEnrolmentLink.objects.filter(
            token_hash=MfaEnrolmentLink.hash_token(token), closed_at=None, expires_at__gt=timezone.now()
        )
        .select_related("user")
        .first()
    )


def mfa_enrolment_granted(user, link_id) -> bool:
    """Whether the set-up link opened in this session (``link_id``) still lets the user set up an app."""
    if not isinstance(link_id, int):
        return False
    return MfaEnrolmentLink.objects.filter(
        pk=link_id, user_id=user.pk, closed_at=None, expires_at__gt=timezone.now()
    ).exists()


def roles_at(user, union) -> list[Role]:
    return with_revocable(user, roles_visible_to(user).filter(union=union))


def audit_events_visible_to(user) -> QuerySet[AuditEvent]:
    """Events about nodes in the reader's subtree; sign-in events (no node) only for city-level readers."""
    paths = scope_paths(user, AUDIT_READER_KINDS)
    if not paths:
        return AuditEvent.objects.none()
    q = subtree_q(paths, "union__path")
    if any(_is_root(path) for path in paths):
        q |= Q(union__isnull=True)
    return AuditEvent.objects.filter(q).select_related("union")


def _is_root(path: str) -> bool:
    from members.models import Union

    return len(path) == Union.steplen
