"""Reminders of the yearly tracker: from the settings' month, once a month per officer, none when all covered."""

import datetime

import pytest

from accounts.models import Notification
from integrity import kinds
from integrity.models import IntegritySettings
from integrity.reminders import tracker as reminders
from unions.models import Role

from ..cadres.factories import CadreFactory
from ..factories import staff
from .factories import TalkFactory

pytestmark = pytest.mark.django_db

KIND = kinds.REMINDER_TALKS_UNCOVERED


@pytest.fixture
def settings_row():
    return IntegritySettings.objects.update_or_create(pk=1, defaults={"tracker_reminder_month": 10})[0]


@pytest.fixture
def uncovered(tree, discipline_officer):
    """District 1: two cadres, one talked to in 2026; district 2: one cadre not talked to."""
    covered = CadreFactory(union=tree["g1"])
    TalkFactory(cadre=covered, recorder=discipline_officer, held_on=datetime.date(2026, 2, 1))
    CadreFactory(union=tree["s1"])
    CadreFactory(union=tree["s2"])
    return tree


def reminders_of(user):
    return list(Notification.objects.filter(recipient=user, kind=KIND))


def test_no_reminder_before_the_month_set(settings_row, uncovered, discipline_officer):
    assert reminders.dispatch(datetime.date(2026, 9, 30)) == {}
    assert not Notification.objects.filter(kind=KIND).exists()


def test_each_officer_is_told_how_many_cadres_of_their_scope_are_uncovered(
    settings_row, uncovered, discipline_officer, district_discipline_officer
):
    made = reminders.dispatch(datetime.date(2026, 10, 1))

    assert made == {KIND: 2}
    [city] = reminders_of(discipline_officer)
    [district] = reminders_of(district_discipline_officer)
    assert city.title.startswith("2 ")
    assert district.title.startswith("1 ")
    assert district.url.endswith("/integrity/tracker/?year=2026")


def test_the_reminder_names_no_cadre(settings_row, uncovered, district_discipline_officer):
    reminders.dispatch(datetime.date(2026, 10, 1))

    [note] = reminders_of(district_discipline_officer)
    names = [cadre.name for cadre in uncovered["s1"].cadres.all()]
    assert not any(name in note.title + note.body for name in names)


def test_a_rerun_in_the_same_month_sends_nothing_twice_and_next_month_reminds_again(
    settings_row, uncovered, district_discipline_officer
):
    reminders.dispatch(datetime.date(2026, 10, 1))
    reminders.dispatch(datetime.date(2026, 10, 2))
    reminders.dispatch(datetime.date(2026, 10, 31))
    assert len(reminders_of(district_discipline_officer)) == 1

    reminders.dispatch(datetime.date(2026, 11, 1))
    assert len(reminders_of(district_discipline_officer)) == 2


def test_no_reminder_when_every_cadre_in_scope_is_covered(settings_row, tree, discipline_officer):
    officer = staff(Role.Kind.DISCIPLINE_OFFICER, tree["d2"])
    cadre = CadreFactory(union=tree["s2"])
    TalkFactory(cadre=cadre, recorder=discipline_officer, held_on=datetime.date(2026, 3, 1))
    CadreFactory(union=tree["s1"])  # outside district 2

    reminders.dispatch(datetime.date(2026, 11, 1))

    assert reminders_of(officer) == []
    assert len(reminders_of(discipline_officer)) == 1


def test_the_month_comes_from_the_settings(settings_row, uncovered, district_discipline_officer):
    settings_row.tracker_reminder_month = 12
    settings_row.save()

    assert reminders.dispatch(datetime.date(2026, 11, 15)) == {}
    reminders.dispatch(datetime.date(2026, 12, 1))

    assert len(reminders_of(district_discipline_officer)) == 1


def test_the_daily_run_includes_the_tracker(settings_row, uncovered, district_discipline_officer):
    from integrity.reminders import dispatch

    dispatch(datetime.date(2026, 10, 5))

    assert len(reminders_of(district_discipline_officer)) == 1


def test_the_run_takes_the_same_queries_for_many_officers(
    settings_row, uncovered, django_assert_max_num_queries, discipline_officer
):
    for node in ("d1", "d2", "s1", "s2", "g1", "g2", "ind", "g3"):
        staff(Role.Kind.DISCIPLINE_OFFICER, uncovered[node])

    # settings, officers, counts by node; the notifications: users, preferences, insert, pending; the
    # transaction's savepoints.
    with django_assert_max_num_queries(11):
        made = reminders.dispatch(datetime.date(2026, 10, 1))

    # Every officer whose subtree holds an uncovered cadre: the city, d1, d2, s1, s2 (g1's only cadre is covered).
    assert made == {KIND: 5}
