from .roles import AUDIT_READER_KINDS, can_grant_somewhere
from .scope import roles_of


def navigation(request):
    """What the navigation bar offers this user, by role."""
    user = getattr(request, "user", None)
    roles = roles_of(user) if user is not None else []
    kinds = {role.kind for role in roles}
    return {
        "nav": {
            "is_staff_user": bool(roles),
            "can_grant": can_grant_somewhere(user) if roles else False,
            "can_read_audit": bool(kinds & AUDIT_READER_KINDS),
            "roles": roles,
        }
    }
