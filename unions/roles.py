"""The role kinds and what each may do: grant which roles, sit at which nodes, see which data.

The predicates built on these sets live in ``unions.permissions``."""

from .models import Role, Union
from .scope import holds_role_anywhere

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
# Roles that read the roles in their subtree: whoever grants them, and the security auditor.
ROLE_READER_KINDS = frozenset({*GRANTABLE_BY, K.AUDITOR})


def holds_mfa_role(user) -> bool:
    """A role that sees personal or discipline data: its holder signs in with a second factor
    (registered with accounts.mfa_policy, which adds the Django admin's staff)."""
    return holds_role_anywhere(user, MFA_REQUIRED_KINDS)
