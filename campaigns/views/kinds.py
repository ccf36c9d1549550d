"""Honour kinds: every federation staff member reads them (who each is for, the exclusion rule, the
evidence checklist, the care its holders receive); the city federation's staff change them. Anyone else
gets 404."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db.models import Prefetch
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache

from ..forms.rounds import HonourKindForm, entitlement_rows, item_rows, kind_formsets
from ..honour_permissions import is_honour_staff
from ..models import CareEntitlement, EvidenceItem, HonourKind
from ..services.honour_kinds import can_edit_kinds, honour_kind_update


@never_cache
@login_required
def honour_kind_list(request):
    if not is_honour_staff(request.user):
        raise Http404
    honour_kinds = HonourKind.objects.prefetch_related(
        Prefetch("evidence_items", queryset=EvidenceItem.objects.order_by("order", "id")),
        Prefetch("entitlements", queryset=CareEntitlement.objects.order_by("care")),
    )
    return render(
        request,
        "campaigns/honours/kinds/list.html",
        {"honour_kinds": honour_kinds, "can_edit": can_edit_kinds(request.user)},
    )


@never_cache
@login_required
def honour_kind_edit(request, pk):
    if not can_edit_kinds(request.user):
        raise Http404
    try:
        kind = HonourKind.objects.get(pk=int(pk))
    except (HonourKind.DoesNotExist, ValueError, TypeError):
        raise Http404 from None
    if request.method == "POST":
        form = HonourKindForm(request.POST, instance=kind)
        formsets = kind_formsets(request.POST)
        valid = [form.is_valid()] + [formset.is_valid() for formset in formsets.values()]
        if all(valid):
            try:
                honour_kind_update(
                    kind=kind,
                    by=request.user,
                    items=item_rows(formsets["items"]),
                    entitlements=entitlement_rows(formsets["entitlements"]),
                    **{name: form.cleaned_data[name] for name in HonourKindForm.Meta.fields},
                )
            except ValidationError as exc:
                for message in exc.messages:
                    form.add_error(None, message)
            else:
                messages.success(request, _("%(kind)s was saved.") % {"kind": kind.name})
                return redirect("campaigns:honour_kind_list")
        status = 400
    else:
        form = HonourKindForm(instance=kind)
        formsets = kind_formsets(kind=kind)
        status = 200
    return render(
        request, "campaigns/honours/kinds/edit.html", {"kind": kind, "form": form, "formsets": formsets}, status=status
    )
