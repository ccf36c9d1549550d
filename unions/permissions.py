"""Who may do what on the union tree and with the roles on it.

Every rule is built on the one primitive ``unions.scope.holds_role`` ("holds a role of these kinds at
or above this node"); the kind sets are in ``unions.roles``. Services call these and raise; views,
templates and the navigation bar ask them and never decide themselves.
"""

from django.utils.translation import gettext as _

from .models import Role, Union
from .roles import (
    AUDIT_READER_KINDS,
    GRANTABLE_BY,
    MEMBER_STAFF_KINDS,
    NODE_KINDS_FOR_ROLE,
    ROLE_READER_KINDS,
    TREE_MANAGER_KINDS,
    UNION_TREE_KINDS,
)
from .scope import holds_role, holds_role_anywhere, roles_of

K = Role.Kind


# --- the tree ------------------------------------------------------------------------------------
def can_browse_unions(user) -> bool:
    """The tree's pages: every role but the security auditor's, who reads the audit trail and the roles."""
    return holds_role_anywhere(user, UNION_TREE_KINDS)


def can_browse_union(user, union: Union) -> bool:
    """Whether the union's page is there for the user (the links to it): a role other than the
    auditor's at the node or above."""
    return holds_role(user, union, UNION_TREE_KINDS)


def can_manage_below(user, union: Union) -> bool:
    """City admins and federation staff manage the unions at and below the node they hold."""
    return holds_role(user, union, TREE_MANAGER_KINDS)


def can_add_below(user, union: Union) -> bool:
    """Whether the user may add a union under this one: they manage it, and its kind holds others."""
    return can_manage_below(user, union) and bool(Union.CHILD_KINDS[union.kind])


def can_edit(user, union: Union) -> bool:
    """Tree managers over the node, and the node's own clerks (their union's details are theirs to keep)."""
    return can_manage_below(user, union) or holds_role(user, union, {K.UNION_CLERK})


def can_move(user, union: Union) -> bool:
    """A city administrator above the node (never the top node itself)."""
    return union.depth > 1 and holds_role(user, union, {K.CITY_ADMIN}, strictly_above=True)


def can_move_under(user, union: Union, new_parent: Union) -> bool:
    """Moving is a city administrator's act at both ends: another role over the new parent is not enough."""
    return can_move(user, union) and holds_role(user, new_parent, {K.CITY_ADMIN})


def can_close(user, union: Union) -> bool:
    """Tree managers above the node: nobody closes the union they hold their own role at."""
    return union.depth > 1 and holds_role(user, union, TREE_MANAGER_KINDS, strictly_above=True)


# --- members' data, as far as the tree's pages point to it --------------------------------------
def can_manage_members(user, union: Union) -> bool:
    """Member staff (``MEMBER_STAFF_KINDS``) over the node: they see and manage its members' personal
    data. The members app builds its rules on this; the union page asks it for the member-list link."""
    return holds_role(user, union, MEMBER_STAFF_KINDS)


def can_manage_members_somewhere(user) -> bool:
    """Whether the user holds a member staff role at all (the member pages, the menu's entries)."""
    return holds_role_anywhere(user, MEMBER_STAFF_KINDS)


# --- roles ---------------------------------------------------------------------------------------
def _granters_of(kind: str) -> frozenset[str]:
    return frozenset(granter for granter, grantable in GRANTABLE_BY.items() if kind in grantable)


def grant_refusal(user, kind: str, union: Union) -> str | None:
    """Why the user may not grant ``kind`` at ``union``, or None when they may: a role of a kind that
    may grant it, held at the node or above."""
    allowed_here = NODE_KINDS_FOR_ROLE.get(kind)
    if allowed_here is not None and union.kind not in allowed_here:
        return _("This role cannot be held at a union of this kind.")
    if holds_role(user, union, _granters_of(kind)):
        return None
    return _("You may not grant this role here: only roles below your own, within your own part of the tree.")


def can_grant(user, kind: str, union: Union) -> bool:
    return grant_refusal(user, kind, union) is None


def can_grant_somewhere(user) -> bool:
    """Whether the user grants roles at all (the menu entry, the grant page, the roles on a union's page)."""
    return holds_role_anywhere(user, GRANTABLE_BY)


def can_revoke(user, role: Role) -> bool:
    """Whoever may grant a role may revoke it, except their own."""
    return role.user_id != user.pk and can_grant(user, role.kind, role.union)


def can_read_roles(user) -> bool:
    """The roles page: whoever grants roles, and the security auditor."""
    return holds_role_anywhere(user, ROLE_READER_KINDS)


def can_reset_mfa_somewhere(user) -> bool:
    """Only a city administrator resets authenticators (spares loading the holders' roles for anyone else)."""
    return holds_role_anywhere(user, {K.CITY_ADMIN})


def can_reset_mfa(user, target, target_roles=None) -> bool:
    """A city administrator may reset the authenticator of staff whose every role lies in their
    subtree: never their own (someone else must vouch for them), nor a Django superuser's (reset by
    whoever runs the server). ``target_roles`` spares a query when the caller has them."""
    if target.pk == user.pk or target.is_superuser:
        return False
    held = roles_of(target) if target_roles is None else target_roles
    return bool(held) and all(holds_role(user, role.union, {K.CITY_ADMIN}) for role in held)


# --- the audit trail -----------------------------------------------------------------------------
def can_read_audit(user) -> bool:
    """City administrators and the security auditor read the audit trail of their subtree."""
    return holds_role_anywhere(user, AUDIT_READER_KINDS)
