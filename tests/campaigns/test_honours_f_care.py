"""Model workers' care: what is owed in a year (due, done, overdue) around the 2026 Spring Festival holiday
(15–23 February; the festival itself is 17 February) and National Day, hardship-only care, revoked
honours, a person holding two caring honours, and recording care once per care per year."""

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from accounts.models import AuditEvent, CalendarDay
from campaigns import kinds
from campaigns.care import (
    DONE,
    DUE,
    OVERDUE,
    care_due,
    care_due_soon,
    festival_ahead,
    filter_rows,
    spring_festival_start,
    totals,
)
from campaigns.models import CareRecord, Honour
from campaigns.services.care import care_record

from .honour_factories import HonourFactory, honour_kind

CRAFTSMAN = "工匠"
pytestmark = pytest.mark.django_db


def lines_of(honours, year, today):
    rows = care_due(honours=honours, year=year, today=today)
    return {(row.person_key, line.care): line for row in rows for line in row.lines}


def line(honour, care, year=2026, today=dt.date(2026, 2, 14)):
    return lines_of(Honour.objects.filter(pk=honour.pk), year, today).get((honour.person_key, care))


@pytest.fixture
def worker(tree, city_staff):
    """A city 劳动模范 of 2025 in g1 (district 1)."""
    return HonourFactory(union=tree["g1"], created_by=city_staff, holder_name="李劳模")


def deliver(honour, care, on, by, amount=None, year=2026):
    return care_record(
        honour=honour, care=care, year=year, delivered_on=on, delivered_by="工会主席张三", amount=amount, by=by
    )


def test_the_spring_festival_holiday_of_2026_begins_on_15_february():
    assert spring_festival_start(2026) == (dt.date(2026, 2, 15), False)
    assert spring_festival_start(2025) == (dt.date(2025, 1, 28), False)


def test_an_unknown_year_approximates_1_february_unless_the_federation_entered_its_spring_festival(city_admin):
    assert spring_festival_start(2031) == (dt.date(2031, 2, 1), True)
    CalendarDay.objects.create(date=dt.date(2031, 1, 22), is_workday=False, note="春节", changed_by=city_admin)
    CalendarDay.objects.create(date=dt.date(2031, 1, 18), is_workday=True, note="调休上班", changed_by=city_admin)
    assert spring_festival_start(2031) == (dt.date(2031, 1, 22), False)


def test_spring_festival_visit_is_due_before_the_holiday_overdue_after_and_done_once_recorded(worker, clerk1):
    before = line(worker, "spring_festival_visit", today=dt.date(2026, 2, 14))
    assert before.state == DUE and before.due_by == dt.date(2026, 2, 15) and before.amount == Decimal("1000.00")
    assert line(worker, "spring_festival_visit", today=dt.date(2026, 2, 15)).state == DUE  # the day itself
    assert line(worker, "spring_festival_visit", today=dt.date(2026, 2, 17)).state == OVERDUE  # 春节 itself: late
    deliver(worker, "spring_festival_visit", dt.date(2026, 2, 10), clerk1, amount=Decimal("1000"))
    done = line(worker, "spring_festival_visit", today=dt.date(2026, 3, 1))
    assert done.state == DONE and done.record.delivered_on == dt.date(2026, 2, 10)
    assert done.record.delivered_by == "工会主席张三" and done.record.amount == Decimal("1000.00")


def test_national_day_and_may_day_visits_and_the_year_end_care(worker):
    national = line(worker, "national_day_visit", today=dt.date(2026, 9, 30))
    assert national.state == DUE and national.due_by == dt.date(2026, 10, 1)
    assert line(worker, "national_day_visit", today=dt.date(2026, 10, 1)).state == DUE
    assert line(worker, "national_day_visit", today=dt.date(2026, 10, 2)).state == OVERDUE
    assert line(worker, "may_day_visit", today=dt.date(2026, 5, 2)).state == OVERDUE
    check = line(worker, "health_check", today=dt.date(2026, 10, 2))
    assert check.state == DUE and check.due_by == dt.date(2026, 12, 31)
    assert line(worker, "recuperation", today=dt.date(2027, 1, 1)).state == OVERDUE


def test_the_hardship_allowance_goes_only_to_holders_in_hardship(worker, tree, city_staff):
    assert line(worker, "hardship_allowance") is None
    poor = HonourFactory(union=tree["g1"], created_by=city_staff, in_hardship=True)
    allowance = line(poor, "hardship_allowance")
    assert allowance.state == DUE and allowance.amount == Decimal("3000.00")


def test_a_revoked_honour_drops_out_of_the_care(worker, city_staff):
    assert line(worker, "health_check") is not None
    worker.revoked_at, worker.revoke_reason, worker.revoked_by = (
        dt.datetime(2026, 3, 1, tzinfo=dt.UTC),
        "弄虚作假",
        city_staff,
    )
    worker.save()
    assert care_due(honours=Honour.objects.all(), year=2026, today=dt.date(2026, 3, 2)) == []


def test_a_kind_without_care_brings_none(tree, city_staff):
    medal = HonourFactory(union=tree["g1"], created_by=city_staff, kind=honour_kind("五一劳动奖章"))
    assert care_due(honours=Honour.objects.filter(pk=medal.pk), year=2026, today=dt.date(2026, 2, 1)) == []


def test_a_person_holding_two_caring_honours_gets_each_care_once_at_the_higher_amount(worker, tree, city_staff, clerk1):
    # given the same person as a craftsman too (工匠: Spring Festival visit 800 yuan, against 1,000)
    craftsman = HonourFactory(
        union=tree["g1"],
        created_by=city_staff,
        kind=honour_kind(CRAFTSMAN),
        person_key=worker.person_key,
        holder_name=worker.holder_name,
        level=Honour.Level.PROVINCIAL,
        number="RY2024-99999",
        year=2024,
        decided_on=dt.date(2024, 4, 28),
    )
    rows = care_due(honours=Honour.objects.all(), year=2026, today=dt.date(2026, 2, 1))
    assert len(rows) == 1
    cares = [item.care for item in rows[0].lines]
    assert cares.count("spring_festival_visit") == 1 and len(cares) == len(set(cares))
    visit = next(item for item in rows[0].lines if item.care == "spring_festival_visit")
    assert visit.amount == Decimal("1000.00")
    assert rows[0].honour == craftsman  # the provincial honour ranks first
    # when the visit is recorded on the craftsman's honour, the model worker's is done too
    deliver(craftsman, "spring_festival_visit", dt.date(2026, 1, 30), clerk1, amount=Decimal("1000"))
    assert line(worker, "spring_festival_visit", today=dt.date(2026, 2, 1)).state == DONE
    with pytest.raises(ValidationError, match="already recorded"):
        deliver(worker, "spring_festival_visit", dt.date(2026, 2, 2), clerk1, amount=Decimal("1000"))
    assert CareRecord.objects.count() == 1


def test_care_falls_due_only_after_the_honour_was_conferred(tree, city_staff):
    new = HonourFactory(union=tree["g1"], created_by=city_staff, year=2026, decided_on=dt.date(2026, 4, 28))
    cares = {item.care for item in lines_of(Honour.objects.all(), 2026, dt.date(2026, 5, 2)).values()}
    assert "spring_festival_visit" not in cares and {"may_day_visit", "national_day_visit", "health_check"} <= cares
    assert care_due(honours=Honour.objects.filter(pk=new.pk), year=2025, today=dt.date(2025, 5, 2)) == []


def test_one_record_per_care_per_year_the_second_refused_with_a_message(worker, clerk1):
    deliver(worker, "health_check", dt.date(2026, 3, 3), clerk1)
    with pytest.raises(ValidationError) as refused:
        deliver(worker, "health_check", dt.date(2026, 6, 3), clerk1)
    assert "Yearly health check of 2026 was already recorded for 李劳模: delivered on 2026-03-03" in str(refused.value)
    deliver(worker, "health_check", dt.date(2025, 6, 3), clerk1, year=2025)  # last year's is another record
    assert CareRecord.objects.filter(honour=worker).count() == 2


def test_amount_rules(worker, tree, city_staff, clerk1):
    with pytest.raises(ValidationError, match="Give the amount delivered for Spring Festival visit"):
        deliver(worker, "spring_festival_visit", dt.date(2026, 2, 1), clerk1)
    with pytest.raises(ValidationError, match="more than 0"):
        deliver(worker, "spring_festival_visit", dt.date(2026, 2, 1), clerk1, amount=Decimal("0"))
    poor = HonourFactory(union=tree["g1"], created_by=city_staff, in_hardship=True)
    with pytest.raises(ValidationError, match="Give the amount delivered for Hardship allowance"):
        deliver(poor, "hardship_allowance", dt.date(2026, 3, 1), clerk1)
    assert CareRecord.objects.count() == 0
    deliver(poor, "hardship_allowance", dt.date(2026, 3, 1), clerk1, amount=Decimal("3000"))
    deliver(worker, "recuperation", dt.date(2026, 7, 1), clerk1)  # no money: no amount needed
    with pytest.raises(ValidationError, match="not entitled to Hardship allowance"):
        deliver(worker, "hardship_allowance", dt.date(2026, 3, 1), clerk1, amount=Decimal("3000"))


def test_recording_is_audited_and_checks_dates_and_scope(worker, clerk1, clerk2):
    with pytest.raises(ValidationError, match="may not record care"):
        deliver(worker, "health_check", dt.date(2026, 3, 3), clerk2)
    with pytest.raises(ValidationError, match="in the future"):
        deliver(worker, "health_check", dt.date(2099, 3, 3), clerk1)
    with pytest.raises(ValidationError, match="Care of 2026 is delivered in 2026"):
        deliver(worker, "health_check", dt.date(2024, 3, 3), clerk1)
    with pytest.raises(ValidationError, match="between 2025"):
        deliver(worker, "health_check", dt.date(2024, 3, 3), clerk1, year=2024)
    created = deliver(worker, "health_check", dt.date(2026, 3, 3), clerk1)
    event = AuditEvent.objects.get(action=kinds.CARE_RECORDED)
    assert event.target_id == str(created.pk) and event.actor == clerk1 and event.union_id == worker.union_id


def test_filters_and_totals(worker, tree, city_staff, clerk1):
    HonourFactory(union=tree["g2"], created_by=city_staff, in_hardship=True)
    deliver(worker, "spring_festival_visit", dt.date(2026, 2, 1), clerk1, amount=Decimal("1200"))
    rows = care_due(honours=Honour.objects.all(), year=2026, today=dt.date(2026, 5, 2))
    summary = totals(rows)
    # 李劳模: 5 cares (1 done, may day overdue, 3 due); the other: 6 (spring festival + may day overdue, 4 due)
    assert summary == {"people": 2, "due": 7, "overdue": 3, "done": 1, "amount": Decimal("1200.00")}
    late = filter_rows(rows, state=OVERDUE)
    assert totals(late)["people"] == 2 and totals(late)["due"] == 0
    visits = filter_rows(rows, care="spring_festival_visit", state=DONE)
    assert [row.holder_name for row in visits] == ["李劳模"]


def test_care_due_soon_and_the_festival_ahead(worker, tree, city_staff):
    assert festival_ahead(dt.date(2026, 2, 5)) == ("spring_festival_visit", dt.date(2026, 2, 15))
    assert festival_ahead(dt.date(2026, 9, 20)) == ("national_day_visit", dt.date(2026, 10, 1))
    assert festival_ahead(dt.date(2026, 7, 1)) is None
    soon = care_due_soon(today=dt.date(2026, 2, 5))
    assert [(item.holder_name, item.care, item.due_by) for item in soon] == [
        ("李劳模", "spring_festival_visit", dt.date(2026, 2, 15))
    ]
    assert soon[0].honour.union == tree["g1"]
    assert care_due_soon(today=dt.date(2026, 1, 1)) == []
    assert [item.care for item in care_due_soon(today=dt.date(2026, 12, 20))] == [
        "health_check",
        "recuperation",
    ]


def test_three_queries_whatever_the_number_of_holders(tree, city_staff, django_assert_num_queries):
    for n in range(60):
        HonourFactory(union=tree["g1" if n % 2 else "g3"], created_by=city_staff, in_hardship=n % 5 == 0)
    with django_assert_num_queries(3):
        rows = care_due(honours=Honour.objects.all(), year=2026, today=dt.date(2026, 6, 1))
    assert len(rows) == 60


def test_the_most_recent_honours_union_visits_a_person_who_moved(worker, tree, city_staff):
    # given the 2025 model worker of g1 is a craftsman of 2026 in g3 now (same person)
    HonourFactory(
        union=tree["g3"],
        created_by=city_staff,
        kind=honour_kind(CRAFTSMAN),
        person_key=worker.person_key,
        year=2026,
        decided_on=dt.date(2026, 1, 10),
        number="RY2026-88888",
    )
    rows = care_due(honours=Honour.objects.all(), year=2026, today=dt.date(2026, 2, 5))
    assert len(rows) == 1 and rows[0].union == tree["g3"]
    visit = next(item for item in rows[0].lines if item.care == "spring_festival_visit")
    assert visit.source == worker and visit.amount == Decimal("1000.00")  # the model worker's amount
    assert [item.honour.union for item in care_due_soon(today=dt.date(2026, 2, 5))] == [tree["g3"]]
