"""The page of the attendance sheets of something attended (a training class here, a warning education
session in integrity), shared by both apps' views: the POST that imports or sets aside a checked sheet,
and the page's context (the sheets, the one shown with its row errors, the confirmation form).

The views keep their own scope checks and wording; the services do the writing.
"""

from collections.abc import Callable

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import QuerySet
from django.http import Http404, HttpResponse
from django.shortcuts import redirect
from django.utils.translation import gettext as _

from accounts.pagination import page_number

from .forms.sheets import ConfirmForm
from .models.training import SheetRecord

SHEETS_PER_PAGE = 20
ERRORS_PER_PAGE = 50


def sheet_action(
    request,
    sheets: QuerySet,
    *,
    url: str,
    not_found: str,
    discard: Callable[[SheetRecord], object],
    do_import: Callable[[SheetRecord, str], SheetRecord],
    imported: str,
) -> HttpResponse:
    """POST ``sheet`` (one of ``sheets``) and ``action`` (``discard``, else import in ``mode``); back to
    ``url`` with a message. ``imported`` says how many were recorded (``%(n)d``)."""
    raw = request.POST.get("sheet") or ""
    sheet = sheets.filter(pk=int(raw)).first() if raw.isdigit() else None
    if sheet is None:
        messages.error(request, not_found)
        return redirect(url)
    form = ConfirmForm(request.POST, errors=sheet.error_count)
    try:
        if request.POST.get("action") == "discard":
            discard(sheet)
            messages.info(request, _("The sheet was set aside. Nothing was written."))
        elif form.is_valid():
            sheet = do_import(sheet, form.cleaned_data["mode"])
            left_out = (
                " " + _("%(n)d rows were left out; they are listed with the reasons.") % {"n": sheet.error_count}
                if sheet.error_count
                else ""
            )
            messages.success(request, imported % {"n": sheet.imported_count} + left_out)
        else:
            messages.error(request, " ".join(form.errors.get("mode", [])))
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    except PermissionDenied:
        raise Http404 from None
    return redirect(f"{url}?sheet={sheet.pk}")


def sheets_context(request, sheets: QuerySet) -> dict:
    """``page`` of sheets, the ``shown`` one (asked for by ``?sheet=``, else the newest if it waits for
    confirmation) with ``valid``, ``error_page`` and, while it waits, ``confirm_form``."""
    page = Paginator(sheets, SHEETS_PER_PAGE).get_page(page_number(request.GET.get("page")))
    wanted = request.GET.get("sheet") or ""
    shown = None
    if wanted:
        shown = sheets.filter(pk=int(wanted)).first() if wanted.isdigit() else None
    elif page.object_list and page.number == 1 and page.object_list[0].status == SheetRecord.Status.CHECKED:
        shown = page.object_list[0]
    context = {"page": page, "shown": shown}
    if shown is not None:
        context["valid"] = shown.rows_total - shown.error_count
        context["error_page"] = Paginator(shown.errors, ERRORS_PER_PAGE).get_page(
            page_number(request.GET.get("errors"))
        )
        if shown.status == SheetRecord.Status.CHECKED:
            context["confirm_form"] = ConfirmForm(errors=shown.error_count)
    return context
