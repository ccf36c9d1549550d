"""The hours ledger (学时台账): for each cadre and year, the hours owed, done in person and online,
counted towards the period, and short.

Rules: the rule for (rank, year) is the ``HoursRule`` with the latest ``starts_year`` not after the
year; it says how many hours are owed within ``period_years`` (1: the year itself; 5: the rolling five
years ending with the year), and at most what share of them may be online.

Hours count in the year the class (or the external training) ends: the credited hours of completed
enrolments, by the class's mode, and the hours of approved external training, by its mode. Online
hours count at most ``online_cap_percent`` % of the hours owed (over the whole window for a period of
several years).

A closed year (``LedgerYear``) is read from its ``LedgerEntry`` rows, frozen when it closed; an open
year is computed. A window reaching into closed years takes those years' frozen hours.

Whatever the number of cadres, the hours are aggregated in SQL (grouped by cadre, year and mode): a
ledger costs a fixed handful of queries.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal

from django.db import connection
from django.db.models import DecimalField, F, IntegerField, Q, QuerySet, Sum, Value
from django.db.models.functions import Cast, ExtractYear

from unions.models import Union

from .models import Cadre, Enrolment, ExternalTraining, HoursRule, LedgerEntry, LedgerYear, Rank, TrainingMode

ZERO = Decimal("0.0")
# Up to this many cadres, the hours are selected by a list of their ids; beyond, by their query.
ID_LIST_MAX = 500


@dataclass(frozen=True)
class LedgerRow:
    """One cadre, one year."""

    cadre_id: int
    name: str
    union_id: int
    union_name: str
    rank: str
    year: int
    period_years: int  # 1 or 5 (the rule's)
    owed: Decimal  # hours owed in the period
    in_person: Decimal  # done in the year itself (credited enrolments + approved external)
    online: Decimal
    counted: Decimal  # counted towards the period (the window of period_years ending with year), online capped
    short: Decimal  # max(0, owed - counted)
    closed: bool  # the year is closed: the figures are frozen LedgerEntry rows

    @property
    def is_short(self) -> bool:
        return self.short > 0

    @property
    def done(self) -> Decimal:
        return self.in_person + self.online

    @property
    def rank_label(self) -> str:
        return str(Rank(self.rank).label) if self.rank in Rank.values else self.rank


class Rules:
    """Every hours rule, loaded once (a handful of rows); ``for_(rank, year)`` picks the one in force."""

    def __init__(self, rules: Iterable[HoursRule] | None = None) -> None:
        by_rank: dict[str, list[HoursRule]] = defaultdict(list)
        for rule in HoursRule.objects.all() if rules is None else rules:
            by_rank[rule.rank].append(rule)
        for rank_rules in by_rank.values():
            rank_rules.sort(key=lambda rule: rule.starts_year, reverse=True)
        self._by_rank = by_rank

    def for_(self, rank: str, year: int) -> HoursRule | None:
        for rule in self._by_rank.get(rank, ()):
            if rule.starts_year <= year:
                return rule
        return None

    def max_period(self) -> int:
        return max((rule.period_years for rules in self._by_rank.values() for rule in rules), default=1)


def rule_for(rank: str, year: int) -> HoursRule:
    """The rule in force for the rank in the year; ``HoursRule.DoesNotExist`` when there is none."""
    rule = HoursRule.objects.filter(rank=rank, starts_year__lte=year).order_by("-starts_year").first()
    if rule is None:
        raise HoursRule.DoesNotExist(f"No hours rule for {rank} in {year}")
    return rule


def year_is_closed(year: int) -> bool:
    return LedgerYear.objects.filter(year=year).exists()


def closed_years() -> set[int]:
    return set(LedgerYear.objects.values_list("year", flat=True))


def latest_closed_year() -> int | None:
    return LedgerYear.objects.order_by("-year").values_list("year", flat=True).first()


def cadres_in_post_during(cadres: QuerySet[Cadre], year: int) -> QuerySet[Cadre]:
    """Cadres in post now, or who left or retired during the year or after it."""
    return cadres.filter(Q(status=Cadre.Status.IN_POST) | Q(status_changed_on__gte=datetime.date(year, 1, 1)))


def node_cadres(cadres: QuerySet[Cadre], node, year: int, *, closed: bool | None = None) -> QuerySet[Cadre]:
    """The cadres a node's ledger lists for the year, out of ``cadres`` (already scoped to the user):
    for a closed year those frozen under the node when it closed; for an open year those in post
    during it who serve under the node now. The ledger page and its export list the same cadres."""
    if closed is None:
        closed = year_is_closed(year)
    if closed:
        frozen = LedgerEntry.objects.filter(year=year, union__path__startswith=node.path).values("cadre_id")
        return cadres.filter(pk__in=frozen)
    return cadres_in_post_during(cadres.filter(union__path__startswith=node.path), year)


def _tenths(value: Decimal) -> int:
    return int(value * 10)


def _hours(tenths: int) -> Decimal:
    return Decimal(tenths).scaleb(-1)


def _sum_tenths(field: str, mode_field: str, mode: str):
    """SUM(field × 10) of the rows of one mode, as an integer: ints are cheap to fetch and add."""
    return Cast(Sum(F(field) * Value(10), filter=Q(**{mode_field: mode}), output_field=DecimalField()), IntegerField())


def hours_done(cadre_ids: Iterable[int] | QuerySet, first_year: int, last_year: int) -> dict[tuple[int, int], tuple]:
    """{(cadre_id, year): (in_person, online)} in tenths of an hour, from credited enrolments and
    approved external training ending in first_year..last_year: one query (two aggregates glued by
    UNION ALL), read without the ORM's per-row converters. ``cadre_ids``: a list, or a query of cadre
    ids (a subquery: no list of thousands of parameters)."""
    start, end = datetime.date(first_year, 1, 1), datetime.date(last_year, 12, 31)
    online, in_person = TrainingMode.ONLINE, TrainingMode.IN_PERSON
    enrolments = (
        Enrolment.objects.filter(
            cadre_id__in=cadre_ids,
            status=Enrolment.Status.COMPLETED,
            training_class__ends_on__range=(start, end),
        )
        .annotate(year=Cast(ExtractYear("training_class__ends_on"), IntegerField()))
        .values("cadre_id", "year")
        .annotate(
            in_person=_sum_tenths("credited_hours", "training_class__mode", in_person),
            online=_sum_tenths("credited_hours", "training_class__mode", online),
        )
        .values_list("cadre_id", "year", "in_person", "online")
        .order_by()
    )
    external = (
        ExternalTraining.objects.filter(
            cadre_id__in=cadre_ids, status=ExternalTraining.Status.APPROVED, ends_on__range=(start, end)
        )
        .annotate(year=Cast(ExtractYear("ends_on"), IntegerField()))
        .values("cadre_id", "year")
        .annotate(in_person=_sum_tenths("hours", "mode", in_person), online=_sum_tenths("hours", "mode", online))
        .values_list("cadre_id", "year", "in_person", "online")
        .order_by()
    )
    sql, params = enrolments.union(external, all=True).query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        fetched = cursor.fetchall()
    done: dict[tuple[int, int], tuple] = {}
    for cadre_id, year, year_in_person, year_online in fetched:
        key = (cadre_id, year)
        before_in_person, before_online = done.get(key, (0, 0))
        done[key] = (before_in_person + (year_in_person or 0), before_online + (year_online or 0))
    return done


def _frozen_entries(owners, years: list[int]) -> dict[tuple[int, int], tuple]:
    """{(cadre_id, year): (rank, union_id, in_person, online, owed, counted, short)} of the closed
    years' entries, hours done in tenths: plain rows, thousands of them, no model instances."""
    entries = LedgerEntry.objects.filter(cadre_id__in=owners, year__in=years).values_list(
        "cadre_id",
        "year",
        "rank",
        "union_id",
        Cast(F("in_person") * 10, IntegerField()),
        Cast(F("online") * 10, IntegerField()),
        "owed",
        "counted",
        "short",
    )
    sql, params = entries.order_by().query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return {(row[0], row[1]): row[2:] for row in cursor.fetchall()}


@dataclass(frozen=True)
class _Person:
    cadre_id: int
    name: str
    union_id: int
    union_name: str
    rank: str


def _compute(
    people: list[_Person], years: Iterable[int], rules: Rules | None = None, id_query: QuerySet | None = None
) -> list[LedgerRow]:
    """The rows of each person for each year (person-major, years in the order given). People of a
    rank without a rule in a year get no row for it."""
    years = list(years)
    if not people or not years:
        return []
    rules = rules or Rules()
    closed = closed_years()
    span = rules.max_period()
    first, last = min(years) - span + 1, max(years)
    ids = sorted({person.cadre_id for person in people})
    # Many cadres: the hours are selected by the cadres' own query rather than a list of their ids.
    owners = id_query if id_query is not None and len(ids) > ID_LIST_MAX else ids
    # A closed year no longer changes: its hours are the frozen entries' (none for a cadre it did not
    # list), so only the open years of the window are summed.
    open_years = [year for year in range(first, last + 1) if year not in closed]
    done = hours_done(owners, min(open_years), max(open_years)) if open_years else {}
    for key in [key for key in done if key[1] in closed]:
        del done[key]
    frozen: dict[tuple[int, int], tuple] = {}
    union_names: dict[int, str] = {}
    closed_in_window = [year for year in closed if first <= year <= last]
    if closed_in_window:
        frozen = _frozen_entries(owners, closed_in_window)
        # A closed year's hours are the frozen ones, wherever a window reaches it.
        for key, entry in frozen.items():
            done[key] = (entry[2], entry[3])
        wanted = {entry[1] for (_cadre, year), entry in frozen.items() if year in years}
        union_names = dict(Union.objects.filter(pk__in=wanted).values_list("pk", "name")) if wanted else {}

    rows = []
    for person in people:
        for year in years:
            entry = frozen.get((person.cadre_id, year))
            if entry is not None:
                rank, union_id, in_person_tenths, online_tenths, owed, counted, short = entry
                rule = rules.for_(rank, year)
                rows.append(
                    LedgerRow(
                        cadre_id=person.cadre_id,
                        name=person.name,
                        union_id=union_id,
                        union_name=union_names.get(union_id, ""),
                        rank=rank,
                        year=year,
                        period_years=rule.period_years if rule else 1,
                        owed=owed,
                        in_person=_hours(in_person_tenths),
                        online=_hours(online_tenths),
                        counted=counted,
                        short=short,
                        closed=True,
                    )
                )
                continue
            rule = rules.for_(person.rank, year)
            if rule is None:
                continue
            period = rule.period_years
            owed = _tenths(rule.hours)
            this_in_person, this_online = done.get((person.cadre_id, year), (0, 0))
            if period == 1:
                in_person, online = this_in_person, this_online
            else:
                in_person = online = 0
                for window_year in range(year - period + 1, year + 1):
                    year_in_person, year_online = done.get((person.cadre_id, window_year), (0, 0))
                    in_person += year_in_person
                    online += year_online
            if rule.online_cap_percent is not None:
                online = min(online, owed * rule.online_cap_percent // 100)
            counted = in_person + online
            rows.append(
                LedgerRow(
                    cadre_id=person.cadre_id,
                    name=person.name,
                    union_id=person.union_id,
                    union_name=person.union_name,
                    rank=person.rank,
                    year=year,
                    period_years=period,
                    owed=rule.hours,
                    in_person=_hours(this_in_person),
                    online=_hours(this_online),
                    counted=_hours(counted),
                    short=_hours(max(0, owed - counted)),
                    closed=year in closed,
                )
            )
    return rows


def ledger_rows(cadres: QuerySet[Cadre], year: int, *, rules: Rules | None = None) -> list[LedgerRow]:
    """One row per cadre of the queryset (in its order) for the year: a fixed number of queries
    (cadres, rules, closed years, hours; the frozen entries when the window reaches a closed year)."""
    people = [_Person(*values) for values in cadres.values_list("pk", "name", "union_id", "union__name", "rank")]
    id_query = None if cadres.query.is_sliced else cadres.order_by().values("pk")
    return _compute(people, [year], rules, id_query)


def cadre_years(cadre: Cadre, years: Iterable[int]) -> list[LedgerRow]:
    """One cadre's rows for the years given (in that order); years without a rule are left out."""
    person = _Person(cadre.pk, cadre.name, cadre.union_id, cadre.union.name, cadre.rank)
    return _compute([person], years)


@dataclass(frozen=True)
class LedgerTotals:
    cadres: int = 0
    short_cadres: int = 0
    owed: Decimal = ZERO
    in_person: Decimal = ZERO
    online: Decimal = ZERO
    counted: Decimal = ZERO
    short: Decimal = ZERO


def totals(rows: Iterable[LedgerRow]) -> LedgerTotals:
    count = short_count = 0
    owed = in_person = online = counted = short = ZERO
    for row in rows:
        count += 1
        short_count += row.short > 0
        owed += row.owed
        in_person += row.in_person
        online += row.online
        counted += row.counted
        short += row.short
    return LedgerTotals(count, short_count, owed, in_person, online, counted, short)
