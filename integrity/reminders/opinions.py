"""Reminders of opinion letters: a request waiting more than ``WAITING_DAYS`` days to be issued, to
the discipline officers over the cadre (those of the cadre's node, or of the nearest node above it
that has any), once per request (keyed by the request: a re-run sends nothing again).

The requester is told when the letter is issued by ``services.opinions.opinion_issue`` itself (one
notice per letter, keyed likewise). Neither names anything but the cadre and that a letter is waiting
or issued; the conclusion is on the page.
"""

import datetime
from collections import defaultdict

from django.db import transaction
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from accounts.links import url_pattern
from accounts.notify import Message, notifications_create_once
from accounts.tasks import send_notification_emails
from unions.models import Role, Union

from .. import kinds
from ..models import OpinionLetter
from ..permissions import INTEGRITY_STAFF_KINDS

WAITING_DAYS = 3
BATCH_SIZE = 2000
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

    def nearest(self, path: str, *, but: int | None = None) -> list[int]:
        """The officers at the node, or at the nearest node above it that has any (other than ``but``:
        an officer who is the cadre asked about is passed over, and the level above is asked)."""
        step = Union.steplen
        for end in range(len(path), 0, -step):
            found = [user_id for user_id in self.by_path.get(path[:end], ()) if user_id != but]
            if found:
                return found
        return []


def _deliver(messages: list[Message]) -> None:
    with transaction.atomic():
        pending = notifications_create_once(messages)
        for start in range(0, len(pending), EMAIL_TASK_CHUNK):
            chunk = pending[start : start + EMAIL_TASK_CHUNK]
            transaction.on_commit(lambda chunk=chunk: send_notification_emails.delay(chunk))


def dispatch(today: datetime.date) -> dict[str, int]:
    kind = kinds.REMINDER_OPINION_WAITING
    # Asked for before the start of the day WAITING_DAYS days ago: waiting more than that many days.
    cutoff = timezone.make_aware(
        datetime.datetime.combine(today - datetime.timedelta(days=WAITING_DAYS), datetime.time())
    )
    waiting = OpinionLetter.objects.filter(status=OpinionLetter.Status.REQUESTED, requested_at__lt=cutoff)
    link = url_pattern("integrity:opinion_detail")
    officers = None
    made = 0
    last = 0
    while True:
        rows = list(
            waiting.filter(pk__gt=last)
            .order_by("pk")
            .values_list("pk", "requested_at", "cadre__name", "cadre__union__path", "cadre__user_id")[:BATCH_SIZE]
        )
        if not rows:
            break
        officers = officers or DisciplineOfficers()
        messages = []
        for pk, requested_at, name, path, cadre_user in rows:
            title = _("The opinion letter on %(name)s asked for on %(date)s waits to be issued") % {
                "name": name,
                "date": date_format(timezone.localtime(requested_at).date()),
            }
            body = _("Look at the cadre's record on the letter's page and issue it.")
            key = f"{kind}:opinion:{pk}"
            for user_id in officers.nearest(path, but=cadre_user):  # never the cadre about themself
                messages.append(Message(user_id, kind, key, title, body, link.format(pk)))
        _deliver(messages)
        made += len(messages)
        last = rows[-1][0]
    return {kind: made} if made else {}
