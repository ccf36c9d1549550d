"""Entries pages: the clerk's 参赛 page and entering form, the organiser's entry list with accepting and
refusing, the entry page with its stage reports, and the stage report's files. Objects are fetched
through the scoped selectors (404 outside them); the services decide every move."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Count, Prefetch, Q, Sum
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from accounts.pagination import page_number
from unions.models import Union
from unions.selectors import get_visible_or_404

from .. import permissions, selectors
from ..decorators import competition_staff_required
from ..form_errors import apply_errors
from ..forms.entries import AddFilesForm, EntryFilterForm, EntryForm, RefuseForm, StageReportForm
from ..models import Competition, Entry, StageReport, StageReportFile
from ..services import entries as services
from ..services import stage_reports as report_services

PER_PAGE = 30


def _entrant_required(view):
    @login_required
    def wrapper(request, *args, **kwargs):
        if not permissions.is_entrant(request.user):
            raise PermissionDenied
        return view(request, *args, **kwargs)

    wrapper.__name__ = view.__name__
    wrapper.__doc__ = view.__doc__
    return wrapper


# --- the clerk's side ---------------------------------------------------------------------------------
@never_cache
@_entrant_required
def open_list(request):
    """Competitions the user's unions may enter (with an 报名 button while open) and their entries."""
    today = timezone.localdate()
    competitions = list(
        selectors.competitions_open_to(request.user)
        .filter(status__in=Competition.OPEN_FOR_ENTRIES)
        .order_by("entry_deadline", "id")[:50]
    )
    for competition in competitions:
        competition.is_open = services.is_open_for_entries(competition, today)
    entries = selectors.entries_visible_to(request.user).order_by("-entered_at", "-id")
    page = Paginator(entries, PER_PAGE).get_page(page_number(request.GET.get("page")))
    return render(
        request,
        "campaigns/entries/open_list.html",
        {"competitions": competitions, "page": page, "entries": page.object_list},
    )


@never_cache
@_entrant_required
def entry_create(request, pk):
    competition = get_visible_or_404(selectors.competitions_open_to(request.user), pk)
    unions = list(selectors.unions_to_enter(request.user, competition))
    if not unions:
        raise Http404
    if not services.is_open_for_entries(competition):
        messages.error(request, _("This competition does not take entries now."))
        return redirect("campaigns:open_list")
    union_qs = Union.objects.filter(pk__in=[union.pk for union in unions]).order_by("path")
    form = EntryForm(request.POST or None, competition=competition, unions=union_qs)
    searching = request.method == "POST" and "search" in request.POST
    if request.method == "POST" and not searching and form.is_valid():
        data = form.cleaned_data
        try:
            entry = services.entry_create(
                competition=competition,
                union=data["union"],
                by=request.user,
                kind=data["kind"],
                name=data["name"],
                unit_name=data["unit_name"],
                team_leader=data["team_leader"],
                team_size=data["team_size"],
                member=data["member"],
                person_times=data["person_times"],
            )
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, _("Entered: the organiser will accept or refuse the entry."))
            return redirect("campaigns:entry_detail", entry.pk)
    return render(
        request,
        "campaigns/entries/entry_form.html",
        {
            "competition": competition,
            "form": form,
            "single_union": len(unions) == 1,
            "matches": form.matches(),
            "searched": searching,
        },
    )


@require_POST
@login_required
def entry_withdraw(request, pk):
    entry = get_visible_or_404(selectors.entries_visible_to(request.user), pk)
    try:
        services.entry_withdraw(entry=entry, by=request.user)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("The entry was withdrawn."))
    return redirect("campaigns:entry_detail", entry.pk)


# --- the organiser's side -----------------------------------------------------------------------------
def _managed(request, pk) -> Competition:
    return get_visible_or_404(selectors.competitions_managed_by(request.user), pk)


@never_cache
@competition_staff_required
def entry_list(request, pk):
    competition = _managed(request, pk)
    if request.method == "POST":
        ids = [value for value in request.POST.getlist("entry") if value.isdigit()]
        chosen = list(Entry.objects.filter(competition=competition, pk__in=ids).select_related("competition"))
        if not chosen:
            messages.error(request, _("Tick the entries to accept."))
        else:
            try:
                done = services.entries_accept(entries=chosen, by=request.user)
            except ValidationError as exc:
                messages.error(request, " ".join(exc.messages))
            else:
                messages.success(request, _("%(n)s entries accepted.") % {"n": done})
        return redirect(request.get_full_path())
    entries = Entry.objects.filter(competition=competition).select_related("union")
    unions = Union.objects.filter(pk__in=entries.values("union_id")).order_by("path")
    filter_form = EntryFilterForm(request.GET or None, unions=unions)
    if filter_form.is_valid():
        data = filter_form.cleaned_data
        if data["status"]:
            entries = entries.filter(status=data["status"])
        if data["kind"]:
            entries = entries.filter(kind=data["kind"])
        if data["union"]:
            entries = entries.filter(union=data["union"])
    totals = entries.aggregate(
        count=Count("id"),
        person_times=Sum("person_times"),
        waiting=Count("id", filter=Q(status=Entry.Status.ENTERED)),
    )
    page = Paginator(entries.order_by("entered_at", "id"), PER_PAGE).get_page(page_number(request.GET.get("page")))
    decidable = competition.status in services.DECIDABLE
    return render(
        request,
        "campaigns/entries/entry_list.html",
        {
            "competition": competition,
            "filter_form": filter_form,
            "page": page,
            "entries": page.object_list,
            "totals": totals,
            "decidable": decidable,
        },
    )


@require_POST
@competition_staff_required
def entry_accept(request, pk):
    entry = get_visible_or_404(selectors.entries_visible_to(request.user), pk)
    try:
        services.entry_accept(entry=entry, by=request.user)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("The entry was accepted."))
    return redirect("campaigns:entry_detail", entry.pk)


@never_cache
@competition_staff_required
def entry_refuse(request, pk):
    entry = get_visible_or_404(selectors.entries_visible_to(request.user), pk)
    if not permissions.can_manage(request.user, entry.competition):
        raise Http404
    form = RefuseForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.entry_refuse(entry=entry, by=request.user, reason=form.cleaned_data["reason"])
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, _("The entry was refused; the clerk is told why."))
            return redirect("campaigns:entry_list", entry.competition_id)
    return render(request, "campaigns/entries/entry_refuse.html", {"entry": entry, "form": form})


# --- the entry page and its stage reports -------------------------------------------------------------
def _entry(request, pk) -> Entry:
    return get_visible_or_404(selectors.entries_visible_to(request.user), pk)


def _open_stages(entry: Entry):
    return entry.competition.stages.exclude(reports__entry=entry).order_by("order", "id")


@never_cache
@login_required
def entry_detail(request, pk):
    entry = _entry(request, pk)
    competition = entry.competition
    reports = list(
        StageReport.objects.filter(entry=entry)
        .select_related("stage", "submitted_by")
        .prefetch_related(Prefetch("files", queryset=StageReportFile.objects.order_by("id")))
        .order_by("stage__order", "id")
    )
    manager = permissions.can_manage(request.user, competition)
    clerk = permissions.can_report_for(request.user, entry)
    reporting = clerk and entry.status == Entry.Status.ACCEPTED and competition.status in Competition.OPEN_FOR_REPORTS
    today = timezone.localdate()
    for report in reports:
        report.can_add = reporting and today <= report.stage.report_due and len(report.files.all()) < 10
    waiting = entry.status == Entry.Status.ENTERED
    return render(
        request,
        "campaigns/entries/entry_detail.html",
        {
            "entry": entry,
            "competition": competition,
            "reports": reports,
            "can_decide": manager and waiting and competition.status in services.DECIDABLE,
            "can_withdraw": clerk and waiting and competition.status in Competition.OPEN_FOR_ENTRIES,
            "can_report": reporting and _open_stages(entry).exists(),
            "manager": manager,
            "add_form": AddFilesForm(),
        },
    )


@never_cache
@login_required
def stage_report_create(request, pk):
    entry = _entry(request, pk)
    if not permissions.can_report_for(request.user, entry):
        raise Http404
    if request.method == "POST" and "add_to" in request.POST:
        report = get_visible_or_404(StageReport.objects.filter(entry=entry), request.POST["add_to"])
        add_form = AddFilesForm(request.POST, request.FILES)
        if add_form.is_valid():
            try:
                report_services.stage_report_add_files(
                    report=report, files=add_form.cleaned_data["files"], by=request.user
                )
            except ValidationError as exc:
                messages.error(request, " ".join(exc.messages))
            else:
                messages.success(request, _("The files were added to the report."))
        else:
            messages.error(request, " ".join(e for errors in add_form.errors.values() for e in errors))
        return redirect("campaigns:entry_detail", entry.pk)
    if entry.status != Entry.Status.ACCEPTED or entry.competition.status not in Competition.OPEN_FOR_REPORTS:
        messages.error(
            request, _("This entry takes no stage report now: only an accepted entry of a running competition does.")
        )
        return redirect("campaigns:entry_detail", entry.pk)
    stages = _open_stages(entry)
    form = StageReportForm(request.POST or None, request.FILES or None, stages=stages)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            report_services.stage_report_submit(
                entry=entry, stage=data["stage"], summary=data["summary"], files=data["files"], by=request.user
            )
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, _("The stage report was handed in."))
            return redirect("campaigns:entry_detail", entry.pk)
    return render(request, "campaigns/entries/stage_report_form.html", {"entry": entry, "form": form})


@never_cache
@login_required
def stage_report_file(request, pk):
    """One file of a stage report: the entry's clerks and the staff over it, and a judge assigned to the
    competition who does not conflict with the entry's union. Anyone else: 404."""
    try:
        item = StageReportFile.objects.select_related("report__entry__union", "report__entry__competition").get(pk=pk)
    except (StageReportFile.DoesNotExist, ValueError, TypeError):
        raise Http404 from None
    entry = item.report.entry
    allowed = permissions.can_see_entry(request.user, entry)
    if not allowed and entry.status == Entry.Status.ACCEPTED:
        judge = permissions.judge_of(request.user, entry.competition)
        allowed = (
            judge is not None
            and judge.conflicts_declared_at is not None
            and not permissions.is_conflicted(judge, entry)
        )
    if not allowed:
        raise Http404
    response = FileResponse(item.file.open("rb"), as_attachment=True, filename=item.original_name)
    response["Cache-Control"] = "private, no-store"
    response["X-Content-Type-Options"] = "nosniff"
    return response
