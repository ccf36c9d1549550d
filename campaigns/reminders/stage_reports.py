"""Reminders of stage reports (阶段总结), once each (see the package's docstring).

For each stage of a running or reviewing competition whose report is due within ``DUE_WITHIN_DAYS``
days (or overdue), the accepted entries without a report for it are counted per entering union; the
union's clerks are told once per stage, union and due date: "N entries of <union> in <competition>
owe the report of <stage> by <date>" (or "were due on"). A reminder names no entrant: a count, the
competition, the stage, a date and a link to the union's competitions.
"""

import datetime
from collections import Counter

from django.urls import reverse
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from accounts.notify import Message
from unions.models import Role, Union

from .. import kinds
from ..models import Competition, Entry, Stage, StageReport
from ._common import deliver, holders_by_path

DUE_WITHIN_DAYS = 7
CLERK_KINDS = (Role.Kind.UNION_CLERK,)


def _owing(stages: list[dict]) -> Counter:
    """(stage id, union id) → accepted entries of the stage's competition without a report for it."""
    if not stages:
        return Counter()
    competition_ids = {stage["competition_id"] for stage in stages}
    stage_ids = [stage["pk"] for stage in stages]
    handed_in = set(StageReport.objects.filter(stage_id__in=stage_ids).values_list("entry_id", "stage_id"))
    entries = Entry.objects.filter(competition_id__in=competition_ids, status=Entry.Status.ACCEPTED).values_list(
        "pk", "competition_id", "union_id"
    )
    by_competition: dict[int, list[tuple[int, int]]] = {}
    for pk, competition_id, union_id in entries.iterator(chunk_size=2000):
        by_competition.setdefault(competition_id, []).append((pk, union_id))
    owing: Counter = Counter()
    for stage in stages:
        for entry_id, union_id in by_competition.get(stage["competition_id"], ()):
            if (entry_id, stage["pk"]) not in handed_in:
                owing[stage["pk"], union_id] += 1
    return owing


def messages(today: datetime.date) -> list[Message]:
    stages = list(
        Stage.objects.filter(
            competition__status__in=Competition.OPEN_FOR_REPORTS,
            report_due__lte=today + datetime.timedelta(days=DUE_WITHIN_DAYS),
        ).values("pk", "name", "report_due", "competition_id", "competition__title")
    )
    owing = _owing(stages)
    if not owing:
        return []
    unions, names = {}, {}
    for pk, path, name in Union.objects.filter(pk__in={union_id for _stage, union_id in owing}).values_list(
        "pk", "path", "name"
    ):
        unions[pk], names[pk] = path, name
    clerks = holders_by_path(CLERK_KINDS, unions.values())
    by_pk = {stage["pk"]: stage for stage in stages}
    url = reverse("campaigns:open_list")
    result = []
    for (stage_id, union_id), count in sorted(owing.items()):
        stage = by_pk[stage_id]
        due = stage["report_due"]
        overdue = due < today
        kind = kinds.REMINDER_STAGE_REPORT_OVERDUE if overdue else kinds.REMINDER_STAGE_REPORT_DUE
        values = {
            "count": count,
            "union": names[union_id],
            "competition": stage["competition__title"],
            "stage": stage["name"],
            "date": date_format(due),
        }
        if overdue:
            title = (
                ngettext(
                    "%(count)s entry of %(union)s in %(competition)s owes the report of %(stage)s, due on %(date)s",
                    "%(count)s entries of %(union)s in %(competition)s owe the report of %(stage)s, due on %(date)s",
                    count,
                )
                % values
            )
        else:
            title = (
                ngettext(
                    "%(count)s entry of %(union)s in %(competition)s is to hand in the report of %(stage)s by %(date)s",
                    "%(count)s entries of %(union)s in %(competition)s are to hand in the report of %(stage)s by %(date)s",
                    count,
                )
                % values
            )
        body = _("Hand in each entry's stage report from its page.")
        key = f"{kind}:stage:{stage_id}:union:{union_id}:{due.isoformat()}"
        for user_id in sorted(clerks.get(unions[union_id], {}).get(Role.Kind.UNION_CLERK, ())):
            result.append(Message(user_id, kind, key, title, body, url))
    return result


def dispatch(today: datetime.date) -> dict[str, int]:
    made: dict[str, int] = {}
    deliver(messages(today), made)
    return made
