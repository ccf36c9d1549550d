"""Read queries over the union tree and the roles on it, always scoped to the user in SQL.

``scoped`` and ``get_visible_or_404`` are the helpers every app's selectors build on: a queryset
narrowed to the subtrees of the user's roles of some kinds, and an object from it or a 404, so that
nobody learns an object outside their scope exists.
"""

from collections import defaultdict
from collections.abc import Iterable

from django.db.models import Count, OuterRef, Q, QuerySet, Subquery
from django.db.models.functions import Substr
from django.http import Http404

from accounts.models import AuditEvent

from .models import Role, Union
from .permissions import can_reset_mfa, can_reset_mfa_somewhere, can_revoke
from .roles import AUDIT_READER_KINDS, ROLE_READER_KINDS, UNION_TREE_KINDS
from .scope import scope_paths, subtree_q


def scoped(queryset: QuerySet, user, kinds: Iterable[str], field: str = "union__path") -> QuerySet:
    """The rows of ``queryset`` whose node (reached through ``field``) lies in a subtree where the user
    holds a role of these kinds. Nothing at all for a user without one."""
    return queryset.filter(subtree_q(scope_paths(user, kinds), field))


def get_visible_or_404(queryset: QuerySet, pk):
    """The object with this primary key from an already scoped queryset, or 404 (also for a malformed key)."""
    try:
        return queryset.get(pk=pk)
    except (queryset.model.DoesNotExist, ValueError, TypeError):
        raise Http404 from None


def _tree_paths(user) -> list[str]:
    """Where the user's union tree pages reach: every role's subtree but the auditor's."""
    return scope_paths(user, UNION_TREE_KINDS)


def unions_visible_to(user) -> QuerySet[Union]:
    return Union.objects.filter(subtree_q(_tree_paths(user)))


def union_get_visible(user, pk) -> Union:
    """The union if it is inside the user's scope; otherwise 404, so nobody learns it exists."""
    return get_visible_or_404(unions_visible_to(user), pk)


def scope_roots(user) -> QuerySet[Union]:
    """The top nodes of the user's scope: where their tree begins."""
    return Union.objects.filter(path__in=_tree_paths(user)).order_by("path")


def breadcrumb(user, union: Union) -> list[Union]:
    """The node's ancestors from the top of the user's scope down to the node itself."""
    roots = _tree_paths(user)
    top = next((root for root in roots if union.path.startswith(root)), union.path)
    steplen = Union.steplen
    ancestor_paths = [union.path[:n] for n in range(len(top), len(union.path) + 1, steplen)]
    return list(Union.objects.filter(path__in=ancestor_paths).order_by("depth"))


def subtree_counts(union: Union) -> dict[str, int]:
    """How many unions of each kind lie below the node (the node itself not counted)."""
    # order_by() clears treebeard's default ordering by path, which would split the GROUP BY.
    rows = (
        Union.objects.filter(path__startswith=union.path, depth__gt=union.depth)
        .order_by()
        .values("kind")
        .annotate(n=Count("id"))
    )
    return {row["kind"]: row["n"] for row in rows}


def labelled_counts(counts: dict[str, int]) -> list[tuple[str, int]]:
    """Counts by kind as (label, n) in the tree's order, for display."""
    return [(label, counts[value]) for value, label in Union.Kind.choices if counts.get(value)]


def descendant_counts_by_child(parent: Union, child_paths: list[str]) -> dict[str, int]:
    """For each listed child of ``parent``: how many unions lie below it, in one grouped query."""
    if not child_paths:
        return {}
    prefix_len = len(parent.path) + Union.steplen
    rows = (
        Union.objects.filter(path__startswith=parent.path, depth__gt=parent.depth + 1)
        .annotate(child_path=Substr("path", 1, prefix_len))
        .filter(child_path__in=child_paths)
        .order_by()
        .values("child_path")
        .annotate(n=Count("id"))
    )
    return {row["child_path"]: row["n"] for row in rows}


def children_of(parent: Union) -> QuerySet[Union]:
    return Union.objects.filter(path__startswith=parent.path, depth=parent.depth + 1).order_by("name", "path")


def move_targets_for(user, union: Union) -> QuerySet[Union]:
    """Open nodes in the user's scope that may hold this kind, excluding the node's own subtree."""
    kinds = [kind for kind, children in Union.CHILD_KINDS.items() if union.kind in children]
    return (
        unions_visible_to(user)
        .filter(kind__in=kinds, closed_on__isnull=True)
        .exclude(path__startswith=union.path)
        .order_by("path")
    )


# --- roles and the audit trail -------------------------------------------------------------------
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
    if not roles or not can_reset_mfa_somewhere(user):
        return {}
    held: dict[int, list[Role]] = defaultdict(list)
    for role in Role.objects.filter(user_id__in={r.user_id for r in roles}).select_related("union"):
        held[role.user_id].append(role)
    return held


def roles_at(user, union) -> list[Role]:
    return with_revocable(user, roles_visible_to(user).filter(union=union))


def audit_events_visible_to(user) -> QuerySet[AuditEvent]:
    """Events about nodes in the reader's subtree; sign-in events (no node) only for city-level readers.

    An audit row keeps its node's id and path as plain values (no foreign key holds the append-only
    table); the node's current name is looked up for display.
    """
    paths = scope_paths(user, AUDIT_READER_KINDS)
    if not paths:
        return AuditEvent.objects.none()
    q = subtree_q(paths, "union_path")
    if any(len(path) == Union.steplen for path in paths):
        q |= Q(union_id__isnull=True)
    name = Union.objects.filter(pk=OuterRef("union_id")).values("name")[:1]
    return AuditEvent.objects.filter(q).annotate(union_name=Subquery(name))
