"""Reminders of the honours, once each (see the package's docstring):

- a level's review due within ``REVIEW_DAYS`` days with nominations waiting: the first review's
  (district or industry union) federation staff for its submitted and not yet forwarded nominations,
  the organiser's staff for the forwarded ones; once per round, level and due date;
- a public notice ending tomorrow: the organiser's staff, once per notice and last day;
- an objection open for ``OBJECTION_WORKDAYS`` working days or more in the same state (received,
  being investigated, answered but not closed): the organiser's staff, once per objection and state;
- model workers' festival care due within ``CARE_DAYS`` days (``campaigns.care.care_due_soon``): the
  clerks of the holder's union, once per union, care and due date;
- from 1 December, next year missing from the working-day calendar: every city admin, once a year.

"The organiser's staff" and "the level's staff" are the federation staff at that node itself: those
above it see it in their own queues. A fixed number of queries whatever the number of rounds, notices,
objections and model workers.
"""

import datetime
from collections import defaultdict

from django.urls import reverse
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from accounts.notify import Message
from accounts.workdays import Calendar, UnknownYear, year_is_known
from unions.models import Role

from .. import kinds
from ..models import CareEntitlement, Nomination, Objection, PublicNotice, Round
from ._common import deliver, holders_by_path

REVIEW_DAYS = 3
OBJECTION_WORKDAYS = 2
CARE_DAYS = 14
CALENDAR_FROM_MONTH = 12

STAFF = Role.Kind.FEDERATION_STAFF
CLERK = Role.Kind.UNION_CLERK
LIVE_ROUNDS = (Round.Status.NOMINATING, Round.Status.REVIEWING)
FIRST_LEVEL_WAITING = (Nomination.Status.SUBMITTED, Nomination.Status.FIRST_PASSED)


def _staff(holders, path: str, kind: str = STAFF) -> list[int]:
    return sorted(holders.get(path, {}).get(kind, set()))


# --- reviews due -------------------------------------------------------------------------------------
def review_messages(today: datetime.date) -> list[Message]:
    horizon = today + datetime.timedelta(days=REVIEW_DAYS)
    first_rounds = Round.objects.filter(status__in=LIVE_ROUNDS, first_review_due__range=(today, horizon))
    second_rounds = Round.objects.filter(status__in=LIVE_ROUNDS, second_review_due__range=(today, horizon))
    waiting = list(
        Nomination.objects.filter(round__in=first_rounds, status__in=FIRST_LEVEL_WAITING, first_node__isnull=False)
        .order_by()
        .values_list("round_id", "round__title", "round__first_review_due", "first_node_id", "first_node__path")
    )
    waiting += list(
        Nomination.objects.filter(round__in=second_rounds, status=Nomination.Status.FORWARDED)
        .order_by()
        .values_list(
            "round_id", "round__title", "round__second_review_due", "round__organiser_id", "round__organiser__path"
        )
    )
    if not waiting:
        return []
    # (round, level's node, due date) → how many wait; the organiser is never a first level of its own round.
    counts: dict[tuple, int] = defaultdict(int)
    for row in waiting:
        counts[row] += 1
    holders = holders_by_path([STAFF], {row[4] for row in counts})
    kind = kinds.REMINDER_REVIEW_DUE
    url = reverse("campaigns:review_list")
    result = []
    for (round_id, title, due, node_id, path), count in sorted(
        counts.items(), key=lambda item: item[0][:1] + item[0][3:4]
    ):
        text = ngettext(
            "%(count)d nomination of %(round)s waits for your review, due on %(date)s",
            "%(count)d nominations of %(round)s wait for your review, due on %(date)s",
            count,
        ) % {"count": count, "round": title, "date": date_format(due)}
        body = _("Pass, return or reject them, and forward your level's list, from your review queue.")
        key = f"{kind}:round:{round_id}:node:{node_id}:{due.isoformat()}"
        result.extend(Message(user_id, kind, key, text, body, url) for user_id in _staff(holders, path))
    return result


# --- the public notice ending ------------------------------------------------------------------------
def notice_messages(today: datetime.date) -> list[Message]:
    tomorrow = today + datetime.timedelta(days=1)
    notices = list(
        PublicNotice.objects.filter(last_day=tomorrow)
        .order_by("pk")
        .values_list("pk", "title", "last_day", "round__organiser__path")
    )
    if not notices:
        return []
    holders = holders_by_path([STAFF], {row[3] for row in notices})
    kind = kinds.REMINDER_NOTICE_ENDING
    result = []
    for pk, title, last_day, path in notices:
        text = _("The public notice %(notice)s ends tomorrow, %(date)s") % {
            "notice": title,
            "date": date_format(last_day),
        }
        body = _(
            "Answer and close its objections before the final decision; a nominee with an open one cannot be decided."
        )
        key = f"{kind}:notice:{pk}:{last_day.isoformat()}"
        url = reverse("campaigns:notice_detail", args=[pk])
        result.extend(Message(user_id, kind, key, text, body, url) for user_id in _staff(holders, path))
    return result


# --- objections waiting ------------------------------------------------------------------------------
def _workdays_between(calendar: Calendar, start: datetime.date, end: datetime.date) -> int:
    """Working days after ``start`` up to and including ``end`` (weekdays where no calendar knows the year)."""
    count, day = 0, start
    while day < end:
        day += datetime.timedelta(days=1)
        try:
            working = calendar.is_workday(day)
        except UnknownYear:
            working = day.weekday() < 5
        count += working
    return count


def objection_messages(today: datetime.date) -> list[Message]:
    from django.utils import timezone

    rows = list(
        Objection.objects.filter(status__in=Objection.OPEN)
        .order_by("pk")
        .values_list(
            "pk",
            "status",
            "received_at",
            "assigned_at",
            "answered_at",
            "nomination__nominee_name",
            "notice__title",
            "notice__round__organiser__path",
        )
    )
    if not rows:
        return []
    since = {}
    for pk, status, received, assigned, answered, *_rest in rows:
        moment = {Objection.Status.ASSIGNED: assigned, Objection.Status.ANSWERED: answered}.get(status) or received
        since[pk] = timezone.localdate(moment)
    start = min(since.values())
    calendar = Calendar(start, max(today, start))
    holders = holders_by_path([STAFF], {row[7] for row in rows})
    kind = kinds.REMINDER_OBJECTION_OPEN
    labels = dict(Objection.Status.choices)
    result = []
    for pk, status, _received, _assigned, _answered, nominee, notice, path in rows:
        if _workdays_between(calendar, since[pk], today) < OBJECTION_WORKDAYS:
            continue
        text = _("An objection to %(nominee)s (%(notice)s) has stood at “%(status)s” since %(date)s") % {
            "nominee": nominee,
            "notice": notice,
            "status": labels[status],
            "date": date_format(since[pk]),
        }
        body = _("Assign it, record the finding and close it as upheld or dismissed from the objections register.")
        key = f"{kind}:objection:{pk}:{status}"
        url = reverse("campaigns:objection_detail", args=[pk])
        result.extend(Message(user_id, kind, key, text, body, url) for user_id in _staff(holders, path))
    return result


# --- model workers' care before a festival -----------------------------------------------------------
def care_messages(today: datetime.date) -> list[Message]:
    from ..care import care_due_soon

    festival = set(CareEntitlement.FESTIVAL_VISITS)
    lines = [line for line in care_due_soon(today=today, within_days=CARE_DAYS) if line.care in festival]
    if not lines:
        return []
    # union → (care, due by) → people
    grouped: dict[tuple, list] = defaultdict(list)
    unions = {}
    for line in lines:
        union = line.honour.union
        unions[union.pk] = union
        grouped[union.pk, line.care, line.due_by].append(line.holder_name)
    holders = holders_by_path([CLERK], {union.path for union in unions.values()})
    kind = kinds.REMINDER_CARE_DUE
    labels = dict(CareEntitlement.Care.choices)
    url = reverse("campaigns:care_list")
    result = []
    for (union_id, care, due_by), names in sorted(
        grouped.items(), key=lambda item: (item[0][0], item[0][2], item[0][1])
    ):
        union = unions[union_id]
        text = ngettext(
            "%(count)d model worker of %(union)s is due a %(care)s by %(date)s",
            "%(count)d model workers of %(union)s are due a %(care)s by %(date)s",
            len(names),
        ) % {"count": len(names), "union": union.name, "care": labels[care], "date": date_format(due_by)}
        body = _("Due: %(names)s. Record each visit on the care list once it is made.") % {
            "names": "、".join(sorted(names))
        }
        key = f"{kind}:union:{union_id}:{care}:{due_by.isoformat()}"
        result.extend(Message(user_id, kind, key, text, body, url) for user_id in _staff(holders, union.path, CLERK))
    return result


# --- next year's working-day calendar ----------------------------------------------------------------
def calendar_messages(today: datetime.date) -> list[Message]:
    year = today.year + 1
    if today.month < CALENDAR_FROM_MONTH or year_is_known(year):
        return []
    admins = sorted(
        set(Role.objects.filter(kind=Role.Kind.CITY_ADMIN, user__is_active=True).values_list("user_id", flat=True))
    )
    kind = kinds.REMINDER_CALENDAR_MISSING
    text = _("The working-day calendar of %(year)d is missing") % {"year": year}
    body = _(
        "Enter %(year)d's public holidays and make-up working days as the State Council announced them: a public "
        "notice running into %(year)d cannot be published until then."
    ) % {"year": year}
    key = f"{kind}:year:{year}"
    url = reverse("campaigns:calendar_year", args=[year])
    return [Message(user_id, kind, key, text, body, url) for user_id in admins]


def dispatch(today: datetime.date) -> dict[str, int]:
    made: dict[str, int] = {}
    messages = [
        *review_messages(today),
        *notice_messages(today),
        *objection_messages(today),
        *care_messages(today),
        *calendar_messages(today),
    ]
    deliver(messages, made)
    return made
