"""Model workers' care pages: the visiting union's list of this year's care (due, overdue, delivered),
its spreadsheet, and recording care delivered to one holder. Honours come through the scoped selector
(404 outside it); the service decides every record."""

import tempfile

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

from accounts.audit import record
from accounts.pagination import page_number
from cadres.sheets.exporting import write_xlsx
from unions.models import Union
from unions.scope import holds_role_anywhere, scope_paths, subtree_q
from unions.selectors import get_visible_or_404

from .. import kinds
from ..care import care_due, filter_rows, totals
from ..forms.care import CareFilterForm, CareRecordForm
from ..honour_permissions import CARE_KINDS, can_record_care
from ..honour_selectors import care_list_for
from ..services import care as services

PER_PAGE = 30
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
HOLDING_KINDS = (Union.Kind.GRASSROOTS_UNION, Union.Kind.JOINT_UNION)


def _care_staff_required(view):
    """Signed in, a clerk or federation staff somewhere; anyone else learns nothing (404)."""

    @login_required
    def wrapper(request, *args, **kwargs):
        if not holds_role_anywhere(request.user, CARE_KINDS):
            raise Http404
        return view(request, *args, **kwargs)

    wrapper.__name__ = view.__name__
    wrapper.__doc__ = view.__doc__
    return wrapper


def _apply_errors(form, exc: ValidationError) -> None:
    if hasattr(exc, "error_dict"):
        for name, errors in exc.error_dict.items():
            for error in errors:
                form.add_error(name if name in form.fields else None, error)
    else:
        for message in exc.messages:
            form.add_error(None, message)


def _filter_unions(user, honours):
    """The federations in the user's care scope, and the unions there that hold a caring honour."""
    return (
        Union.objects.filter(subtree_q(scope_paths(user, CARE_KINDS)))
        .filter(Q(pk__in=honours.values("union_id")) | ~Q(kind__in=HOLDING_KINDS))
        .only("id", "name", "path")
        .order_by("path")
    )


def _listed(request):
    honours = care_list_for(request.user)
    form = CareFilterForm(request.GET or None, unions=_filter_unions(request.user, honours))
    year = form.year_or_current()
    care = state = ""
    union = None
    if form.is_bound and form.is_valid():
        data = form.cleaned_data
        union = data["union"]
        if union:
            honours = honours.filter(union__path__startswith=union.path)
        care, state = data["care"], data["state"]
    rows = filter_rows(care_due(honours=honours, year=year, today=timezone.localdate()), care=care, state=state)
    return form, year, rows, union


@never_cache
@_care_staff_required
@require_safe
def care_list(request):
    """This year's care for the unions that must visit: whom to visit, what is due by when, what is late."""
    form, year, rows, union = _listed(request)
    if request.GET.get("format") == "xlsx":
        return _export(request, year, rows, union)
    page = Paginator(rows, PER_PAGE).get_page(page_number(request.GET.get("page")))
    return render(
        request,
        "campaigns/honours/care/care_list.html",
        {"form": form, "year": year, "page": page, "rows": page.object_list, "totals": totals(rows)},
    )


def _export(request, year: int, rows, union):
    headers = [
        _("Holder"),
        _("Honour"),
        _("Unit"),
        _("Visiting union"),
        _("Care"),
        _("State"),
        _("Due by"),
        _("Entitled amount (yuan)"),
        _("Delivered on"),
        _("Delivered by"),
        _("Amount delivered (yuan)"),
        _("Note"),
    ]

    def lines():
        for row in rows:
            for line in row.lines:
                record = line.record
                yield [
                    row.holder_name,
                    f"{line.source.kind.name} {line.source.year}",
                    row.visiting.unit_name,
                    row.union.name,
                    line.care_label,
                    line.state_label,
                    line.due_by,
                    float(line.amount) if line.amount is not None else None,
                    record.delivered_on if record else None,
                    record.delivered_by if record else "",
                    float(record.amount) if record and record.amount is not None else None,
                    record.note if record else "",
                ]

    handle = tempfile.TemporaryFile()  # noqa: SIM115 (FileResponse closes it)
    write_xlsx(
        handle,
        title=_("Model workers' care %(year)s") % {"year": year},
        headers=headers,
        rows=lines(),
        widths={0: 12, 1: 18, 2: 24, 3: 24, 4: 14, 5: 8, 6: 12, 9: 16, 11: 24},
    )
    handle.seek(0)
    record(kinds.CARE_LIST_EXPORTED, request=request, union=union, detail={"year": year, "people": len(rows)})
    response = FileResponse(handle, as_attachment=True, filename=f"care-{year}.xlsx", content_type=XLSX)
    response["Cache-Control"] = "private, no-store"
    return response


@never_cache
@_care_staff_required
def care_record(request, pk):
    """One holder's care of a year and the form to record care delivered."""
    honour = get_visible_or_404(care_list_for(request.user), pk)
    today = timezone.localdate()
    try:
        year = int(request.POST.get("year") or request.GET.get("year") or today.year)
    except ValueError:
        year = today.year
    if not honour.year <= year <= today.year + 1:
        year = today.year
    person = care_list_for(request.user).filter(person_key=honour.person_key)
    rows = care_due(honours=person, year=year, today=today)
    lines = rows[0].lines if rows else []
    open_cares = [line.care for line in lines if line.record is None]
    recordable = can_record_care(request.user, honour)
    form = CareRecordForm(
        request.POST or None,
        cares=open_cares or None,
        initial={"year": year, "delivered_on": today, "care": open_cares[0] if open_cares else None},
    )
    if request.method == "POST" and recordable and form.is_valid():
        data = form.cleaned_data
        try:
            services.care_record(
                honour=honour,
                care=data["care"],
                year=data["year"],
                delivered_on=data["delivered_on"],
                delivered_by=data["delivered_by"],
                amount=data["amount"],
                note=data["note"],
                by=request.user,
            )
        except ValidationError as exc:
            _apply_errors(form, exc)
        else:
            messages.success(request, _("The care was recorded."))
            return redirect(f"{request.path}?year={data['year']}")
    return render(
        request,
        "campaigns/honours/care/care_record.html",
        {
            "honour": honour,
            "year": year,
            "lines": lines,
            "row": rows[0] if rows else None,
            "form": form,
            "recordable": recordable and bool(open_cares),
        },
        status=400 if request.method == "POST" and form.errors else 200,
    )
