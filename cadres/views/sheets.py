"""The sheets pages: attendance sheets of a class, cadre profile imports, exports of cadres and of
the hours ledger, and the blank templates.

Thin: each parses the request, calls ``cadres.services.sheets`` and renders. Objects come from the
scoped selectors (a class, an import outside scope: 404); an export is seen only by whoever asked.
"""

import io
import tempfile
from pathlib import Path

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_safe

from accounts.pagination import page_number
from unions.selectors import get_visible_or_404

from .. import selectors
from .. import sheet_pages as pages
from ..decorators import cadre_officer_required
from ..forms.sheets import (
    AttendanceSheetUploadForm,
    CadreExportForm,
    CadreImportUploadForm,
    ConfirmForm,
    LedgerExportForm,
)
from ..models import CadreExport, CadreImport
from ..services import sheets as service
from ..sheets import templates
from ..sheets.columns import ATTENDANCE_COLUMNS, PROFILE_COLUMNS

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
CONTENT_TYPES = {"xlsx": XLSX, "csv": "text/csv"}
SHEETS_PER_PAGE = 20
ERRORS_PER_PAGE = 50


def _link(name: str, *args) -> str | None:
    """A link to another part's page, or None while that page does not exist."""
    try:
        return reverse(name, args=args)
    except NoReverseMatch:
        return None


def _errors(exc: ValidationError) -> str:
    return " ".join(exc.messages)


def _download(handle, name: str, content_type: str = XLSX) -> FileResponse:
    response = FileResponse(handle, as_attachment=True, filename=name, content_type=content_type)
    response["Cache-Control"] = "private, no-store"
    return response


# --- attendance sheets ----------------------------------------------------------------------------
def _class(request, pk):
    return get_visible_or_404(selectors.classes_visible_to(request.user), pk)


@never_cache
@cadre_officer_required
@require_http_methods(["GET", "HEAD", "POST"])
def attendance_sheet_list(request, pk):
    """The class's sheets, newest first; a sheet waiting for confirmation shows its errors and the
    confirmation. POST: import (``mode``) or discard the sheet named by ``sheet``."""
    training_class = _class(request, pk)
    sheets = training_class.sheets.select_related("uploaded_by")
    if request.method == "POST":
        return pages.sheet_action(
            request,
            sheets,
            url=reverse("cadres:attendance_sheet_list", args=[training_class.pk]),
            # The class is the officer's to see; the sheet named is not one of its sheets (or none was named).
            not_found=_("Choose a sheet of this class to import or set aside."),
            discard=lambda sheet: service.attendance_sheet_discard(sheet=sheet, by=request.user),
            do_import=lambda sheet, mode: service.attendance_sheet_import(sheet=sheet, mode=mode, by=request.user),
            imported=_("Attendance imported: %(n)d days recorded."),
        )
    context = {
        **pages.sheets_context(request, sheets),
        "training_class": training_class,
        "class_url": _link("cadres:class_detail", training_class.pk),
        "attendance_url": _link("cadres:class_attendance", training_class.pk),
        "open_for_sheets": training_class.status in ("planned", "open"),
    }
    return render(request, "cadres/sheets/attendance_list.html", context)


@never_cache
@cadre_officer_required
@require_http_methods(["GET", "HEAD", "POST"])
def attendance_sheet_upload(request, pk):
    training_class = _class(request, pk)
    posted = request.method == "POST"
    form = AttendanceSheetUploadForm(request.POST if posted else None, request.FILES if posted else None)
    if posted and form.is_valid():
        try:
            sheet = service.attendance_sheet_check(
                training_class=training_class, upload=form.cleaned_data["file"], by=request.user
            )
        except PermissionDenied:
            raise Http404 from None
        except ValidationError as exc:
            form.add_error("file", _errors(exc))
        else:
            return redirect(f"{reverse('cadres:attendance_sheet_list', args=[training_class.pk])}?sheet={sheet.pk}")
    context = {
        "training_class": training_class,
        "form": form,
        "columns": ATTENDANCE_COLUMNS,
        "class_url": _link("cadres:class_detail", training_class.pk),
        "open_for_sheets": training_class.status in ("planned", "open"),
    }
    return render(request, "cadres/sheets/attendance_upload.html", context, status=400 if posted else 200)


@require_safe
@cadre_officer_required
def attendance_sheet_template(request):
    out = io.BytesIO()
    templates.build_attendance(out)
    out.seek(0)
    return _download(out, "培训签到表模板.xlsx")


# --- cadre profile imports ------------------------------------------------------------------------
@never_cache
@cadre_officer_required
@require_http_methods(["GET", "HEAD", "POST"])
def import_create(request):
    posted = request.method == "POST"
    selected = (request.POST if posted else request.GET).get("union")
    form = CadreImportUploadForm(
        request.POST if posted else None, request.FILES if posted else None, user=request.user, selected=selected
    )
    if posted and form.is_valid():
        try:
            record = service.cadre_import_check(
                union=form.cleaned_data["union"], upload=form.cleaned_data["file"], by=request.user
            )
        except PermissionDenied:
            form.add_error("union", _("Choose a node in your part of the tree."))
        except ValidationError as exc:
            form.add_error("file", _errors(exc))
        else:
            return redirect("cadres:import_detail", pk=record.pk)
    recent = selectors.imports_visible_to(request.user).filter(created_by=request.user)[:10]
    context = {"form": form, "columns": PROFILE_COLUMNS, "recent": recent}
    return render(request, "cadres/sheets/import_create.html", context, status=400 if posted else 200)


@never_cache
@cadre_officer_required
@require_http_methods(["GET", "HEAD", "POST"])
def import_detail(request, pk):
    record = get_visible_or_404(selectors.imports_visible_to(request.user).select_related("created_by"), pk)
    confirm_form = None
    if request.method == "POST":
        try:
            if request.POST.get("action") == "cancel":
                service.cadre_import_cancel(record=record, by=request.user)
                messages.info(request, _("The import was cancelled. No cadre was written."))
                return redirect("cadres:import_detail", pk=record.pk)
            confirm_form = ConfirmForm(request.POST, errors=record.error_count)
            if confirm_form.is_valid():
                service.cadre_import_confirm(record=record, mode=confirm_form.cleaned_data["mode"], by=request.user)
                return redirect("cadres:import_detail", pk=record.pk)
        except ValidationError as exc:
            messages.error(request, _errors(exc))
            return redirect("cadres:import_detail", pk=record.pk)
        except PermissionDenied:
            raise Http404 from None
    if record.status == CadreImport.Status.CHECKED and confirm_form is None:
        confirm_form = ConfirmForm(errors=record.error_count)
    context = {
        "record": record,
        "confirm_form": confirm_form,
        "notices": [line for line in record.problem.splitlines() if line] if record.status != "refused" else [],
        "error_page": Paginator(record.errors, ERRORS_PER_PAGE).get_page(page_number(request.GET.get("page"))),
        "list_url": _link("cadres:cadre_list"),
    }
    return render(
        request,
        "cadres/sheets/import_detail.html",
        context,
        status=400 if confirm_form and confirm_form.errors else 200,
    )


@never_cache
@require_safe
@cadre_officer_required
def import_errors(request, pk):
    record = get_visible_or_404(selectors.imports_visible_to(request.user), pk)
    try:
        handle, extension = service.cadre_import_error_file_open(record=record, by=request.user)
    except ValidationError as exc:
        # The import is the officer's to see; it has no error file (no row was in error, or it expired).
        messages.error(request, _errors(exc))
        return redirect("cadres:import_detail", pk=record.pk)
    stem = Path(record.original_name).stem or "cadres"
    return _download(handle, f"{stem}-错误.{extension}", CONTENT_TYPES.get(extension, XLSX))


@require_safe
@cadre_officer_required
def import_template(request):
    out = io.BytesIO()
    templates.build_profiles(out)
    out.seek(0)
    return _download(out, "干部信息导入模板.xlsx")


# --- exports --------------------------------------------------------------------------------------
def _export_file_name(kind: str, day=None) -> str:
    stem = _("hours-ledger") if kind == CadreExport.Kind.LEDGER else _("cadre-list")
    return f"{stem}-{(day or timezone.localdate()):%Y-%m-%d}.xlsx"


def _start_export(request, kind: str, query, *, full_mobiles: bool = False):
    """Run the export: the file now, or the job's page; None after a message when refused."""
    try:
        result = service.export_request(user=request.user, kind=kind, query=query, full_mobiles=full_mobiles)
    except ValidationError as exc:
        messages.error(request, _errors(exc))
        return None
    except PermissionDenied:
        raise Http404 from None
    if isinstance(result, CadreExport):
        messages.info(request, _("The list is large, so the file is being built in the background."))
        return redirect("cadres:export_detail", pk=result.pk)
    out = tempfile.TemporaryFile()  # noqa: SIM115 - FileResponse closes it
    service.write_small(result, out)
    out.seek(0)
    return _download(out, _export_file_name(kind))


def _filter_summary(found) -> list[tuple[str, str]]:
    summary = []
    if not found.is_valid():
        return summary
    for name, value in found.form.cleaned_data.items():
        if value in (None, "", []):
            continue
        field = found.form.fields[name]
        choices = dict(getattr(field, "choices", ()) or ())
        if isinstance(value, bool):
            shown = _("Yes") if value else _("No")
        elif name != "union" and value in choices:
            shown = str(choices[value])
        else:
            shown = str(value)
        summary.append((str(field.label), shown))
    return summary


@never_cache
@cadre_officer_required
@require_http_methods(["GET", "HEAD", "POST"])
def export_cadres(request):
    """The cadre list's filters (the query string) → XLSX; mobiles masked unless asked for."""
    query = service.filter_query(request.GET)
    form = CadreExportForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        response = _start_export(
            request, CadreExport.Kind.CADRES, query, full_mobiles=form.cleaned_data["full_mobiles"]
        )
        if response is not None:
            return response
    found = service.cadre_filter_for(request.user, query)
    context = {
        "form": form,
        "query": query.urlencode(),
        "summary": _filter_summary(found),
        "filters_valid": found.is_valid(),
        "count": service._count_up_to(found.qs, service.EXPORT_SYNC_MAX_ROWS + 1) if found.is_valid() else 0,
        "sync_limit": service.EXPORT_SYNC_MAX_ROWS,
        "list_url": _link("cadres:cadre_list"),
    }
    return render(request, "cadres/sheets/export_cadres.html", context, status=200 if found.is_valid() else 400)


@never_cache
@cadre_officer_required
@require_http_methods(["GET", "HEAD", "POST"])
def export_ledger(request):
    """The ledger's node and year (as the ledger page names them) → XLSX."""
    data = request.POST if request.method == "POST" else (request.GET if "union" in request.GET else None)
    selected = (data or {}).get("union")
    form = LedgerExportForm(data, user=request.user, selected=selected)
    if request.method == "POST" and form.is_valid():
        query = service.filter_query(request.GET)
        query = query.copy()
        query["union"], query["year"] = str(form.cleaned_data["union"].pk), str(form.cleaned_data["year"])
        query.pop("short", None)
        if form.cleaned_data["short"]:
            query["short"] = "on"
        response = _start_export(request, CadreExport.Kind.LEDGER, query)
        if response is not None:
            return response
    context = {"form": form, "ledger_url": _link("cadres:ledger"), "sync_limit": service.EXPORT_SYNC_MAX_ROWS}
    return render(request, "cadres/sheets/export_ledger.html", context, status=400 if form.errors else 200)


def _own_export(request, pk) -> CadreExport:
    return get_visible_or_404(selectors.exports_of(request.user), pk)


def _bar(progress: dict | None) -> dict:
    progress = progress or {}
    done, total = progress.get("done", 0), progress.get("total", 0)
    percent = min(100, done * 100 // total) if total else None
    step = f"w-{percent // 25 * 25}" if percent and percent >= 25 else ""
    return {"started": bool(progress), "done": done, "total": total, "percent": percent, "step": step}


@never_cache
@require_safe
@cadre_officer_required
def export_detail(request, pk):
    record = _own_export(request, pk)
    context = {
        "export": record,
        "progress": _bar(service.get_progress(record.pk)) if record.in_progress else None,
        "full_mobiles": service.export_full_mobiles(record),
    }
    name = "cadres/sheets/_export_status.html" if request.htmx else "cadres/sheets/export_detail.html"
    return render(request, name, context)


@never_cache
@require_safe
@cadre_officer_required
def export_download(request, pk):
    record = _own_export(request, pk)
    if record.status != CadreExport.Status.DONE or not record.file:
        raise Http404
    try:
        handle = record.file.open("rb")
    except FileNotFoundError:
        raise Http404 from None
    return _download(handle, _export_file_name(record.kind, timezone.localdate(record.finished_at)))
