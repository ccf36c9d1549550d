"""Read queries over competitions, always scoped to the user in SQL (``permissions`` says who sees what).

An object outside these querysets answers 404 (``unions.selectors.get_visible_or_404``).
"""

from django.db.models import Count, Q, QuerySet

from unions.models import Union
from unions.scope import roles_of, scope_paths, subtree_q
from unions.selectors import scoped

from .models import Award, Competition, Entry, Judge, StageReport
from .permissions import APPROVER_LEADER_KINDS, COMPETITION_STAFF_KINDS, ENTRANT_KINDS

STEP = Union.steplen


def ancestor_paths(path: str) -> list[str]:
    """The node's own path and its ancestors' (materialised paths: each level adds ``STEP`` characters)."""
    return [path[:end] for end in range(STEP, len(path) + 1, STEP)]


def competitions_managed_by(user) -> QuerySet[Competition]:
    """Competitions organised in the subtrees where the user is federation staff."""
    return scoped(Competition.objects.select_related("organiser"), user, COMPETITION_STAFF_KINDS, "organiser__path")


def entry_counts(competition_ids: list[int]) -> dict[int, int]:
    """Entries of each competition, in one grouped query over these competitions only."""
    rows = (
        Entry.objects.filter(competition__in=competition_ids)
        .values("competition")
        .annotate(n=Count("id"))
        .values_list("competition", "n")
    )
    return dict(rows)


def competitions_to_approve(user) -> QuerySet[Competition]:
    """Submitted competitions this user approves (``permissions.can_approve``, as one query)."""
    if not user.is_authenticated:
        return Competition.objects.none()
    parent = Q(approver=Competition.Approver.PARENT)
    leaders = Q(approver=Competition.Approver.OWN_LEADERS)
    q = Q(pk__in=[])
    for role in roles_of(user):
        path = role.union.path
        if role.kind in COMPETITION_STAFF_KINDS:
            below = Q(organiser__path__startswith=path) & ~Q(organiser__path=path)
            root = Q(organiser__path=path) & Q(organiser__depth=1)
            q |= parent & (below | root)
        if role.kind in APPROVER_LEADER_KINDS:
            q |= leaders & Q(organiser__path__startswith=path)
    return Competition.objects.select_related("organiser").filter(q, status=Competition.Status.SUBMITTED)


def competitions_open_to(user) -> QuerySet[Competition]:
    """Competitions a clerk's (or staff member's) unions may enter or have entered: organised at or above
    one of their nodes, or inside their subtree. Drafts and those waiting for approval are not shown."""
    q = Q(pk__in=[])
    for role in roles_of(user):
        if role.kind in ENTRANT_KINDS:
            q |= Q(organiser__path__in=ancestor_paths(role.union.path)) | Q(organiser__path__startswith=role.union.path)
    hidden = (Competition.Status.DRAFT, Competition.Status.SUBMITTED, Competition.Status.RETURNED)
    return Competition.objects.select_related("organiser").filter(q).exclude(status__in=hidden)


def entries_visible_to(user) -> QuerySet[Entry]:
    """Entries of unions in the user's subtrees as clerk or federation staff (the organiser's staff
    are above every entry of their competition, as an entry's union is inside the organiser's subtree)."""
    return scoped(Entry.objects.select_related("competition__organiser", "union"), user, ENTRANT_KINDS)


def stage_reports_visible_to(user) -> QuerySet[StageReport]:
    return scoped(
        StageReport.objects.select_related("entry__union", "stage"), user, ENTRANT_KINDS, "entry__union__path"
    )


def unions_to_enter(user, competition: Competition) -> QuerySet[Union]:
    """The member-holding unions the user may enter into the competition."""
    paths = scope_paths(user, ENTRANT_KINDS)
    return (
        Union.objects.filter(subtree_q(paths))
        .filter(
            path__startswith=competition.organiser.path, kind__in=[Union.Kind.GRASSROOTS_UNION, Union.Kind.JOINT_UNION]
        )
        .filter(closed_on__isnull=True)
        .order_by("path")
    )


def judgings_of(user) -> QuerySet[Judge]:
    """The user's own assignments as a judge."""
    if not user.is_authenticated:
        return Judge.objects.none()
    return Judge.objects.select_related("competition__organiser").filter(user=user)


def conflict_free_q(judge: Judge, field: str = "union__path") -> Q:
    """Rows whose union lies outside every union the judge conflicts with."""
    paths = list(judge.conflicts.values_list("union__path", flat=True))
    if judge.own_union_id:
        paths.append(Union.objects.values_list("path", flat=True).get(pk=judge.own_union_id))
    q = Q()
    for path in paths:
        q &= ~Q(**{f"{field}__startswith": path})
    return q


def judge_queue(judge: Judge) -> QuerySet[Entry]:
    """The accepted entries a judge scores: never one they conflict with; none before they declared."""
    if judge.conflicts_declared_at is None:
        return Entry.objects.none()
    return (
        Entry.objects.select_related("union")
        .filter(competition_id=judge.competition_id, status=Entry.Status.ACCEPTED)
        .filter(conflict_free_q(judge))
        .order_by("entered_at", "id")
    )


def awards_visible_to(user) -> QuerySet[Award]:
    return scoped(
        Award.objects.select_related("entry__union", "entry__competition", "prize"),
        user,
        ENTRANT_KINDS,
        "entry__union__path",
    )
