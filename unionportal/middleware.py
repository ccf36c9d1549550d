from http import HTTPStatus

from allauth.core.exceptions import RateLimited
from allauth.core.internal.ratelimit import respond_429
from django.conf import settings
from django.shortcuts import render
from django.utils import translation
from django.utils.cache import patch_vary_headers


class DefaultLanguageMiddleware:
    """Simplified Chinese unless the user picked another language with the switcher.

    Django's LocaleMiddleware would follow the browser's Accept-Language, so a staff member whose
    browser happens to be in English would get an English portal they never asked for.
    """

    def __init__(self, get_response):
        self.get_response = get_response
        self.supported = {code for code, _name in settings.LANGUAGES}

    def __call__(self, request):
        chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
        language = chosen if chosen in self.supported else settings.LANGUAGE_CODE
        translation.activate(language)
        request.LANGUAGE_CODE = translation.get_language()
        response = self.get_response(request)
        patch_vary_headers(response, ("Cookie",))
        response.headers.setdefault("Content-Language", language)
        return response


class RateLimitedMiddleware:
    """Answer ``RateLimited`` with the 429 page (templates/429.html) instead of a server error.

    allauth raises it from some sign-in steps (an SMS code sent again too soon) without catching it,
    and the portal's throttles (``accounts.throttle``) raise it before a view does any work."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if not isinstance(exception, RateLimited):
            return None
        if request.headers.get("HX-Request"):
            # A whole page swapped into a search result would be nonsense: the message goes where the
            # result would have gone (base.html lets htmx swap a 429).
            response = render(request, "_429_htmx.html", status=HTTPStatus.TOO_MANY_REQUESTS)
            response["HX-Reswap"] = "innerHTML"
            return response
        return respond_429(request)
