"""The public notice (公示) of a round's vetted nominees.

The organiser's staff pick the publication date; the notice runs for the round's number of working days
(``accounts.workdays.notice_period``: the first day is the publication date if it is a working day, else
the next one). Publishing moves every vetted nomination of the round into the notice at once; a notice
that would run into a year no calendar knows is refused, naming the year a city admin must fill in.
"""

import datetime as dt
from dataclasses import dataclass, field

import chinese_calendar
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import pgettext_lazy

from accounts.audit import record
from accounts.models import CalendarDay
from accounts.workdays import Calendar, UnknownYear, notice_period, package_years

from .. import honour_permissions, kinds
from ..models import Nomination, PublicNotice, Round

TITLE_MAX = 200
# The rounds in which a notice may be published: not before nominations open, not after the decision.
PUBLISHABLE = (Round.Status.NOMINATING, Round.Status.REVIEWING, Round.Status.NOTICE)

# chinesecalendar names its holidays in English; the page names them in the reader's language.
HOLIDAY_NAMES = {
    "New Year's Day": pgettext_lazy("holiday", "New Year's Day"),
    "Spring Festival": pgettext_lazy("holiday", "Spring Festival"),
    "Tomb-sweeping Day": pgettext_lazy("holiday", "Qingming Festival"),
    "Labour Day": pgettext_lazy("holiday", "Labour Day"),
    "Dragon Boat Festival": pgettext_lazy("holiday", "Dragon Boat Festival"),
    "National Day": pgettext_lazy("holiday", "National Day"),
    "Mid-autumn Festival": pgettext_lazy("holiday", "Mid-Autumn Festival"),
}


@dataclass
class DaysOff:
    """A run of days not counted: a holiday (named) or a weekend (no name)."""

    start: dt.date
    end: dt.date
    name: str = ""

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1


@dataclass
class MakeUpDay:
    """A weekend day that is a working day (调休上班), counted in the notice."""

    date: dt.date
    name: str = ""


@dataclass
class NoticeDates:
    published_on: dt.date
    working_days: int
    first_day: dt.date
    last_day: dt.date
    days_off: list[DaysOff] = field(default_factory=list)
    make_up_days: list[MakeUpDay] = field(default_factory=list)


def _holiday_name(day: dt.date, notes: dict) -> str:
    if day in notes:
        return notes[day]
    if day.year in package_years():
        name = chinese_calendar.get_holiday_detail(day)[1]
        if name:
            return str(HOLIDAY_NAMES.get(name, name))
    return ""


def notice_dates(published_on: dt.date, working_days: int) -> NoticeDates:
    """The notice's first and last day and the days between that are not counted (holidays by name,
    weekends) or counted although on a weekend (make-up working days). Raises ``UnknownYear``."""
    first, last = notice_period(published_on, working_days)
    calendar = Calendar(published_on, last)
    notes = dict(
        CalendarDay.objects.filter(date__range=(published_on, last)).exclude(note="").values_list("date", "note")
    )
    dates = NoticeDates(published_on=published_on, working_days=working_days, first_day=first, last_day=last)
    day = published_on
    while day <= last:
        name = _holiday_name(day, notes)
        if not calendar.is_workday(day):
            run = dates.days_off[-1] if dates.days_off else None
            if run and run.end == day - dt.timedelta(days=1) and run.name == name:
                run.end = day
            else:
                dates.days_off.append(DaysOff(start=day, end=day, name=name))
        elif day.weekday() >= 5:
            dates.make_up_days.append(MakeUpDay(date=day, name=name))
        day += dt.timedelta(days=1)
    return dates


def unknown_year_error(exc: UnknownYear) -> ValidationError:
    return ValidationError(
        _(
            "The working-day calendar of %(year)d is not known yet: a city admin fills it in on the calendar "
            "page before the notice can be published."
        )
        % {"year": exc.year},
        code="unknown_year",
        params={"year": exc.year},
    )


def default_title(round_: Round) -> str:
    return (_("%(round)s: nominees to be commended, public notice") % {"round": round_.title})[:TITLE_MAX]


@transaction.atomic
def notice_publish(*, round: Round, published_on: dt.date, title: str, contact: str, by) -> PublicNotice:  # noqa: A002
    """Publish the notice of every vetted nomination of ``round``: they move to the notice, the round
    to its notice stage."""
    round_ = Round.objects.select_for_update().select_related("organiser").get(pk=round.pk)
    if not honour_permissions.can_manage_round(by, round_):
        raise PermissionDenied
    if round_.status not in PUBLISHABLE:
        raise ValidationError(
            _("The round is %(status)s: no notice can be published now.") % {"status": round_.get_status_display()},
            code="round_state",
        )
    if published_on is None:
        raise ValidationError({"published_on": _("Give the publication date.")})
    if published_on < timezone.localdate():
        raise ValidationError({"published_on": _("The publication date cannot be before today.")})
    title = (title or "").strip() or default_title(round_)
    if len(title) > TITLE_MAX:
        raise ValidationError({"title": _("The title is too long (at most 200 characters).")})
    vetted = list(
        Nomination.objects.select_for_update().filter(round=round_, status=Nomination.Status.VETTED).order_by("id")
    )
    if not vetted:
        raise ValidationError(
            _("No nomination of this round has passed joint vetting: there is nobody to publish."), code="none_vetted"
        )
    try:
        first, last = notice_period(published_on, round_.notice_days)
    except UnknownYear as exc:
        raise unknown_year_error(exc) from None
    notice = PublicNotice.objects.create(
        round=round_,
        title=title,
        contact=(contact or "").strip()[:200],
        published_on=published_on,
        working_days=round_.notice_days,
        first_day=first,
        last_day=last,
        published_by=by,
    )
    now = timezone.now()
    Nomination.objects.filter(pk__in=[n.pk for n in vetted]).update(
        status=Nomination.Status.NOTICE, notice=notice, updated_at=now
    )
    if round_.status != Round.Status.NOTICE:
        round_.status = Round.Status.NOTICE
        round_.save(update_fields=["status"])
    record(
        kinds.NOTICE_PUBLISHED,
        actor=by,
        union=round_.organiser,
        target=notice,
        detail={
            "round": round_.pk,
            "nominations": len(vetted),
            "first_day": first.isoformat(),
            "last_day": last.isoformat(),
        },
    )
    return notice
