"""Quotas (名额): how many nominations of a kind may come from under a node.

The organiser gives each of its children (district and industry unions) a quota per kind; a child may
split its own among its children. A nomination counts against every quota on the way from its union up
to the organiser's child; it may not be submitted if one of them is full. Where a round gives quotas for
a kind, a branch the organiser gave none has no places; a kind with no quotas at all in the round is
not limited. The organiser's own nominations (at its own level) use no quota.
"""

from django.db.models import Count, Q
from django.utils.translation import gettext as _

from unions.models import Union

from .models import HonourKind, Nomination, Quota, Round
from .selectors import ancestor_paths


def quota_for(round_: Round, node: Union, kind: HonourKind) -> int | None:
    """The quota given to ``node`` for ``kind`` in the round, or None if none was given."""
    return Quota.objects.filter(round=round_, node=node, kind=kind).values_list("count", flat=True).first()


def _alive_under(round_: Round, kind: HonourKind, paths: list[str]) -> dict[str, int]:
    """Alive nominations of the kind under each of ``paths``, in one query."""
    if not paths:
        return {}
    counts = Nomination.objects.filter(round=round_, kind=kind, status__in=Nomination.ALIVE).aggregate(
        **{f"p{i}": Count("id", filter=Q(union__path__startswith=path)) for i, path in enumerate(paths)}
    )
    return {path: counts[f"p{i}"] for i, path in enumerate(paths)}


def quota_problem(*, round: Round, union: Union, kind: HonourKind, adding: int = 1) -> str | None:  # noqa: A002
    """Why ``adding`` more nominations of ``kind`` from ``union`` would break a quota, or None."""
    round_ = round
    organiser_path = round_.organiser.path
    if union.path == organiser_path:
        return None
    chain = [path for path in ancestor_paths(union.path) if len(path) > len(organiser_path)]
    quotas = {
        path: (name, count)
        for path, name, count in Quota.objects.filter(round=round_, kind=kind, node__path__in=chain).values_list(
            "node__path", "node__name", "count"
        )
    }
    branch = chain[0]
    if branch not in quotas:
        if Quota.objects.filter(round=round_, kind=kind).exists():
            name = Union.objects.values_list("name", flat=True).get(path=branch)
            return _("%(node)s was given no places for %(honour)s in this round.") % {"node": name, "honour": kind}
        return None
    alive = _alive_under(round_, kind, list(quotas))
    for path in chain:
        if path not in quotas:
            continue
        name, count = quotas[path]
        if alive[path] + adding > count:
            return _(
                "%(node)s holds %(count)d places for %(honour)s; %(used)d are taken already, so no more can be "
                "submitted."
            ) % {"node": name, "count": count, "honour": kind, "used": alive[path]}
    return None
