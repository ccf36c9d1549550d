"""Reminders of secondments ending and reports overdue: to the cadre and the nearest cadre officers,
once each however often the run is repeated, in a fixed number of queries."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from accounts.models import Notification
from cadres import kinds
from cadres.models import GrassrootsStay, Secondment
from cadres.reminders import postings as reminders
from unions.models import Role

from ..factories import UserFactory, staff
from .factories import CadreFactory

D = datetime.date
TODAY = D(2026, 12, 3)


@pytest.fixture
def street_officer(tree):
    """A cadre officer at street federation s1: the nearest level above g1 with any."""
    return staff(Role.Kind.CADRE_OFFICER, tree["s1"], username="cadre-s1")


def secondment(cadre, by, **fields) -> Secondment:
    values = {
        "host_name": "东城精密机械有限公司",
        "host_kind": "enterprise",
        "post_at_host": "总经理助理",
        "planned_start": D(2026, 6, 1),
        "planned_end": D(2026, 12, 31),
        "report_due_on": D(2027, 1, 30),
        "status": "active",
        **fields,
    }
    return Secondment.objects.create(cadre=cadre, created_by=by, **values)


def notes(kind):
    return sorted(Notification.objects.filter(kind=kind).values_list("recipient__username", "title"))


def test_a_secondment_ending_within_30_days_reminds_the_cadre_and_the_nearest_officers_once(
    tree, cadre, street_officer, district_cadre_officer, cadre_officer
):
    # given the cadre's secondment ends in 28 days; others end later, ended already, or are only planned
    ending = secondment(cadre, street_officer)
    secondment(CadreFactory(union=tree["s1"]), street_officer, planned_end=D(2027, 1, 3))  # in 31 days
    secondment(CadreFactory(union=tree["s1"]), street_officer, planned_end=D(2026, 12, 2))  # yesterday
    secondment(CadreFactory(union=tree["s1"]), street_officer, status="planned")

    # when the daily run goes twice
    first = reminders.dispatch(TODAY)
    second = reminders.dispatch(TODAY)

    # then the cadre and s1's officer (the nearest level with any, not d1's or the city's) once each
    assert first[kinds.REMINDER_SECONDMENT_ENDING] == 2
    sent = notes(kinds.REMINDER_SECONDMENT_ENDING)
    assert [who for who, _title in sent] == ["cadre-s1", "cadre-self"]
    assert second.get(kinds.REMINDER_SECONDMENT_ENDING) == 2  # offered again, made once
    assert Notification.objects.filter(kind=kinds.REMINDER_SECONDMENT_ENDING).count() == 2
    note = Notification.objects.get(recipient=cadre.user)
    assert "东城精密机械有限公司" in note.title and note.url.endswith(f"/my/cadre/secondments/{ending.pk}/")
    # a later planned end is a new reminder
    Secondment.objects.filter(pk=ending.pk).update(planned_end=D(2026, 12, 20))
    reminders.dispatch(TODAY)
    assert Notification.objects.filter(kind=kinds.REMINDER_SECONDMENT_ENDING).count() == 4


def test_an_overdue_report_of_a_secondment_or_a_stay_is_reminded_once(
    tree, cadre, district_cadre_officer, cadre_officer
):
    # no officer at s1: district 1's is the nearest
    late = secondment(
        cadre, district_cadre_officer, status="report_due", planned_end=D(2026, 10, 31), report_due_on=D(2026, 11, 30)
    )
    handed_in = secondment(
        CadreFactory(union=tree["s1"]),
        district_cadre_officer,
        status="report_due",
        planned_end=D(2026, 10, 31),
        report_due_on=D(2026, 11, 30),
    )
    Secondment.objects.filter(pk=handed_in.pk).update(
        report_submitted_at=datetime.datetime(2026, 11, 1, tzinfo=datetime.UTC)
    )
    GrassrootsStay.objects.create(
        cadre=cadre,
        employer_name="东城区快递物流园",
        starts_on=D(2026, 9, 1),
        ends_on=D(2026, 9, 30),
        report_due_on=D(2026, 10, 30),
        status="report_due",
        created_by=district_cadre_officer,
    )
    GrassrootsStay.objects.create(  # due today: not overdue yet
        cadre=CadreFactory(union=tree["s1"]),
        employer_name="别处",
        starts_on=D(2026, 10, 1),
        ends_on=D(2026, 10, 31),
        report_due_on=TODAY,
        status="report_due",
        created_by=district_cadre_officer,
    )

    made = reminders.dispatch(TODAY)
    reminders.dispatch(TODAY)

    assert made[kinds.REMINDER_REPORT_OVERDUE] == 4
    sent = notes(kinds.REMINDER_REPORT_OVERDUE)
    assert [who for who, _title in sent] == ["cadre-d1", "cadre-d1", "cadre-self", "cadre-self"]
    assert any("东城区快递物流园" in title for _who, title in sent)
    keys = set(Notification.objects.values_list("dedupe_key", flat=True))
    assert f"{kinds.REMINDER_REPORT_OVERDUE}:secondment:{late.pk}:2026-11-30" in keys


def test_the_run_takes_the_same_number_of_queries_for_one_due_item_or_many(tree, street_officer):
    def run() -> int:
        Notification.objects.all().delete()
        with CaptureQueriesContext(connection) as queries:
            reminders.dispatch(TODAY)
        return len(queries.captured_queries)

    secondment(CadreFactory(union=tree["s1"], user=UserFactory()), street_officer)
    one = run()
    for _ in range(15):
        secondment(CadreFactory(union=tree["g1"], user=UserFactory()), street_officer)
    assert run() == one
