"""Rectification pages: the list (no content; ``?state=overdue|open|struck_off``), the item (read
recorded), recording the evidence, striking it off. Items are fetched through
``selectors.rectifications_visible_to`` (404 outside it)."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from accounts.pagination import page_number
from unions.selectors import get_visible_or_404

from .. import permissions, selectors, trail
from ..decorators import discipline_officer_required
from ..filters import RectificationFilter
from ..forms.talks import EvidenceForm
from ..models import Rectification
from ..services import rectifications as services
from .talks import _apply_errors

PER_PAGE = 30


def _item(request, pk) -> Rectification:
    return get_visible_or_404(selectors.rectifications_visible_to(request.user), pk)


@never_cache
@discipline_officer_required
def rectification_list(request):
    items = selectors.rectifications_visible_to(request.user).order_by("deadline", "pk")
    found = RectificationFilter(request.GET or None, queryset=items, user=request.user)
    page = Paginator(found.qs, PER_PAGE).get_page(page_number(request.GET.get("page")))
    today = timezone.localdate()
    for item in page.object_list:
        item.overdue = item.is_overdue(today)
    return render(
        request,
        "integrity/rectifications/rectification_list.html",
        {"filter": found, "page": page, "rows": page.object_list},
    )


@never_cache
@discipline_officer_required
def rectification_detail(request, pk):
    item = _item(request, pk)
    trail.record_read(request, item)
    officer = permissions.can_manage_cadre(request.user, item.cadre)
    open_ = item.status != Rectification.Status.STRUCK_OFF
    context = {
        "item": item,
        "overdue": item.is_overdue(timezone.localdate()),
        "can_evidence": officer and open_,
        "can_strike_off": officer and item.status == Rectification.Status.EVIDENCE_GIVEN,
    }
    return render(request, "integrity/rectifications/rectification_detail.html", context)


@never_cache
@discipline_officer_required
def rectification_evidence(request, pk):
    item = _item(request, pk)
    if not permissions.can_manage_cadre(request.user, item.cadre):
        raise Http404
    if item.status == Rectification.Status.STRUCK_OFF:
        messages.error(request, _("This item is struck off already."))
        return redirect("integrity:rectification_detail", item.pk)
    form = EvidenceForm(request.POST or None, initial={"evidence": item.evidence})
    if request.method == "POST" and form.is_valid():
        try:
            services.rectification_evidence(item=item, evidence=form.cleaned_data["evidence"], by=request.user)
        except ValidationError as exc:
            _apply_errors(form, exc)
        else:
            messages.success(request, _("The evidence was recorded."))
            return redirect("integrity:rectification_detail", item.pk)
    trail.record_read(request, item)
    context = {
        "form": form,
        "item": item,
        "cancel_url": reverse("integrity:rectification_detail", args=[item.pk]),
    }
    return render(
        request,
        "integrity/rectifications/rectification_evidence.html",
        context,
        status=400 if request.method == "POST" else 200,
    )


@require_POST
@discipline_officer_required
def rectification_strike_off(request, pk):
    item = _item(request, pk)
    try:
        services.rectification_strike_off(item=item, by=request.user)
    except PermissionDenied:
        raise Http404 from None
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("The item was struck off."))
    return redirect("integrity:rectification_detail", item.pk)
