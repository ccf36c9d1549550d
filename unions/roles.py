"""What each role kind may do: grant which roles, sit at which nodes, manage which nodes."""

from django.utils.translation import gettext as _

from .models import Role, Union
from .scope import roles_of

K = Role.Kind

FEDERATION_NODE_KINDS = frozenset(
    {
        Union.Kind.CITY_FEDERATION,
        Union.Kind.DISTRICT_FEDERATION,
        Union.Kind.INDUSTRY_UNION,
        Union.Kind.STREET_FEDERATION,
    }
)
MEMBER_HOLDING_NODE_KINDS = frozenset({Union.Kind.GRASSROOTS_UNION, Union.Kind.JOINT_UNION})

# Which roles a holder of each kind may hand out, within the subtree of the node they hold it at.
GRANTABLE_BY: dict[str, frozenset[str]] = {
    K.CITY_ADMIN: frozenset(K.values),
    K.FEDERATION_STAFF: frozenset({K.FEDERATION_STAFF, K.UNION_CLERK, K.CADRE_OFFICER, K.LEADER}),
}

# Where a role may sit; a kind not listed may sit at any node.
NODE_KINDS_FOR_ROLE: dict[str, frozenset[str]] = {
    K.CITY_ADMIN: frozenset({"city_federation"}),
    K.AUDITOR: frozenset({"city_federation"}),
    K.FEDERATION_STAFF: FEDERATION_NODE_KINDS,
    K.DISCIPLINE_OFFICER: FEDERATION_NODE_KINDS,
    K.CADRE_OFFICER: FEDERATION_NODE_KINDS,
    K.LEADER: FEDERATION_NODE_KINDS,
    K.UNION_CLERK: MEMBER_HOLDING_NODE_KINDS,
}

# Roles that see personal or discipline data: they must sign in with a second factor.
MFA_REQUIRED_KINDS = frozenset(set(K.values) - {K.LEADER})

TREE_MANAGER_KINDS = frozenset({K.CITY_ADMIN, K.FEDERATION_STAFF})
# Roles that see and manage members' personal data (lists, applications, transfers) in their subtree.
MEMBER_STAFF_KINDS = frozenset({K.CITY_ADMIN, K.FEDERATION_STAFF, K.UNION_CLERK})
AUDIT_READER_KINDS = frozenset({K.CITY_ADMIN, K.AUDITOR})
# Roles that read the leadership dashboards (aggregates only) of the nodes their scope covers.
DASHBOARD_KINDS = frozenset({K.LEADER, *MEMBER_STAFF_KINDS})
# Roles whose exports may carry full ID numbers and mobiles (asked for each time, and audited);
# every other member staff role exports them masked.
FULL_EXPORT_KINDS = frozenset({K.CITY_ADMIN, K.UNION_CLERK})
# Roles that browse the union tree's pages. The security auditor reads the audit trail and the roles,
# not the unions: to a user with no other role the tree pages answer 404.
UNION_TREE_KINDS = frozenset(set(K.values) - {K.AUDITOR})


def holds_over(user, path: str, kinds, *, strictly_above: bool = False) -> bool:
    """Whether the user holds a role of these kinds at the node ``path`` or above it."""
    return any(
        role.kind in kinds and path.startswith(role.union.path) and not (strictly_above and role.union.path == path)
        for role in roles_of(user)
    )


def grant_refusal(user, kind: str, union) -> str | None:
    """Why the user may not grant ``kind`` at ``union``, or None when they may."""
    allowed_here = NODE_KINDS_FOR_ROLE.get(kind)
    if allowed_here is not None and union.kind not in allowed_here:
        return _("This role cannot be held at a union of this kind.")
    for role in roles_of(user):
        if kind in GRANTABLE_BY.get(role.kind, ()) and union.path.startswith(role.union.path):
            return None
    return _("You may not grant this role here: only roles below your own, within your own part of the tree.")


def can_grant_somewhere(user) -> bool:
    return any(role.kind in GRANTABLE_BY for role in roles_of(user))


def holds_mfa_role(user) -> bool:
    """A role that sees personal or discipline data: its holder signs in with a second factor
    (registered with accounts.mfa_policy, which adds the Django admin's staff)."""
    return any(role.kind in MFA_REQUIRED_KINDS for role in roles_of(user))


def can_reset_mfa(user, target, target_roles=None) -> bool:
    """A city administrator may reset the authenticator of staff whose every role lies in their
    subtree: never their own (someone else must vouch for them), nor a Django superuser's (reset by
    whoever runs the server). ``target_roles`` spares a query when the caller has them."""
    if target.pk == user.pk or target.is_superuser:
        return False
    held = roles_of(target) if target_roles is None else target_roles
    return bool(held) and all(holds_over(user, role.union.path, {K.CITY_ADMIN}) for role in held)


def can_revoke(user, role) -> bool:
    """Whoever may grant a role may revoke it, except their own."""
    return role.user_id != user.pk and grant_refusal(user, role.kind, role.union) is None
