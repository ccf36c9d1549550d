"""Reminders of competitions waiting for approval (立项), once each (see the package's docstring).

A competition submitted ``WAITING_DAYS`` days ago or more and still waiting: its approvers are told
once per submission ("<competition> of <organiser> has waited for approval since <date>"). The
approvers are ``permissions.can_approve``'s: the federation staff above the organiser (the root's own
staff at the root), or the organiser's leaders (at the organiser or above), as the competition says.
A competition returned and submitted again is a new submission, and is reminded of again.
"""

import datetime

from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from accounts.notify import Message

from .. import kinds
from ..models import Competition
from ..permissions import APPROVER_LEADER_KINDS, COMPETITION_STAFF_KINDS
from ..selectors import ancestor_paths
from ._common import deliver, holders_by_path

WAITING_DAYS = 3


def approvers(competition: dict, holders) -> set[int]:
    path, depth = competition["organiser__path"], competition["organiser__depth"]
    if competition["approver"] == Competition.Approver.OWN_LEADERS:
        wanted, paths = APPROVER_LEADER_KINDS, ancestor_paths(path)
    elif depth == 1:
        wanted, paths = COMPETITION_STAFF_KINDS, [path]
    else:
        wanted, paths = COMPETITION_STAFF_KINDS, [p for p in ancestor_paths(path) if p != path]
    found: set[int] = set()
    for node in paths:
        for kind, users in holders.get(node, {}).items():
            if kind in wanted:
                found |= users
    return found


def messages(today: datetime.date) -> list[Message]:
    # Submitted before the start of the day WAITING_DAYS - 1 days ago: waiting WAITING_DAYS days or more.
    cutoff = timezone.make_aware(
        datetime.datetime.combine(today - datetime.timedelta(days=WAITING_DAYS - 1), datetime.time())
    )
    waiting = list(
        Competition.objects.filter(status=Competition.Status.SUBMITTED, submitted_at__lt=cutoff)
        .order_by("pk")
        .values("pk", "title", "approver", "submitted_at", "organiser__name", "organiser__path", "organiser__depth")
    )
    if not waiting:
        return []
    paths = {p for row in waiting for p in ancestor_paths(row["organiser__path"])}
    holders = holders_by_path(COMPETITION_STAFF_KINDS | APPROVER_LEADER_KINDS, paths)
    kind = kinds.REMINDER_APPROVAL_WAITING
    url = reverse("campaigns:approval_list")
    result = []
    for row in waiting:
        submitted = timezone.localtime(row["submitted_at"])
        title = _("%(competition)s of %(organiser)s has waited for approval since %(date)s") % {
            "competition": row["title"],
            "organiser": row["organiser__name"],
            "date": date_format(submitted.date()),
        }
        body = _("Approve it or return it with a reason from the list of competitions waiting for you.")
        key = f"{kind}:competition:{row['pk']}:{submitted.isoformat()}"
        for user_id in sorted(approvers(row, holders)):
            result.append(Message(user_id, kind, key, title, body, url))
    return result


def dispatch(today: datetime.date) -> dict[str, int]:
    made: dict[str, int] = {}
    deliver(messages(today), made)
    return made
