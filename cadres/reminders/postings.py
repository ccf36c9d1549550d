"""Reminders of secondments and grassroots stays, once each (see the package's docstring).

- A secondment under way whose planned end falls within ``ENDING_DAYS`` days: the cadre (when they
  have an account) and the cadre officers of the cadre's node, or of the nearest node above it that
  has any. Keyed by the planned end date: a secondment extended later is reminded again.
- A secondment or stay past its report's due date with no report handed in: the same people. Keyed
  by the due date.

The due items are read in batches by primary key (keyset), each batch with a fixed number of queries
however many recipients it has; the officers are loaded once per run.
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
from ..models import GrassrootsStay, Secondment
from ..permissions import CADRE_STAFF_KINDS

ENDING_DAYS = 30
BATCH_SIZE = 2000
EMAIL_TASK_CHUNK = 200


class CadreOfficers:
    """The cadre officers of each node, loaded once per run (roles are few next to the records)."""

    def __init__(self) -> None:
        self.by_path: dict[str, list[int]] = defaultdict(list)
        roles = Role.objects.filter(kind__in=CADRE_STAFF_KINDS, user__is_active=True).values_list(
            "union__path", "user_id"
        )
        for path, user_id in roles:
            self.by_path[path].append(user_id)

    def nearest(self, path: str) -> list[int]:
        """The officers at the node, or at the nearest node above it that has any."""
        step = Union.steplen
        for end in range(len(path), 0, -step):
            found = self.by_path.get(path[:end])
            if found:
                return found
        return []


def _key(kind: str, object_type: str, pk: int, due: datetime.date) -> str:
    return f"{kind}:{object_type}:{pk}:{due.isoformat()}"


def _batches(queryset, fields: tuple[str, ...]) -> Iterator[list[dict]]:
    last = 0
    while True:
        rows = list(queryset.filter(pk__gt=last).order_by("pk").values("pk", *fields)[:BATCH_SIZE])
        if not rows:
            return
        yield rows
        last = rows[-1]["pk"]


def _deliver(messages: list[Message], made: dict[str, int]) -> None:
    """One transaction per batch: the rows, then (after commit) the e-mail jobs for what is owed."""
    with transaction.atomic():
        pending = notifications_create_once(messages)
        for start in range(0, len(pending), EMAIL_TASK_CHUNK):
            chunk = pending[start : start + EMAIL_TASK_CHUNK]
            transaction.on_commit(lambda chunk=chunk: send_notification_emails.delay(chunk))
    for message in messages:
        made[message.kind] = made.get(message.kind, 0) + 1


def _to_everyone(row, officers, kind, key, own_title, staff_title, body, own_url, staff_url) -> list[Message]:
    messages = []
    cadre_user = row["cadre__user_id"]
    if cadre_user:
        messages.append(Message(cadre_user, kind, key, own_title, body, own_url))
    for user_id in officers.nearest(row["cadre__union__path"]):
        if user_id != cadre_user:
            messages.append(Message(user_id, kind, key, staff_title, body, staff_url))
    return messages


FIELDS = ("cadre__user_id", "cadre__union__path", "cadre__name")


def ending_messages(rows: list[dict], officers: CadreOfficers) -> list[Message]:
    kind = kinds.REMINDER_SECONDMENT_ENDING
    own, staff = url_pattern("cadres:my_secondment"), url_pattern("cadres:secondment_detail")
    messages = []
    for row in rows:
        params = {"name": row["cadre__name"], "host": row["host_name"], "date": date_format(row["planned_end"])}
        due = row["report_due_on"]
        body = _("The report is due on %(date)s.") % {"date": date_format(due)} if due else ""
        messages += _to_everyone(
            row,
            officers,
            kind,
            _key(kind, "secondment", row["pk"], row["planned_end"]),
            _("Your secondment to %(host)s ends on %(date)s") % params,
            _("The secondment of %(name)s to %(host)s ends on %(date)s") % params,
            body,
            own.format(row["pk"]),
            staff.format(row["pk"]),
        )
    return messages


def overdue_messages(rows: list[dict], officers: CadreOfficers, object_type: str) -> list[Message]:
    kind = kinds.REMINDER_REPORT_OVERDUE
    if object_type == "secondment":
        own, staff = url_pattern("cadres:my_secondment"), url_pattern("cadres:secondment_detail")
    else:
        own, staff = url_pattern("cadres:my_stay"), url_pattern("cadres:stay_detail")
    body = _("Hand in the report, or ask the cadre officer to record it.")
    messages = []
    for row in rows:
        where = row.get("host_name") or row.get("union__name") or row.get("employer_name") or ""
        params = {"name": row["cadre__name"], "where": where, "date": date_format(row["report_due_on"])}
        if object_type == "secondment":
            own_title = _("Your report on the secondment to %(where)s was due on %(date)s") % params
            staff_title = _("The report of %(name)s on the secondment to %(where)s was due on %(date)s") % params
        else:
            own_title = _("Your research report on the stay at %(where)s was due on %(date)s") % params
            staff_title = _("The research report of %(name)s on the stay at %(where)s was due on %(date)s") % params
        messages += _to_everyone(
            row,
            officers,
            kind,
            _key(kind, object_type, row["pk"], row["report_due_on"]),
            own_title,
            staff_title,
            body,
            own.format(row["pk"]),
            staff.format(row["pk"]),
        )
    return messages


def dispatch(today: datetime.date) -> dict[str, int]:
    made: dict[str, int] = {}
    officers = CadreOfficers()

    ending = Secondment.objects.filter(
        status=Secondment.Status.ACTIVE,
        planned_end__gte=today,
        planned_end__lte=today + datetime.timedelta(days=ENDING_DAYS),
    )
    for rows in _batches(ending, (*FIELDS, "host_name", "planned_end", "report_due_on")):
        _deliver(ending_messages(rows, officers), made)

    overdue = {"report_due_on__lt": today, "report_submitted_at__isnull": True}
    secondments = Secondment.objects.filter(
        status__in=[Secondment.Status.ACTIVE, Secondment.Status.REPORT_DUE], **overdue
    )
    for rows in _batches(secondments, (*FIELDS, "host_name", "report_due_on")):
        _deliver(overdue_messages(rows, officers, "secondment"), made)

    stays = GrassrootsStay.objects.filter(
        status__in=[GrassrootsStay.Status.ACTIVE, GrassrootsStay.Status.REPORT_DUE], **overdue
    )
    for rows in _batches(stays, (*FIELDS, "union__name", "employer_name", "report_due_on")):
        _deliver(overdue_messages(rows, officers, "stay"), made)
    return made
