"""Nominating pages: the clerk's rounds and nominations, the nomination form for a new nomination and for
changing one (a member found by a POSTed name search), and the candidates from competitions. The
nomination's own pages (its page, files, submitting, withdrawing) are ``nomination_pages``. Objects come
through the scoped selectors (404 outside them); the services decide every move."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Count, F, Prefetch, Q, Window
from django.db.models.functions import RowNumber
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from accounts.pagination import page_number
from cadres.models import Cadre
from members.models import Member
from unions.models import Union
from unions.scope import roles_of
from unions.selectors import get_visible_or_404

from .. import honour_permissions as perms
from .. import honour_selectors as selectors
from ..candidates import honour_candidates
from ..form_errors import apply_errors
from ..forms.nominations import NominationForm
from ..models import Award, HonourKind, Nomination, Quota, Round
from ..selectors import ancestor_paths
from ..services import nominations as services

PER_ROUND = 20
ROUNDS_PER_PAGE = 10
MATCHES = 20


def _nominator_required(view):
    @login_required
    def wrapper(request, *args, **kwargs):
        if not perms.is_nominator(request.user):
            raise PermissionDenied
        return view(request, *args, **kwargs)

    wrapper.__name__ = view.__name__
    wrapper.__doc__ = view.__doc__
    return wrapper


def _role_unions(user) -> list[Union]:
    """The nodes where the user holds a nominating role (their own unions)."""
    seen, unions = set(), []
    for role in roles_of(user):
        if role.kind in perms.NOMINATOR_KINDS and role.union.pk not in seen:
            seen.add(role.union.pk)
            unions.append(role.union)
    return unions


def _quota_lines(rounds: list[Round], unions: list[Union]) -> dict[int, list[dict]]:
    """Per round: for each of the user's unions under it and each honour, the places left on the
    tightest quota of the union's chain (None: not limited), in a fixed number of queries."""
    chains = {}
    for round_ in rounds:
        org = round_.organiser.path
        for union in unions:
            if union.path.startswith(org) and union.path != org:
                chains[(round_.pk, union.pk)] = [p for p in ancestor_paths(union.path) if len(p) > len(org)]
    if not chains:
        return {}
    paths = sorted({path for chain in chains.values() for path in chain})
    round_ids = [round_.pk for round_ in rounds]
    quotas = {}
    for round_id, path, name, kind_id, count in Quota.objects.filter(
        round_id__in=round_ids, node__path__in=paths
    ).values_list("round_id", "node__path", "node__name", "kind_id", "count"):
        quotas[(round_id, path, kind_id)] = (name, count)
    limited = set(Quota.objects.filter(round_id__in=round_ids).order_by().values_list("round_id", "kind_id").distinct())
    used = {}
    if quotas:
        quota_paths = sorted({path for (_r, path, _k) in quotas})
        rows = (
            Nomination.objects.filter(round_id__in=round_ids, status__in=Nomination.ALIVE)
            .values("round_id", "kind_id")
            .annotate(**{f"p{i}": Count("id", filter=Q(union__path__startswith=p)) for i, p in enumerate(quota_paths)})
        )
        for row in rows:
            for i, path in enumerate(quota_paths):
                used[(row["round_id"], path, row["kind_id"])] = row[f"p{i}"]
    lines: dict[int, list[dict]] = {}
    for round_ in rounds:
        for union in unions:
            chain = chains.get((round_.pk, union.pk))
            if chain is None:
                continue
            for kind in round_.kinds.all():
                line = {"union": union, "kind": kind, "left": None, "node": None, "count": None, "used": None}
                if (round_.pk, kind.pk) in limited:
                    line["left"] = 0
                    best = None
                    for path in chain:
                        if (round_.pk, path, kind.pk) in quotas:
                            name, count = quotas[(round_.pk, path, kind.pk)]
                            taken = used.get((round_.pk, path, kind.pk), 0)
                            if best is None or count - taken < best[0]:
                                best = (count - taken, name, count, taken)
                    if best is not None and (round_.pk, chain[0], kind.pk) in quotas:
                        line.update(left=max(best[0], 0), node=best[1], count=best[2], used=best[3])
                lines.setdefault(round_.pk, []).append(line)
    return lines


@never_cache
@_nominator_required
def nomination_home(request):
    """Rounds my unions nominate in, my unions' nominations in each, places left, the nominate button."""
    rounds_qs = (
        selectors.rounds_open_to(request.user)
        .exclude(status=Round.Status.CLOSED)
        .prefetch_related(Prefetch("kinds", queryset=HonourKind.objects.order_by("order", "id")))
        .order_by("-year", "-id")
    )
    page = Paginator(rounds_qs, ROUNDS_PER_PAGE).get_page(page_number(request.GET.get("page")))
    rounds = list(page.object_list)
    unions = _role_unions(request.user)
    today = timezone.localdate()
    round_ids = [round_.pk for round_ in rounds]
    visible = selectors.nominations_visible_to(request.user).filter(round_id__in=round_ids)
    recent = list(
        visible.annotate(row=Window(RowNumber(), partition_by=[F("round_id")], order_by=[F("id").desc()]))
        .filter(row__lte=PER_ROUND)
        .order_by("round_id", "-id")
    )
    totals = dict(visible.order_by().values_list("round_id").annotate(n=Count("id")).values_list("round_id", "n"))
    quota_lines = _quota_lines(rounds, unions)
    for round_ in rounds:
        round_.my_nominations = [n for n in recent if n.round_id == round_.pk]
        round_.my_total = totals.get(round_.pk, 0)
        round_.quota_lines = quota_lines.get(round_.pk, [])
        round_.can_nominate = services.is_taking_nominations(round_, today) and any(
            perms.can_nominate_for(request.user, round_, union) for union in unions
        )
    return render(request, "campaigns/honours/nominations/home.html", {"page": page, "rounds": rounds})


def _round_for_nominating(request, pk) -> tuple[Round, list[Union]]:
    round_ = get_visible_or_404(selectors.rounds_open_to(request.user), pk)
    unions = [union for union in _role_unions(request.user) if perms.can_nominate_for(request.user, round_, union)]
    if not unions:
        raise Http404
    return round_, unions


def _members_of(union_ids):
    return Member.objects.filter(union_id__in=union_ids, status=Member.Status.ACTIVE)


def _matches(members, union_id, query: str, picked) -> list[Member]:
    found = []
    if union_id and query:
        try:
            found = list(
                members.filter(union_id=int(union_id), name__icontains=query)
                .only("id", "name", "sex", "birth_date", "employer_name", "union_id")
                .order_by("name", "id")[:MATCHES]
            )
        except (TypeError, ValueError):
            found = []
    if picked and str(picked).isdigit() and all(str(m.pk) != str(picked) for m in found):
        extra = members.filter(pk=int(picked)).only("id", "name", "sex", "birth_date", "employer_name").first()
        if extra:
            found.insert(0, extra)
    return found


def _award_initial(request, round_: Round, unions: list[Union]) -> dict:
    """Prefill from a competition's first prize (``?award=``): the team or person and its union."""
    value = request.GET.get("award", "")
    if not value.isdigit():
        return {}
    award = (
        honour_candidates()
        .filter(pk=int(value), entry__union__in=[union.pk for union in unions])
        .select_related("entry__member")
        .first()
    )
    if award is None:
        return {}
    entry = award.entry
    initial = {"from_award": award, "union": entry.union, "unit_name": entry.unit_name}
    kinds = list(round_.kinds.all())
    if entry.kind == "team":
        initial |= {"nominee_name": entry.name, "team_size": entry.team_size}
        initial["kind"] = next((k for k in kinds if k.category == HonourKind.Category.TEAM), None)
    else:
        initial["kind"] = next((k for k in kinds if k.for_person), None)
        if entry.member_id:
            initial["member"] = entry.member
        else:
            initial["nominee_name"] = entry.name
    return initial


def _cadres_under(union_ids: list[int]):
    paths = list(Union.objects.filter(pk__in=union_ids).values_list("path", flat=True))
    q = Q(pk__in=[])
    for path in paths:
        q |= Q(union__path__startswith=path)
    return Cadre.objects.filter(q, status=Cadre.Status.IN_POST).order_by("name", "id")


@never_cache
@_nominator_required
def nomination_create(request, pk):
    round_, unions = _round_for_nominating(request, pk)
    if not services.is_taking_nominations(round_):
        messages.error(request, _("Nominations closed on %(date)s.") % {"date": round_.nominations_close.isoformat()})
        return redirect("campaigns:nomination_home")
    union_ids = [union.pk for union in unions]
    union_qs = Union.objects.filter(pk__in=union_ids).order_by("path")
    wanted = request.GET.get("union", "")
    initial = _award_initial(request, round_, unions)
    if wanted.isdigit() and int(wanted) in union_ids:
        initial.setdefault("union", next(u for u in unions if u.pk == int(wanted)))
    if "member" in initial:
        member = initial.pop("member")
        initial["member"] = member.pk
    from_award = initial.pop("from_award", None)
    if request.method == "POST" and request.POST.get("from_award", "").isdigit():
        from_award = Award.objects.filter(pk=int(request.POST["from_award"]), entry__union__in=union_ids).first()
    members = _members_of(union_ids)
    form = NominationForm(
        request.POST or None,
        initial=initial,
        unions=union_qs,
        kinds=round_.kinds.order_by("order", "id"),
        cadres=_cadres_under(union_ids),
        members=members,
    )
    searching = request.method == "POST" and "search" in request.POST
    if request.method == "POST" and not searching and form.is_valid():
        data = form.cleaned_data
        try:
            nomination = services.nomination_create(
                round=round_,
                union=data["union"],
                kind=data["kind"],
                by=request.user,
                from_award=from_award,
                **form.nominee_fields(),
            )
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, _("The draft is saved: attach the files of the checklist, then submit."))
            return redirect("campaigns:nomination_files", nomination.pk)
    union_id = form.chosen_union_id()
    query = (request.POST.get("member_query") or "").strip() if request.method == "POST" else ""
    picked = request.POST.get("member") if request.method == "POST" else initial.get("member")
    return render(
        request,
        "campaigns/honours/nominations/form.html",
        {
            "round": round_,
            "form": form,
            "nomination": None,
            "single_union": len(unions) == 1,
            "matches": _matches(members, union_id, query, picked),
            "searched": searching,
            "from_award": from_award,
            "chosen_kind": form.chosen_kind(),
        },
    )


@require_POST
@_nominator_required
def nomination_member_search(request, pk):
    """The union's active members whose name holds the query (htmx partial; numbers never in the URL)."""
    round_, unions = _round_for_nominating(request, pk)
    union_ids = [union.pk for union in unions]
    union_id = request.POST.get("union") or (union_ids[0] if len(union_ids) == 1 else None)
    if union_id is not None and str(union_id) not in {str(pk) for pk in union_ids}:
        union_id = None
    query = (request.POST.get("member_query") or "").strip()[:50]
    return render(
        request,
        "campaigns/honours/nominations/_member_matches.html",
        {
            "matches": _matches(_members_of(union_ids), union_id, query, request.POST.get("member")),
            "searched": True,
            "picked": request.POST.get("member", ""),
        },
    )


@never_cache
@_nominator_required
def nomination_candidates(request, pk):
    """First prizes of my unions' teams and people in the last two years' competitions, offered."""
    round_, unions = _round_for_nominating(request, pk)
    q = Q(pk__in=[])
    for union in unions:
        q |= Q(entry__union__path__startswith=union.path)
    awards = (
        honour_candidates(node=round_.organiser)
        .filter(
            q,
            entry__competition__ends_on__year__gte=round_.year - 1,
            entry__competition__ends_on__year__lte=round_.year,
        )
        .exclude(
            pk__in=Nomination.objects.filter(round=round_, from_award__isnull=False)
            .exclude(status__in=[Nomination.Status.WITHDRAWN, Nomination.Status.REJECTED])
            .values("from_award_id")
        )
    )
    page = Paginator(awards, 30).get_page(page_number(request.GET.get("page")))
    return render(
        request,
        "campaigns/honours/nominations/candidates.html",
        {"round": round_, "page": page, "awards": page.object_list},
    )


def _nomination(request, pk) -> Nomination:
    return get_visible_or_404(
        selectors.nominations_visible_to(request.user).select_related(
            "round__organiser", "first_node", "member", "cadre_record", "created_by"
        ),
        pk,
    )


def _editable(request, pk) -> Nomination:
    nomination = _nomination(request, pk)
    if not perms.can_edit_nomination(request.user, nomination):
        messages.error(
            request,
            _("This nomination is %(status)s: it can no longer be changed.")
            % {"status": nomination.get_status_display()},
        )
        raise _Redirect(nomination)
    return nomination


class _Redirect(Exception):
    def __init__(self, nomination):
        self.nomination = nomination


@never_cache
@login_required
def nomination_edit(request, pk):
    try:
        nomination = _editable(request, pk)
    except _Redirect as stop:
        return redirect("campaigns:nomination_detail", stop.nomination.pk)
    initial = {name: getattr(nomination, name) for name in services.FIELDS if name not in ("member", "from_award")}
    initial["member"] = nomination.member_id
    initial["cadre_record"] = nomination.cadre_record_id
    members = _members_of([nomination.union_id])
    form = NominationForm(
        request.POST or None, initial=initial, cadres=_cadres_under([nomination.union_id]), members=members
    )
    searching = request.method == "POST" and "search" in request.POST
    if request.method == "POST" and not searching and form.is_valid():
        try:
            services.nomination_update(nomination=nomination, by=request.user, **form.nominee_fields())
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, _("The nomination was saved."))
            return redirect("campaigns:nomination_detail", nomination.pk)
    query = (request.POST.get("member_query") or "").strip() if request.method == "POST" else ""
    picked = request.POST.get("member") if request.method == "POST" else nomination.member_id
    return render(
        request,
        "campaigns/honours/nominations/form.html",
        {
            "round": nomination.round,
            "form": form,
            "nomination": nomination,
            "matches": _matches(members, nomination.union_id, query, picked),
            "searched": searching,
            "chosen_kind": nomination.kind,
            "union_id": nomination.union_id,
        },
    )
