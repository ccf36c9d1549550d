"""A nomination's own pages: its page (which every part's panel joins), its files by checklist line and each
file's download, submitting and withdrawing. Objects come through the scoped selectors (404 outside them);
the services decide every move."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from unions.selectors import get_visible_or_404

from .. import honour_permissions as perms
from .. import honour_selectors as selectors
from ..form_errors import apply_errors
from ..forms.nominations import FileForm, WithdrawForm
from ..models import EvidenceItem, Nomination, NominationFile
from ..services import nominations as services
from .nominations import _nomination


def _files_by_item(nomination: Nomination):
    """The checklist's lines with their files (missing required ones marked), then the review's minutes
    and the unit's notice."""
    files = list(
        NominationFile.objects.filter(nomination=nomination).select_related("item").order_by("uploaded_at", "id")
    )
    items = list(EvidenceItem.objects.filter(kind_id=nomination.kind_id).order_by("order", "id"))
    rows = []
    for item in items:
        attached = [f for f in files if f.purpose == NominationFile.Purpose.EVIDENCE and f.item_id == item.pk]
        rows.append(
            {
                "label": item.label,
                "purpose": NominationFile.Purpose.EVIDENCE,
                "item": item,
                "files": attached,
                "missing": item.required and not attached,
                "required": item.required,
            }
        )
    for purpose in (NominationFile.Purpose.MINUTES, NominationFile.Purpose.UNIT_NOTICE):
        attached = [f for f in files if f.purpose == purpose]
        rows.append(
            {
                "label": purpose.label,
                "purpose": purpose,
                "item": None,
                "files": attached,
                "missing": not attached,
                "required": True,
            }
        )
    others = [f for f in files if f.purpose == NominationFile.Purpose.FORM]
    if others:
        rows.append(
            {
                "label": NominationFile.Purpose.FORM.label,
                "purpose": NominationFile.Purpose.FORM,
                "item": None,
                "files": others,
                "missing": False,
                "required": False,
            }
        )
    return rows, len(files)


@never_cache
@login_required
def nomination_detail(request, pk):
    nomination = _nomination(request, pk)
    rows, count = _files_by_item(nomination)
    editable = perms.can_edit_nomination(request.user, nomination)
    problems = services.submit_problems(nomination) if editable else []
    return render(
        request,
        "campaigns/honours/nomination/detail.html",
        {
            "nomination": nomination,
            "file_rows": rows,
            "file_count": count,
            "reviews": nomination.reviews.select_related("by").order_by("at", "id"),
            "can_edit": editable,
            "can_withdraw": perms.can_withdraw(request.user, nomination),
            "problems": problems,
            "warnings": services.warnings_of(nomination),
            "flags": [
                Nomination._meta.get_field(name).verbose_name for name in services.FLAGS if getattr(nomination, name)
            ],
        },
    )


@never_cache
@login_required
def nomination_files(request, pk):
    nomination = _nomination(request, pk)
    editable = perms.can_edit_nomination(request.user, nomination)
    if request.method == "POST":
        if not editable:
            messages.error(
                request,
                _("This nomination is %(status)s: it can no longer be changed.")
                % {"status": nomination.get_status_display()},
            )
            return redirect("campaigns:nomination_detail", nomination.pk)
        if "remove" in request.POST:
            attached = get_visible_or_404(NominationFile.objects.filter(nomination=nomination), request.POST["remove"])
            try:
                services.nomination_file_remove(file=attached, by=request.user)
            except ValidationError as exc:
                messages.error(request, " ".join(exc.messages))
            else:
                messages.success(request, _("%(name)s was removed.") % {"name": attached.original_name})
            return redirect("campaigns:nomination_files", nomination.pk)
        form = FileForm(request.POST, request.FILES)
        if form.is_valid():
            data = form.cleaned_data
            item = None
            if data["item"]:
                item = EvidenceItem.objects.filter(pk=data["item"], kind_id=nomination.kind_id).first()
            try:
                attached = services.nomination_file_add(
                    nomination=nomination, purpose=data["purpose"], item=item, upload=data["upload"], by=request.user
                )
            except ValidationError as exc:
                messages.error(request, " ".join(exc.messages))
            else:
                messages.success(request, _("%(name)s was attached.") % {"name": attached.original_name})
        else:
            messages.error(request, " ".join(e for errors in form.errors.values() for e in errors))
        return redirect("campaigns:nomination_files", nomination.pk)
    rows, count = _files_by_item(nomination)
    return render(
        request,
        "campaigns/honours/nominations/files.html",
        {
            "nomination": nomination,
            "file_rows": rows,
            "file_count": count,
            "max_files": services.MAX_FILES,
            "can_edit": editable,
            "problems": services.submit_problems(nomination) if editable else [],
        },
    )


@never_cache
@login_required
def nomination_file(request, pk):
    """One file of a nomination: only to those who may see the nomination (404 otherwise)."""
    visible = selectors.nominations_visible_to(request.user)
    attached = get_visible_or_404(NominationFile.objects.filter(nomination__in=visible), pk)
    response = FileResponse(attached.file.open("rb"), as_attachment=True, filename=attached.original_name)
    response["Cache-Control"] = "private, no-store"
    response["X-Content-Type-Options"] = "nosniff"
    return response


@require_POST
@login_required
def nomination_submit(request, pk):
    nomination = _nomination(request, pk)
    try:
        nomination = services.nomination_submit(nomination=nomination, by=request.user)
    except PermissionDenied:
        raise Http404 from None
    except ValidationError as exc:
        messages.error(request, _("Not submitted: %(reasons)s") % {"reasons": " ".join(exc.messages)})
    else:
        if nomination.status == Nomination.Status.FORWARDED:
            messages.success(request, _("Submitted: it goes to the organiser's review."))
        else:
            messages.success(
                request,
                _("Submitted: %(node)s holds the first review.") % {"node": nomination.first_node.name},
            )
    return redirect("campaigns:nomination_detail", nomination.pk)


@never_cache
@login_required
def nomination_withdraw(request, pk):
    nomination = _nomination(request, pk)
    if not perms.can_withdraw(request.user, nomination):
        messages.error(
            request,
            _("This nomination is %(status)s: it can no longer be withdrawn.")
            % {"status": nomination.get_status_display()},
        )
        return redirect("campaigns:nomination_detail", nomination.pk)
    form = WithdrawForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.nomination_withdraw(nomination=nomination, by=request.user, reason=form.cleaned_data["reason"])
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, _("The nomination was withdrawn."))
            return redirect("campaigns:nomination_detail", nomination.pk)
    return render(request, "campaigns/honours/nominations/withdraw.html", {"nomination": nomination, "form": form})
