"""Reminders of judging overdue, once each (see the package's docstring).

A competition under review whose latest passed ``Stage.judging_due`` is behind us, with judges who
still owe score sheets: each such judge is told once per competition and due date ("your scoring in
<competition> was due on <date>"), and the organiser's federation staff at the organiser node once
("N judges of <competition> have not finished scoring"). A judge owes a sheet for every accepted entry
of a union they do not conflict with; a judge who has not declared their conflicts owes them all.
The reminders name no judge and no entry.
"""

import datetime
from collections import defaultdict

from django.db.models import Max, Q
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from accounts.links import url_pattern
from accounts.notify import Message

from .. import kinds
from ..models import Competition, Entry, Judge, JudgeConflict, Scoresheet
from ..permissions import COMPETITION_STAFF_KINDS
from ._common import deliver, holders_by_path


def _late_judges(competition_ids: list[int]) -> dict[int, list[tuple[int, int]]]:
    """competition id → (judge id, user id) of the judges with unfinished sheets."""
    judges = list(
        Judge.objects.filter(competition_id__in=competition_ids, user__is_active=True).values_list(
            "pk", "competition_id", "user_id", "own_union__path", "conflicts_declared_at"
        )
    )
    conflicts: dict[int, list[str]] = defaultdict(list)
    for judge_id, path in JudgeConflict.objects.filter(judge__competition_id__in=competition_ids).values_list(
        "judge_id", "union__path"
    ):
        conflicts[judge_id].append(path)
    entries: dict[int, list[tuple[int, str]]] = defaultdict(list)
    rows = Entry.objects.filter(competition_id__in=competition_ids, status=Entry.Status.ACCEPTED).values_list(
        "pk", "competition_id", "union__path"
    )
    for pk, competition_id, path in rows.iterator(chunk_size=2000):
        entries[competition_id].append((pk, path))
    done = set(
        Scoresheet.objects.filter(judge__competition_id__in=competition_ids, completed_at__isnull=False).values_list(
            "judge_id", "entry_id"
        )
    )
    late: dict[int, list[tuple[int, int]]] = defaultdict(list)
    for judge_id, competition_id, user_id, own_path, declared_at in judges:
        if declared_at is None:
            owes = bool(entries.get(competition_id))
        else:
            avoid = tuple(conflicts.get(judge_id, [])) + ((own_path,) if own_path else ())
            owes = any(
                (judge_id, pk) not in done and not (avoid and path.startswith(avoid))
                for pk, path in entries.get(competition_id, ())
            )
        if owes:
            late[competition_id].append((judge_id, user_id))
    return late


def messages(today: datetime.date) -> list[Message]:
    competitions = list(
        Competition.objects.filter(status=Competition.Status.REVIEWING)
        .annotate(due=Max("stages__judging_due", filter=Q(stages__judging_due__lt=today)))
        .filter(due__isnull=False)
        .values_list("pk", "title", "due", "organiser_id", "organiser__path")
    )
    if not competitions:
        return []
    late = _late_judges([row[0] for row in competitions])
    staff = holders_by_path(COMPETITION_STAFF_KINDS, {row[4] for row in competitions if late.get(row[0])})
    queue_url = url_pattern("campaigns:judging_queue")
    judges_url = url_pattern("campaigns:judge_list")
    kind = kinds.REMINDER_JUDGING_OVERDUE
    result = []
    for pk, title, due, _organiser_id, organiser_path in competitions:
        judges = late.get(pk)
        if not judges:
            continue
        values = {"competition": title, "date": date_format(due), "count": len(judges)}
        own_title = _("Your scoring in %(competition)s was due on %(date)s and is not finished") % values
        own_body = _("Score the entries still waiting in your queue.")
        for judge_id, user_id in judges:
            key = f"{kind}:competition:{pk}:judge:{judge_id}:{due.isoformat()}"
            result.append(Message(user_id, kind, key, own_title, own_body, queue_url.format(judge_id)))
        staff_title = (
            ngettext(
                "%(count)s judge of %(competition)s has not finished scoring, due on %(date)s",
                "%(count)s judges of %(competition)s have not finished scoring, due on %(date)s",
                len(judges),
            )
            % values
        )
        key = f"{kind}:competition:{pk}:{due.isoformat()}"
        for user_id in sorted(set().union(*staff.get(organiser_path, {}).values())):
            result.append(Message(user_id, kind, key, staff_title, "", judges_url.format(pk)))
    return result


def dispatch(today: datetime.date) -> dict[str, int]:
    made: dict[str, int] = {}
    deliver(messages(today), made)
    return made
