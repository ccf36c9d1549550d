"""Innovation studio pages: the list, recording and editing a studio (its leader found in the register by
name), its page with the yearly reviews, and each level's yearly targets with their progress. Studios
come through the scoped selector (404 outside it); the services decide every move."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import OuterRef, Q, Subquery
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from accounts.pagination import page_number
from unions.models import Union
from unions.scope import scope_paths, subtree_q
from unions.selectors import get_visible_or_404

from ..forms.studios import StudioFilterForm, StudioForm, StudioReviewForm, TargetForm
from ..honour_permissions import HONOUR_STAFF_KINDS, can_manage_studio, is_honour_staff
from ..honour_selectors import studios_visible_to
from ..models import InnovationStudio, StudioReview, StudioTarget
from ..services import studios as services

PER_PAGE = 30


def _studio_staff_required(view):
    """Signed in and federation staff somewhere; anyone else learns nothing (404)."""

    @login_required
    def wrapper(request, *args, **kwargs):
        if not is_honour_staff(request.user):
            raise Http404
        return view(request, *args, **kwargs)

    wrapper.__name__ = view.__name__
    wrapper.__doc__ = view.__doc__
    return wrapper


def _apply_errors(form, exc: ValidationError) -> None:
    if hasattr(exc, "error_dict"):
        for name, errors in exc.error_dict.items():
            for error in errors:
                form.add_error(name if name in form.fields else None, error)
    else:
        for message in exc.messages:
            form.add_error(None, message)


def _host_unions(user):
    return Union.objects.filter(subtree_q(scope_paths(user, HONOUR_STAFF_KINDS))).only("id", "name").order_by("path")


@never_cache
@_studio_staff_required
def studio_list(request):
    latest = StudioReview.objects.filter(studio=OuterRef("pk")).order_by("-year")
    studios = studios_visible_to(request.user).annotate(
        last_result=Subquery(latest.values("result")[:1]), last_year=Subquery(latest.values("year")[:1])
    )
    form = StudioFilterForm(request.GET or None)
    if form.is_bound and form.is_valid():
        data = form.cleaned_data
        if data["q"]:
            studios = studios.filter(Q(name__icontains=data["q"]) | Q(leader__holder_name__icontains=data["q"]))
        if data["level"]:
            studios = studios.filter(level=data["level"])
        if data["year"]:
            studios = studios.filter(recognised_year=data["year"])
        if data["active"]:
            studios = studios.filter(active=data["active"] == "1")
    page = Paginator(studios.order_by("-recognised_year", "name", "id"), PER_PAGE).get_page(
        page_number(request.GET.get("page"))
    )
    results = dict(StudioReview.Result.choices)
    for studio in page.object_list:
        studio.last_result_label = results.get(studio.last_result, "")
    return render(
        request,
        "campaigns/honours/studios/studio_list.html",
        {"form": form, "page": page, "studios": page.object_list},
    )


def _studio_form(request, *, studio: InnovationStudio | None):
    initial = {}
    if studio is not None:
        initial = {name: getattr(studio, name) for name in services.FIELDS}
        initial["active"] = studio.active
    return StudioForm(
        request.POST or None,
        initial=initial,
        candidates=services.leader_candidates(request.user).select_related("kind", "union"),
        unions=_host_unions(request.user),
    )


def _save_studio(request, form, studio):
    searching = request.method == "POST" and "search" in request.POST
    if request.method != "POST" or searching or not form.is_valid():
        return None
    data = dict(form.cleaned_data)
    data.pop("leader_query", None)
    active = data.pop("active")
    try:
        if studio is None:
            return services.studio_create(by=request.user, active=active, **data)
        return services.studio_update(studio=studio, by=request.user, active=active, **data)
    except ValidationError as exc:
        _apply_errors(form, exc)
    return None


@never_cache
@_studio_staff_required
def studio_create(request):
    form = _studio_form(request, studio=None)
    studio = _save_studio(request, form, None)
    if studio is not None:
        messages.success(request, _("The studio was recorded."))
        return redirect("campaigns:studio_detail", studio.pk)
    return render(
        request,
        "campaigns/honours/studios/studio_form.html",
        {"form": form, "matches": form.matches(), "searched": "search" in request.POST, "studio": None},
    )


def _managed(request, pk) -> InnovationStudio:
    studio = get_visible_or_404(studios_visible_to(request.user), pk)
    if not can_manage_studio(request.user, studio):
        raise Http404
    return studio


@never_cache
@_studio_staff_required
def studio_edit(request, pk):
    studio = _managed(request, pk)
    form = _studio_form(request, studio=studio)
    saved = _save_studio(request, form, studio)
    if saved is not None:
        messages.success(request, _("The studio was saved."))
        return redirect("campaigns:studio_detail", saved.pk)
    return render(
        request,
        "campaigns/honours/studios/studio_form.html",
        {"form": form, "matches": form.matches(), "searched": "search" in request.POST, "studio": studio},
    )


def _detail(request, studio, review_form=None, status=200):
    reviews = list(studio.reviews.select_related("by").order_by("-year", "-id"))
    this_year = timezone.localdate().year
    reviewed = {review.year for review in reviews}
    manage = can_manage_studio(request.user, studio)
    if review_form is None and manage:
        open_years = [year for year in range(this_year, studio.recognised_year - 1, -1) if year not in reviewed]
        review_form = StudioReviewForm(initial={"year": open_years[0]}) if open_years else None
    return render(
        request,
        "campaigns/honours/studios/studio_detail.html",
        {
            "studio": studio,
            "reviews": reviews,
            "manage": manage,
            "review_form": review_form,
            "suggest_deactivating": services.suggests_deactivating(studio, reviews),
        },
        status=status,
    )


@never_cache
@_studio_staff_required
def studio_detail(request, pk):
    studio = get_visible_or_404(studios_visible_to(request.user).select_related("leader__kind"), pk)
    return _detail(request, studio)


@require_POST
@_studio_staff_required
def studio_review(request, pk):
    studio = _managed(request, pk)
    form = StudioReviewForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        try:
            review = services.studio_review(
                studio=studio, year=data["year"], result=data["result"], note=data["note"], by=request.user
            )
        except (ValidationError, PermissionDenied) as exc:
            if isinstance(exc, PermissionDenied):
                raise Http404 from None
            _apply_errors(form, exc)
        else:
            messages.success(
                request,
                _("The review of %(year)s was recorded: %(result)s.")
                % {
                    "year": review.year,
                    "result": review.get_result_display(),
                },
            )
            if services.suggests_deactivating(studio):
                messages.warning(
                    request, _("The studio failed its review two years running: consider deactivating it.")
                )
            return redirect("campaigns:studio_detail", studio.pk)
    return _detail(request, studio, review_form=form, status=400)


@never_cache
@_studio_staff_required
def studio_targets(request):
    """Each level's yearly target of new studios against those recognised, in the user's scope."""
    nodes = services.target_nodes(request.user).only("id", "name", "path", "kind").order_by("path")
    this_year = timezone.localdate().year
    try:
        year = int(request.GET.get("year") or this_year)
    except ValueError:
        year = this_year
    if not 1990 <= year <= this_year + 1:
        year = this_year
    form = TargetForm(request.POST or None, nodes=nodes, initial={"year": year})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            target = services.target_set(
                node=data["node"], year=data["year"], level=data["level"], count=data["count"], by=request.user
            )
        except ValidationError as exc:
            _apply_errors(form, exc)
        else:
            messages.success(request, _("The target was saved."))
            return redirect(f"{request.path}?year={target.year}")
    targets = services.with_progress(
        list(
            StudioTarget.objects.filter(subtree_q(scope_paths(request.user, HONOUR_STAFF_KINDS), "node__path"))
            .filter(year=year)
            .select_related("node")
            .order_by("node__path", "level")
        )
    )
    return render(
        request,
        "campaigns/honours/studios/studio_targets.html",
        {"form": form, "targets": targets, "year": year, "can_set": bool(nodes)},
        status=400 if request.method == "POST" else 200,
    )
