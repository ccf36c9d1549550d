"""Awarding the prizes of a closed competition (a preview, then confirm) and the prize certificates."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_safe

from accounts.audit import record
from unions.selectors import get_visible_or_404

from .. import certificates, kinds
from ..decorators import competition_staff_required
from ..permissions import can_manage
from ..selectors import awards_visible_to, competitions_managed_by
from ..services import awards as services


@never_cache
@require_http_methods(["GET", "POST"])
@competition_staff_required
def competition_award(request, pk):
    """GET: who would get which prize; POST: award them (closed → commended)."""
    competition = get_visible_or_404(competitions_managed_by(request.user), pk)
    if not can_manage(request.user, competition):
        raise PermissionDenied
    error = ""
    if request.method == "POST":
        try:
            awards = services.prizes_award(competition=competition, by=request.user)
        except ValidationError as exc:
            error = " ".join(exc.messages)
        else:
            messages.success(
                request, _("%(count)s prizes awarded; the entries' clerks were told.") % {"count": len(awards)}
            )
            return redirect("campaigns:competition_detail", pk=competition.pk)
    plan = []
    if not error:
        try:
            plan = services.award_plan(competition)
        except ValidationError as exc:
            error = " ".join(exc.messages)
    context = {"competition": competition, "plan": plan, "error": error}
    return render(request, "campaigns/awards/award.html", context, status=400 if request.method == "POST" else 200)


@never_cache
@require_safe
@login_required
def certificate_pdf(request, pk):
    """The entry's clerks and the staff over it (the organiser's among them); anyone else: 404."""
    award = get_visible_or_404(
        awards_visible_to(request.user).select_related("entry__competition__organiser", "entry__union"), pk
    )
    content = certificates.certificate_pdf(award)
    record(kinds.CERTIFICATE_DOWNLOADED, request=request, union=award.entry.union, target=award)
    response = HttpResponse(content, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{certificates.file_name(award)}"'
    response["Cache-Control"] = "private, no-store"
    return response
