from functools import wraps

from django.contrib.auth.decorators import login_required
from django.http import Http404

from .permissions import is_discipline_officer


def discipline_officer_required(view):
    """Signed in and holding a discipline officer's role somewhere; records are still scoped by the view's
    query. Anyone else gets 404, a city admin included: the integrity pages do not exist for them."""

    @login_required
    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if not is_discipline_officer(request.user):
            raise Http404
        return view(request, *args, **kwargs)

    return wrapper
