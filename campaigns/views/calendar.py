"""The working-day calendar, for city admins only (anyone else: 404): the years it covers and how, a
year's months with its working days, days off, public holidays and make-up working days (调休), a form
to enter or correct a day, and declaring a year the package does not know complete."""

import calendar as pycalendar
import datetime

import chinese_calendar
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db.models import Count
from django.db.models.functions import ExtractYear
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache

from accounts.models import CalendarDay, CalendarYear
from accounts.workdays import package_years

from ..forms.rounds import CalendarDayForm
from ..honour_permissions import can_keep_calendar
from ..services import calendar as services

HOLIDAY_NAMES_ZH = {holiday.value: holiday.chinese for holiday in chinese_calendar.Holiday}


def _keeper_or_404(request) -> None:
    if not can_keep_calendar(request.user):
        raise Http404


def _year_state(year: int, declared: set[int]) -> str:
    if year in package_years():
        return "package"
    if year in declared:
        return "declared"
    return "missing"


@never_cache
@login_required
def calendar(request):
    _keeper_or_404(request)
    years = services.keepable_years()
    declared = {
        row.year: row for row in CalendarYear.objects.filter(year__in=list(years)).select_related("declared_by")
    }
    entries = dict(
        CalendarDay.objects.filter(date__year__gte=years[0], date__year__lte=years[-1])
        .annotate(year=ExtractYear("date"))
        .order_by()
        .values_list("year")
        .annotate(n=Count("id"))
    )
    rows = [
        {
            "year": year,
            "state": _year_state(year, set(declared)),
            "declared": declared.get(year),
            "entries": entries.get(year, 0),
        }
        for year in reversed(years)
    ]
    return render(request, "campaigns/honours/calendar/index.html", {"rows": rows, "today": timezone.localdate()})


def _holiday_name(day: datetime.date) -> str:
    try:
        _on_holiday, name = chinese_calendar.get_holiday_detail(day)
    except NotImplementedError:
        return ""
    if not name:
        return ""
    return HOLIDAY_NAMES_ZH.get(name, name) if (get_language() or "").startswith("zh") else name


def _months(year: int) -> list[dict]:
    """The year's months as weeks of days (Monday first), each day: working or not, and why."""
    overrides = {day.date: day for day in CalendarDay.objects.filter(date__year=year)}
    known = year in package_years()
    weeks_of = pycalendar.Calendar(firstweekday=0)
    months = []
    for month in range(1, 13):
        weeks = []
        for week in weeks_of.monthdatescalendar(year, month):
            cells = []
            for day in week:
                if day.month != month:
                    cells.append(None)
                    continue
                weekend = day.weekday() >= 5
                entry = overrides.get(day)
                if entry is not None:
                    working, note = entry.is_workday, entry.note
                elif known:
                    working = chinese_calendar.is_workday(day)
                    note = _holiday_name(day)
                else:
                    working, note = not weekend, ""
                if working and weekend:
                    kind = "makeup"
                elif not working and not weekend:
                    kind = "holiday"
                elif working:
                    kind = "work"
                else:
                    kind = "weekend"
                cells.append({"date": day, "kind": kind, "note": note, "entered": entry is not None})
            weeks.append(cells)
        months.append({"number": month, "weeks": weeks})
    return months


@never_cache
@login_required
def calendar_year(request, year):
    _keeper_or_404(request)
    if year not in services.keepable_years():
        raise Http404
    form = CalendarDayForm(initial={"date": datetime.date(year, 1, 1), "status": CalendarDayForm.DAY_OFF})
    status = 200
    declare_errors: list[str] = []
    if request.method == "POST" and request.POST.get("action") == "declare":
        try:
            services.calendar_year_declare(year=year, by=request.user)
        except ValidationError as exc:
            declare_errors = exc.messages
            status = 400
        else:
            messages.success(request, _("%(year)d is declared complete: notices may run into it.") % {"year": year})
            return redirect("campaigns:calendar_year", year)
    elif request.method == "POST":
        try:
            form = CalendarDayForm(request.POST)
            if form.is_valid():
                date, choice = form.cleaned_data["date"], form.cleaned_data["status"]
                if date.year != year:
                    form.add_error("date", _("Give a day of %(year)d on this page.") % {"year": year})
                elif choice == CalendarDayForm.CLEAR:
                    services.calendar_day_clear(date=date, by=request.user)
                    messages.success(request, _("%(date)s follows the published calendar again.") % {"date": date})
                    return redirect("campaigns:calendar_year", year)
                else:
                    services.calendar_day_set(
                        date=date,
                        is_workday=choice == CalendarDayForm.WORKDAY,
                        note=form.cleaned_data["note"],
                        by=request.user,
                    )
                    messages.success(request, _("%(date)s was saved.") % {"date": date})
                    return redirect("campaigns:calendar_year", year)
        except ValidationError as exc:
            for message in exc.messages:
                form.add_error(None, message)
        status = 400
    declared = CalendarYear.objects.filter(year=year).select_related("declared_by").first()
    state = "package" if year in package_years() else ("declared" if declared else "missing")
    entries = list(CalendarDay.objects.filter(date__year=year).select_related("changed_by").order_by("date"))
    return render(
        request,
        "campaigns/honours/calendar/year.html",
        {
            "year": year,
            "state": state,
            "declared": declared,
            "months": _months(year),
            "entries": entries,
            "form": form,
            "previous": year - 1 if year - 1 in services.keepable_years() else None,
            "next": year + 1 if year + 1 in services.keepable_years() else None,
            "holidays_entered": services.holidays_entered(year),
            "declare_errors": declare_errors,
        },
        status=status,
    )
