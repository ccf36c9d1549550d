"""Read queries of the honours set-up pages (rounds, quotas), scoped to the user in SQL.

A round's page is for federation staff: the organiser's (and above), who run it, and the staff of the
levels below it, who review what comes up from their part of the tree (once the round is out of its
draft). Clerks see a round through the nominations' home, not here.
"""

from django.db.models import Count, Q, QuerySet
from django.db.models.functions import Substr

from unions.models import Union
from unions.scope import roles_of

from .honour_permissions import HONOUR_STAFF_KINDS
from .models import Nomination, Quota, Round
from .selectors import ancestor_paths


def _staff_paths(user) -> list[str]:
    return sorted({role.union.path for role in roles_of(user) if role.kind in HONOUR_STAFF_KINDS})


def rounds_visible_to(user) -> QuerySet[Round]:
    """Rounds organised in the user's staff subtrees (any state), or above their staff node (not drafts)."""
    q = Q(pk__in=[])
    for path in _staff_paths(user):
        above = [p for p in ancestor_paths(path) if p != path]
        q |= Q(organiser__path__startswith=path)
        if above:
            q |= Q(organiser__path__in=above) & ~Q(status=Round.Status.DRAFT)
    return Round.objects.select_related("organiser").filter(q)


def status_counts(round_: Round, paths: list[str] | None = None) -> dict[str, int]:
    """The round's nominations by status, in one grouped query; within ``paths`` (subtrees) if given."""
    rows = Nomination.objects.filter(round=round_)
    if paths is not None:
        q = Q(pk__in=[])
        for path in paths:
            q |= Q(union__path__startswith=path)
        rows = rows.filter(q)
    return dict(rows.order_by().values_list("status").annotate(n=Count("id")))


def quota_cells(round_: Round, node_ids) -> dict[tuple[int, int], int]:
    """The quotas of these nodes (a list of ids, or a queryset of them: then one query), per kind."""
    return {
        (node_id, kind_id): count
        for node_id, kind_id, count in Quota.objects.filter(round=round_, node_id__in=node_ids).values_list(
            "node_id", "kind_id", "count"
        )
    }


def alive_by_child(round_: Round, parent: Union, children: list[Union]) -> dict[tuple[str, int], int]:
    """Alive nominations of the round under each child of ``parent``, per kind: ``{(child path, kind id): n}``,
    in one query grouped by the child's path prefix."""
    if not children:
        return {}
    length = len(children[0].path)
    rows = (
        Nomination.objects.filter(
            round=round_,
            status__in=Nomination.ALIVE,
            union__path__startswith=parent.path,
            union__depth__gt=parent.depth,
        )
        .annotate(branch=Substr("union__path", 1, length))
        .order_by()
        .values_list("branch", "kind_id")
        .annotate(n=Count("id"))
    )
    return {(branch, kind_id): n for branch, kind_id, n in rows}


def children_of(node: Union) -> QuerySet[Union]:
    return Union.objects.filter(path__startswith=node.path, depth=node.depth + 1, closed_on__isnull=True).order_by(
        "path"
    )
