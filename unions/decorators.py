from functools import wraps

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied

from .permissions import can_manage_members_somewhere
from .scope import is_staff_user


def staff_required(view):
    """Signed in and holding at least one staff role. Objects are still scoped by the view's query."""

    @login_required
    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if not is_staff_user(request.user):
            raise PermissionDenied
        return view(request, *args, **kwargs)

    return wrapper


def member_staff_required(view):
    """Staff holding a role that sees members' personal data (city admin, federation staff, clerk).

    Leaders, auditors, cadre and discipline officers get 403: they see aggregates, not personal lists.
    """

    @staff_required
    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if not can_manage_members_somewhere(request.user):
            raise PermissionDenied
        return view(request, *args, **kwargs)

    return wrapper
