"""Read queries of the accounts app, scoped in SQL like every other staff query."""

from django.db.models import Q, QuerySet

from .models import AuditEvent, Role
from .roles import AUDIT_READER_KINDS, GRANTABLE_BY, can_revoke
from .scope import scope_paths, subtree_q

ROLE_READER_KINDS = frozenset({*GRANTABLE_BY, Role.Kind.AUDITOR})


def roles_visible_to(user) -> QuerySet[Role]:
    """Roles held at nodes inside the subtrees where the user grants roles or audits."""
    paths = scope_paths(user, ROLE_READER_KINDS)
    return (
        Role.objects.filter(subtree_q(paths, "union__path"))
        .select_related("user", "union", "granted_by")
        .order_by("union__path", "kind", "user__username")
    )


def with_revocable(user, roles) -> list[Role]:
    """The roles, each marked with whether this user may revoke it (for the revoke buttons)."""
    roles = list(roles)
    for role in roles:
        role.revocable = can_revoke(user, role)
    return roles


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
