from functools import wraps

from django.core.exceptions import PermissionDenied

from unions.decorators import staff_required

from .permissions import is_cadre_officer


def cadre_officer_required(view):
    """Staff holding a cadre officer's role somewhere; objects are still scoped by the view's query."""

    @staff_required
    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if not is_cadre_officer(request.user):
            raise PermissionDenied
        return view(request, *args, **kwargs)

    return wrapper
