"""The scoring scheme, computed: an entry's final score and the competition's ranking. Pure functions
over plain values, so that the rule can be read in one place and tested by hand-computed cases.

- A judge's total for an entry is the weighted sum of the criteria, each scaled to its maximum:
  Σ score ÷ maximum × weight, so that a perfect sheet is worth 100 whatever the maxima are.
- The final score is the mean of the judges' totals; when at least ``drop_extremes_from`` judges scored
  the entry, the single highest and the single lowest total are dropped first (去掉一个最高分和一个最低分).
- Final scores are rounded to three decimals (half up) before they are compared, so that what the page
  shows is what the ranking used.
- Ties (equal final scores) go by the organiser's rule: the higher mean on the heaviest criterion (the
  first such criterion when weights are equal), then the earlier entry; or the earlier entry; or a
  shared place (1, 1, 3).
"""

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from decimal import ROUND_HALF_UP, Decimal

THREE_PLACES = Decimal("0.001")
HUNDRED = Decimal(100)

TOP_CRITERION = "top_criterion"
EARLIER_ENTRY = "earlier_entry"
SHARED = "shared"


@dataclass(frozen=True)
class CriterionRule:
    id: int
    weight: Decimal  # percent; the scheme's weights add up to 100
    max_score: Decimal
    order: int = 0


@dataclass(frozen=True)
class EntryScores:
    entry_id: int
    entered_at: datetime
    # One mapping per judge who completed a sheet: criterion id → score.
    sheets: Sequence[Mapping[int, Decimal]]


@dataclass(frozen=True)
class Placed:
    entry_id: int
    final_score: Decimal
    rank: int


def rounded(value: Decimal) -> Decimal:
    return value.quantize(THREE_PLACES, rounding=ROUND_HALF_UP)


def judge_total(sheet: Mapping[int, Decimal], criteria: Sequence[CriterionRule]) -> Decimal:
    """One judge's weighted total on a 100-point scale."""
    return sum((Decimal(sheet[c.id]) / c.max_score * c.weight for c in criteria), Decimal(0))


def kept_totals(totals: Sequence[Decimal], drop_extremes_from: int | None) -> list[Decimal]:
    """The totals that count: all, or all but one highest and one lowest once enough judges scored."""
    ordered = sorted(totals)
    if drop_extremes_from and len(ordered) >= drop_extremes_from and len(ordered) >= 3:
        return ordered[1:-1]
    return ordered


def final_score(
    sheets: Sequence[Mapping[int, Decimal]], criteria: Sequence[CriterionRule], drop_extremes_from: int | None
) -> Decimal:
    if not sheets:
        raise ValueError("an entry without a completed score sheet has no final score")
    kept = kept_totals([judge_total(sheet, criteria) for sheet in sheets], drop_extremes_from)
    return rounded(sum(kept, Decimal(0)) / len(kept))


def heaviest(criteria: Sequence[CriterionRule]) -> CriterionRule:
    return sorted(criteria, key=lambda c: (-c.weight, c.order, c.id))[0]


def top_criterion_mean(sheets: Sequence[Mapping[int, Decimal]], criterion: CriterionRule) -> Decimal:
    """The mean score on one criterion, scaled to its maximum: the first tie-breaker."""
    values = [Decimal(sheet[criterion.id]) / criterion.max_score for sheet in sheets]
    return rounded(sum(values, Decimal(0)) / len(values) * HUNDRED)


def rank(
    entries: Sequence[EntryScores],
    criteria: Sequence[CriterionRule],
    *,
    drop_extremes_from: int | None,
    tie_rule: str,
) -> list[Placed]:
    """Every entry with its final score and place, best first."""
    scored = [(entry, final_score(entry.sheets, criteria, drop_extremes_from)) for entry in entries]
    if tie_rule == TOP_CRITERION:
        top = heaviest(criteria)

        def key(item):
            entry, score = item
            return (-score, -top_criterion_mean(entry.sheets, top), entry.entered_at, entry.entry_id)
    else:

        def key(item):
            entry, score = item
            return (-score, entry.entered_at, entry.entry_id)

    ordered = sorted(scored, key=key)
    placed: list[Placed] = []
    for position, (entry, score) in enumerate(ordered, start=1):
        place = position
        if tie_rule == SHARED and placed and placed[-1].final_score == score:
            place = placed[-1].rank
        placed.append(Placed(entry.entry_id, score, place))
    return placed


def prize_positions(counts: Sequence[tuple[str, int]], placed: Sequence[Placed]) -> dict[int, str]:
    """Which entry gets which prize: grades in order, each to the next ``count`` places. An entry that
    shares a place with one inside a grade gets that grade too (并列), so a grade may be given more
    often than its count only through a shared place."""
    result: dict[int, str] = {}
    boundary = 0
    for grade, count in counts:
        boundary += count
        for item in placed:
            if item.entry_id not in result and item.rank <= boundary:
                result[item.entry_id] = grade
    return result
