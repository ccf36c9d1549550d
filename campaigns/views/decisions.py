"""The final decision (审定) pages: a round's nominees in the public notice decided together under one
document, and one nominee decided from their own page. The organiser's staff only (404 for anyone
else); ``services.decisions`` decides every rule."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from unions.selectors import get_visible_or_404

from ..form_errors import apply_errors
from ..forms.register import DecisionForm, NomineeDecisionForm
from ..honour_permissions import can_manage_round
from ..honour_selectors import nominations_visible_to, rounds_managed_by
from ..models import Honour, Nomination
from ..services import decisions as services

CONFER, REJECT, LATER = "confer", "reject", "later"


def _rows(round_, data=None):
    """The round's nominees in the notice, each with its objection state and the choice made."""
    nominations = list(
        Nomination.objects.filter(round=round_, status=Nomination.Status.NOTICE)
        .select_related("kind", "union", "notice")
        .order_by("kind__order", "union__path", "nominee_name", "id")
    )
    blocked = services.open_objection_ids(n.pk for n in nominations)
    today = timezone.localdate()
    for nomination in nominations:
        nomination.has_open_objection = nomination.pk in blocked
        nomination.notice_running = nomination.notice is not None and today <= nomination.notice.last_day
        default = LATER if nomination.has_open_objection or nomination.notice_running else CONFER
        if data is not None:
            nomination.choice = data.get(f"decision-{nomination.pk}", default)
            nomination.comment = (data.get(f"comment-{nomination.pk}") or "")[:500]
        else:
            nomination.choice, nomination.comment = default, ""
    return nominations


@never_cache
@require_http_methods(["GET", "POST"])
@login_required
def round_decision(request, pk):
    round_ = get_visible_or_404(rounds_managed_by(request.user), pk)
    if not can_manage_round(request.user, round_):
        raise Http404
    posted = request.method == "POST"
    form = DecisionForm(request.POST if posted else None, round_=round_)
    rows = _rows(round_, request.POST if posted else None)
    status = 200
    if posted:
        choices = [
            services.Choice(nomination=row, confer=row.choice == CONFER, comment=row.comment)
            for row in rows
            if row.choice in (CONFER, REJECT)
        ]
        if form.is_valid():
            data = form.cleaned_data
            try:
                honours = services.round_decide(
                    round=round_,
                    choices=choices,
                    document_number=data["document_number"],
                    conferring_body=data["conferring_body"],
                    decided_on=data["decided_on"],
                    by=request.user,
                )
            except ValidationError as exc:
                apply_errors(form, exc)
            else:
                messages.success(
                    request,
                    _("%(decided)s nominees decided: %(conferred)s honours conferred; their unions were told.")
                    % {"decided": len(choices), "conferred": len(honours)},
                )
                return redirect("campaigns:round_decision", round_.pk)
        status = 400
    notice_end = max((row.notice.last_day for row in rows if row.notice), default=None)
    decided = (
        Nomination.objects.filter(round=round_, status__in=[Nomination.Status.AWARDED, Nomination.Status.REJECTED])
        .select_related("kind", "union")
        .order_by("-updated_at", "-id")
    )
    honours = {
        h.nomination_id: h
        for h in Honour.objects.filter(round=round_).only("id", "number", "nomination_id", "revoked_at")
    }
    decided = list(decided[:500])
    for nomination in decided:
        nomination.honour_row = honours.get(nomination.pk)
    context = {
        "round": round_,
        "form": form,
        "rows": rows,
        "decided": decided,
        "notice_end": notice_end,
        "today": timezone.localdate(),
        "choices": [(CONFER, _("Confer")), (REJECT, _("Do not confer")), (LATER, _("Later"))],
    }
    return render(request, "campaigns/honours/decision/round.html", context, status=status)


@never_cache
@require_http_methods(["GET", "POST"])
@login_required
def nomination_decide(request, pk):
    nomination = get_visible_or_404(
        nominations_visible_to(request.user).select_related("round__organiser", "notice", "kind", "union"), pk
    )
    if not can_manage_round(request.user, nomination.round):
        raise Http404
    form = NomineeDecisionForm(request.POST or None, round_=nomination.round)
    problem = services.problem(nomination)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            data = form.cleaned_data
            try:
                honour = services.nomination_decide(
                    nomination=nomination,
                    confer=data["confer"],
                    document_number=data["document_number"],
                    conferring_body=data["conferring_body"],
                    decided_on=data["decided_on"],
                    comment=data["comment"],
                    by=request.user,
                )
            except ValidationError as exc:
                apply_errors(form, exc)
            else:
                if honour is not None:
                    messages.success(
                        request, _("The honour was conferred: certificate %(number)s.") % {"number": honour.number}
                    )
                    return redirect("campaigns:honour_detail", honour.pk)
                messages.success(request, _("The honour was not conferred; the nominating union was told."))
                return redirect("campaigns:nomination_detail", nomination.pk)
        status = 400
    context = {"nomination": nomination, "form": form, "problem": problem}
    return render(request, "campaigns/honours/decision/nomination.html", context, status=status)
