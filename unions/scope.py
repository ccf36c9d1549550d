"""The one place that computes a user's scope: the union of the subtrees of their roles.

Every staff query filters by these path prefixes in SQL (``subtree_q``), so a list never loads
what the user may not see, and an object outside scope is simply not found (404).
"""

from collections.abc import Collection, Iterable
from contextlib import suppress

from django.db.models import Q

from .models import Role


def roles_of(user) -> list[Role]:
    """The user's roles with their nodes, loaded once per request."""
    if not getattr(user, "is_authenticated", False):
        return []
    cached = getattr(user, "_roles_cache", None)
    if cached is None:
        cached = list(Role.objects.filter(user=user).select_related("union").order_by("union__path", "kind"))
        user._roles_cache = cached
    return cached


def forget_roles(user) -> None:
    """Call after changing a user's roles within the same request."""
    # ``del`` rather than ``user.__dict__.pop``: request.user is a SimpleLazyObject, whose own
    # __dict__ is not the user's, while attribute deletion is passed through to the user.
    with suppress(AttributeError):
        del user._roles_cache


def minimal_paths(paths: Iterable[str]) -> list[str]:
    """Drop every path that lies inside another: their subtrees are already covered."""
    result: list[str] = []
    for path in sorted(set(paths)):
        if not any(path.startswith(kept) for kept in result):
            result.append(path)
    return result


def scope_paths(user, kinds: Iterable[str] | None = None) -> list[str]:
    """Root paths of the subtrees the user reaches through roles of the given kinds (all if None)."""
    wanted = set(kinds) if kinds is not None else None
    return minimal_paths(r.union.path for r in roles_of(user) if wanted is None or r.kind in wanted)


def subtree_q(paths: Iterable[str], field: str = "path") -> Q:
    """A filter matching nodes (or rows through ``field``, e.g. ``union__path``) inside the subtrees."""
    paths = list(paths)
    if not paths:
        return Q(pk__in=[])
    q = Q()
    for path in paths:
        q |= Q(**{f"{field}__startswith": path})
    return q


def holds_role(user, node, kinds: Collection[str] | None = None, *, strictly_above: bool = False) -> bool:
    """Whether the user holds a role of these kinds (any kind if None) at the node or above it.

    The one question every app's permissions are built on. ``node`` is a union or its path;
    ``strictly_above`` leaves out roles held at the node itself (moving or closing a node is the
    act of someone above it).
    """
    path = node if isinstance(node, str) else node.path
    return any(
        (kinds is None or role.kind in kinds)
        and path.startswith(role.union.path)
        and not (strictly_above and role.union.path == path)
        for role in roles_of(user)
    )


def holds_role_anywhere(user, kinds: Collection[str] | None = None) -> bool:
    """Whether the user holds a role of these kinds (any kind if None) at any node: what a menu or a
    page that lists its own scope asks before any node is named."""
    return any(kinds is None or role.kind in kinds for role in roles_of(user))


def is_staff_user(user) -> bool:
    return holds_role_anywhere(user)
