"""Report pages: the list, the request form, a report's progress (polled by htmx) and its download."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST, require_safe

from members.models import Member

from . import permissions, selectors, services
from .forms import ReportRequestForm
from .models import Report

PER_PAGE = 50


def _list_context(request, form=None) -> dict:
    page = Paginator(selectors.reports_visible_to(request.user), PER_PAGE).get_page(request.GET.get("page"))
    staff = permissions.can_request_staff_reports(request.user)
    return {
        "page": page,
        "form": form or (ReportRequestForm(user=request.user) if staff else None),
        "can_request_card": permissions.has_valid_card(request.user),
    }


@login_required
@require_safe
@never_cache
def report_list(request):
    # Like a dashboard to a role without one: the page is not there for whoever has nothing to use on it.
    if not permissions.can_use_reports(request.user):
        raise Http404
    return render(request, "reports/list.html", _list_context(request))


@login_required
@require_POST
def report_request(request):
    if not permissions.can_use_reports(request.user):
        raise Http404
    if request.POST.get("kind") == Report.Kind.MEMBER_CARD:
        try:
            report = services.report_request(kind=Report.Kind.MEMBER_CARD, union=None, params={}, by=request.user)
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
            return redirect("reports:list")
        return redirect("reports:detail", report.pk)
    if not permissions.can_request_staff_reports(request.user):
        raise PermissionDenied
    form = ReportRequestForm(request.POST, user=request.user)
    if form.is_valid():
        data = form.cleaned_data
        try:
            report = services.report_request(
                kind=data["kind"], union=data["union"], params={"month": data["month"]}, by=request.user
            )
        except PermissionDenied:
            form.add_error("union", _("You may not ask for this report for this union."))
        except ValidationError as exc:
            field = "month" if exc.code in ("month", "future") else "union"
            form.add_error(field, exc)
        else:
            return redirect("reports:detail", report.pk)
    return render(request, "reports/list.html", _list_context(request, form), status=400)


@login_required
@require_safe
@never_cache
def report_detail(request, pk):
    report = selectors.report_get_visible(request.user, pk)
    template = "reports/_status.html" if request.htmx else "reports/detail.html"
    return render(request, template, {"report": report})


@login_required
@require_safe
@never_cache
def report_download(request, pk):
    report = selectors.report_get_visible(request.user, pk)
    if report.status != Report.Status.DONE or not report.file:
        raise Http404
    try:
        handle = report.file.open("rb")
    except FileNotFoundError:
        raise Http404 from None
    response = FileResponse(handle, as_attachment=True, filename=_filename(report), content_type="application/pdf")
    response["Cache-Control"] = "private, no-store"
    return response


def _filename(report: Report) -> str:
    suffix = report.month or report.parameters.get("date", "")
    owner = report.union.name
    if report.kind == Report.Kind.MEMBER_CARD:
        # A card is the member's own: saved among a family's files it must say whose it is.
        owner = (
            Member.objects.filter(pk=report.parameters.get("member")).values_list("name", flat=True).first() or owner
        )
    return f"{owner}-{report.get_kind_display()}-{suffix}.pdf".replace("/", "-")
