"""A competition's entries and its scores out as XLSX workbooks (``cadres.sheets.exporting.write_xlsx``:
formula-safe, streamed in flat memory, a fixed number of queries whatever the rows).

- Entries: name, kind, unit, union, team leader, size, person-times, status, final score, place and
  prize: for the organiser's staff (``permissions.can_manage``).
- Scores: one row per criterion of each judge's sheet: entry, union, judge, criterion, score, comment,
  whether the sheet is complete. Who judged an entry and how is never shown to a conflicted judge of
  it (``permissions.can_see_judging``): a member of the organiser's staff who is also a judge gets the
  workbook without the rows of the entries they conflict with.
"""

from collections.abc import Iterable

from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from cadres.sheets.exporting import write_xlsx

from .models import Competition, Entry, Prize, Score
from .permissions import judge_of
from .selectors import conflict_free_q

CHUNK = 2000


def entry_headers() -> list[str]:
    return [
        pgettext("entry", "Name"),
        _("Entering as"),
        _("Unit"),
        _("Union"),
        _("Team leader"),
        _("Team size"),
        _("Person-times"),
        _("Status"),
        _("Final score"),
        pgettext("ranking", "Place"),
        _("Prize"),
    ]


def entry_rows(competition: Competition) -> Iterable[list]:
    kinds = dict(Entry.Kind.choices)
    statuses = dict(Entry.Status.choices)
    grades = dict(Prize.Grade.choices)
    rows = (
        Entry.objects.filter(competition=competition)
        .order_by("rank", "entered_at", "pk")
        .values_list(
            "name",
            "kind",
            "unit_name",
            "union__name",
            "team_leader",
            "team_size",
            "person_times",
            "status",
            "final_score",
            "rank",
            "award__prize__grade",
        )
    )
    for name, kind, unit, union, leader, size, person_times, status, score, rank, grade in rows.iterator(
        chunk_size=CHUNK
    ):
        yield [
            name,
            str(kinds.get(kind, kind)),
            unit,
            union,
            leader,
            size,
            person_times,
            str(statuses.get(status, status)),
            float(score) if score is not None else None,
            rank,
            str(grades.get(grade, grade)) if grade else "",
        ]


def write_entries(competition: Competition, out) -> int:
    return write_xlsx(
        out,
        title=pgettext("competition", "Entries"),
        headers=entry_headers(),
        rows=entry_rows(competition),
        widths={0: 24, 2: 24, 3: 24, 4: 12},
    )


def score_headers() -> list[str]:
    return [
        _("Entry"),
        _("Union"),
        _("Judge"),
        _("Criterion"),
        _("Score"),
        _("Comment"),
        _("Sheet complete"),
    ]


def scores_visible(competition: Competition, user):
    """The scores of the competition, less those of entries the user is a conflicted judge of."""
    scores = Score.objects.filter(sheet__judge__competition=competition)
    judge = judge_of(user, competition)
    if judge is not None:
        scores = scores.filter(conflict_free_q(judge, "sheet__entry__union__path"))
    return scores


def score_rows(competition: Competition, user) -> Iterable[list]:
    yes, no = _("Yes"), _("No")
    rows = (
        scores_visible(competition, user)
        .order_by("sheet__entry__entered_at", "sheet__entry_id", "sheet__judge_id", "criterion__order")
        .values_list(
            "sheet__entry__name",
            "sheet__entry__union__name",
            "sheet__judge__name",
            "criterion__name",
            "value",
            "comment",
            "sheet__completed_at",
        )
    )
    for entry, union, judge, criterion, value, comment, completed in rows.iterator(chunk_size=CHUNK):
        yield [entry, union, judge, criterion, float(value), comment, yes if completed else no]


def write_scores(competition: Competition, user, out) -> int:
    return write_xlsx(
        out,
        title=_("Scores"),
        headers=score_headers(),
        rows=score_rows(competition, user),
        widths={0: 24, 1: 24, 2: 12, 3: 16, 5: 40},
    )
