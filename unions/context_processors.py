from accounts.notify import unread_count

from .roles import AUDIT_READER_KINDS, MEMBER_STAFF_KINDS, UNION_TREE_KINDS, can_grant_somewhere
from .scope import roles_of


def navigation(request):
    """What the navigation bar offers this user, by role."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"nav": {"is_staff_user": False}}
    roles = roles_of(user)
    kinds = {role.kind for role in roles}
    return {
        "nav": {
            "is_staff_user": bool(roles),
            "can_grant": can_grant_somewhere(user) if roles else False,
            "can_read_audit": bool(kinds & AUDIT_READER_KINDS),
            "can_manage_members": bool(kinds & MEMBER_STAFF_KINDS),
            "can_browse_unions": bool(kinds & UNION_TREE_KINDS),
            "roles": roles,
            # Lazy: only pages that show the badge pay for the query.
            "unread": lambda: unread_count(user),
        }
    }
