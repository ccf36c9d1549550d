"""Member list exports (XLSX, CSV) with the list's filters, their job pages, and the blank roster.

The export page is reached from the member list's Export buttons with the list's filters in the
query string (a search by ID number or mobile as its token, members.search_tokens); it asks for the
format and, for a role allowed them, whether to include full ID numbers and mobiles. A small list downloads at once; a large one becomes a job whose page shows
its progress and, when ready, the download. Only the user who asked sees or downloads an export.
"""

import io
import tempfile

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404, StreamingHttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path
from django.utils import timezone
from django.utils.decorators import method_decorator
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe
from django_htmx.http import HttpResponseClientRedirect

from unions.decorators import member_staff_required

from .. import search_tokens
from ..models import RosterExport
from ..permissions import can_export_full
from ..roster import exporting, template
from ..services import roster_export as service
from .progress import bar as progress_bar

CONTENT_TYPES = {
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "csv": "text/csv; charset=utf-8",
}
EXPORT_LIST_SIZE = 50


class RosterExportForm(forms.Form):
    format = forms.ChoiceField(
        label=gettext_lazy("Format"),
        choices=[("xlsx", gettext_lazy("Excel workbook (XLSX)")), ("csv", gettext_lazy("CSV (UTF-8)"))],
        widget=forms.RadioSelect,
        error_messages={
            "required": gettext_lazy("Choose XLSX or CSV."),
            "invalid_choice": gettext_lazy("“%(value)s” is not a format the export writes: choose XLSX or CSV."),
        },
    )
    full_details = forms.BooleanField(
        label=gettext_lazy("Include full ID numbers and mobiles"),
        required=False,
        help_text=gettext_lazy(
            "Only members of the unions where you hold a role allowed full details are included. "
            "This export is recorded in the audit log with your name."
        ),
    )

    def __init__(self, *args, allow_full: bool, **kwargs):
        super().__init__(*args, **kwargs)
        if not allow_full:
            del self.fields["full_details"]


def _filter_summary(member_filter) -> list[tuple[str, str]]:
    """The filters in use, as label and value, for the user to check what the file will hold."""
    summary = []
    form = member_filter.form
    for name, value in form.cleaned_data.items():
        if name == "sort" or value in (None, "", []):
            continue
        field = form.fields[name]
        choices = dict(getattr(field, "choices", ()) or ())
        if hasattr(value, "isoformat"):
            shown = value.isoformat()
        elif isinstance(value, bool):
            shown = _("Yes") if value else _("No")
        elif name != "union" and value in choices:
            shown = str(choices[value])
        else:
            shown = str(value)
        summary.append((str(field.label), shown))
    return summary


@method_decorator([never_cache, member_staff_required], name="dispatch")
class MemberExportView(View):
    template_name = "members/roster/export_form.html"

    def _filters(self, request):
        """The list's filters as the URL names them (a search by number as its token) and as the
        export applies them; the flag says the token has expired."""
        shown = service.filter_query(request.GET)
        applied, expired = search_tokens.resolved_query(request.user, shown)
        return shown, applied, expired

    def _render(self, request, form, *, status=200):
        shown, applied, expired = self._filters(request)
        member_filter = service.member_filter_for(request.user, applied)
        context = {
            "form": form,
            "query": shown.urlencode(),
            "filter": member_filter,
            "sync_limit": service.sync_limit(),
            "search_expired": expired,
        }
        if expired:
            status = 400
        elif member_filter.is_valid():
            context["summary"] = _filter_summary(member_filter)
            context["preview"] = service.count_up_to(member_filter.qs, service.sync_limit() + 1)
        return render(request, self.template_name, context, status=status)

    def get(self, request):
        if search_tokens.is_private(request.GET.get("q")):
            # A typed address or an old link: the number leaves the address bar at once.
            query = search_tokens.shareable_query(request.user, request.GET)
            if "format" in request.GET:
                query["format"] = request.GET["format"]
            return redirect(f"{request.path}?{query.urlencode()}")
        if request.htmx:
            # The member list's filter form is driven by htmx: leave it for this page, filters and all.
            return HttpResponseClientRedirect(request.get_full_path())
        allow_full = can_export_full(request.user)
        chosen = request.GET.get("format")
        if chosen and chosen not in service.FORMATS:
            form = RosterExportForm({"format": chosen}, allow_full=allow_full)
            form.is_valid()
            return self._render(request, form, status=400)
        form = RosterExportForm(initial={"format": chosen or "xlsx"}, allow_full=allow_full)
        return self._render(request, form)

    def post(self, request):
        form = RosterExportForm(request.POST, allow_full=can_export_full(request.user))
        if not form.is_valid():
            return self._render(request, form, status=400)
        file_format = form.cleaned_data["format"]
        _shown, applied, expired = self._filters(request)
        if expired:
            # Without its search the export would hold the whole list, not the one the user saw.
            return self._render(request, form)
        try:
            result = service.export_request(
                user=request.user,
                query=applied,
                file_format=file_format,
                full_details=form.cleaned_data.get("full_details", False),
            )
        except ValidationError as exc:
            for message in exc.messages:
                messages.error(request, message)
            return self._render(request, form, status=400)
        if isinstance(result, RosterExport):
            messages.info(request, _("The list is large, so the file is being built in the background."))
            return redirect("members:roster_export_detail", pk=result.pk)
        return _download_now(result)


def _file_name(file_format: str, day=None) -> str:
    return f"{_('member-list')}-{(day or timezone.localdate()):%Y-%m-%d}.{file_format}"


def _download_now(export: service.SmallExport):
    name = _file_name(export.file_format)
    if export.file_format == "csv":
        response = StreamingHttpResponse(
            exporting.stream_csv(export.rows, full_details=export.full_details), content_type=CONTENT_TYPES["csv"]
        )
        response["Content-Disposition"] = content_disposition_header(as_attachment=True, filename=name)
    else:
        # An anonymous temporary file: gone from the disk as soon as the response closes it.
        out = tempfile.TemporaryFile()  # noqa: SIM115 - FileResponse closes it
        exporting.write_xlsx(export.rows, out, full_details=export.full_details)
        out.seek(0)
        response = FileResponse(out, as_attachment=True, filename=name, content_type=CONTENT_TYPES["xlsx"])
    response["Cache-Control"] = "private, no-store"
    return response


def _own_export(request, pk) -> RosterExport:
    # Anybody else's export is not found, whatever their role.
    return get_object_or_404(service.exports_of(request.user), pk=pk)


def _progress(record: RosterExport) -> dict:
    return progress_bar(service.get_progress(record.pk))


@never_cache
@require_safe
@member_staff_required
def roster_export_detail(request, pk):
    record = _own_export(request, pk)
    context = {
        "export": record,
        "progress": _progress(record) if record.in_progress else None,
        "expires_at": record.expires_at,
    }
    template_name = "members/roster/_export_status.html" if request.htmx else "members/roster/export_detail.html"
    return render(request, template_name, context)


@never_cache
@require_safe
@member_staff_required
def roster_export_download(request, pk):
    record = _own_export(request, pk)
    if record.status != RosterExport.Status.DONE or not record.file:
        raise Http404
    try:
        handle = record.file.open("rb")
    except FileNotFoundError:
        raise Http404 from None
    name = _file_name(record.file_format, timezone.localdate(record.finished_at))
    response = FileResponse(handle, as_attachment=True, filename=name, content_type=CONTENT_TYPES[record.file_format])
    response["Cache-Control"] = "private, no-store"
    return response


@never_cache
@require_safe
@member_staff_required
def roster_export_list(request):
    exports = list(service.exports_of(request.user)[:EXPORT_LIST_SIZE])
    return render(request, "members/roster/export_list.html", {"exports": exports, "limit": EXPORT_LIST_SIZE})


@require_safe
@member_staff_required
def roster_template_download(request):
    """The blank roster to fill in and import."""
    out = io.BytesIO()
    template.build(out)
    out.seek(0)
    return FileResponse(out, as_attachment=True, filename="会员花名册模板.xlsx", content_type=CONTENT_TYPES["xlsx"])


urlpatterns = [
    path("members/export/", MemberExportView.as_view(), name="member_export"),
    path("members/exports/", roster_export_list, name="roster_export_list"),
    path("members/exports/<int:pk>/", roster_export_detail, name="roster_export_detail"),
    path("members/exports/<int:pk>/download/", roster_export_download, name="roster_export_download"),
    path("members/roster-template/", roster_template_download, name="roster_template"),
]
