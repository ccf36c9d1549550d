"""Review pages: the reviewer's queues, a level's decision on a nomination, forwarding a level's list with
the structural-ratio and quota check, joint vetting. Federation staff only; everything is fetched through
scoped queries (404 outside them, and 404 to anyone who may not act there); the services decide."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Count, Prefetch
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from accounts.pagination import page_number
from integrity.opinions import conclusion_of
from unions.models import Union
from unions.scope import holds_role
from unions.selectors import get_visible_or_404, scoped

from .. import honour_permissions, honour_selectors
from ..form_errors import apply_errors
from ..forms.reviews import OverrideForm, ReviewFilterForm, ReviewForm, VettingOpinionForm
from ..models import CategoryFlag, Nomination, Round, VettingOpinion
from ..services import reviews as services
from ..services import vetting as vetting_services
from ..structure import rule_bound, rule_met, shares

PER_PAGE = 30
Status = Nomination.Status
TABS = ("first", "forward", "second", "vetting")
DEPARTMENTS = list(VettingOpinion.Department.values)  # the order the departments are shown in


def _honour_staff_required(view):
    """Signed in and federation staff somewhere; anyone else finds nothing here (404)."""

    @login_required
    def wrapper(request, *args, **kwargs):
        if not honour_permissions.is_honour_staff(request.user):
            raise Http404
        return view(request, *args, **kwargs)

    wrapper.__name__ = view.__name__
    wrapper.__doc__ = view.__doc__
    return wrapper


def _forward_groups(user, filter_form):
    """Passed nominations waiting at the levels the user forwards for, per round and level (one query)."""
    passed = scoped(Nomination.objects.all(), user, honour_permissions.HONOUR_STAFF_KINDS, "first_node__path")
    passed = filter_form.filter(passed.filter(status=Status.FIRST_PASSED))
    return list(
        passed.order_by()
        .values("round_id", "round__title", "first_node_id", "first_node__name")
        .annotate(count=Count("id"))
        .order_by("-round_id", "first_node__name")
    )


# --- the queues -------------------------------------------------------------------------------------
@never_cache
@_honour_staff_required
def review_list(request):
    """My first-review queue, the passed lists waiting to be forwarded, the second review, joint vetting."""
    user = request.user
    tab = request.GET.get("tab") if request.GET.get("tab") in TABS else "first"
    rounds = honour_selectors.rounds_open_to(user).order_by("-year", "-id")
    filter_form = ReviewFilterForm(request.GET or None, rounds=rounds)
    queues = {
        "first": filter_form.filter(honour_selectors.first_review_queue(user)),
        "second": filter_form.filter(honour_selectors.organiser_queue(user, Status.FORWARDED)),
        "vetting": filter_form.filter(honour_selectors.organiser_queue(user, Status.VETTING)),
    }
    groups = _forward_groups(user, filter_form)
    counts = {name: queue.count() for name, queue in queues.items()}
    counts["forward"] = sum(group["count"] for group in groups)
    page = None
    if tab != "forward":
        page = Paginator(queues[tab].order_by("submitted_at", "id"), PER_PAGE).get_page(
            page_number(request.GET.get("page"))
        )
    tabs = [
        ("first", _("First review"), counts["first"]),
        ("forward", _("To be forwarded"), counts["forward"]),
        ("second", _("Second review"), counts["second"]),
        ("vetting", _("Joint vetting"), counts["vetting"]),
    ]
    return render(
        request,
        "campaigns/honours/reviews/review_list.html",
        {
            "tab": tab,
            "tabs": tabs,
            "filter_form": filter_form,
            "page": page,
            "nominations": page.object_list if page else [],
            "groups": groups,
        },
    )


# --- a level's decision -------------------------------------------------------------------------------
def _may_review_somewhere(user, nomination: Nomination) -> bool:
    """Staff at the nomination's first-review level or running its round: the only people for whom this
    route exists (anyone else gets 404, even with a stale page)."""
    at_first = nomination.first_node_id is not None and holds_role(
        user, nomination.first_node, honour_permissions.HONOUR_STAFF_KINDS
    )
    return at_first or honour_permissions.can_manage_round(user, nomination.round)


@require_POST
@_honour_staff_required
def nomination_review(request, pk):
    nomination = get_visible_or_404(
        honour_selectors.nominations_visible_to(request.user).select_related("first_node", "round__organiser"), pk
    )
    if not _may_review_somewhere(request.user, nomination):
        raise Http404
    form = ReviewForm(request.POST)
    back = request.POST.get("next") or ""
    if not back.startswith("/") or back.startswith("//"):
        back = reverse("campaigns:nomination_detail", args=[nomination.pk])
    if not form.is_valid():
        messages.error(request, _("Choose pass, return or reject."))
        return redirect(back)
    data = form.cleaned_data
    try:
        review = services.nomination_review(
            nomination=nomination,
            outcome=data["outcome"],
            comment=data["comment"],
            by=request.user,
            expected_status=data["status"],
        )
    except PermissionDenied:
        raise Http404 from None
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(
            request,
            _("%(name)s: %(outcome)s at the %(stage)s.")
            % {
                "name": nomination.nominee_name,
                "outcome": review.get_outcome_display(),
                "stage": review.get_stage_display(),
            },
        )
    return redirect(back)


# --- forwarding a level's list -------------------------------------------------------------------------
def _levels(user, round_: Round):
    """The first-review levels of the round (the organiser's children) the user forwards for."""
    organiser = round_.organiser
    children = Union.objects.filter(path__startswith=organiser.path, depth=organiser.depth + 1).order_by("path")
    return [node for node in children if honour_permissions.can_forward_for(user, round_, node)]


def _share_rows(round_: Round, nominations) -> list[dict]:
    counted = shares(nominations)
    rows = []
    for rule in round_.rules.all():
        count, total = counted[rule.flag]
        rows.append(
            {
                "rule": rule,
                "label": CategoryFlag(rule.flag).label,
                "count": count,
                "total": total,
                "percent": round(100 * count / total) if total else 0,
                "bound": rule_bound(rule, total),
                "met": rule_met(rule, count, total),
            }
        )
    return rows


@never_cache
@_honour_staff_required
def round_forward(request, pk):
    round_ = get_visible_or_404(honour_selectors.rounds_open_to(request.user).prefetch_related("rules"), pk)
    levels = _levels(request.user, round_)
    if not levels:
        if not honour_permissions.can_manage_round(request.user, round_):
            raise Http404
        # The organiser's staff, in a round with no level under it (an organiser without member unions'
        # federations below): nothing is forwarded through them.
        return render(request, "campaigns/honours/reviews/forward_levels.html", {"round": round_, "rows": []})
    wanted = request.GET.get("node")
    if wanted:
        node = next((level for level in levels if str(level.pk) == wanted), None)
        if node is None:
            raise Http404
    elif len(levels) == 1:
        node = levels[0]
    else:
        waiting = dict(
            Nomination.objects.filter(round=round_, first_node__in=levels, status=Status.FIRST_PASSED)
            .order_by()
            .values_list("first_node_id")
            .annotate(n=Count("id"))
            .values_list("first_node_id", "n")
        )
        rows = [(level, waiting.get(level.pk, 0)) for level in levels]
        return render(request, "campaigns/honours/reviews/forward_levels.html", {"round": round_, "rows": rows})
    failures = []
    if request.method == "POST":
        try:
            forwarding = services.list_forward(round=round_, node=node, by=request.user)
        except PermissionDenied:
            raise Http404 from None
        except ValidationError as exc:
            failures = exc.messages
        else:
            messages.success(
                request,
                _("%(node)s forwarded %(count)d nominations to the second review.")
                % {"node": node.name, "count": forwarding.count},
            )
            return redirect(f"{reverse('campaigns:round_forward', args=[round_.pk])}?node={node.pk}")
    listed = services.level_list(round_, node)
    page = Paginator(listed.order_by("kind__order", "status", "nominee_name", "id"), 50).get_page(
        page_number(request.GET.get("page"))
    )
    quota_rows = services.quota_rows(round_, node, listed)
    share_rows = _share_rows(round_, listed)
    waiting = sum(row["waiting"] for row in quota_rows)
    problems = [] if failures else services.forward_failures(round_, node, listed, quotas=quota_rows)
    return render(
        request,
        "campaigns/honours/reviews/forward.html",
        {
            "round": round_,
            "node": node,
            "levels": levels,
            "page": page,
            "nominations": page.object_list,
            "quota_rows": quota_rows,
            "share_rows": share_rows,
            "waiting": waiting,
            "failures": failures,
            "problems": problems,
        },
        status=400 if failures else 200,
    )


# --- joint vetting -----------------------------------------------------------------------------------
def _organiser_nominations(user):
    """Nominations of the rounds the user runs (the organiser's staff, or staff above it)."""
    return scoped(
        Nomination.objects.select_related("round__organiser", "kind", "union", "cadre_record"),
        user,
        honour_permissions.HONOUR_STAFF_KINDS,
        "round__organiser__path",
    )


def _opinion_rows(opinions) -> list[dict]:
    """Each department's opinion as the page shows it: a letter-backed one with integrity's conclusion as
    integrity shows it now (the conclusion and its validity, nothing of the letter's content)."""
    rows = []
    for opinion in sorted(opinions, key=lambda o: DEPARTMENTS.index(o.department)):
        row = {"opinion": opinion, "conclusion": opinion.conclusion, "letter": None}
        if opinion.opinion_letter_id is not None:
            row["letter"] = conclusion_of(opinion.opinion_letter)
            row["conclusion"] = vetting_services.letter_conclusion(opinion.opinion_letter)
        row["label"] = VettingOpinion.Conclusion(row["conclusion"]).label
        rows.append(row)
    return rows


OPINIONS = Prefetch(
    "vetting_opinions",
    queryset=VettingOpinion.objects.select_related("opinion_letter", "recorded_by").order_by("department"),
)


@never_cache
@_honour_staff_required
def round_vetting(request, pk):
    round_ = get_visible_or_404(honour_selectors.rounds_managed_by(request.user), pk)
    filter_form = ReviewFilterForm(request.GET or None)
    del filter_form.fields["round"]
    nominations = filter_form.filter(
        Nomination.objects.filter(round=round_, status=Status.VETTING)
        .select_related("kind", "union")
        .prefetch_related(OPINIONS)
        .order_by("submitted_at", "id")
    )
    page = Paginator(nominations, PER_PAGE).get_page(page_number(request.GET.get("page")))
    rows = [(nomination, _opinion_rows(nomination.vetting_opinions.all())) for nomination in page.object_list]
    return render(
        request,
        "campaigns/honours/reviews/round_vetting.html",
        {"round": round_, "filter_form": filter_form, "page": page, "rows": rows},
    )


def _vetted_nomination(request, pk) -> Nomination:
    nomination = get_visible_or_404(_organiser_nominations(request.user).prefetch_related(OPINIONS), pk)
    if nomination.status != Status.VETTING and not nomination.vetting_opinions.all():
        raise Http404
    return nomination


@never_cache
@_honour_staff_required
def nomination_vetting(request, pk):
    nomination = _vetted_nomination(request, pk)
    can_vet = honour_permissions.can_vet(request.user, nomination)
    failed_form = None
    if request.method == "POST":
        if not can_vet:
            messages.error(
                request,
                _("This nomination is “%(status)s”: it is not in joint vetting.")
                % {"status": nomination.get_status_display()},
            )
            return redirect("campaigns:nomination_vetting", nomination.pk)
        if "ask_again" in request.POST:
            try:
                vetting_services.vetting_ask_again(nomination=nomination, by=request.user)
            except PermissionDenied:
                raise Http404 from None
            except ValidationError as exc:
                messages.error(request, " ".join(exc.messages))
            else:
                messages.success(request, _("Integrity was asked again for an opinion letter."))
            return redirect("campaigns:nomination_vetting", nomination.pk)
        form = VettingOpinionForm(request.POST, request.FILES)
        if form.is_valid():
            data = form.cleaned_data
            try:
                vetting_services.vetting_record(
                    nomination=nomination,
                    department=data["department"],
                    conclusion=data["conclusion"],
                    note=data["note"],
                    upload=data["file"] or None,
                    by=request.user,
                )
            except PermissionDenied:
                raise Http404 from None
            except ValidationError as exc:
                apply_errors(form, exc)
            else:
                messages.success(request, _("The opinion was recorded."))
                return redirect("campaigns:nomination_vetting", nomination.pk)
        failed_form = form
    rows = _opinion_rows(nomination.vetting_opinions.all())
    for row in rows:
        department = row["opinion"].department
        if failed_form is not None and failed_form.data.get("department") == department:
            row["form"] = failed_form
        else:
            row["form"] = VettingOpinionForm(
                initial={
                    "department": department,
                    "conclusion": row["opinion"].conclusion if row["opinion"].conclusion != "waiting" else "",
                    "note": row["opinion"].note,
                }
            )
    problems = any(row["conclusion"] == VettingOpinion.Conclusion.PROBLEM for row in rows)
    return render(
        request,
        "campaigns/honours/reviews/nomination_vetting.html",
        {
            "nomination": nomination,
            "rows": rows,
            "can_vet": can_vet,
            "problems": problems,
            "override_form": OverrideForm(),
            "reviews": nomination.reviews.select_related("by"),
        },
        status=400 if failed_form is not None else 200,
    )


@require_POST
@_honour_staff_required
def nomination_vetting_override(request, pk):
    nomination = _vetted_nomination(request, pk)
    form = OverrideForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Give the reason for going on despite the vetting."))
        return redirect("campaigns:nomination_vetting", nomination.pk)
    try:
        vetting_services.vetting_override(nomination=nomination, reason=form.cleaned_data["reason"], by=request.user)
    except PermissionDenied:
        raise Http404 from None
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("The nomination goes on despite the vetting: the reason is on record."))
    return redirect("campaigns:nomination_vetting", nomination.pk)


@_honour_staff_required
def vetting_file(request, pk):
    """A department's letter filed in joint vetting: the organiser's staff only."""
    opinions = VettingOpinion.objects.filter(nomination__in=_organiser_nominations(request.user))
    opinion = get_visible_or_404(opinions, pk)
    if not opinion.file:
        raise Http404
    response = FileResponse(opinion.file.open("rb"), as_attachment=True, filename=opinion.original_name or "file")
    response["Cache-Control"] = "private, no-store"
    response["X-Content-Type-Options"] = "nosniff"
    return response
