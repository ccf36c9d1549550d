"""Judging pages: the organiser's judges, closing and ranking; the judge's assignments, conflicts,
queue and score sheets.

Thin: each parses the request, calls ``campaigns.services.judging`` / ``closing`` or a selector and
renders. A judge's pages take their own assignments only (anything else: 404); an entry they conflict
with answers 404 exactly as a made-up id does, and no judge page names another judge or their scores.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Count, Exists, OuterRef, Q
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from accounts.pagination import page_number
from unions.selectors import get_visible_or_404

from .. import ranking, scoring, selectors
from ..decorators import competition_staff_required
from ..forms.judging import ConflictsForm, JudgeAssignForm, ScoreForm
from ..models import Competition, Entry, Judge, Scoresheet
from ..permissions import can_manage, can_see_judging, is_conflicted
from ..services import closing
from ..services import judging as service

QUEUE_PER_PAGE = 50
RANKING_PER_PAGE = 100
SEARCH_HITS = 20


def _errors(exc: ValidationError) -> str:
    return " ".join(exc.messages)


def _managed(request, pk) -> Competition:
    return get_visible_or_404(selectors.competitions_managed_by(request.user), pk)


def _judges(queryset):
    return queryset.select_related("own_union", "competition__organiser").prefetch_related("conflicts__union")


def _with_progress(judges) -> list[Judge]:
    judges = list(judges.annotate(done=Count("sheets", filter=Q(sheets__completed_at__isnull=False))))
    sizes = scoring.queue_sizes(judges)
    for judge in judges:
        judge.to_do = sizes[judge.pk]
    return judges


# --- the organiser ----------------------------------------------------------------------------------
@never_cache
@require_http_methods(["GET", "POST"])
@competition_staff_required
def judge_list(request, pk):
    competition = _managed(request, pk)
    form = JudgeAssignForm(request.POST or None, competition=competition)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            judge = service.judge_assign(
                competition=competition,
                user=data["account"],
                name=data["name"],
                title=data["title"],
                own_union=data["own_unit"],
                by=request.user,
            )
        except ValidationError as exc:
            form.add_error(None, _errors(exc))
        else:
            messages.success(request, _("%(name)s is now a judge of this competition.") % {"name": judge.name})
            return redirect("campaigns:judge_list", competition.pk)
    judges = _with_progress(_judges(competition.judges.select_related("user").order_by("assigned_at", "pk")))
    context = {
        "competition": competition,
        "judges": judges,
        "form": form,
        "can_assign": competition.status not in service.FROZEN,
    }
    return render(request, "campaigns/judging/judge_list.html", context)


@require_POST
@competition_staff_required
def judge_remove(request, pk):
    judge = get_visible_or_404(
        Judge.objects.select_related("competition__organiser").filter(
            competition__in=selectors.competitions_managed_by(request.user)
        ),
        pk,
    )
    try:
        service.judge_remove(judge=judge, by=request.user)
    except ValidationError as exc:
        messages.error(request, _errors(exc))
    else:
        messages.success(request, _("%(name)s is no longer a judge of this competition.") % {"name": judge.name})
    return redirect("campaigns:judge_list", judge.competition_id)


@require_POST
@competition_staff_required
def competition_close(request, pk):
    competition = _managed(request, pk)
    try:
        closing.competition_close(competition=competition, by=request.user)
    except ValidationError as exc:
        messages.error(request, _errors(exc))
    else:
        messages.success(request, _("The competition is closed; its ranking is frozen."))
    return redirect("campaigns:competition_ranking", competition.pk)


def _breakdown(request, competition, entry_pk):
    """One entry's sheets judge by judge, for whoever may see its judging; else why not."""
    entry = get_visible_or_404(
        Entry.objects.select_related("union", "competition__organiser").filter(
            competition=competition, status=Entry.Status.ACCEPTED
        ),
        entry_pk,
    )
    if not can_see_judging(request.user, entry):
        return {"entry": entry, "hidden": True}
    criteria = list(competition.criteria.order_by("order", "pk"))
    rules = scoring.criterion_rules(competition)
    counted = scoring.eligible_judge_ids(entry)
    sheets = []
    for sheet in entry.sheets.select_related("judge").prefetch_related("scores").order_by("judge__name", "pk"):
        by_criterion = {score.criterion_id: score for score in sheet.scores.all()}
        values = {pk: score.value for pk, score in by_criterion.items()}
        total = ranking.rounded(ranking.judge_total(values, rules)) if len(values) == len(rules) else None
        sheets.append(
            {
                "judge": sheet.judge,
                "scores": [by_criterion.get(c.pk) for c in criteria],
                "total": total,
                "completed": sheet.completed_at is not None,
                "counts": sheet.judge_id in counted,
            }
        )
    return {"entry": entry, "hidden": False, "criteria": criteria, "sheets": sheets}


@never_cache
@require_safe
@competition_staff_required
def competition_ranking(request, pk):
    competition = _managed(request, pk)
    frozen = competition.ranking_frozen
    unjudged = []
    if frozen:
        rows = list(
            Entry.objects.select_related("union")
            .filter(competition=competition, status=Entry.Status.ACCEPTED, rank__isnull=False)
            .order_by("rank", "entered_at", "pk")
        )
        ranked = [(entry.rank, entry.final_score, entry) for entry in rows]
    else:
        placed = scoring.compute_ranking(competition)
        entries = Entry.objects.select_related("union").in_bulk([item.entry_id for item in placed])
        ranked = [(item.rank, item.final_score, entries[item.entry_id]) for item in placed]
        if competition.status == Competition.Status.REVIEWING:
            unjudged = scoring.unjudged_entries(competition)
    page = Paginator(ranked, RANKING_PER_PAGE).get_page(page_number(request.GET.get("page")))
    breakdown = _breakdown(request, competition, request.GET["entry"]) if request.GET.get("entry") else None
    context = {
        "competition": competition,
        "frozen": frozen,
        "page": page,
        "unjudged": unjudged[:10],
        "unjudged_more": max(len(unjudged) - 10, 0),
        "unjudged_count": len(unjudged),
        "breakdown": breakdown,
        "can_close": can_manage(request.user, competition) and competition.status == Competition.Status.REVIEWING,
    }
    return render(request, "campaigns/judging/ranking.html", context)


# --- the judge --------------------------------------------------------------------------------------
def _own_judge(request, pk) -> Judge:
    return get_visible_or_404(_judges(selectors.judgings_of(request.user)), pk)


@never_cache
@require_safe
@login_required
def judging_home(request):
    judges = _with_progress(_judges(selectors.judgings_of(request.user)).order_by("-assigned_at", "-pk"))
    return render(request, "campaigns/judging/home.html", {"judges": judges})


@never_cache
@require_http_methods(["GET", "POST"])
@login_required
def judging_conflicts(request, pk):
    judge = _own_judge(request, pk)
    competition = judge.competition
    form = ConflictsForm(request.POST or None, competition=competition)
    if request.method == "POST" and form.is_valid():
        try:
            service.conflicts_declare(
                judge=judge, unions=form.cleaned_data["unions"], note=form.cleaned_data["note"], by=request.user
            )
        except ValidationError as exc:
            form.add_error(None, _errors(exc))
        else:
            messages.success(request, _("Your conflicts of interest are declared."))
            return redirect("campaigns:judging_queue", judge.pk)
    query = " ".join(request.GET.get("q", "").split())[:50]
    named = [conflict.union for conflict in judge.conflicts.all()]
    hits = []
    if query:
        hits = list(
            service.competition_unions(competition)
            .filter(name__icontains=query)
            .exclude(pk__in=[u.pk for u in named] + [competition.organiser_id])
            .order_by("path")[:SEARCH_HITS]
        )
    context = {
        "judge": judge,
        "competition": competition,
        "form": form,
        "named": named,
        "hits": hits,
        "query": query,
        "frozen": competition.status in service.FROZEN,
    }
    return render(request, "campaigns/judging/conflicts.html", context)


@never_cache
@require_safe
@login_required
def judging_queue(request, pk):
    judge = _own_judge(request, pk)
    if judge.conflicts_declared_at is None:
        messages.info(request, _("Declare your conflicts of interest first: the entries are shown after that."))
        return redirect("campaigns:judging_conflicts", judge.pk)
    done = Scoresheet.objects.filter(judge=judge, entry=OuterRef("pk"), completed_at__isnull=False)
    entries = selectors.judge_queue(judge).annotate(done=Exists(done))
    total = entries.count()
    finished = entries.filter(done=True).count()
    show = request.GET.get("show")
    if show == "todo":
        entries = entries.filter(done=False)
    elif show == "done":
        entries = entries.filter(done=True)
    page = Paginator(entries, QUEUE_PER_PAGE).get_page(page_number(request.GET.get("page")))
    context = {
        "judge": judge,
        "competition": judge.competition,
        "page": page,
        "total": total,
        "finished": finished,
        "percent": round(finished * 100 / total) if total else 0,
        "show": show if show in ("todo", "done") else "",
        "open": judge.competition.status == Competition.Status.REVIEWING,
    }
    return render(request, "campaigns/judging/queue.html", context)


def _next_to_score(judge: Judge, entry: Entry) -> Entry | None:
    done = Scoresheet.objects.filter(judge=judge, entry=OuterRef("pk"), completed_at__isnull=False)
    return selectors.judge_queue(judge).exclude(pk=entry.pk).filter(~Exists(done)).first()


@never_cache
@require_http_methods(["GET", "POST"])
@login_required
def judging_score(request, pk):
    judge_of_entry = Judge.objects.filter(competition=OuterRef("competition"), user=request.user)
    entry = get_visible_or_404(Entry.objects.select_related("union", "competition").filter(Exists(judge_of_entry)), pk)
    judge = _judges(selectors.judgings_of(request.user)).get(competition=entry.competition)
    if judge.conflicts_declared_at is None:
        if is_conflicted(judge, entry):  # their own unit's: as unknown as a made-up id
            raise Http404
        messages.info(request, _("Declare your conflicts of interest first: the entries are shown after that."))
        return redirect("campaigns:judging_conflicts", judge.pk)
    if not selectors.judge_queue(judge).filter(pk=entry.pk).exists():
        raise Http404
    competition = entry.competition
    criteria = list(competition.criteria.order_by("order", "pk"))
    sheet = Scoresheet.objects.filter(judge=judge, entry=entry).first()
    initial = {}
    if sheet is not None:
        for score in sheet.scores.all():
            initial[f"score_{score.criterion_id}"] = score.value
            initial[f"comment_{score.criterion_id}"] = score.comment
    is_open = competition.status == Competition.Status.REVIEWING
    form = ScoreForm(request.POST or None, initial=initial, criteria=criteria)
    if request.method == "POST" and form.is_valid():
        try:
            sheet = service.scoresheet_save(judge=judge, entry=entry, values=form.values(), by=request.user)
        except PermissionDenied:
            raise Http404 from None
        except ValidationError as exc:
            form.add_error(None, _errors(exc))
        else:
            if sheet.completed_at:
                messages.success(request, _("Score sheet saved: %(name)s is scored.") % {"name": entry.name})
                following = _next_to_score(judge, entry)
                if following is not None:
                    return redirect("campaigns:judging_score", following.pk)
            else:
                messages.warning(request, _("Saved. The sheet counts once every criterion has a score."))
                return redirect("campaigns:judging_score", entry.pk)
            return redirect("campaigns:judging_queue", judge.pk)
    reports = entry.stage_reports.select_related("stage").prefetch_related("files")
    context = {
        "judge": judge,
        "competition": competition,
        "entry": entry,
        "form": form,
        "sheet": sheet,
        "open": is_open,
        "reports": reports,
        "queue_url": reverse("campaigns:judging_queue", args=[judge.pk]),
    }
    return render(request, "campaigns/judging/score.html", context)
