"""Reminders of the responsibility letters, once each (see the package's docstring).

- Letters of the year sent and not yet signed, from February 1: the discipline officers of the
  letters' node (or of the nearest node above it that has any), once per officer, node and month
  ("N letters of <year> are not signed yet").
- Letters drafted and not sent 30 days after: whoever drafted them, once for the letters drafted
  together (the same node, year and day).

A reminder names no content: a count, a year, a node and a link to the list.
"""

import datetime
from collections import defaultdict

from django.db import transaction
from django.db.models import Count
from django.urls import reverse
from django.utils.formats import date_format
from django.utils.http import urlencode
from django.utils.translation import gettext as _

from accounts.notify import Message, notifications_create_once
from accounts.tasks import send_notification_emails
from unions.models import Role, Union

from .. import kinds
from ..models import ResponsibilityLetter
from ..permissions import INTEGRITY_STAFF_KINDS

UNSIGNED_FROM = (2, 1)  # month, day
NOT_SENT_DAYS = 30
EMAIL_TASK_CHUNK = 200


class DisciplineOfficers:
    """The discipline officers of each node, loaded once per run."""

    def __init__(self) -> None:
        self.by_path: dict[str, list[int]] = defaultdict(list)
        roles = Role.objects.filter(kind__in=INTEGRITY_STAFF_KINDS, user__is_active=True).values_list(
            "union__path", "user_id"
        )
        for path, user_id in roles:
            self.by_path[path].append(user_id)

    def nearest(self, path: str) -> list[int]:
        step = Union.steplen
        for end in range(len(path), 0, -step):
            found = self.by_path.get(path[:end])
            if found:
                return found
        return []


def _list_url(**params) -> str:
    return f"{reverse('integrity:letter_list')}?{urlencode(params)}"


def unsigned_messages(today: datetime.date, officers: DisciplineOfficers) -> list[Message]:
    if (today.month, today.day) < UNSIGNED_FROM:
        return []
    kind = kinds.REMINDER_LETTERS_UNSIGNED
    rows = (
        ResponsibilityLetter.objects.filter(year=today.year, status=ResponsibilityLetter.Status.SENT)
        .values("union_id", "union__path", "union__name")
        .annotate(count=Count("pk"))
        .order_by("union__path")
    )
    messages = []
    for row in rows:
        key = f"{kind}:union:{row['union_id']}:{today.year}:{today:%Y-%m}"
        title = _("%(count)s responsibility letters of %(year)s at %(node)s are not signed yet") % {
            "count": row["count"],
            "year": today.year,
            "node": row["union__name"],
        }
        url = _list_url(year=today.year, union=row["union_id"], status="unsigned")
        for user_id in officers.nearest(row["union__path"]):
            messages.append(Message(user_id, kind, key, title, "", url))
    return messages


def not_sent_messages(today: datetime.date) -> list[Message]:
    kind = kinds.REMINDER_LETTERS_NOT_SENT
    # Drafted on or before this day (local time): 30 days or more ago.
    cutoff = today - datetime.timedelta(days=NOT_SENT_DAYS)
    rows = (
        ResponsibilityLetter.objects.filter(
            status=ResponsibilityLetter.Status.DRAFTED, created_at__date__lte=cutoff, created_by__is_active=True
        )
        .values("created_by_id", "union_id", "union__name", "year", "created_at__date")
        .annotate(count=Count("pk"))
        .order_by("union_id", "year", "created_at__date")
    )
    messages = []
    for row in rows:
        drafted = row["created_at__date"]
        key = f"{kind}:union:{row['union_id']}:{row['year']}:{drafted.isoformat()}"
        title = _("%(count)s responsibility letters of %(year)s at %(node)s drafted on %(date)s are not sent yet") % {
            "count": row["count"],
            "year": row["year"],
            "node": row["union__name"],
            "date": date_format(drafted),
        }
        url = _list_url(year=row["year"], union=row["union_id"], status=ResponsibilityLetter.Status.DRAFTED)
        messages.append(Message(row["created_by_id"], kind, key, title, "", url))
    return messages


def _deliver(messages: list[Message], made: dict[str, int]) -> None:
    with transaction.atomic():
        pending = notifications_create_once(messages)
        for start in range(0, len(pending), EMAIL_TASK_CHUNK):
            chunk = pending[start : start + EMAIL_TASK_CHUNK]
            transaction.on_commit(lambda chunk=chunk: send_notification_emails.delay(chunk))
    for message in messages:
        made[message.kind] = made.get(message.kind, 0) + 1


def dispatch(today: datetime.date) -> dict[str, int]:
    made: dict[str, int] = {}
    officers = DisciplineOfficers()
    _deliver(unsigned_messages(today, officers), made)
    _deliver(not_sent_messages(today), made)
    return made
