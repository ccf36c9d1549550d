"""The competitions panel of a node's dashboard, with the honours figures beside it: counts for leaders and
federation staff over the node.

Anyone without a leader's or federation staff's role over the node gets 404 (clerks and city admins
included), so nobody else learns the node exists. What the figures are: ``reports.campaigns_dashboard``.
"""

from django.contrib.auth.decorators import login_required
from django.db.models import QuerySet
from django.http import Http404, JsonResponse
from django.shortcuts import redirect, render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

from campaigns.permissions import AGGREGATE_KINDS
from unions.models import Union
from unions.scope import scope_paths, subtree_q

from . import campaigns_dashboard as figures
from . import honours_dashboard


def campaigns_dashboard_roots(user) -> QuerySet[Union]:
    return Union.objects.filter(path__in=scope_paths(user, AGGREGATE_KINDS)).order_by("path")


def campaigns_dashboard_union_get(user, pk) -> Union:
    """The node if a leader's or federation staff's role of the user covers it; otherwise 404."""
    try:
        return Union.objects.filter(subtree_q(scope_paths(user, AGGREGATE_KINDS))).get(pk=pk)
    except (Union.DoesNotExist, ValueError, TypeError):
        raise Http404 from None


def campaigns_dashboard_breadcrumb(user, union: Union) -> list[Union]:
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
def campaigns_dashboard_home(request):
    roots = list(campaigns_dashboard_roots(request.user))
    if not roots:
        raise Http404
    if len(roots) == 1:
        return redirect("reports:campaigns_dashboard", pk=roots[0].pk)
    return render(request, "reports/dashboard/campaigns_choose.html", {"roots": roots})


@login_required
@require_safe
@never_cache
def campaigns_dashboard(request, pk):
    union = campaigns_dashboard_union_get(request.user, pk)
    year = _year(request)
    context = {
        "union": union,
        "campaigns": figures.panel_for(request.user, union, year=year),
        "honours": honours_dashboard.panel_for(request.user, union, year=year or figures.years_offered()[0]),
        "years": figures.years_offered(),
        "breadcrumb": campaigns_dashboard_breadcrumb(request.user, union),
    }
    # Asked by the node's dashboard page (htmx): the panel alone, in its place.
    template = "reports/dashboard/_campaigns.html" if request.htmx else "reports/dashboard/campaigns.html"
    return render(request, template, context)


@login_required
@require_safe
@never_cache
def campaigns_dashboard_data(request, pk):
    union = campaigns_dashboard_union_get(request.user, pk)
    data = figures.figures(union, year=_year(request))
    return JsonResponse(data, json_dumps_params={"ensure_ascii": False})
