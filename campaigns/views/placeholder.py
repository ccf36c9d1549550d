"""Routes agreed before their pages exist answer 404, as for an object out of scope."""

from django.http import Http404


def not_yet(request, **kwargs):
    raise Http404
