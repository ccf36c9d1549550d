"""Reports over cadres: one cadre's information form as a PDF, and the cadres panel of a node's dashboard.

The PDF: for a cadre officer whose scope holds the cadre (``cadres.selectors.cadres_visible_to``), and
for the cadre themself (their own copy, which leaves out what they may not see); anyone else gets 404,
so nobody learns the cadre exists. An officer's download is audited (it is a whole personal record);
the cadre's own is not. Built in the request: a two-page form renders in about a second on a busy
machine (the first of a process takes longer while WeasyPrint loads the CJK fonts).

The panel: aggregates only, for leaders and cadre officers over the node
(``cadres.permissions.can_read_aggregates``); see ``reports.cadres_dashboard``.
"""

from urllib.parse import quote

from django.contrib.auth.decorators import login_required
from django.db.models import QuerySet
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

from accounts import audit
from cadres import kinds as cadre_kinds
from cadres.permissions import CADRE_LEADER_KINDS, CADRE_STAFF_KINDS, is_cadre_officer, own_cadre
from cadres.selectors import cadres_visible_to
from unions.models import Union
from unions.scope import scope_paths, subtree_q
from unions.selectors import get_visible_or_404

from . import cadres_dashboard
from .cadre_file import cadre_file_pdf

AGGREGATE_KINDS = CADRE_STAFF_KINDS | CADRE_LEADER_KINDS


def _cadre_for(user, pk) -> tuple:
    """The cadre and whether it is the user's own record; 404 when neither own nor in scope."""
    own = own_cadre(user)
    if own is not None and str(own.pk) == str(pk):
        return own, True
    if not is_cadre_officer(user):
        raise Http404
    return get_visible_or_404(cadres_visible_to(user), pk), False


@login_required
@require_safe
@never_cache
def cadre_pdf(request, pk):
    cadre, own = _cadre_for(request.user, pk)
    content = cadre_file_pdf(cadre, own=own)
    if not own:
        audit.record(
            cadre_kinds.CADRE_FILE_DOWNLOADED, request=request, union=cadre.union, target=cadre, detail={"pdf": True}
        )
    response = HttpResponse(content, content_type="application/pdf")
    filename = f"{cadre.name}-{cadre.pk}.pdf".replace("/", "-").replace('"', "")
    response["Content-Disposition"] = _attachment(filename)
    response["Cache-Control"] = "private, no-store"  # never_cache adds the rest
    return response


def _attachment(filename: str) -> str:
    """An attachment header with a UTF-8 name (RFC 6266), as FileResponse writes it."""
    return f"attachment; filename*=utf-8''{quote(filename)}"


# --- the cadres panel -----------------------------------------------------------------------------------


def cadre_dashboard_roots(user) -> QuerySet[Union]:
    return Union.objects.filter(path__in=scope_paths(user, AGGREGATE_KINDS)).order_by("path")


def cadre_dashboard_union_get(user, pk) -> Union:
    """The node if a leader's or cadre officer's role of the user covers it; otherwise 404."""
    try:
        return Union.objects.filter(subtree_q(scope_paths(user, AGGREGATE_KINDS))).get(pk=pk)
    except (Union.DoesNotExist, ValueError, TypeError):
        raise Http404 from None


def cadre_dashboard_breadcrumb(user, union: Union) -> list[Union]:
    top = next(root for root in scope_paths(user, AGGREGATE_KINDS) if union.path.startswith(root))
    paths = [union.path[:n] for n in range(len(top), len(union.path) + 1, Union.steplen)]
    return list(Union.objects.filter(path__in=paths).order_by("depth"))


@login_required
@require_safe
@never_cache
def cadre_dashboard_home(request):
    roots = list(cadre_dashboard_roots(request.user))
    if not roots:
        raise Http404
    if len(roots) == 1:
        return redirect("reports:cadre_dashboard", pk=roots[0].pk)
    return render(request, "reports/dashboard/cadres_choose.html", {"roots": roots})


@login_required
@require_safe
@never_cache
def cadre_dashboard(request, pk):
    union = cadre_dashboard_union_get(request.user, pk)  # a leader's or cadre officer's: panel_for answers
    context = {
        "union": union,
        "cadres": cadres_dashboard.panel_for(request.user, union),
        "breadcrumb": cadre_dashboard_breadcrumb(request.user, union),
    }
    # Asked by the node's dashboard page (htmx): the panel alone, in its place.
    template = "reports/dashboard/_cadres.html" if request.htmx else "reports/dashboard/cadres.html"
    return render(request, template, context)


@login_required
@require_safe
@never_cache
def cadre_dashboard_data(request, pk):
    union = cadre_dashboard_union_get(request.user, pk)
    return JsonResponse(cadres_dashboard.figures_for(request.user, union), json_dumps_params={"ensure_ascii": False})
