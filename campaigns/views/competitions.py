"""Competition pages: the list, drafting and editing the set-up, the competition's page (set-up, stages,
scoring scheme, prizes, history, the moves the user may make, then the panels of entries, judging,
awards and documents), the moves themselves, and the approvals waiting for the user.

The list and drafting are for federation staff (anyone else: 403, from the decorator). A competition's
page is its organiser's staff's and its approver's; for anyone else it does not exist (404). The
services check the rules again and say what is refused.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from accounts.models import AuditEvent
from accounts.pagination import page_number

from .. import kinds, permissions, selectors
from ..decorators import competition_staff_required
from ..filters import CompetitionFilter
from ..forms.competitions import SETUP_ROWS, CompetitionForm, ReturnForm, rows_of, setup_formsets
from ..models import Competition
from ..services import competitions as services

PER_PAGE = 30
HISTORY = (
    kinds.COMPETITION_CREATED,
    kinds.COMPETITION_CHANGED,
    kinds.COMPETITION_SUBMITTED,
    kinds.COMPETITION_APPROVED,
    kinds.COMPETITION_RETURNED,
    kinds.COMPETITION_STARTED,
    kinds.JUDGING_OPENED,
    kinds.COMPETITION_CLOSED,
    kinds.COMPETITION_COMMENDED,
)


def is_approver(user, competition: Competition) -> bool:
    """Whoever approves the competition (立项), whatever its state now."""
    probe = Competition(
        organiser=competition.organiser, approver=competition.approver, status=Competition.Status.SUBMITTED
    )
    return permissions.can_approve(user, probe)


def _competition(request, pk) -> Competition:
    """The competition if the user manages or approves it; 404 for anyone else."""
    try:
        competition = Competition.objects.select_related("organiser", "created_by", "approved_by").get(pk=int(pk))
    except (Competition.DoesNotExist, ValueError, TypeError):
        raise Http404 from None
    # The approver reads what was put to them: from its submission on, never a draft never submitted.
    approver = competition.status != Competition.Status.DRAFT and is_approver(request.user, competition)
    if not (permissions.can_manage(request.user, competition) or approver):
        raise Http404
    return competition


def _errors_to_messages(request, exc: ValidationError) -> None:
    for message in exc.messages:
        messages.error(request, message)


@never_cache
@competition_staff_required
def competition_list(request):
    found = CompetitionFilter(request.GET or None, queryset=selectors.competitions_managed_by(request.user))
    page = Paginator(found.qs.order_by("-starts_on", "-id"), PER_PAGE).get_page(page_number(request.GET.get("page")))
    # Counted for the page's rows only: an annotation over the whole list would join every entry of the
    # city's competitions into the count and the sort before the page is cut.
    counts = selectors.entry_counts([c.pk for c in page.object_list])
    for competition in page.object_list:
        competition.entry_count = counts.get(competition.pk, 0)
    return render(
        request, "campaigns/competitions/list.html", {"filter": found, "page": page, "rows": page.object_list}
    )


def _setup_valid(form, formsets) -> bool:
    # Every part is validated so that every message shows at once.
    results = [form.is_valid()] + [formset.is_valid() for formset in formsets.values()]
    return all(results)


def _service_rows(formsets) -> dict:
    return {name: rows_of(formsets[name], fields) for name, fields in SETUP_ROWS.items()}


def _render_form(request, form, formsets, competition=None, status=200):
    return render(
        request,
        "campaigns/competitions/form.html",
        {"form": form, "formsets": formsets, "competition": competition},
        status=status,
    )


@never_cache
@competition_staff_required
def competition_create(request):
    if request.method == "POST":
        form = CompetitionForm(request.POST, user=request.user)
        formsets = setup_formsets(request.POST)
        if _setup_valid(form, formsets):
            try:
                competition = services.competition_create(
                    organiser=form.cleaned_data["organiser"],
                    by=request.user,
                    **_service_rows(formsets),
                    **form.service_fields(),
                )
            except ValidationError as exc:
                for message in exc.messages:
                    form.add_error(None, message)
            else:
                messages.success(request, _("The competition was saved as a draft. Submit it for approval when ready."))
                return redirect("campaigns:competition_detail", competition.pk)
        return _render_form(request, form, formsets, status=400)
    form = CompetitionForm(user=request.user, initial={"accepts_units": True, "accepts_teams": True})
    choices = form.fields["organiser"].queryset
    if len(choices[:2]) == 1:
        form.initial["organiser"] = choices[0].pk
    return _render_form(request, form, setup_formsets())


@never_cache
@login_required
def competition_edit(request, pk):
    competition = _competition(request, pk)
    if not permissions.can_manage(request.user, competition):
        raise Http404
    if not competition.is_editable:
        messages.error(request, _("Only a draft or a returned competition can be changed."))
        return redirect("campaigns:competition_detail", competition.pk)
    if request.method == "POST":
        form = CompetitionForm(request.POST, instance=competition, editing=True)
        formsets = setup_formsets(request.POST)
        if _setup_valid(form, formsets):
            try:
                services.competition_update(
                    competition=competition, by=request.user, **_service_rows(formsets), **form.service_fields()
                )
            except ValidationError as exc:
                for message in exc.messages:
                    form.add_error(None, message)
            else:
                messages.success(request, _("The competition's set-up was saved."))
                return redirect("campaigns:competition_detail", competition.pk)
        return _render_form(request, form, formsets, competition, status=400)
    form = CompetitionForm(instance=competition, editing=True)
    return _render_form(request, form, setup_formsets(competition=competition), competition)


def _history(competition: Competition) -> list[dict]:
    events = (
        AuditEvent.objects.filter(
            target_type=Competition._meta.label_lower, target_id=str(competition.pk), action__in=HISTORY
        )
        .select_related("actor")
        .order_by("created_at", "pk")
    )
    return [
        {
            "at": event.created_at,
            "label": kinds.AUDIT_ACTIONS.get(event.action, event.action),
            "who": event.actor.display_name if event.actor else event.actor_label,
            "reason": (event.detail or {}).get("reason", ""),
        }
        for event in events
    ]


@never_cache
@login_required
def competition_detail(request, pk):
    competition = _competition(request, pk)
    user = request.user
    manages = permissions.can_manage(user, competition)
    status = competition.status
    context = {
        "competition": competition,
        "stages": list(competition.stages.all()),
        "criteria": list(competition.criteria.all()),
        "prizes": sorted(competition.prizes.all(), key=lambda prize: prize.position),
        "history": _history(competition),
        "entrants": [
            label
            for accepts, label in (
                (competition.accepts_units, _("Units")),
                (competition.accepts_teams, _("Teams")),
                (competition.accepts_individuals, _("Individuals")),
            )
            if accepts
        ],
        "manages": manages,
        "can_edit": manages and competition.is_editable,
        "can_submit": manages and competition.is_editable,
        "can_approve": permissions.can_approve(user, competition),
        "can_return": permissions.can_return(user, competition),
        "can_start": manages and status == Competition.Status.APPROVED,
        "can_open_judging": manages and status == Competition.Status.RUNNING,
        "setup_errors": services.stored_errors(competition) if manages and competition.is_editable else [],
    }
    return render(request, "campaigns/competitions/detail.html", context)


def _move(request, pk, service, done: str):
    competition = _competition(request, pk)
    try:
        service(competition=competition, by=request.user)
    except PermissionDenied:
        raise
    except ValidationError as exc:
        _errors_to_messages(request, exc)
    else:
        messages.success(request, done)
    return redirect("campaigns:competition_detail", competition.pk)


@require_POST
@login_required
def competition_submit(request, pk):
    return _move(request, pk, services.competition_submit, _("The competition was submitted for approval."))


@require_POST
@login_required
def competition_approve(request, pk):
    return _move(request, pk, services.competition_approve, _("The competition was approved; its organiser is told."))


@require_POST
@login_required
def competition_start(request, pk):
    return _move(request, pk, services.competition_start, _("The competition is running."))


@require_POST
@login_required
def competition_open_judging(request, pk):
    return _move(
        request, pk, services.competition_open_judging, _("Judging is open: the judges may score the entries.")
    )


@never_cache
@login_required
def competition_return(request, pk):
    competition = _competition(request, pk)
    if not permissions.can_return(request.user, competition):
        raise PermissionDenied
    form = ReturnForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.competition_return(competition=competition, by=request.user, reason=form.cleaned_data["reason"])
        except ValidationError as exc:
            for message in exc.messages:
                form.add_error("reason", message)
        else:
            messages.success(request, _("The competition was returned to its organiser with your reason."))
            return redirect("campaigns:competition_detail", competition.pk)
    status = 400 if request.method == "POST" else 200
    return render(
        request, "campaigns/competitions/return.html", {"competition": competition, "form": form}, status=status
    )


@never_cache
@login_required
def approval_list(request):
    waiting = selectors.competitions_to_approve(request.user).order_by("submitted_at", "pk")
    page = Paginator(waiting, PER_PAGE).get_page(page_number(request.GET.get("page")))
    return render(request, "campaigns/competitions/approvals.html", {"page": page, "rows": page.object_list})
