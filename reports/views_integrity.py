"""The integrity panel of a node's dashboard: aggregates for leaders and discipline officers over the node.

Anyone without a leader's or discipline officer's role over the node gets 404 (city admins, cadre
officers and member staff included), so nobody else learns these figures exist. No name and no
content: see ``reports.integrity_dashboard``.
"""

from django.contrib.auth.decorators import login_required
from django.db.models import QuerySet
from django.http import Http404, JsonResponse
from django.shortcuts import redirect, render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

from integrity.permissions import INTEGRITY_LEADER_KINDS, INTEGRITY_STAFF_KINDS
from unions.models import Union
from unions.scope import scope_paths, subtree_q

from . import integrity_dashboard as figures

AGGREGATE_KINDS = INTEGRITY_STAFF_KINDS | INTEGRITY_LEADER_KINDS


def integrity_dashboard_roots(user) -> QuerySet[Union]:
    return Union.objects.filter(path__in=scope_paths(user, AGGREGATE_KINDS)).order_by("path")


def integrity_dashboard_union_get(user, pk) -> Union:
    """The node if a leader's or discipline officer's role of the user covers it; otherwise 404."""
    try:
        return Union.objects.filter(subtree_q(scope_paths(user, AGGREGATE_KINDS))).get(pk=pk)
    except (Union.DoesNotExist, ValueError, TypeError):
        raise Http404 from None


def integrity_dashboard_breadcrumb(user, union: Union) -> list[Union]:
    top = next(root for root in scope_paths(user, AGGREGATE_KINDS) if union.path.startswith(root))
    paths = [union.path[:n] for n in range(len(top), len(union.path) + 1, Union.steplen)]
    return list(Union.objects.filter(path__in=paths).order_by("depth"))


def _year(request) -> int | None:
    """The year asked for, if the dashboard offers it; None (this year) otherwise."""
    try:
        year = int(request.GET.get("year", ""))
    except ValueError:
        return None
    return year if year in figures.years_offered() else None


@login_required
@require_safe
@never_cache
def integrity_dashboard_home(request):
    roots = list(integrity_dashboard_roots(request.user))
    if not roots:
        raise Http404
    if len(roots) == 1:
        return redirect("reports:integrity_dashboard", pk=roots[0].pk)
    return render(request, "reports/dashboard/integrity_choose.html", {"roots": roots})


@login_required
@require_safe
@never_cache
def integrity_dashboard(request, pk):
    union = integrity_dashboard_union_get(request.user, pk)
    year = _year(request)
    context = {
        "union": union,
        "integrity": figures.panel_for(request.user, union, year=year),
        "years": figures.years_offered(),
        "breadcrumb": integrity_dashboard_breadcrumb(request.user, union),
    }
    # Asked by the node's dashboard page (htmx): the panel alone, in its place.
    template = "reports/dashboard/_integrity.html" if request.htmx else "reports/dashboard/integrity.html"
    return render(request, template, context)


@login_required
@require_safe
@never_cache
def integrity_dashboard_data(request, pk):
    union = integrity_dashboard_union_get(request.user, pk)
    data = figures.figures_for(request.user, union, year=_year(request))
    return JsonResponse(data, json_dumps_params={"ensure_ascii": False})
