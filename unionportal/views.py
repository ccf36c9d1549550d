"""Site-wide views that belong to no app: health, language switch, error pages."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.cache import cache
from django.db import connection
from django.http import HttpResponseRedirect, HttpResponseServerError, JsonResponse
from django.shortcuts import render
from django.template import loader
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST
from django.views.i18n import set_language as django_set_language

from members.views.home import worker_home
from unions.scope import is_staff_user
from unions.views import staff_home


def _check_database() -> str:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return "ok"


def _check_cache() -> str:
    cache.set("healthz", "1", 10)
    if cache.get("healthz") != "1":
        raise RuntimeError("cache did not return what was stored")
    return "ok"


def _check_broker() -> str:
    if not settings.REDIS_URL:
        return "not configured"
    from unionportal.celery import app

    with app.connection_for_write() as conn:
        conn.ensure_connection(max_retries=1, timeout=2)
    return "ok"


@never_cache
@require_GET
def healthz(request):
    """For load balancers: 200 when everything configured answers, 503 otherwise."""
    status, healthy = {}, True
    for name, check in (("database", _check_database), ("cache", _check_cache), ("broker", _check_broker)):
        try:
            status[name] = check()
        except Exception as exc:  # noqa: BLE001 - any failure of a dependency is a 503, not a 500
            status[name] = f"error: {type(exc).__name__}"
            healthy = False
    return JsonResponse({"status": "ok" if healthy else "unavailable", **status}, status=200 if healthy else 503)


@require_POST
def set_language(request):
    """Django's switcher, plus a message when the code is unknown (Django silently ignores it)."""
    code = request.POST.get("language", "")
    if code not in {c for c, _name in settings.LANGUAGES}:
        messages.error(request, _("Unknown language: the portal speaks Simplified Chinese and English."))
        target = request.POST.get("next") or "/"
        if not url_has_allowed_host_and_scheme(target, {request.get_host()}, request.is_secure()):
            target = "/"
        return HttpResponseRedirect(target)
    return django_set_language(request)


def error_403(request, exception=None):
    return render(request, "errors/403.html", status=403)


def error_404(request, exception=None):
    return render(request, "errors/404.html", status=404)


def error_500(request):
    # No context processors: they query the database, which may be what failed.
    return HttpResponseServerError(loader.get_template("errors/500.html").render())


@login_required
def home(request):
    """The portal's front page: staff see their nodes at a glance, workers their own membership."""
    if is_staff_user(request.user):
        return staff_home(request)
    return worker_home(request)
