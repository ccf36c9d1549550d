"""Pages of secondments (挂职锻炼) and grassroots stays (基层蹲点).

Staff pages (cadre officers) under ``cadres/secondments/`` and ``cadres/stays/``: the list, the new
record, and the detail page whose forms each post to one step of the record's life
(``cadres.services.postings``: the states and who may move them). The cadre's own pages under
``my/cadre/``, phone-first: the record and the report to hand in. A record outside the user's scope,
or someone else's on the ``my/`` pages, answers 404.
"""

from pathlib import PurePosixPath

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import FileResponse
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.decorators import method_decorator
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST
from django.views.decorators.vary import vary_on_headers

from unions.selectors import get_visible_or_404

from .. import selectors
from ..decorators import cadre_officer_required
from ..filters.postings import SecondmentFilter, StayFilter, state_choices
from ..forms.postings import DayForm, GradeForm, ReportForm, SecondmentForm, StayForm
from ..models import GrassrootsStay, Secondment
from ..services import postings as services

PER_PAGE = 30


def _errors(exc: ValidationError) -> str:
    return " ".join(exc.messages)


def cadre_url(pk: int) -> str:
    """The cadre's page, once the profile pages exist."""
    try:
        return reverse("cadres:cadre_detail", args=[pk])
    except NoReverseMatch:
        return ""


def _overdue(record, today) -> bool:
    return bool(record.report_due_on and record.report_due_on < today and record.report_submitted_at is None)


# --- lists ---------------------------------------------------------------------------------------
class _ListView(View):
    filter_class = None
    template = ""
    partial = ""

    def records(self, user):
        raise NotImplementedError

    def get(self, request):
        found = self.filter_class(request.GET or None, queryset=self.records(request.user))
        page = Paginator(found.qs, PER_PAGE).get_page(request.GET.get("page"))
        today = timezone.localdate()
        for record in page.object_list:
            record.overdue = _overdue(record, today)
        context = {"filter": found, "page": page, "rows": page.object_list}
        partial = request.htmx and not request.htmx.history_restore_request
        return render(request, self.partial if partial else self.template, context)


@method_decorator([never_cache, vary_on_headers("HX-Request"), cadre_officer_required], name="dispatch")
class SecondmentListView(_ListView):
    filter_class = SecondmentFilter
    template = "cadres/postings/secondment_list.html"
    partial = "cadres/postings/_secondment_results.html"

    def records(self, user):
        return selectors.secondments_visible_to(user).order_by("-planned_start", "-id")


@method_decorator([never_cache, vary_on_headers("HX-Request"), cadre_officer_required], name="dispatch")
class StayListView(_ListView):
    filter_class = StayFilter
    template = "cadres/postings/stay_list.html"
    partial = "cadres/postings/_stay_results.html"

    def records(self, user):
        return selectors.stays_visible_to(user).order_by("-starts_on", "-id")


# --- new records ---------------------------------------------------------------------------------
class _CreateView(View):
    form_class = None
    template = ""

    def create(self, data, user):
        raise NotImplementedError

    def _form(self, request, data=None):
        source = request.POST if data is not None else request.GET
        initial = None if data is not None else {k: v for k, v in request.GET.items() if k not in {"q", "page"}}
        return self.form_class(
            data, initial=initial, user=request.user, search=source.get("q", ""), selected=source.get("cadre")
        )

    def get(self, request):
        return render(request, self.template, {"form": self._form(request)})

    def post(self, request):
        form = self._form(request, request.POST)
        if form.is_valid():
            try:
                record = self.create(form.cleaned_data, request.user)
            except ValidationError as exc:
                form.add_error(None, _errors(exc))
            else:
                messages.success(request, self.created_message)
                return redirect(record.detail_url)
        return render(request, self.template, {"form": form}, status=400)


@method_decorator([never_cache, cadre_officer_required], name="dispatch")
class SecondmentCreateView(_CreateView):
    form_class = SecondmentForm
    template = "cadres/postings/secondment_form.html"
    created_message = gettext_lazy("The secondment was planned.")

    def create(self, data, user):
        record = services.secondment_create(
            cadre=data["cadre"],
            host_name=data["host_name"],
            host_kind=data["host_kind"],
            host_credit_code=data["host_credit_code"],
            post_at_host=data["post_at_host"],
            project=data["project"],
            planned_start=data["planned_start"],
            planned_end=data["planned_end"],
            report_due_on=data["report_due_on"],
            by=user,
        )
        record.detail_url = _detail_url(record)
        return record


@method_decorator([never_cache, cadre_officer_required], name="dispatch")
class StayCreateView(_CreateView):
    form_class = StayForm
    template = "cadres/postings/stay_form.html"
    created_message = gettext_lazy("The grassroots stay was planned.")

    def create(self, data, user):
        record = services.stay_create(
            cadre=data["cadre"],
            union=data["union"],
            employer_name=data["employer_name"],
            starts_on=data["starts_on"],
            ends_on=data["ends_on"],
            report_due_on=data["report_due_on"],
            by=user,
        )
        record.detail_url = _detail_url(record)
        return record


def _detail_url(record) -> str:
    name = "cadres:secondment_detail" if isinstance(record, Secondment) else "cadres:stay_detail"
    return reverse(name, args=[record.pk])


# --- detail pages and their steps ----------------------------------------------------------------
def _secondment(request, pk) -> Secondment:
    return get_visible_or_404(selectors.secondments_visible_to(request.user).select_related("reviewed_by"), pk)


def _stay(request, pk) -> GrassrootsStay:
    return get_visible_or_404(selectors.stays_visible_to(request.user).select_related("reviewed_by"), pk)


def _forms(record, **bound) -> dict:
    """Every step's form, unbound, but for the one just posted (with its errors)."""
    is_secondment = isinstance(record, Secondment)
    forms = {
        "start_form": DayForm(label=_("Actual start")) if is_secondment else None,
        "end_form": DayForm(label=_("Actual end")) if is_secondment else None,
        "host_form": GradeForm(prefix="host", initial={"grade": record.host_grade, "comment": record.host_comment})
        if is_secondment
        else None,
        "report_form": ReportForm(record=record),
        "review_form": GradeForm(prefix="review"),
    }
    forms.update(bound)
    return forms


def _detail(request, record, *, status: int = 200, error: str = "", **bound):
    is_secondment = isinstance(record, Secondment)
    context = {
        "record": record,
        "states": state_choices(type(record)),
        "cadre_url": cadre_url(record.cadre_id),
        "steps": services.allowed_steps(request.user, record),
        "overdue": _overdue(record, timezone.localdate()),
        "step_error": error,
        **_forms(record, **bound),
    }
    template = "cadres/postings/secondment_detail.html" if is_secondment else "cadres/postings/stay_detail.html"
    return render(request, template, context, status=status)


@method_decorator([never_cache, cadre_officer_required], name="dispatch")
class SecondmentDetailView(View):
    def get(self, request, pk):
        return _detail(request, _secondment(request, pk))


@method_decorator([never_cache, cadre_officer_required], name="dispatch")
class StayDetailView(View):
    def get(self, request, pk):
        return _detail(request, _stay(request, pk))


def _step(request, record, form_key: str, form, call, done: str):
    """Run one step: the form's data to the service; back to the detail page with the outcome."""
    if form is not None and not form.is_valid():
        return _detail(request, record, status=400, **{form_key: form})
    try:
        call(form.cleaned_data if form is not None else {})
    except ValidationError as exc:
        if form is None:
            return _detail(request, record, status=400, error=_errors(exc))
        form.add_error(None, _errors(exc))
        return _detail(request, record, status=400, **{form_key: form})
    messages.success(request, done)
    return redirect(_detail_url(record))


def _staff_step(view):
    return never_cache(require_POST(cadre_officer_required(view)))


@_staff_step
def secondment_start(request, pk):
    record = _secondment(request, pk)
    return _step(
        request,
        record,
        "start_form",
        DayForm(request.POST, label=_("Actual start")),
        lambda d: services.secondment_start(secondment=record, on=d["on"], by=request.user),
        _("The secondment has started."),
    )


@_staff_step
def secondment_end(request, pk):
    record = _secondment(request, pk)
    return _step(
        request,
        record,
        "end_form",
        DayForm(request.POST, label=_("Actual end")),
        lambda d: services.secondment_end(secondment=record, on=d["on"], by=request.user),
        _("The secondment has ended: the report is due."),
    )


@_staff_step
def secondment_host_evaluation(request, pk):
    record = _secondment(request, pk)
    return _step(
        request,
        record,
        "host_form",
        GradeForm(request.POST, prefix="host"),
        lambda d: services.secondment_evaluate_host(
            secondment=record, grade=d["grade"], comment=d["comment"], by=request.user
        ),
        _("The host's evaluation was recorded."),
    )


@_staff_step
def secondment_report(request, pk):
    record = _secondment(request, pk)
    return _step(
        request,
        record,
        "report_form",
        ReportForm(request.POST, request.FILES, record=record),
        lambda d: services.secondment_report_submit(
            secondment=record, title=d["title"], file=d["file"], by=request.user
        ),
        _("The report was handed in."),
    )


@_staff_step
def secondment_review(request, pk):
    record = _secondment(request, pk)
    return _step(
        request,
        record,
        "review_form",
        GradeForm(request.POST, prefix="review"),
        lambda d: services.secondment_review(
            secondment=record, grade=d["grade"], comment=d["comment"], by=request.user
        ),
        _("The report was reviewed."),
    )


@_staff_step
def secondment_close(request, pk):
    record = _secondment(request, pk)
    return _step(
        request,
        record,
        "",
        None,
        lambda d: services.secondment_close(secondment=record, by=request.user),
        _("The secondment is closed."),
    )


@_staff_step
def stay_start(request, pk):
    record = _stay(request, pk)
    return _step(
        request,
        record,
        "",
        None,
        lambda d: services.stay_start(stay=record, by=request.user),
        _("The stay has started."),
    )


@_staff_step
def stay_end(request, pk):
    record = _stay(request, pk)
    return _step(
        request,
        record,
        "",
        None,
        lambda d: services.stay_end(stay=record, by=request.user),
        _("The stay has ended: the research report is due."),
    )


@_staff_step
def stay_report(request, pk):
    record = _stay(request, pk)
    return _step(
        request,
        record,
        "report_form",
        ReportForm(request.POST, request.FILES, record=record),
        lambda d: services.stay_report_submit(stay=record, title=d["title"], file=d["file"], by=request.user),
        _("The report was handed in."),
    )


@_staff_step
def stay_review(request, pk):
    record = _stay(request, pk)
    return _step(
        request,
        record,
        "review_form",
        GradeForm(request.POST, prefix="review"),
        lambda d: services.stay_review(stay=record, grade=d["grade"], comment=d["comment"], by=request.user),
        _("The report was reviewed."),
    )


# --- the report file -----------------------------------------------------------------------------
def _report_file(request, record, back: str):
    if not record.report_file:
        messages.info(request, _("No report has been handed in yet."))
        return redirect(back)
    suffix = PurePosixPath(record.report_file.name).suffix
    name = f"{record.report_title or _('report')}{suffix}"
    response = FileResponse(record.report_file.open("rb"), as_attachment=True, filename=name)
    response["Cache-Control"] = "private, no-store"
    return response


@never_cache
@cadre_officer_required
def secondment_report_file(request, pk):
    record = _secondment(request, pk)
    return _report_file(request, record, _detail_url(record))


@never_cache
@cadre_officer_required
def stay_report_file(request, pk):
    record = _stay(request, pk)
    return _report_file(request, record, _detail_url(record))


# --- the cadre's own pages -----------------------------------------------------------------------
def _mine(request, record, url_name: str, submit):
    """The record as the cadre sees it, and the report to hand in while the record allows it."""
    can_submit = "submit_report" in services.allowed_steps(request.user, record)
    form = ReportForm(record=record)
    status = 200
    if request.method == "POST":
        form = ReportForm(request.POST, request.FILES, record=record)
        if form.is_valid():
            try:
                submit(form.cleaned_data)
            except ValidationError as exc:
                form.add_error(None, _errors(exc))
            else:
                messages.success(request, _("Your report was handed in."))
                return redirect(reverse(url_name, args=[record.pk]))
        status = 400
    context = {
        "record": record,
        "form": form,
        "can_submit": can_submit,
        "overdue": _overdue(record, timezone.localdate()),
        "is_secondment": isinstance(record, Secondment),
    }
    return render(request, "cadres/postings/mine.html", context, status=status)


@never_cache
@login_required
def my_secondment(request, pk):
    record = get_visible_or_404(selectors.own_secondments(request.user), pk)
    return _mine(
        request,
        record,
        "cadres:my_secondment",
        lambda d: services.secondment_report_submit(
            secondment=record, title=d["title"], file=d["file"], by=request.user
        ),
    )


@never_cache
@login_required
def my_stay(request, pk):
    record = get_visible_or_404(selectors.own_stays(request.user), pk)
    return _mine(
        request,
        record,
        "cadres:my_stay",
        lambda d: services.stay_report_submit(stay=record, title=d["title"], file=d["file"], by=request.user),
    )


@never_cache
@login_required
def my_secondment_report_file(request, pk):
    record = get_visible_or_404(selectors.own_secondments(request.user), pk)
    return _report_file(request, record, reverse("cadres:my_secondment", args=[record.pk]))


@never_cache
@login_required
def my_stay_report_file(request, pk):
    record = get_visible_or_404(selectors.own_stays(request.user), pk)
    return _report_file(request, record, reverse("cadres:my_stay", args=[record.pk]))
