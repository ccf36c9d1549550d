"""Reminders count waiting days as the approval queue does: calendar days in Beijing time."""

import datetime

import time_machine

from accounts.models import Notification
from members import kinds as members_kinds
from members.models import Application
from members.reminders import dispatch_reminders

from .conftest import pending_application

BEIJING = datetime.timezone(datetime.timedelta(hours=8))


def _pending_notes(user):
    return Notification.objects.filter(recipient=user, kind=members_kinds.REMINDER_APPLICATION_PENDING)


def _run_at(moment: datetime.datetime) -> None:
    with time_machine.travel(moment, tick=False):
        dispatch_reminders()


def test_the_clerk_is_reminded_on_the_day_the_queue_marks_the_application_overdue(tree, people):
    # given: sent on 1 March just after midnight; the queue marks it overdue from 5 March (its
    # fourth calendar day), although three 24-hour days have passed by 4 March at 08:00
    application = pending_application(tree["g1"], 0)
    Application.objects.filter(pk=application.pk).update(
        submitted_at=datetime.datetime(2026, 3, 1, 0, 10, tzinfo=BEIJING)
    )
    clerk = people["clerk1"]

    # when the daily run comes on 4 March, then on 5 March
    _run_at(datetime.datetime(2026, 3, 4, 8, 0, tzinfo=BEIJING))
    reminded_on_the_4th = _pending_notes(clerk).count()
    _run_at(datetime.datetime(2026, 3, 5, 8, 0, tzinfo=BEIJING))

    # then the reminder comes on the 5th only
    assert reminded_on_the_4th == 0
    assert _pending_notes(clerk).count() == 1


def test_an_application_sent_late_in_the_evening_is_reminded_on_its_fourth_calendar_day(tree, people):
    # given: sent at 23:30 on 1 March; on 5 March at 08:00 only three days and nine hours have passed
    application = pending_application(tree["g1"], 0)
    Application.objects.filter(pk=application.pk).update(
        submitted_at=datetime.datetime(2026, 3, 1, 23, 30, tzinfo=BEIJING)
    )

    _run_at(datetime.datetime(2026, 3, 5, 8, 0, tzinfo=BEIJING))

    assert _pending_notes(people["clerk1"]).count() == 1
