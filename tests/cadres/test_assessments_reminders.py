"""A self-report due within seven days and not handed in: the cadre is reminded, once."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from accounts.models import Notification
from cadres import kinds
from cadres.models import AssessmentRound
from cadres.reminders import assessments as reminders
from cadres.reminders import dispatch as dispatch_all
from cadres.services.assessments import assessment_self_report, round_open

from ..factories import UserFactory
from .factories import CadreFactory

KIND = kinds.REMINDER_SELF_REPORT_DUE


def _reminders():
    return Notification.objects.filter(kind=KIND)


@pytest.fixture
def today():
    return timezone.localdate()


@pytest.fixture
def opened(tree, cadre_officer, cadre, today):
    """District 1's round due in 10 days: the cadre with an account, one who has handed in, one without an account."""
    handed_in = CadreFactory(union=tree["g1"], user=UserFactory())
    CadreFactory(union=tree["g1"])
    result = round_open(
        union=tree["d1"], year=today.year, self_report_due=today + datetime.timedelta(days=10), by=cadre_officer
    )
    assessment_self_report(
        assessment=result.round.assessments.get(cadre=handed_in), text="已提交的述职", by=handed_in.user
    )
    return result.round


def test_nothing_is_due_more_than_seven_days_ahead(opened, today):
    assert reminders.dispatch(today) == {}
    assert reminders.dispatch(today + datetime.timedelta(days=2)) == {}
    assert not _reminders().exists()


def test_the_cadre_who_has_not_handed_in_is_reminded_once(opened, cadre, today):
    # when: seven days before the due date, then every day after
    made = reminders.dispatch(today + datetime.timedelta(days=3))
    for day in range(4, 11):
        reminders.dispatch(today + datetime.timedelta(days=day))
    dispatch_all(today + datetime.timedelta(days=5))  # the daily run of the whole app
    # then: one reminder, to the cadre with an account who has not handed in
    assert made == {KIND: 1}
    assert list(_reminders().values_list("recipient_id", flat=True)) == [cadre.user_id]
    note = _reminders().get()
    assert str(opened.year) in note.title
    assert note.url == reverse("cadres:my_assessment", args=[opened.assessments.get(cadre=cadre).pk])


def test_a_handed_in_report_a_closed_round_or_a_past_due_date_is_not_reminded(opened, cadre, today):
    assessment = opened.assessments.get(cadre=cadre)
    assessment_self_report(assessment=assessment, text="我的述职", by=cadre.user)
    assert reminders.dispatch(today + datetime.timedelta(days=5)) == {}
    assert reminders.dispatch(today + datetime.timedelta(days=11)) == {}
    assert not _reminders().exists()


def test_a_due_date_moved_later_is_reminded_again(opened, cadre, today):
    reminders.dispatch(today + datetime.timedelta(days=5))
    AssessmentRound.objects.filter(pk=opened.pk).update(self_report_due=today + datetime.timedelta(days=20))
    reminders.dispatch(today + datetime.timedelta(days=15))
    reminders.dispatch(today + datetime.timedelta(days=16))
    assert _reminders().filter(recipient=cadre.user).count() == 2
