"""The leadership dashboard: a node's page, its figures as JSON for the charts, and its targets.

Who sees a node's dashboard: a leader, city admin, federation staff or union clerk whose subtree holds
it; anyone else gets 404, so nobody learns the node exists. The figures are aggregates only (no
person's name, ID or mobile), which is why leaders, who may not read personal lists, see them.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import QuerySet
from django.http import Http404, JsonResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_safe

from accounts.links import url_pattern
from cadres.permissions import can_read_aggregates
from campaigns.permissions import can_read_aggregates as can_read_campaign_aggregates
from integrity.permissions import can_read_aggregates as can_read_integrity_aggregates
from unions.models import Union
from unions.roles import DASHBOARD_KINDS
from unions.scope import scope_paths, subtree_q

from . import dashboard, permissions, small_counts, targets
from .forms_dashboard import TargetsForm
from .statistics import LARGE_EMPLOYER_STAFF

# The league table's orders: query value → the rank it sorts by.
LEAGUE_ORDERS = {
    "members": "rank_members",
    "growth": "rank_growth_rate",
    "coverage": "rank_coverage_rate",
    "target": "rank_target_rate",
}


# --- reads, scoped to the dashboard roles ---------------------------------------------------------
def dashboard_roots(user) -> QuerySet[Union]:
    """The top nodes of the user's dashboards."""
    return Union.objects.filter(path__in=scope_paths(user, DASHBOARD_KINDS)).order_by("path")


def dashboard_union_get(user, pk) -> Union:
    """The node if one of the user's dashboard roles covers it; otherwise 404."""
    try:
        return Union.objects.filter(subtree_q(scope_paths(user, DASHBOARD_KINDS))).get(pk=pk)
    except (Union.DoesNotExist, ValueError, TypeError):
        raise Http404 from None


def dashboard_breadcrumb(user, union: Union) -> list[Union]:
    """From the top of the user's dashboard scope down to the node; never above the scope."""
    top = next(root for root in scope_paths(user, DASHBOARD_KINDS) if union.path.startswith(root))
    paths = [union.path[:n] for n in range(len(top), len(union.path) + 1, Union.steplen)]
    return list(Union.objects.filter(path__in=paths).order_by("depth"))


def _league(children: list[dict], order: str) -> list[dict]:
    rank = LEAGUE_ORDERS[order]
    # Each row's link made here once: a district's table has 150 rows, and a {% url %} in each
    # cost more than the rest of the row.
    pattern = url_pattern("reports:dashboard_node")
    for row in children:
        row["url"] = pattern.format(row["id"])
    # Unranked (no figure to rank on) after the ranked ones; ties and the rest by name.
    return sorted(children, key=lambda row: (row[rank] is None, row[rank] or 0, row["name"]))


# --- pages -----------------------------------------------------------------------------------------
@login_required
@require_safe
@never_cache
def dashboard_home(request):
    """Straight to the top node when the user has one; a short list to choose from when several."""
    roots = list(dashboard_roots(request.user))
    if not roots:
        raise Http404
    if len(roots) == 1:
        return redirect("reports:dashboard_node", pk=roots[0].pk)
    return render(request, "reports/dashboard/choose.html", {"roots": roots})


def dashboard_figures_for(user, union: Union) -> tuple[dict, dict]:
    """The node's figures as this user may read them (small counts hidden from a leader below
    federation level), and the whole figures, for what the page only asks yes or no of."""
    whole = dashboard.figures(union)
    return small_counts.suppress(whole, threshold=permissions.small_count_threshold(user, union)), whole


@login_required
@require_safe
@never_cache
def dashboard_node(request, pk):
    union = dashboard_union_get(request.user, pk)
    figures, whole = dashboard_figures_for(request.user, union)
    order = request.GET.get("order", "members")
    if order not in LEAGUE_ORDERS:
        order = "members"
    members = whole["members"]
    context = {
        "union": union,
        "figures": figures,
        "hidden_label": figures.get("small_counts", {}).get("label", ""),
        "breadcrumb": dashboard_breadcrumb(request.user, union),
        "league": _league(figures["children"], order),
        "order": order,
        "has_members": members["total"] > 0 or any(p["joins"] or p["leavers"] for p in members["trend"]),
        "has_targets": any(row["target"] is not None for row in whole["enrolment"]),
        "can_set_targets": permissions.can_set_targets(request.user, union),
        "large_staff": LARGE_EMPLOYER_STAFF,
        # Leaders over the node also read its cadres' figures, loaded after the page (htmx).
        "show_cadres": can_read_aggregates(request.user, union),
        # And its integrity figures (counts only), likewise.
        "show_integrity": can_read_integrity_aggregates(request.user, union),
        # And its competitions' figures (counts, not personal data), likewise.
        "show_campaigns": can_read_campaign_aggregates(request.user, union),
    }
    return render(request, "reports/dashboard/node.html", context)


@login_required
@require_safe
@never_cache
def dashboard_data(request, pk):
    """The node's figures for the charts: the same dict the page is drawn from."""
    union = dashboard_union_get(request.user, pk)
    figures, _whole = dashboard_figures_for(request.user, union)
    return JsonResponse(figures, json_dumps_params={"ensure_ascii": False})


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
@never_cache
def dashboard_targets(request, pk):
    union = dashboard_union_get(request.user, pk)
    if not permissions.can_set_targets(request.user, union):
        raise PermissionDenied
    years = targets.target_years()
    if request.method == "POST":
        form = TargetsForm(request.POST, years=years)
        if form.is_valid():
            year = form.cleaned_data["year"]
            try:
                targets.targets_set(union=union, year=year, targets=form.targets(), by=request.user)
            except ValidationError as exc:
                form.add_error(None, exc)
            else:
                messages.success(request, _("The targets for %(year)s are saved.") % {"year": year})
                return redirect("reports:dashboard_node", pk=union.pk)
        year, status = _int_or_none(request.POST.get("year")), 400
    else:
        year = _int_or_none(request.GET.get("year"))
        year = year if year in years else timezone.localdate().year
        form = TargetsForm(initial={"year": year, **targets.targets_of(union, year)}, years=years)
        status = 200
    context = {
        "union": union,
        "form": form,
        "year": year,
        "years": years,
        "breadcrumb": dashboard_breadcrumb(request.user, union),
    }
    return render(request, "reports/dashboard/targets.html", context, status=status)


def _int_or_none(value) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None
