"""Model workers' care (劳模关爱): what each holder of a caring honour is owed in a year, and whether it
was delivered.

A holder's entitlements are their kind's (``CareEntitlement``); a hardship-only one (the hardship
allowance) only while the holder is marked as in hardship. One person may hold two caring honours (a
city and a provincial 劳动模范, or 劳动模范 and 工匠): they are grouped by ``person_key`` and get each care
once, at the higher honour's amount (the larger of the amounts their kinds grant). A care is owed from
the year the honour was decided, and only if the decision came before the care's due date.

Due dates: the Spring Festival visit by the first day of that year's Spring Festival holiday (from
``chinesecalendar``'s holiday table, else the federation's own calendar days named 春节; for a year known
to neither, 1 February as an approximation, flagged as such), the May Day visit by 1 May, the National Day
visit by 1 October, the health check, recuperation and hardship allowance by 31 December.

A care delivered is a ``CareRecord`` of that year on any honour of the person. Undelivered, it is due
until its date and overdue after it. Three queries whatever the number of holders: the honours, the
entitlements, the year's records.
"""

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal
from functools import lru_cache

import chinese_calendar
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from members.models import Member

from .models import CareEntitlement, CareRecord, Honour

Care = CareEntitlement.Care

DONE, DUE, OVERDUE = "done", "due", "overdue"
STATES = {
    DONE: _("Delivered"),
    DUE: _("Due"),
    OVERDUE: _("Overdue"),
}

# The higher honour first: by level, then by the kind's order on the kinds page.
LEVEL_RANK = {
    Honour.Level.NATIONAL: 0,
    Honour.Level.PROVINCIAL: 1,
    Honour.Level.CITY: 2,
    Honour.Level.DISTRICT: 3,
    Honour.Level.INDUSTRY: 3,
}
CARE_ORDER = {value: index for index, value in enumerate(Care.values)}
# What the care list shows of an honour (fewer columns: 3,000 holders load in a fraction of the time).
HONOUR_FIELDS = (
    "id",
    "kind_id",
    "year",
    "level",
    "holder_name",
    "person_key",
    "unit_name",
    "union_id",
    "decided_on",
    "in_hardship",
    "revoked_at",
    "kind__id",
    "kind__name",
    "kind__order",
    "kind__grants_care",
    "union__id",
    "union__name",
    "union__path",
)


@lru_cache(maxsize=64)
def _package_spring_festival(year: int) -> dt.date | None:
    name = chinese_calendar.Holiday.spring_festival.value
    days = [day for day, holiday in chinese_calendar.holidays.items() if day.year == year and holiday == name]
    return min(days) if days else None


def spring_festival_start(year: int) -> tuple[dt.date, bool]:
    """The first day of ``year``'s Spring Festival holiday and whether it is an approximation.

    The package's holiday table first; then the federation's own calendar (days off in January or
    February whose note names 春节); else 1 February, roughly the middle of where the festival falls."""
    known = _package_spring_festival(year)
    if known:
        return known, False
    from accounts.models import CalendarDay

    entered = (
        CalendarDay.objects.filter(
            date__range=(dt.date(year, 1, 1), dt.date(year, 2, 28)),
            is_workday=False,
            note__iregex=r"(春节|spring festival)",
        )
        .order_by("date")
        .values_list("date", flat=True)
        .first()
    )
    if entered:
        return entered, False
    return dt.date(year, 2, 1), True


def due_by(care: str, year: int) -> tuple[dt.date, bool]:
    """The date ``care`` of ``year`` is due by, and whether that date is an approximation."""
    if care == Care.SPRING_FESTIVAL_VISIT:
        return spring_festival_start(year)
    if care == Care.MAY_DAY_VISIT:
        return dt.date(year, 5, 1), False
    if care == Care.NATIONAL_DAY_VISIT:
        return dt.date(year, 10, 1), False
    return dt.date(year, 12, 31), False


def festival_ahead(today: dt.date, days: int = 14) -> tuple[str, dt.date] | None:
    """The festival visit due within ``days`` days from ``today`` (inclusive): (care, due date), or None."""
    for year in sorted({today.year, (today + dt.timedelta(days=days)).year}):
        for care in CareEntitlement.FESTIVAL_VISITS:
            date, _approximate = due_by(care, year)
            if today <= date <= today + dt.timedelta(days=days):
                return care, date
    return None


@dataclass
class CareLine:
    """One care owed to one person in one year, and its state."""

    honour: Honour  # the person's visiting honour: its union visits (and is reminded)
    person_key: str
    holder_name: str
    care: str
    year: int
    amount: Decimal | None
    due_by: dt.date
    approximate: bool
    state: str
    record: CareRecord | None = None
    source: Honour | None = None  # the honour whose kind grants this care (at the higher amount)

    @property
    def care_label(self) -> str:
        return str(Care(self.care).label)

    @property
    def state_label(self) -> str:
        return str(STATES[self.state])

    @property
    def delivered_amount(self) -> Decimal:
        return (self.record.amount if self.record else None) or Decimal("0")


@dataclass
class CareRow:
    """One person's care in a year: their honours (the higher first) and one line per care."""

    person_key: str
    honours: list[Honour]
    in_hardship: bool
    lines: list[CareLine] = field(default_factory=list)
    # The honour whose union visits: the most recent one (where the person is now).
    visiting: Honour = None

    def __post_init__(self):
        if self.visiting is None:
            self.visiting = (
                self.honours[0]
                if len(self.honours) == 1
                else max(self.honours, key=lambda honour: (honour.decided_on, honour.pk))
            )

    @property
    def honour(self) -> Honour:
        return self.honours[0]

    @property
    def holder_name(self) -> str:
        return self.honours[0].holder_name

    @property
    def union(self):
        return self.visiting.union

    def count(self, state: str) -> int:
        return sum(1 for line in self.lines if line.state == state)


def _rank(honour: Honour):
    return (LEVEL_RANK.get(honour.level, 9), honour.kind.order, honour.decided_on, honour.pk)


def caring_honours(honours: QuerySet[Honour], year: int) -> QuerySet[Honour]:
    """The honours of ``honours`` that bring care in ``year``: of a caring kind, not revoked, conferred by
    then, the holder not known to have died."""
    return (
        honours.filter(kind__grants_care=True, revoked_at__isnull=True, year__lte=year)
        .exclude(member__status=Member.Status.DECEASED)
        .select_related("kind", "union")
        .only(*HONOUR_FIELDS)
        .order_by()
    )


def care_due(*, honours: QuerySet[Honour], year: int, today: dt.date) -> list[CareRow]:
    """Every person's care of ``year`` over ``honours`` (already scoped by the caller), ordered by the
    visiting union and the holder's name: delivered (with its record), due (by its date) or overdue."""
    held = list(caring_honours(honours, year))
    if not held:
        return []
    by_person: dict[str, list[Honour]] = defaultdict(list)
    for honour in held:
        by_person[honour.person_key].append(honour)
    entitlements: dict[int, list[CareEntitlement]] = defaultdict(list)
    for entitlement in CareEntitlement.objects.filter(kind_id__in={honour.kind_id for honour in held}):
        entitlements[entitlement.kind_id].append(entitlement)
    records: dict[tuple[str, str], CareRecord] = {}
    for care_record in (
        CareRecord.objects.filter(year=year, honour__person_key__in=list(by_person))
        .select_related("honour")
        .order_by("delivered_on", "id")
    ):
        records.setdefault((care_record.honour.person_key, care_record.care), care_record)
    dates = {care: due_by(care, year) for care in Care.values}

    rows = []
    for key, person_honours in by_person.items():
        person_honours.sort(key=_rank)
        row = CareRow(
            person_key=key, honours=person_honours, in_hardship=any(honour.in_hardship for honour in person_honours)
        )
        first_decided = min(honour.decided_on for honour in person_honours)
        best: dict[str, tuple[CareEntitlement, Honour]] = {}
        for honour in person_honours:  # the higher honour first: it wins a tie in amount
            for entitlement in entitlements[honour.kind_id]:
                if entitlement.hardship_only and not row.in_hardship:
                    continue
                current = best.get(entitlement.care)
                if current is None or (entitlement.amount or 0) > (current[0].amount or 0):
                    best[entitlement.care] = (entitlement, honour)
        for care in sorted(best, key=CARE_ORDER.__getitem__):
            entitlement, honour = best[care]
            date, approximate = dates[care]
            record = records.get((key, care))
            if record is None and first_decided > date:
                continue  # conferred after this care fell due: owed from next year
            if record is not None:
                state = DONE
            elif today > date:
                state = OVERDUE
            else:
                state = DUE
            row.lines.append(
                CareLine(
                    honour=row.visiting,
                    source=honour,
                    person_key=key,
                    holder_name=honour.holder_name,
                    care=care,
                    year=year,
                    amount=entitlement.amount,
                    due_by=date,
                    approximate=approximate,
                    state=state,
                    record=record,
                )
            )
        if row.lines:
            rows.append(row)
    rows.sort(key=lambda row: (row.visiting.union.path, row.honours[0].holder_name, row.person_key))
    return rows


def filter_rows(rows: list[CareRow], *, care: str = "", state: str = "") -> list[CareRow]:
    """The rows with only the lines of this care and state; rows left without a line drop out."""
    if not care and not state:
        return rows
    kept = []
    for row in rows:
        lines = [line for line in row.lines if (not care or line.care == care) and (not state or line.state == state)]
        if lines:
            kept.append(
                CareRow(
                    person_key=row.person_key,
                    honours=row.honours,
                    in_hardship=row.in_hardship,
                    lines=lines,
                    visiting=row.visiting,
                )
            )
    return kept


def totals(rows: list[CareRow]) -> dict:
    lines = [line for row in rows for line in row.lines]
    return {
        "people": len(rows),
        "due": sum(1 for line in lines if line.state == DUE),
        "overdue": sum(1 for line in lines if line.state == OVERDUE),
        "done": sum(1 for line in lines if line.state == DONE),
        "amount": sum((line.delivered_amount for line in lines if line.state == DONE), Decimal("0")),
    }


def care_due_soon(*, today: dt.date, within_days: int = 14, honours: QuerySet[Honour] | None = None) -> list[CareLine]:
    """The care not delivered yet whose due date falls within ``within_days`` days from ``today``
    (inclusive), over every caring honour (or ``honours``): what the festival reminders announce."""
    honours = Honour.objects.all() if honours is None else honours
    horizon = today + dt.timedelta(days=within_days)
    lines = []
    for year in sorted({today.year, horizon.year}):
        for row in care_due(honours=honours, year=year, today=today):
            lines.extend(line for line in row.lines if line.state == DUE and today <= line.due_by <= horizon)
    return lines
