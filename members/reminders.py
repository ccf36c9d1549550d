"""What is due in the members app, and turning it into reminders, once each.

Days are calendar days in the portal's time zone (``members.ages``), as the approval queue shows them.

- An application submitted more than ``REMINDER_APPLICATION_DAYS`` days ago and still undecided: its
  union's staff (the clerks of a grassroots or joint union, the federation staff of a federation
  that takes platform workers).
- The same application after ``REMINDER_ESCALATION_DAYS``: the federation staff one level up (the
  nearest union above that has any).
- A transfer waiting more than ``REMINDER_TRANSFER_DAYS`` for a union to act: the staff of the
  current union while it is requested, of the receiving union once released.

Each reminder's key is (kind, object, due date), so the daily run, a re-run or a retry makes each
one once. The run goes through the due items in batches with a fixed number of queries per batch.
"""

import datetime
from collections.abc import Iterator
from dataclasses import dataclass, field

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from accounts.links import url_pattern
from accounts.notify import Message, notifications_create_once
from accounts.tasks import send_notification_emails
from unions.directory import StaffDirectory
from unions.models import Role

from . import kinds
from .ages import days_since, waited_longer_than
from .models import Application, Transfer

BATCH_SIZE = 2000
EMAIL_TASK_CHUNK = 200
R = Role.Kind


@dataclass
class DispatchResult:
    applications: int = 0
    escalations: int = 0
    transfers: int = 0
    messages: int = 0
    emails_queued: int = 0
    batches: int = 0
    by_kind: dict[str, int] = field(default_factory=dict)


def _due_date(start: datetime.datetime, days: int) -> datetime.date:
    return timezone.localtime(start + datetime.timedelta(days=days)).date()


def _key(kind: str, object_type: str, pk: int, due: datetime.date) -> str:
    return f"{kind}:{object_type}:{pk}:{due.isoformat()}"


def _batches(queryset, fields: tuple[str, ...]) -> Iterator[list[dict]]:
    """Keyset pagination by primary key: each batch is one query however far the run has got."""
    last = 0
    while True:
        rows = list(queryset.filter(pk__gt=last).order_by("pk").values("pk", *fields)[:BATCH_SIZE])
        if not rows:
            return
        yield rows
        last = rows[-1]["pk"]


def due_application_messages(rows: list[dict], staff: StaffDirectory, now: datetime.datetime) -> list[Message]:
    first_days = settings.REMINDER_APPLICATION_DAYS
    escalation_days = settings.REMINDER_ESCALATION_DAYS
    url = url_pattern("members:application_detail")
    messages = []
    for row in rows:
        submitted = row["submitted_at"]
        params = {"union": row["union__name"], "date": date_format(timezone.localtime(submitted), "DATE_FORMAT")}
        link = url.format(row["pk"])
        due = _due_date(submitted, first_days)
        title = _("An application to %(union)s has been waiting for a decision since %(date)s") % params
        body = _("Please approve it, reject it with a reason, or ask the worker for a correction.")
        for user_id in staff.staff_of(row["union_id"], row["union__kind"]):
            key = _key(kinds.REMINDER_APPLICATION_PENDING, "application", row["pk"], due)
            messages.append(Message(user_id, kinds.REMINDER_APPLICATION_PENDING, key, title, body, link))
        if days_since(submitted, today=timezone.localdate(now)) > escalation_days:
            due = _due_date(submitted, escalation_days)
            title = _("Overdue: an application to %(union)s has been waiting since %(date)s") % params
            body = _(
                "It has waited more than %(days)d days at a union below yours. Ask its staff to decide, or decide it yourself."
            ) % {"days": escalation_days}
            for user_id in staff.staff_above(row["union__path"]):
                key = _key(kinds.REMINDER_APPLICATION_ESCALATED, "application", row["pk"], due)
                messages.append(Message(user_id, kinds.REMINDER_APPLICATION_ESCALATED, key, title, body, link))
    return messages


def due_transfer_messages(rows: list[dict], staff: StaffDirectory) -> list[Message]:
    days = settings.REMINDER_TRANSFER_DAYS
    url = url_pattern("members:transfer_detail")
    messages = []
    for row in rows:
        if row["status"] == Transfer.Status.REQUESTED:
            since, union_id, kind = row["requested_at"], row["from_union_id"], row["from_union__kind"]
            title = _("A transfer to %(union)s has been waiting for your release since %(date)s")
            other = row["to_union__name"]
        else:
            since, union_id, kind = row["released_at"], row["to_union_id"], row["to_union__kind"]
            title = _("A transfer from %(union)s has been waiting for your acceptance since %(date)s")
            other = row["from_union__name"]
        title = title % {"union": other, "date": date_format(timezone.localtime(since), "DATE_FORMAT")}
        body = _("Release or accept it, or decline it with a reason, so that the member is not left waiting.")
        due = _due_date(since, days)
        for user_id in staff.staff_of(union_id, kind):
            key = _key(kinds.REMINDER_TRANSFER_WAITING, f"transfer-{row['status']}", row["pk"], due)
            messages.append(Message(user_id, kinds.REMINDER_TRANSFER_WAITING, key, title, body, url.format(row["pk"])))
    return messages


def _deliver(messages: list[Message], result: DispatchResult) -> None:
    """One transaction per batch: the rows, then (after commit) the e-mail jobs for what is owed."""
    with transaction.atomic():
        pending = notifications_create_once(messages)
        for start in range(0, len(pending), EMAIL_TASK_CHUNK):
            chunk = pending[start : start + EMAIL_TASK_CHUNK]
            transaction.on_commit(lambda chunk=chunk: send_notification_emails.delay(chunk))
    result.messages += len(messages)
    result.emails_queued += len(pending)
    result.batches += 1
    for message in messages:
        result.by_kind[message.kind] = result.by_kind.get(message.kind, 0) + 1


def dispatch_reminders(*, now: datetime.datetime | None = None) -> DispatchResult:
    """Turn everything due into reminders. Safe to run again at any time: nothing is sent twice."""
    now = now or timezone.now()
    result = DispatchResult()
    staff = StaffDirectory()

    # Days are calendar days in the portal's time zone, as the approval queue counts them: an item is
    # raised on the day the queue first marks it as waiting too long.
    today = timezone.localdate(now)
    applications = Application.objects.filter(
        status=Application.Status.SUBMITTED,
        submitted_at__lt=waited_longer_than(settings.REMINDER_APPLICATION_DAYS, today=today),
    )
    fields = ("submitted_at", "union_id", "union__path", "union__kind", "union__name")
    escalate_before = waited_longer_than(settings.REMINDER_ESCALATION_DAYS, today=today)
    for rows in _batches(applications, fields):
        result.applications += len(rows)
        result.escalations += sum(1 for row in rows if row["submitted_at"] < escalate_before)
        _deliver(due_application_messages(rows, staff, now), result)

    waiting_since = waited_longer_than(settings.REMINDER_TRANSFER_DAYS, today=today)
    transfers = Transfer.objects.filter(
        status=Transfer.Status.REQUESTED, requested_at__lt=waiting_since
    ) | Transfer.objects.filter(status=Transfer.Status.RELEASED, released_at__lt=waiting_since)
    fields = (
        "status",
        "requested_at",
        "released_at",
        "from_union_id",
        "from_union__kind",
        "from_union__name",
        "to_union_id",
        "to_union__kind",
        "to_union__name",
    )
    for rows in _batches(transfers, fields):
        result.transfers += len(rows)
        _deliver(due_transfer_messages(rows, staff), result)
    return result
