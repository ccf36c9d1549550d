"""Reminders of the yearly tracker: cadres still without this year's routine integrity talk.

From ``IntegritySettings.tracker_reminder_month`` (October unless set) to December, once a month, each
discipline officer whose scope holds cadres in post not yet covered gets one reminder: "N cadres in
your scope still have no integrity talk this year", with a link to the tracker. None when N is 0.
The key is (kind, officer, month): a re-run in the same month sends nothing twice. The reminder
names no cadre and no record.

Two queries whatever the number of officers: the officers, and the uncovered cadres counted by node
(summed over each officer's subtrees here).
"""

import datetime
from collections import defaultdict

from django.db import transaction
from django.db.models import Count
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from accounts.notify import Message, notifications_create_once
from accounts.tasks import send_notification_emails
from unions.models import Role
from unions.scope import minimal_paths

from .. import kinds
from ..models import IntegritySettings
from ..permissions import INTEGRITY_STAFF_KINDS
from ..tracker import uncovered_cadres

EMAIL_TASK_CHUNK = 200


def _tracker_url(year: int) -> str:
    return f"{reverse('integrity:tracker')}?year={year}"


def officer_scopes() -> dict[int, tuple[str, ...]]:
    """Each active discipline officer's scope: the root paths of their subtrees."""
    paths: dict[int, list[str]] = defaultdict(list)
    roles = Role.objects.filter(kind__in=INTEGRITY_STAFF_KINDS, user__is_active=True).values_list(
        "user_id", "union__path"
    )
    for user_id, path in roles:
        paths[user_id].append(path)
    return {user_id: tuple(minimal_paths(found)) for user_id, found in paths.items()}


def uncovered_by_node(paths: list[str], year: int) -> dict[str, int]:
    """Cadres in post in those subtrees without this year's filed routine talk, by the path of their node."""
    rows = (
        uncovered_cadres(paths, year)
        .order_by()
        .values("union__path")
        .annotate(n=Count("pk"))
        .values_list("union__path", "n")
    )
    return dict(rows)


def dispatch(today: datetime.date) -> dict[str, int]:
    if today.month < IntegritySettings.current().tracker_reminder_month:
        return {}
    year = today.year
    month = f"{today:%Y-%m}"
    kind = kinds.REMINDER_TALKS_UNCOVERED
    url = _tracker_url(year)
    scopes = officer_scopes()
    if not scopes:
        return {}
    by_node = uncovered_by_node(minimal_paths(path for paths in scopes.values() for path in paths), year)
    messages: list[Message] = []
    for officer_id, paths in sorted(scopes.items()):
        count = sum(n for path, n in by_node.items() if path.startswith(paths))
        if not count:
            continue
        title = ngettext(
            "%(count)d cadre in your scope still has no integrity talk this year",
            "%(count)d cadres in your scope still have no integrity talk this year",
            count,
        ) % {"count": count}
        body = _("The tracker lists them, with a link to record each talk.")
        messages.append(Message(officer_id, kind, f"{kind}:officer:{officer_id}:{month}", title, body, url))
    if not messages:
        return {}
    with transaction.atomic():
        pending = notifications_create_once(messages)
        for start in range(0, len(pending), EMAIL_TASK_CHUNK):
            chunk = pending[start : start + EMAIL_TASK_CHUNK]
            transaction.on_commit(lambda chunk=chunk: send_notification_emails.delay(chunk))
    return {kind: len(messages)}
