"""China's working days: weekends and public holidays are not, make-up working days (调休) on a weekend
are. The ``chinesecalendar`` package knows the years it was released with; the federation's own table
(``CalendarDay`` rows, and ``CalendarYear`` declaring a year complete) covers later years and corrects
any day. A day in a year known to neither raises ``UnknownYear``, naming the year to fill in.

Public notices (公示) count in these days: ``notice_period(published_on, n)`` gives the first and the last
working day of an n-working-day notice.
"""

import datetime as dt
from functools import lru_cache

import chinese_calendar
from django.utils.translation import gettext as _


class UnknownYear(Exception):
    def __init__(self, year: int) -> None:
        self.year = year
        super().__init__(
            _(
                "The working-day calendar of %(year)d is not known yet: a city admin fills in %(year)d's "
                "public holidays and make-up working days on the calendar page first."
            )
            % {"year": year}
        )


@lru_cache(maxsize=1)
def package_years() -> range:
    """The years the installed ``chinesecalendar`` release knows."""
    known = sorted({day.year for day in chinese_calendar.holidays} | {day.year for day in chinese_calendar.workdays})
    return range(known[0], known[-1] + 1)


def year_is_known(year: int) -> bool:
    from .models import CalendarYear

    return year in package_years() or CalendarYear.objects.filter(year=year).exists()


class Calendar:
    """Answers "is this a working day" for a span of days with one query for the overrides."""

    def __init__(self, start: dt.date, end: dt.date) -> None:
        from .models import CalendarDay, CalendarYear

        self._overrides = dict(CalendarDay.objects.filter(date__range=(start, end)).values_list("date", "is_workday"))
        self._declared = set(
            CalendarYear.objects.filter(year__range=(start.year, end.year)).values_list("year", flat=True)
        )

    def is_workday(self, day: dt.date) -> bool:
        if day in self._overrides:
            return self._overrides[day]
        if day.year in package_years():
            return chinese_calendar.is_workday(day)
        if day.year in self._declared:
            return day.weekday() < 5
        raise UnknownYear(day.year)


def is_workday(day: dt.date) -> bool:
    return Calendar(day, day).is_workday(day)


def notice_period(published_on: dt.date, working_days: int) -> tuple[dt.date, dt.date]:
    """The first and the last day of a notice of ``working_days`` working days published on
    ``published_on``: the first day is the publication date if that is a working day, else the next
    working day; the notice ends at the end of the last of its working days. Raises ``UnknownYear``
    for the first year on the way that no calendar knows."""
    if working_days < 1:
        raise ValueError("working_days must be at least 1")
    # Generous span: the longest run of days off in China is the 8-day National Day/Mid-Autumn break.
    horizon = published_on + dt.timedelta(days=working_days * 2 + 30)
    calendar = Calendar(published_on, horizon)
    day = published_on
    while not calendar.is_workday(day):
        day += dt.timedelta(days=1)
    first = day
    counted = 1
    while counted < working_days:
        day += dt.timedelta(days=1)
        if calendar.is_workday(day):
            counted += 1
    return first, day


def add_workdays(start: dt.date, working_days: int) -> dt.date:
    """The ``working_days``-th working day after ``start`` (deadlines counted in working days)."""
    calendar = Calendar(start, start + dt.timedelta(days=working_days * 2 + 30))
    day, counted = start, 0
    while counted < working_days:
        day += dt.timedelta(days=1)
        if calendar.is_workday(day):
            counted += 1
    return day
