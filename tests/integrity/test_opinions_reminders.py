"""Reminders of opinion letters: a request waiting more than three days, to the nearest discipline
officers over the cadre, once each however often the daily run goes; none once issued. (The
requester's notice of an issued letter is tested with the service, tests/integrity/test_opinions.py.)"""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from accounts.models import Notification
from integrity import kinds
from integrity.models import OpinionLetter
from integrity.reminders import dispatch as dispatch_all
from integrity.reminders import opinions as reminders
from unions.models import Role

from ..cadres.factories import CadreFactory
from ..factories import staff
from .factories import OpinionLetterFactory

TODAY = datetime.date(2026, 12, 4)


def asked(cadre, by, days_ago: int, **fields) -> OpinionLetter:
    letter = OpinionLetterFactory(cadre=cadre, requested_by=by, **fields)
    moment = timezone.make_aware(
        datetime.datetime.combine(TODAY - datetime.timedelta(days=days_ago), datetime.time(10))
    )
    OpinionLetter.objects.filter(pk=letter.pk).update(requested_at=moment)
    return letter


def notes():
    return sorted(
        Notification.objects.filter(kind=kinds.REMINDER_OPINION_WAITING).values_list("recipient__username", "url")
    )


def test_a_request_waiting_more_than_three_days_reminds_the_nearest_discipline_officers_once(
    tree, cadre, cadre_officer, discipline_officer, district_discipline_officer
):
    waiting = asked(cadre, cadre_officer, 4)
    asked(CadreFactory(union=tree["s1"]), cadre_officer, 3)  # three days: not yet
    asked(CadreFactory(union=tree["s1"]), cadre_officer, 10, status="issued")
    asked(CadreFactory(union=tree["s1"]), cadre_officer, 10, status="withdrawn")

    first = reminders.dispatch(TODAY)
    second = reminders.dispatch(TODAY)

    # d1's officer is the nearest level above s1 with any (not the city's)
    assert first == {kinds.REMINDER_OPINION_WAITING: 1}
    assert notes() == [("discipline-d1", f"/integrity/opinions/{waiting.pk}/")]
    assert second == {kinds.REMINDER_OPINION_WAITING: 1}  # offered again, made once
    assert Notification.objects.filter(kind=kinds.REMINDER_OPINION_WAITING).count() == 1
    note = Notification.objects.get(kind=kinds.REMINDER_OPINION_WAITING)
    assert cadre.name in note.title and "拟提任" not in f"{note.title} {note.body}"
    assert discipline_officer.pk != note.recipient_id


def test_without_a_nearer_officer_the_city_officer_is_reminded_and_never_the_cadre_themself(
    tree, cadre_officer, discipline_officer
):
    own = CadreFactory(union=tree["g2"], user=staff(Role.Kind.DISCIPLINE_OFFICER, tree["g2"], username="self-g2"))
    other = CadreFactory(union=tree["s2"])
    about_self = asked(own, cadre_officer, 5)
    about_other = asked(other, cadre_officer, 5)
    reminders.dispatch(TODAY)
    # g2's only officer is the cadre asked about: the level above with any is the city's
    assert set(notes()) == {
        ("discipline-city", f"/integrity/opinions/{about_self.pk}/"),
        ("discipline-city", f"/integrity/opinions/{about_other.pk}/"),
    }


def test_the_daily_run_includes_the_opinion_reminders_in_a_fixed_number_of_queries(
    tree, cadre, cadre_officer, district_discipline_officer
):
    asked(cadre, cadre_officer, 6)
    with CaptureQueriesContext(connection) as few:
        reminders.dispatch(TODAY)
    Notification.objects.all().delete()
    for _ in range(20):
        asked(CadreFactory(union=tree["g1"]), cadre_officer, 6)
    with CaptureQueriesContext(connection) as many:
        reminders.dispatch(TODAY)
    assert len(many) == len(few)
    assert dispatch_all(TODAY).get(kinds.REMINDER_OPINION_WAITING) == 21


@pytest.mark.parametrize("days", [0, 3])
def test_nothing_is_waiting_long_enough(tree, cadre, cadre_officer, district_discipline_officer, days):
    asked(cadre, cadre_officer, days)
    assert reminders.dispatch(TODAY) == {}
