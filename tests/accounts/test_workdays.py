"""Public notices in Chinese working days, against the State Council's published 2026 calendar.

Hand-checked against the 2026 notice (国办发明电〔2025〕7号):
- Spring Festival: Sun 15 – Mon 23 Feb off; Sat 14 Feb and Sat 28 Feb are make-up working days.
- National Day: Thu 1 – Wed 7 Oct off; Sat 10 Oct is a make-up working day (Sun 11 Oct is not).
The first day of a notice is its publication day if that is a working day, else the next working day;
it ends at the end of its Nth working day. 2027 is unknown to the installed package until a city admin
enters its days and declares it complete.
"""

import datetime as dt

import chinese_calendar
import pytest

from accounts.models import CalendarDay, CalendarYear
from accounts.workdays import UnknownYear, add_workdays, is_workday, notice_period, package_years

D = dt.date

pytestmark = pytest.mark.django_db


def test_the_package_knows_2026_as_the_state_council_published_it():
    # given the installed package: its last year is 2026
    assert 2026 in package_years()
    assert 2027 not in package_years()
    # the Spring Festival: 15–23 Feb off, the Saturdays 14 and 28 Feb worked
    assert [chinese_calendar.is_workday(D(2026, 2, day)) for day in range(14, 25)] == [True] + [False] * 9 + [True]
    assert chinese_calendar.is_workday(D(2026, 2, 28)) is True
    assert chinese_calendar.is_workday(D(2026, 3, 1)) is False
    # National Day: 1–7 Oct off, Saturday 10 Oct worked, Sunday 11 Oct not
    assert [chinese_calendar.is_workday(D(2026, 10, day)) for day in range(1, 8)] == [False] * 7
    assert [chinese_calendar.is_workday(D(2026, 10, day)) for day in (8, 9, 10, 11, 12)] == [
        True,
        True,
        True,
        False,
        True,
    ]


def test_notice_across_national_day_counts_the_make_up_saturday():
    # published Wed 30 Sep for 5 working days: 30 Sep, 8, 9, 10 (Sat, make-up), 12 Oct
    assert notice_period(D(2026, 9, 30), 5) == (D(2026, 9, 30), D(2026, 10, 12))


def test_notice_across_the_spring_festival():
    # published Fri 13 Feb: 13, 14 (Sat, make-up), then 24, 25, 26 Feb after the holiday
    assert notice_period(D(2026, 2, 13), 5) == (D(2026, 2, 13), D(2026, 2, 26))
    # seven days from Thu 12 Feb: 12, 13, 14, 24, 25, 26, 27
    assert notice_period(D(2026, 2, 12), 7) == (D(2026, 2, 12), D(2026, 2, 27))


def test_notice_published_on_a_holiday_starts_the_next_working_day():
    # published on Wed 18 Feb (Spring Festival): starts Tue 24 Feb; 24, 25, 26, 27, 28 (Sat, make-up)
    assert notice_period(D(2026, 2, 18), 5) == (D(2026, 2, 24), D(2026, 2, 28))
    # published on Thu 1 Oct (National Day): starts Thu 8 Oct; 8, 9, 10, 12, 13
    assert notice_period(D(2026, 10, 1), 5) == (D(2026, 10, 8), D(2026, 10, 13))


def test_notice_published_on_a_plain_weekend_starts_on_monday():
    # Sat 6 June 2026 is an ordinary weekend: starts Mon 8 June, ends Fri 12 June
    assert notice_period(D(2026, 6, 6), 5) == (D(2026, 6, 8), D(2026, 6, 12))


def test_notice_published_on_a_make_up_saturday_starts_that_day():
    # Sat 10 Oct is worked: 10, 12, 13, 14, 15 Oct
    assert notice_period(D(2026, 10, 10), 5) == (D(2026, 10, 10), D(2026, 10, 15))
    # Sat 28 Feb is worked: 28 Feb, 2, 3, 4, 5 Mar
    assert notice_period(D(2026, 2, 28), 5) == (D(2026, 2, 28), D(2026, 3, 5))


def test_notice_into_an_unknown_year_names_the_year():
    # Mon 28 Dec 2026: 28, 29, 30, 31 Dec, then 2027, which nobody has entered
    with pytest.raises(UnknownYear) as caught:
        notice_period(D(2026, 12, 28), 5)
    assert caught.value.year == 2027
    assert "2027" in str(caught.value)


def test_a_notice_wholly_in_the_known_year_is_not_refused():
    assert notice_period(D(2026, 12, 24), 5) == (D(2026, 12, 24), D(2026, 12, 30))


def test_after_a_city_admin_declares_2027_the_notice_runs_into_it(city_admin):
    # given 2027's New Year's Day entered as a day off and the year declared complete
    CalendarDay.objects.create(date=D(2027, 1, 1), is_workday=False, note="元旦", changed_by=city_admin)
    CalendarYear.objects.create(year=2027, declared_by=city_admin)
    # then: 28, 29, 30, 31 Dec; Fri 1 Jan off; Sat 2, Sun 3 weekend; Mon 4 Jan
    assert notice_period(D(2026, 12, 28), 5) == (D(2026, 12, 28), D(2027, 1, 4))


def test_days_entered_without_declaring_the_year_are_not_enough(city_admin):
    CalendarDay.objects.create(date=D(2027, 1, 1), is_workday=False, note="元旦", changed_by=city_admin)
    with pytest.raises(UnknownYear) as caught:
        notice_period(D(2026, 12, 28), 5)
    assert caught.value.year == 2027


def test_a_make_up_day_entered_in_a_declared_year_is_a_working_day(city_admin):
    # 2027's New Year's Day off and a make-up Saturday (an example entered by hand) after it
    CalendarDay.objects.create(date=D(2027, 1, 1), is_workday=False, note="元旦", changed_by=city_admin)
    CalendarDay.objects.create(date=D(2027, 1, 2), is_workday=True, note="调休上班", changed_by=city_admin)
    CalendarYear.objects.create(year=2027, declared_by=city_admin)
    assert is_workday(D(2027, 1, 2)) is True
    assert is_workday(D(2027, 1, 3)) is False
    # 30, 31 Dec; 1 Jan off; Sat 2 Jan worked; Sun 3 off; Mon 4, Tue 5
    assert notice_period(D(2026, 12, 30), 5) == (D(2026, 12, 30), D(2027, 1, 5))


def test_a_calendar_day_override_wins_over_the_package(city_admin):
    # given Wed 3 June 2026 made a day off by hand (a correction)
    assert notice_period(D(2026, 6, 1), 5) == (D(2026, 6, 1), D(2026, 6, 5))
    CalendarDay.objects.create(date=D(2026, 6, 3), is_workday=False, note="更正", changed_by=city_admin)
    # then the notice skips it and ends on Monday 8 June
    assert notice_period(D(2026, 6, 1), 5) == (D(2026, 6, 1), D(2026, 6, 8))
    # and a Saturday made a working day by hand counts
    CalendarDay.objects.create(date=D(2026, 6, 6), is_workday=True, note="调休上班", changed_by=city_admin)
    assert notice_period(D(2026, 6, 1), 5) == (D(2026, 6, 1), D(2026, 6, 6))


def test_working_day_deadlines_skip_the_holiday():
    # 3 working days after Wed 30 Sep: 8, 9, 10 Oct
    assert add_workdays(D(2026, 9, 30), 3) == D(2026, 10, 10)


def test_a_notice_needs_at_least_one_day():
    with pytest.raises(ValueError, match="at least 1"):
        notice_period(D(2026, 6, 1), 0)
