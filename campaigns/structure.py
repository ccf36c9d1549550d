"""The structural rules of a round (结构比例): shares of a level's forwarded list, checked when the list is
forwarded, not per nomination (a single nomination has no share).

Counted over the persons only (individual honours: teams, units and studios have no sex or post). A
minimum is rounded up ("at least 20 % of 8" needs 2), a maximum down ("at most 10 % of 8" allows 0).
"""

import math
from collections.abc import Iterable

from django.db.models import Count, Q, QuerySet
from django.utils.translation import gettext as _

from .models import CategoryFlag, HonourKind, Nomination, Round, StructuralRule

FLAGS = [flag.value for flag in CategoryFlag]


def shares(nominations: QuerySet[Nomination] | Iterable[Nomination]) -> dict[str, tuple[int, int]]:
    """For each category flag, (how many persons carry it, how many persons in all)."""
    if isinstance(nominations, QuerySet):
        persons = nominations.filter(kind__category=HonourKind.Category.INDIVIDUAL)
        counts = persons.aggregate(total=Count("id"), **{flag: Count("id", filter=Q(**{flag: True})) for flag in FLAGS})
        total = counts.pop("total")
        return {flag: (counts[flag], total) for flag in FLAGS}
    persons = [n for n in nominations if n.kind.category == HonourKind.Category.INDIVIDUAL]
    return {flag: (sum(1 for n in persons if getattr(n, flag)), len(persons)) for flag in FLAGS}


def rule_bound(rule: StructuralRule, total: int) -> int:
    """The count the rule asks for in a list of ``total`` persons: at least this many, or at most."""
    exact = rule.percent * total / 100
    return math.ceil(exact) if rule.bound == StructuralRule.Bound.AT_LEAST else math.floor(exact)


def rule_met(rule: StructuralRule, count: int, total: int) -> bool:
    if total == 0:
        return True
    bound = rule_bound(rule, total)
    return count >= bound if rule.bound == StructuralRule.Bound.AT_LEAST else count <= bound


def ratio_failures(round_: Round, nominations) -> list[str]:
    """Each rule the list breaks, as a sentence: "Woman 1 of 8, at least 2 needed (20 %)"."""
    counted = shares(nominations)
    failures = []
    for rule in round_.rules.all():
        count, total = counted[rule.flag]
        if rule_met(rule, count, total):
            continue
        values = {
            "category": rule.get_flag_display(),
            "count": count,
            "total": total,
            "bound": rule_bound(rule, total),
            "percent": rule.percent,
        }
        if rule.bound == StructuralRule.Bound.AT_LEAST:
            failures.append(
                _("%(category)s %(count)d of %(total)d, at least %(bound)d needed (%(percent)d%%)") % values
            )
        else:
            failures.append(
                _("%(category)s %(count)d of %(total)d, at most %(bound)d allowed (%(percent)d%%)") % values
            )
    return failures
