"""Staff pages of roster imports: the history, the upload, the dry run's summary, confirm, cancel,
the progress the page polls, the result, and the error file.

The passes run as jobs (members.tasks); these views only start them through members.services.roster
and show the record. An import whose union lies outside the user's member-staff scope answers 404.
"""

from pathlib import Path

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.urls import path
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST, require_safe
from django_htmx.http import HttpResponseClientRefresh

from unions.decorators import member_staff_required

from .. import selectors
from ..forms.roster import RosterConfirmForm, RosterUploadForm
from ..models import RosterImport, RosterImportRow
from ..roster import importing
from ..roster.columns import COLUMNS
from ..services import roster
from .progress import bar as progress_bar

IMPORTS_PER_PAGE = 30
ROWS_PER_PAGE = 50
S = RosterImport.Status
Outcome = RosterImportRow.Outcome
CONTENT_TYPES = {
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "csv": "text/csv",
}

# The row lists a page can show (``?show=``): which outcomes each holds, and its tab's label.
ROW_LISTS = {
    "errors": ((Outcome.ERROR,), gettext_lazy("Errors")),
    "transfers": ((Outcome.TRANSFER,), gettext_lazy("Transfer candidates")),
    "left_out": ((Outcome.ERROR, Outcome.TRANSFER), gettext_lazy("Rows left out")),
    "written": ((Outcome.NEW, Outcome.UPDATED), gettext_lazy("Members created or changed")),
}


def _get(request, pk) -> RosterImport:
    return selectors.roster_import_get_visible(request.user, pk)


def _errors(exc: ValidationError) -> str:
    return " ".join(exc.messages)


@require_safe
@never_cache
@member_staff_required
def roster_import_list(request):
    page = Paginator(selectors.roster_imports_visible_to(request.user), IMPORTS_PER_PAGE).get_page(
        request.GET.get("page")
    )
    return render(request, "members/roster/import_list.html", {"page": page})


@never_cache
@member_staff_required
def roster_import_new(request):
    posted = request.method == "POST"
    selected = (request.POST if posted else request.GET).get("union")
    form = RosterUploadForm(
        request.POST if posted else None, request.FILES if posted else None, user=request.user, selected=selected
    )
    if posted and form.is_valid():
        try:
            record = roster.import_start(
                user=request.user, union=form.cleaned_data["union"], upload=form.cleaned_data["file"]
            )
        except PermissionDenied:
            form.add_error("union", _("You may not import members into this union."))
        except ValidationError as exc:
            form.add_error(None, _errors(exc))
        else:
            return redirect("members:roster_import_detail", pk=record.pk)
    context = {
        "form": form,
        "columns": COLUMNS,
        "max_rows": f"{settings.ROSTER_IMPORT_MAX_ROWS:,}",
        "max_mb": settings.ROSTER_IMPORT_MAX_BYTES // (1024 * 1024),
    }
    return render(request, "members/roster/import_new.html", context, status=400 if posted else 200)


def _progress(record: RosterImport) -> dict:
    return progress_bar(importing.get_progress(record.pk))


def _tabs(record: RosterImport) -> list[tuple[str, str, int]]:
    """The row lists the record's page offers, as (key, label, count); empty ones are left out."""
    if record.status in (S.CHECKED, S.NOTHING_WRITTEN):
        counts = {"errors": record.error_count, "transfers": record.transfer_count}
    elif record.status == S.DONE:
        counts = {
            "left_out": record.error_count + record.transfer_count,
            "written": record.new_count + record.updated_count,
        }
    else:
        return []
    return [(key, ROW_LISTS[key][1], n) for key, n in counts.items() if n]


def _detail(request, record: RosterImport, *, confirm_form=None, status: int = 200):
    context = {"record": record, "tabs": _tabs(record)}
    if record.in_progress:
        context["progress"] = _progress(record)
    if context["tabs"]:
        keys = [key for key, _label, _n in context["tabs"]]
        show = request.GET.get("show")
        show = show if show in keys else keys[0]
        rows = record.rows.filter(outcome__in=ROW_LISTS[show][0])
        context["show"] = show
        context["rows"] = Paginator(rows, ROWS_PER_PAGE).get_page(request.GET.get("page"))
    if record.status == S.CHECKED:
        context["confirm_form"] = confirm_form or RosterConfirmForm(record=record)
    # Offered while the file is kept or still to be made (the job makes it just after the check).
    context["has_error_file"] = (
        bool(record.error_file or record.file)
        and record.status in roster.ERROR_FILE_STATUSES
        and record.error_count + record.transfer_count > 0
    )
    return render(request, "members/roster/import_detail.html", context, status=status)


@require_safe
@never_cache
@member_staff_required
def roster_import_detail(request, pk):
    return _detail(request, _get(request, pk))


@require_safe
@never_cache
@member_staff_required
def roster_import_progress(request, pk):
    """The progress block, polled by htmx while a pass runs; once it has ended, the whole page reloads."""
    record = _get(request, pk)
    if not request.htmx:
        return redirect("members:roster_import_detail", pk=record.pk)
    if not record.in_progress:
        return HttpResponseClientRefresh()
    context = {"record": record, "progress": _progress(record)}
    return render(request, "members/roster/_import_progress.html", context)


@require_POST
@member_staff_required
def roster_import_confirm(request, pk):
    record = _get(request, pk)
    form = RosterConfirmForm(request.POST, record=record)
    if not form.is_valid():
        return _detail(request, record, confirm_form=form, status=400)
    try:
        roster.import_confirm(record=record, by=request.user, mode=form.cleaned_data["mode"])
    except ValidationError as exc:
        messages.error(request, _errors(exc))
    return redirect("members:roster_import_detail", pk=record.pk)


@require_POST
@member_staff_required
def roster_import_cancel(request, pk):
    record = _get(request, pk)
    try:
        record = roster.import_cancel(record=record, by=request.user)
    except ValidationError as exc:
        messages.error(request, _errors(exc))
    else:
        if record.status == S.CANCELLED:
            messages.success(request, _("The import was cancelled. No member was written."))
        else:
            messages.info(request, _("The import is being stopped. Nothing it has done so far will be kept."))
    return redirect("members:roster_import_detail", pk=record.pk)


@require_safe
@never_cache
@member_staff_required
def roster_import_errors(request, pk):
    """The rows left out, as they were in the file, with an error column: fix them and upload this
    file. The check or the import made it; this only streams it."""
    record = _get(request, pk)
    try:
        handle, extension = roster.import_error_file_open(record=record, by=request.user)
    except ValidationError as exc:
        if exc.code == "none":
            raise Http404 from None
        messages.error(request, _errors(exc))
        return redirect("members:roster_import_detail", pk=record.pk)
    stem = Path(record.original_name).stem or "roster"
    response = FileResponse(
        handle, as_attachment=True, filename=f"{stem}-错误.{extension}", content_type=CONTENT_TYPES[extension]
    )
    response["Cache-Control"] = "private, no-store"
    return response


urlpatterns = [
    path("roster-imports/", roster_import_list, name="roster_import_list"),
    path("roster-imports/new/", roster_import_new, name="roster_import_new"),
    path("roster-imports/<int:pk>/", roster_import_detail, name="roster_import_detail"),
    path("roster-imports/<int:pk>/progress/", roster_import_progress, name="roster_import_progress"),
    path("roster-imports/<int:pk>/confirm/", roster_import_confirm, name="roster_import_confirm"),
    path("roster-imports/<int:pk>/cancel/", roster_import_cancel, name="roster_import_cancel"),
    path("roster-imports/<int:pk>/errors/", roster_import_errors, name="roster_import_errors"),
]
