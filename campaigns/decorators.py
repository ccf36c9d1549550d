from functools import wraps

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied

from .permissions import is_competition_staff


def competition_staff_required(view):
    """Signed in and federation staff somewhere; the competitions are still scoped by the view's query."""

    @login_required
    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if not is_competition_staff(request.user):
            raise PermissionDenied
        return view(request, *args, **kwargs)

    return wrapper
