"""A placeholder for a page whose part is still being built: 404 until its part replaces the route."""

from django.http import Http404


def not_built(request, *args, **kwargs):
    raise Http404
