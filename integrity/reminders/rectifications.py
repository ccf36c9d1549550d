"""Reminders of rectification deadlines, once each (see the package's docstring).

- An open item whose deadline falls within ``IntegritySettings.rectification_notice_days`` days: due.
- An open item whose deadline has passed (from the day after it): overdue.

Each goes to the cadre, when they have an account, saying only that an integrity rectification item is
due on that date and to see their discipline officer (no content, no link into the integrity pages),
and to the discipline officers of the cadre's node, or of the nearest node above it that has any, and
the talk's recorder, with a link to the item (no content, no name). Keyed by (kind, item, deadline):
a re-run sends nothing twice; an item given a new deadline would be reminded again.
"""

import datetime
from collections import defaultdict
from collections.abc import Iterator

from django.db import transaction
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from accounts.links import url_pattern
from accounts.notify import Message, notifications_create_once
from accounts.tasks import send_notification_emails
from unions.models import Role, Union

from .. import kinds
from ..models import IntegritySettings, Rectification, Talk
from ..permissions import INTEGRITY_STAFF_KINDS

BATCH_SIZE = 2000
EMAIL_TASK_CHUNK = 200
FIELDS = ("cadre__user_id", "cadre__union__path", "talk__recorder_id", "deadline")


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


def _key(kind: str, pk: int, due: datetime.date) -> str:
    return f"{kind}:rectification:{pk}:{due.isoformat()}"


def _batches(queryset) -> Iterator[list[dict]]:
    last = 0
    while True:
        rows = list(queryset.filter(pk__gt=last).order_by("pk").values("pk", *FIELDS)[:BATCH_SIZE])
        if not rows:
            return
        yield rows
        last = rows[-1]["pk"]


def messages_for(rows: list[dict], officers: DisciplineOfficers, kind: str) -> list[Message]:
    staff_url = url_pattern("integrity:rectification_detail")
    messages = []
    for row in rows:
        day = date_format(row["deadline"])
        key = _key(kind, row["pk"], row["deadline"])
        if kind == kinds.REMINDER_RECTIFICATION_DUE:
            own = _("An integrity rectification item of yours is due on %(date)s") % {"date": day}
            staff = _("An integrity rectification item is due on %(date)s") % {"date": day}
        else:
            own = _("An integrity rectification item of yours was due on %(date)s") % {"date": day}
            staff = _("An integrity rectification item was due on %(date)s and is not struck off") % {"date": day}
        cadre_user = row["cadre__user_id"]
        if cadre_user:
            messages.append(Message(cadre_user, kind, key, own, _("See your discipline officer.")))
        recipients = [*officers.nearest(row["cadre__union__path"]), row["talk__recorder_id"]]
        for user_id in dict.fromkeys(recipients):
            if user_id and user_id != cadre_user:
                messages.append(Message(user_id, kind, key, staff, "", staff_url.format(row["pk"])))
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
    notice_days = IntegritySettings.current().rectification_notice_days
    officers = DisciplineOfficers()
    open_items = Rectification.objects.exclude(status=Rectification.Status.STRUCK_OFF).exclude(
        talk__status=Talk.Status.DRAFT
    )
    due = open_items.filter(deadline__gte=today, deadline__lte=today + datetime.timedelta(days=notice_days))
    for rows in _batches(due):
        _deliver(messages_for(rows, officers, kinds.REMINDER_RECTIFICATION_DUE), made)
    for rows in _batches(open_items.filter(deadline__lt=today)):
        _deliver(messages_for(rows, officers, kinds.REMINDER_RECTIFICATION_OVERDUE), made)
    return made
