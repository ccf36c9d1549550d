from accounts.notify import unread_count

from . import permissions
from .scope import roles_of


def navigation(request):
    """What the navigation bar offers this user, by role."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"nav": {"is_staff_user": False}}
    roles = roles_of(user)
    return {
        "nav": {
            "is_staff_user": bool(roles),
            "can_grant": permissions.can_grant_somewhere(user),
            "can_read_audit": permissions.can_read_audit(user),
            "can_manage_members": permissions.can_manage_members_somewhere(user),
            "can_browse_unions": permissions.can_browse_unions(user),
            "roles": roles,
            # Lazy: only pages that show the badge pay for the query.
            "unread": lambda: unread_count(user),
        }
    }
