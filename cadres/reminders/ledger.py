"""Reminders of the ledger part: training hours short (see the package's docstring).

- From 30 June (once a year, due date 30 June): every in-post cadre with an account who has counted
  less than half the hours owed (this year for an annual rule, the window for a rolling one) gets
  ``REMINDER_HOURS_HALF_SHORT``; their cadre officers get one summary each.
- From 1 October (due date 1 October): every cadre still short gets ``REMINDER_HOURS_SHORT``, and the
  officers a summary.

A cadre's officers are the cadre officers at the cadre's node or, where it has none, at the nearest
node above that has any. Keys are (kind, cadre or officer, due date): a re-run sends nothing twice.
"""

import datetime
from collections import defaultdict

from django.db import transaction
from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext as _

from accounts.notify import Message, notifications_create_once
from accounts.tasks import send_notification_emails
from unions.models import Role, Union

from .. import kinds, ledger
from ..models import Cadre
from ..permissions import CADRE_STAFF_KINDS

EMAIL_TASK_CHUNK = 200


class CadreOfficerDirectory:
    """Cadre officers by the path of the node they serve at, loaded once per run."""

    def __init__(self) -> None:
        self.by_path: dict[str, list[int]] = defaultdict(list)
        roles = Role.objects.filter(kind__in=CADRE_STAFF_KINDS, user__is_active=True).values_list(
            "union__path", "user_id"
        )
        for path, user_id in roles:
            self.by_path[path].append(user_id)

    def nearest(self, path: str, *, strictly_above: bool = False) -> list[int]:
        """The officers at the node (unless ``strictly_above``) or the nearest node above with any."""
        step = Union.steplen
        longest = len(path) - step if strictly_above else len(path)
        for end in range(longest, 0, -step):
            found = self.by_path.get(path[:end])
            if found:
                return found
        return []


def deliver(messages: list[Message]) -> None:
    """Make the reminders once each; queue the e-mail copies owed after commit."""
    with transaction.atomic():
        pending = notifications_create_once(messages)
        for start in range(0, len(pending), EMAIL_TASK_CHUNK):
            chunk = pending[start : start + EMAIL_TASK_CHUNK]
            transaction.on_commit(lambda chunk=chunk: send_notification_emails.delay(chunk))


def link(name: str, query: str = "") -> str:
    """The page a reminder opens; nothing while a page is not installed."""
    try:
        return reverse(name) + query
    except NoReverseMatch:
        return ""


def _due(today: datetime.date) -> tuple[str, datetime.date] | None:
    """Which reminder is due in this part of the year, and its due date."""
    q4 = datetime.date(today.year, 10, 1)
    mid = datetime.date(today.year, 6, 30)
    if today >= q4:
        return kinds.REMINDER_HOURS_SHORT, q4
    if today >= mid:
        return kinds.REMINDER_HOURS_HALF_SHORT, mid
    return None


def is_behind(row: ledger.LedgerRow, kind: str) -> bool:
    if kind == kinds.REMINDER_HOURS_HALF_SHORT:
        return row.counted < row.owed / 2
    return row.short > 0


def dispatch(today: datetime.date) -> dict[str, int]:
    due = _due(today)
    if due is None:
        return {}
    kind, due_on = due
    year = today.year
    cadres = Cadre.objects.filter(status=Cadre.Status.IN_POST).order_by("pk")
    rows = [row for row in ledger.ledger_rows(cadres, year) if is_behind(row, kind)]
    if not rows:
        return {}
    behind = {row.cadre_id: row for row in rows}
    facts = Cadre.objects.filter(pk__in=list(behind)).values_list("pk", "user_id", "union__path")
    directory = CadreOfficerDirectory()
    my_home = link("cadres:my_home")
    ledger_url = link("cadres:ledger", f"?year={year}&short=on")
    messages: list[Message] = []
    per_officer: dict[int, int] = defaultdict(int)
    for pk, user_id, path in facts:
        row = behind[pk]
        if user_id is not None:
            params = {"owed": row.owed, "counted": row.counted, "short": row.short}
            if row.period_years > 1:
                params["years"] = row.period_years
                period = (
                    _("%(counted)s of the %(owed)s hours owed in the %(years)s years to the end of this year") % params
                )
            else:
                period = _("%(counted)s of the %(owed)s hours owed this year") % params
            if kind == kinds.REMINDER_HOURS_HALF_SHORT:
                title = _("Half the year is over and you have fewer than half your training hours")
            else:
                title = _("You are still short of training hours this year")
            body = _(
                "Counted so far: %(period)s; %(short)s hours to go. Enrol in a class or file training taken elsewhere."
            ) % {
                "period": period,
                "short": row.short,
            }
            messages.append(Message(user_id, kind, f"{kind}:cadre:{pk}:{due_on.isoformat()}", title, body, my_home))
        for officer_id in directory.nearest(path):
            per_officer[officer_id] += 1
    for officer_id, count in per_officer.items():
        if kind == kinds.REMINDER_HOURS_HALF_SHORT:
            title = _("%(count)d cadres have fewer than half their training hours at mid-year") % {"count": count}
        else:
            title = _("%(count)d cadres are still short of training hours at the start of the fourth quarter") % {
                "count": count
            }
        body = _("The ledger lists them with what each one still owes.")
        messages.append(
            Message(officer_id, kind, f"{kind}:officer:{officer_id}:{due_on.isoformat()}", title, body, ledger_url)
        )
    deliver(messages)
    return {kind: len(messages)}
