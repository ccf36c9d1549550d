"""The honours' reminders, once each: reviews due with nominations waiting, a notice ending tomorrow,
objections open two working days, model workers' festival care, next year's working-day calendar from
1 December."""

import datetime
import zoneinfo

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import translation

from accounts.models import CalendarYear, Notification
from campaigns import kinds
from campaigns.models import CareEntitlement, CareRecord, Nomination, Objection, Round
from campaigns.reminders import PARTS, honours
from unions.models import Role

from ..factories import staff
from .honour_factories import HonourFactory, NominationFactory, NoticeFactory, honour_kind

pytestmark = pytest.mark.django_db

SHANGHAI = zoneinfo.ZoneInfo("Asia/Shanghai")


def notes(kind):
    return sorted(Notification.objects.filter(kind=kind).values_list("recipient__username", "title"))


def at(day: datetime.date, hour: int = 10) -> datetime.datetime:
    return datetime.datetime(day.year, day.month, day.day, hour, tzinfo=SHANGHAI)


def test_the_honours_part_runs_with_the_daily_campaigns_reminders():
    assert "honours" in PARTS


# --- reviews due -------------------------------------------------------------------------------------
@pytest.fixture
def waiting(tree, honour_round, clerk1, city_staff):
    """Two submitted in district 1, one passed there and not yet forwarded, one forwarded to the city,
    one draft (not waiting). First review due 15 April, second 30 April."""
    made = {}
    for name, status, union, first in (
        ("甲", "submitted", tree["g1"], tree["d1"]),
        ("乙", "submitted", tree["g1"], tree["d1"]),
        ("丙", "first_passed", tree["g1"], tree["d1"]),
        ("丁", "forwarded", tree["g2"], tree["d2"]),
        ("戊", "draft", tree["g1"], tree["d1"]),
    ):
        made[name] = NominationFactory(
            round=honour_round, union=union, first_node=first, created_by=clerk1, nominee_name=name, status=status
        )
    return made


def test_a_first_review_due_within_three_days_reminds_the_levels_staff_once(
    tree, waiting, organiser, other_district_staff, city_staff, clerk1
):
    above = staff(Role.Kind.FEDERATION_STAFF, tree["s1"], username="staff-s1")  # below the level: not told
    assert honours.dispatch(datetime.date(2026, 4, 11)) == {}  # four days ahead: not yet
    first = honours.dispatch(datetime.date(2026, 4, 12))
    again = honours.dispatch(datetime.date(2026, 4, 13))
    assert first == {kinds.REMINDER_REVIEW_DUE: 1} and again == {kinds.REMINDER_REVIEW_DUE: 1}
    rows = notes(kinds.REMINDER_REVIEW_DUE)
    assert len(rows) == 1 and rows[0][0] == organiser.username  # made once: the re-run made nothing new
    assert "3" in rows[0][1] and "2026年度市劳动模范评选" in rows[0][1]
    assert not Notification.objects.filter(recipient__in=[above, other_district_staff, city_staff, clerk1]).exists()


def test_a_second_review_due_reminds_the_organisers_staff_of_the_forwarded(waiting, city_staff, organiser):
    made = honours.dispatch(datetime.date(2026, 4, 28))
    assert made == {kinds.REMINDER_REVIEW_DUE: 1}
    rows = notes(kinds.REMINDER_REVIEW_DUE)
    assert [row[0] for row in rows] == [city_staff.username] and "1" in rows[0][1]


def test_no_review_reminder_when_nothing_waits_or_the_round_is_past_review(honour_round, waiting, organiser):
    Round.objects.filter(pk=honour_round.pk).update(status=Round.Status.NOTICE)
    assert honours.dispatch(datetime.date(2026, 4, 13)) == {}
    Round.objects.filter(pk=honour_round.pk).update(status=Round.Status.REVIEWING)
    Nomination.objects.filter(status__in=["submitted", "first_passed"]).update(status="returned")
    assert honours.dispatch(datetime.date(2026, 4, 13)) == {}


# --- the notice ending tomorrow ----------------------------------------------------------------------
def test_a_notice_ending_tomorrow_reminds_the_organisers_staff_once(honour_round, city_staff, organiser):
    notice = NoticeFactory(round=honour_round, published_by=city_staff)  # 1–5 June 2026
    assert honours.dispatch(datetime.date(2026, 6, 3)) == {}
    with translation.override("zh-hans"):  # the daily run speaks the portal's language
        assert honours.dispatch(datetime.date(2026, 6, 4)) == {kinds.REMINDER_NOTICE_ENDING: 1}
    honours.dispatch(datetime.date(2026, 6, 4))
    assert honours.dispatch(datetime.date(2026, 6, 5)) == {}
    rows = notes(kinds.REMINDER_NOTICE_ENDING)
    assert len(rows) == 1 and rows[0][0] == city_staff.username and notice.title in rows[0][1]
    assert "将于明天" in rows[0][1]
    assert Notification.objects.get(kind=kinds.REMINDER_NOTICE_ENDING).url == f"/campaigns/honours/notices/{notice.pk}/"


# --- objections open ---------------------------------------------------------------------------------
@pytest.fixture
def objection(honour_round, city_staff, clerk1, tree):
    notice = NoticeFactory(round=honour_round, published_by=city_staff)
    nominee = NominationFactory(
        round=honour_round,
        union=tree["g1"],
        first_node=tree["d1"],
        created_by=clerk1,
        nominee_name="被异议人",
        status="notice",
        notice=notice,
    )
    # Received on Thursday 4 June 2026 (the weekend of 6–7 June is not working days).
    return Objection.objects.create(
        notice=notice,
        nomination=nominee,
        objector_name="异议人",
        objector_mobile="x",
        facts="事实",
        received_at=at(datetime.date(2026, 6, 4)),
    )


def test_an_objection_open_two_working_days_reminds_the_organisers_staff_once_per_state(
    objection, city_staff, organiser
):
    # Friday 5 June is one working day, Monday 8 June the second.
    honours.dispatch(datetime.date(2026, 6, 5))
    honours.dispatch(datetime.date(2026, 6, 7))  # Sunday: still one working day
    assert Notification.objects.filter(kind=kinds.REMINDER_OBJECTION_OPEN).count() == 0
    honours.dispatch(datetime.date(2026, 6, 8))
    honours.dispatch(datetime.date(2026, 6, 9))
    rows = notes(kinds.REMINDER_OBJECTION_OPEN)
    assert len(rows) == 1 and rows[0][0] == city_staff.username and "被异议人" in rows[0][1]
    # Assigned on the 9th: a new state, reminded again two working days later, once.
    Objection.objects.filter(pk=objection.pk).update(status="assigned", assigned_at=at(datetime.date(2026, 6, 9)))
    honours.dispatch(datetime.date(2026, 6, 10))
    assert Notification.objects.filter(kind=kinds.REMINDER_OBJECTION_OPEN).count() == 1
    honours.dispatch(datetime.date(2026, 6, 11))
    honours.dispatch(datetime.date(2026, 6, 12))
    assert Notification.objects.filter(kind=kinds.REMINDER_OBJECTION_OPEN).count() == 2
    # Closed: nothing more.
    Objection.objects.filter(pk=objection.pk).update(status="dismissed")
    honours.dispatch(datetime.date(2026, 6, 30))
    assert Notification.objects.filter(kind=kinds.REMINDER_OBJECTION_OPEN).count() == 2
    assert not Notification.objects.filter(recipient=organiser).exists()


def test_objection_age_counts_working_days_across_a_holiday(objection, city_staff):
    # Received Wednesday 30 September 2026: 1–7 October is the National Day holiday, Saturday 10 October a
    # make-up working day (2026 calendar): the second working day after it is 9 October.
    Objection.objects.filter(pk=objection.pk).update(received_at=at(datetime.date(2026, 9, 30)))
    honours.dispatch(datetime.date(2026, 10, 7))
    assert Notification.objects.filter(kind=kinds.REMINDER_OBJECTION_OPEN).count() == 0
    honours.dispatch(datetime.date(2026, 10, 8))
    assert Notification.objects.filter(kind=kinds.REMINDER_OBJECTION_OPEN).count() == 0
    honours.dispatch(datetime.date(2026, 10, 9))
    assert Notification.objects.filter(kind=kinds.REMINDER_OBJECTION_OPEN).count() == 1


# --- model workers' care -----------------------------------------------------------------------------
@pytest.fixture
def model_workers(tree, city_staff):
    kind = honour_kind()
    kind.grants_care = True
    kind.save()
    CareEntitlement.objects.get_or_create(kind=kind, care=CareEntitlement.Care.NATIONAL_DAY_VISIT)
    CareEntitlement.objects.get_or_create(kind=kind, care=CareEntitlement.Care.HEALTH_CHECK)
    return [
        HonourFactory(union=tree["g1"], created_by=city_staff, holder_name="劳模甲", person_key="pa"),
        HonourFactory(union=tree["g1"], created_by=city_staff, holder_name="劳模乙", person_key="pb"),
        HonourFactory(union=tree["g2"], created_by=city_staff, holder_name="劳模丙", person_key="pc"),
    ]


def test_festival_care_due_within_two_weeks_reminds_the_holders_union_clerks_once(
    model_workers, clerk1, clerk2, city_staff, organiser
):
    assert kinds.REMINDER_CARE_DUE not in honours.dispatch(datetime.date(2026, 9, 16))  # 15 days ahead
    CareRecord.objects.create(
        honour=model_workers[1],
        care=CareEntitlement.Care.NATIONAL_DAY_VISIT,
        year=2026,
        delivered_on=datetime.date(2026, 9, 10),
        delivered_by="东城机械厂工会",
        recorded_by=clerk1,
    )
    first = honours.dispatch(datetime.date(2026, 9, 17))
    honours.dispatch(datetime.date(2026, 9, 18))
    assert first[kinds.REMINDER_CARE_DUE] == 2  # g1's clerk (劳模甲 only: 乙 was visited), g2's clerk
    rows = notes(kinds.REMINDER_CARE_DUE)
    assert [row[0] for row in rows] == sorted([clerk1.username, clerk2.username])
    body = Notification.objects.get(recipient=clerk1, kind=kinds.REMINDER_CARE_DUE).body
    assert "劳模甲" in body and "劳模乙" not in body and "劳模丙" not in body
    assert not Notification.objects.filter(recipient__in=[city_staff, organiser]).exists()


def test_a_revoked_honour_is_not_reminded_of(model_workers, clerk1, city_staff):
    for honour in model_workers:
        honour.revoked_at = at(datetime.date(2026, 5, 1))
        honour.save()
    assert kinds.REMINDER_CARE_DUE not in honours.dispatch(datetime.date(2026, 9, 20))


# --- next year's calendar ----------------------------------------------------------------------------
def test_the_calendar_reminder_comes_only_from_1_december_and_only_when_next_year_is_unknown(
    tree, city_admin, city_staff
):
    other_admin = staff(Role.Kind.CITY_ADMIN, tree["city"], username="cityadmin2")
    # 2027 is past the chinesecalendar release: unknown until a city admin declares it.
    assert honours.dispatch(datetime.date(2026, 11, 30)) == {}
    with translation.override("zh-hans"):
        assert honours.dispatch(datetime.date(2026, 12, 1)) == {kinds.REMINDER_CALENDAR_MISSING: 2}
    honours.dispatch(datetime.date(2026, 12, 2))
    honours.dispatch(datetime.date(2026, 12, 31))
    rows = notes(kinds.REMINDER_CALENDAR_MISSING)
    assert [row[0] for row in rows] == sorted([city_admin.username, other_admin.username])  # once each
    assert rows[0][1] == "2027年工作日历尚未录入"
    assert Notification.objects.get(recipient=city_admin).url == "/campaigns/honours/calendar/2027/"
    assert not Notification.objects.filter(recipient=city_staff).exists()


def test_no_calendar_reminder_once_next_year_is_filled_in(tree, city_admin):
    CalendarYear.objects.create(year=2027, declared_by=city_admin)
    assert honours.dispatch(datetime.date(2026, 12, 1)) == {}
    # Next year known to the package: no reminder either.
    assert honours.dispatch(datetime.date(2025, 12, 1)) == {}


# --- a fixed number of queries -----------------------------------------------------------------------
def _everything(tree, honour_round, city_staff, clerk1, n: int):
    notice = NoticeFactory(round=honour_round, published_by=city_staff)
    for i in range(n):
        for status in ("submitted", "forwarded"):
            NominationFactory(
                round=honour_round, union=tree["g1"], first_node=tree["d1"], created_by=clerk1, status=status
            )
        nominee = NominationFactory(
            round=honour_round,
            union=tree["g1"],
            first_node=tree["d1"],
            created_by=clerk1,
            status="notice",
            notice=notice,
        )
        Objection.objects.create(
            notice=notice,
            nomination=nominee,
            objector_name="异议人",
            objector_mobile="x",
            facts="事实",
            received_at=at(datetime.date(2026, 4, 1)),
        )
        HonourFactory(union=tree["g1"] if i % 2 else tree["g2"], created_by=city_staff)
    return notice


def _queries(today) -> int:
    with CaptureQueriesContext(connection) as captured:
        honours.dispatch(today)
    return len(captured)


def test_the_run_takes_a_fixed_number_of_queries(tree, honour_round, city_staff, clerk1, clerk2, organiser):
    kind = honour_kind()
    kind.grants_care = True
    kind.save()
    CareEntitlement.objects.get_or_create(kind=kind, care=CareEntitlement.Care.MAY_DAY_VISIT)
    # 28 April 2026: the first review is past, the second due in two days, the May Day visit in three.
    Round.objects.filter(pk=honour_round.pk).update(first_review_due=datetime.date(2026, 4, 29))
    _everything(tree, honour_round, city_staff, clerk1, 2)
    small = _queries(datetime.date(2026, 4, 28))
    made = Notification.objects.count()
    assert made > 3
    Notification.objects.all().delete()
    _everything(tree, honour_round, city_staff, clerk1, 6)
    assert _queries(datetime.date(2026, 4, 28)) == small
    assert set(Notification.objects.values_list("kind", flat=True)) == {
        kinds.REMINDER_REVIEW_DUE,
        kinds.REMINDER_OBJECTION_OPEN,
        kinds.REMINDER_CARE_DUE,
    }
