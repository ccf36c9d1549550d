"""The federation's own working-day calendar (``accounts.CalendarDay``, ``accounts.CalendarYear``), kept by
city admins: a day entered or corrected wins over the ``chinesecalendar`` package; a year the package
does not know is declared complete once its public holidays and make-up working days (调休) are in, and
public notices may then run into it (``accounts.workdays``).
"""

import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.audit import record
from accounts.models import CalendarDay, CalendarYear
from accounts.workdays import package_years

from .. import kinds
from ..honour_permissions import can_keep_calendar

NOTE_MAX = 50
# Years a city admin may keep: the State Council announces next year's calendar each November.
YEARS_BACK, YEARS_AHEAD = 5, 2


def keepable_years(today: datetime.date | None = None) -> range:
    today = today or timezone.localdate()
    return range(today.year - YEARS_BACK, today.year + YEARS_AHEAD + 1)


def _check_year(year: int) -> None:
    if year not in keepable_years():
        raise ValidationError(
            _("The calendar is kept for %(first)d to %(last)d.")
            % {"first": keepable_years()[0], "last": keepable_years()[-1]}
        )


@transaction.atomic
def calendar_day_set(*, date: datetime.date, is_workday: bool, note: str = "", by) -> CalendarDay:
    """Enter or correct one day: a working day or a day off, with its note (the holiday's name, or 调休)."""
    if not can_keep_calendar(by):
        raise PermissionDenied
    if not isinstance(date, datetime.date):
        raise ValidationError(_("Give the date."))
    _check_year(date.year)
    note = (note or "").strip()
    if len(note) > NOTE_MAX:
        raise ValidationError(_("The note is too long: at most %(max)d characters.") % {"max": NOTE_MAX})
    day = CalendarDay.objects.select_for_update().filter(date=date).first()
    before = None if day is None else {"is_workday": day.is_workday, "note": day.note}
    if day is None:
        day = CalendarDay.objects.create(date=date, is_workday=is_workday, note=note, changed_by=by)
    else:
        day.is_workday, day.note, day.changed_by, day.changed_at = is_workday, note, by, timezone.now()
        day.save(update_fields=["is_workday", "note", "changed_by", "changed_at"])
    record(
        kinds.CALENDAR_CHANGED,
        actor=by,
        target=day,
        detail={"date": f"{date:%Y-%m-%d}", "is_workday": is_workday, "note": note, "before": before},
    )
    return day


@transaction.atomic
def calendar_day_clear(*, date: datetime.date, by) -> None:
    """Take a day's entry away: the package (or the weekend rule of a declared year) says again."""
    if not can_keep_calendar(by):
        raise PermissionDenied
    day = CalendarDay.objects.select_for_update().filter(date=date).first()
    if day is None:
        return
    before = {"is_workday": day.is_workday, "note": day.note}
    day.delete()
    record(
        kinds.CALENDAR_CHANGED,
        actor=by,
        detail={"date": f"{date:%Y-%m-%d}", "cleared": True, "before": before},
    )


def holidays_entered(year: int) -> int:
    """Days off on a weekday entered for the year: the public holidays (a weekend is off anyway)."""
    return sum(
        1
        for date in CalendarDay.objects.filter(date__year=year, is_workday=False).values_list("date", flat=True)
        if date.weekday() < 5
    )


@transaction.atomic
def calendar_year_declare(*, year: int, by) -> CalendarYear:
    """Declare a year complete: its public holidays and make-up working days are entered, so notices may
    run into it. Refused for a year the package knows (nothing to declare), twice, or with no holiday."""
    if not can_keep_calendar(by):
        raise PermissionDenied
    _check_year(year)
    if year in package_years():
        raise ValidationError(
            _("%(year)d is known from the State Council's published calendar: nothing to declare.") % {"year": year}
        )
    if CalendarYear.objects.select_for_update().filter(year=year).exists():
        raise ValidationError(_("%(year)d is already declared complete.") % {"year": year})
    if not holidays_entered(year):
        raise ValidationError(
            _("Enter %(year)d's public holidays first: no weekday off is entered for %(year)d yet.") % {"year": year}
        )
    declared = CalendarYear.objects.create(year=year, declared_by=by)
    record(kinds.CALENDAR_CHANGED, actor=by, target=declared, detail={"year": year, "declared": True})
    return declared
