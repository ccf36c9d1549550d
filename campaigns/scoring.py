"""The ranking read from the database: which accepted entries are still unjudged, and every judged
entry's final score and place by the competition's scheme (``campaigns.ranking``).

A sheet counts when it is completed and its judge has declared conflicts and does not conflict with
the entry's union (a conflict declared after scoring would hide the entry; its sheet then no longer
counts). Everything is loaded in a handful of queries, whatever the number of entries and judges.
"""

from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Count

from . import ranking
from .models import Competition, Criterion, Entry, Judge, JudgeConflict, Score, Scoresheet


@dataclass(frozen=True)
class _Panel:
    """The judges who count: id → the union paths each conflicts with."""

    conflicts: dict[int, tuple[str, ...]]

    def eligible(self, judge_id: int, union_path: str) -> bool:
        paths = self.conflicts.get(judge_id)
        return paths is not None and not any(union_path.startswith(path) for path in paths)

    def eligible_for(self, union_path: str) -> list[int]:
        return [judge_id for judge_id in self.conflicts if self.eligible(judge_id, union_path)]


def _panel(competition: Competition) -> _Panel:
    judges = list(
        Judge.objects.filter(competition=competition, conflicts_declared_at__isnull=False).values_list(
            "id", "own_union__path"
        )
    )
    conflicts: dict[int, list[str]] = {judge_id: ([own] if own else []) for judge_id, own in judges}
    rows = JudgeConflict.objects.filter(judge__in=list(conflicts)).values_list("judge_id", "union__path")
    for judge_id, path in rows:
        conflicts[judge_id].append(path)
    return _Panel({judge_id: tuple(paths) for judge_id, paths in conflicts.items()})


def _accepted(competition: Competition) -> list[tuple[int, str, object, str]]:
    """(id, union path, entered at, name) of the accepted entries, in entry order."""
    return list(
        Entry.objects.filter(competition=competition, status=Entry.Status.ACCEPTED)
        .order_by("entered_at", "id")
        .values_list("id", "union__path", "entered_at", "name")
    )


def _completed_pairs(competition: Competition) -> set[tuple[int, int]]:
    return set(
        Scoresheet.objects.filter(
            entry__competition=competition, entry__status=Entry.Status.ACCEPTED, completed_at__isnull=False
        ).values_list("judge_id", "entry_id")
    )


def unjudged_entries(competition: Competition) -> list[Entry]:
    """Accepted entries still lacking a completed sheet from a judge who declared and does not conflict
    with them; an entry that no such judge may judge at all is unjudged too. In entry order."""
    panel = _panel(competition)
    done = _completed_pairs(competition)
    missing: list[int] = []
    for entry_id, path, _entered_at, _name in _accepted(competition):
        eligible = panel.eligible_for(path)
        if not eligible or any((judge_id, entry_id) not in done for judge_id in eligible):
            missing.append(entry_id)
    if not missing:
        return []
    by_id = Entry.objects.select_related("union").in_bulk(missing)
    return [by_id[pk] for pk in missing]


def criterion_rules(competition: Competition) -> list[ranking.CriterionRule]:
    return [
        ranking.CriterionRule(c.id, c.weight, c.max_score, c.order)
        for c in Criterion.objects.filter(competition=competition).order_by("order", "id")
    ]


def sheets_by_entry(competition: Competition) -> dict[int, dict[int, dict[int, Decimal]]]:
    """entry id → judge id → criterion id → score, of the completed sheets that count."""
    panel = _panel(competition)
    rows = Score.objects.filter(
        sheet__entry__competition=competition,
        sheet__entry__status=Entry.Status.ACCEPTED,
        sheet__completed_at__isnull=False,
    ).values_list("sheet__entry_id", "sheet__entry__union__path", "sheet__judge_id", "criterion_id", "value")
    sheets: dict[int, dict[int, dict[int, Decimal]]] = defaultdict(lambda: defaultdict(dict))
    for entry_id, path, judge_id, criterion_id, value in rows.iterator(chunk_size=5000):
        if panel.eligible(judge_id, path):
            sheets[entry_id][judge_id][criterion_id] = value
    return sheets


def compute_ranking(competition: Competition) -> list[ranking.Placed]:
    """The judged accepted entries (at least one completed sheet that counts), placed by the scheme."""
    criteria = criterion_rules(competition)
    if not criteria:
        return []
    ids = {c.id for c in criteria}
    sheets = sheets_by_entry(competition)
    scored = []
    for entry_id, _path, entered_at, _name in _accepted(competition):
        complete = [sheet for sheet in sheets.get(entry_id, {}).values() if ids <= set(sheet)]
        if complete:
            scored.append(ranking.EntryScores(entry_id, entered_at, complete))
    return ranking.rank(
        scored, criteria, drop_extremes_from=competition.drop_extremes_from, tie_rule=competition.tie_rule
    )


def queue_sizes(judges) -> dict[int, int]:
    """judge id → how many accepted entries the judge is to score (none before they declared), in two
    queries whatever the number of judges; ``judges`` carry ``own_union`` and ``conflicts__union``."""
    judges = list(judges)
    counts: dict[int, dict[str, int]] = defaultdict(dict)
    rows = (
        Entry.objects.filter(competition__in={j.competition_id for j in judges}, status=Entry.Status.ACCEPTED)
        .order_by()
        .values_list("competition_id", "union__path")
        .annotate(n=Count("id"))
    )
    for competition_id, path, n in rows:
        counts[competition_id][path] = n
    sizes = {}
    for judge in judges:
        if judge.conflicts_declared_at is None:
            sizes[judge.pk] = 0
            continue
        paths = [c.union.path for c in judge.conflicts.all()]
        if judge.own_union_id:
            paths.append(judge.own_union.path)
        sizes[judge.pk] = sum(
            n for path, n in counts[judge.competition_id].items() if not any(path.startswith(p) for p in paths)
        )
    return sizes


def eligible_judge_ids(entry: Entry) -> set[int]:
    """The judges whose completed sheet for this entry counts: declared and not conflicted with it."""
    return set(_panel(entry.competition).eligible_for(entry.union.path))
