"""The figures of the monthly membership report, each one GROUP BY or conditional COUNT in SQL.

A member counts at a month's end when they joined on or before its last day and had not ended by
then; they count under the union they belong to now (a transfer moves their whole history). The
report therefore describes today's tree, which is what the federation plans with.
"""

import calendar
import datetime
from collections import Counter
from dataclasses import dataclass, field

from django.db.models import Count, Q
from django.db.models.functions import Substr
from django.utils import timezone

from members.models import EmploymentType, Member, MemberEvent, PoliticalStatus
from unions.models import Union

TREND_MONTHS = 24
LARGE_EMPLOYER_STAFF = 25


def parse_month(value: str) -> datetime.date:
    """The first day of a month written ``YYYY-MM``; ValueError otherwise."""
    year, month = (int(part) for part in value.split("-"))
    return datetime.date(year, month, 1)


def month_end(first: datetime.date) -> datetime.date:
    return first.replace(day=calendar.monthrange(first.year, first.month)[1])


def add_months(first: datetime.date, months: int) -> datetime.date:
    index = first.year * 12 + first.month - 1 + months
    return datetime.date(index // 12, index % 12 + 1, 1)


def previous_month(today: datetime.date) -> str:
    return f"{add_months(today.replace(day=1), -1):%Y-%m}"


def _counted_at(end: datetime.date) -> Q:
    return Q(joined_on__lte=end) & (Q(ended_on__isnull=True) | Q(ended_on__gt=end))


@dataclass
class MonthlyFigures:
    union: Union
    month: datetime.date
    total: int = 0
    previous_total: int = 0
    joins: int = 0
    transfers_in: int = 0
    transfers_out: int = 0
    leavers: int = 0
    by_child: list[tuple[str, int]] = field(default_factory=list)
    by_union_kind: list[tuple[str, int]] = field(default_factory=list)
    by_political_status: list[tuple[str, int]] = field(default_factory=list)
    by_employment_type: list[tuple[str, int, bool]] = field(default_factory=list)
    new_form_total: int = 0
    migrant: int = 0
    hardship: int = 0
    female: int = 0
    large_employers: int = 0
    large_employers_with_own_union: int = 0
    trend: list[tuple[datetime.date, int]] = field(default_factory=list)

    @property
    def coverage(self) -> float | None:
        if not self.large_employers:
            return None
        return 100.0 * self.large_employers_with_own_union / self.large_employers

    @property
    def net_change(self) -> int | None:
        # None when either total is hidden as a small count (reports.small_counts).
        if self.total is None or self.previous_total is None:
            return None
        return self.total - self.previous_total

    def share(self, n: int) -> float:
        return 100.0 * n / self.total if self.total else 0.0


# Of the large employers, those organised in a union of their own (建会): a grassroots union is one
# employer's own union; an employer covered only by a joint union has none.
WITH_OWN_UNION = Q(kind=Union.Kind.GRASSROOTS_UNION)


def large_employers(union: Union, on: datetime.date):
    """The employers coverage is measured over, one row each, open on ``on`` (a union closing later is
    open until then): the subtree's grassroots unions whose employer has 25 or more staff, and its
    joint unions that name the one such employer they cover.

    A joint union that names no employer stands for an area's or a trade's many small employers; its
    staff count is theirs together, so it is no large employer, neither counted nor listed. Counted,
    it made "9 of 10 with a union of their own" beside an empty list of those without one.
    """
    return Union.objects.filter(
        Q(closed_on__isnull=True) | Q(closed_on__gt=on),
        WITH_OWN_UNION | (Q(kind=Union.Kind.JOINT_UNION) & ~Q(employer_name="")),
        path__startswith=union.path,
        employer_staff_count__gte=LARGE_EMPLOYER_STAFF,
    )


def monthly_figures(union: Union, month: str) -> MonthlyFigures:
    first = parse_month(month)
    end = month_end(first)
    figures = MonthlyFigures(union=union, month=first)
    in_subtree = Q(union__path__startswith=union.path)
    counted = Member.objects.filter(in_subtree, _counted_at(end))

    # One pass over the members for every count of the month's end: grouped by child node (the
    # member's union path cut to the child's length), union kind, political status and employment
    # type, with the yes/no groups counted alongside. A few thousand groups at most; each figure
    # below is a sum over them. (Six passes, one per figure, took about twice as long at a million.)
    prefix = len(union.path) + Union.steplen
    groups = (
        counted.annotate(child_path=Substr("union__path", 1, prefix))
        .order_by()
        .values("child_path", "union__kind", "political_status", "employment_type")
        .annotate(
            n=Count("id"),
            migrant=Count("id", filter=Q(is_migrant_worker=True)),
            hardship=Count("id", filter=Q(is_in_hardship=True)),
            female=Count("id", filter=Q(sex="F")),
        )
    )
    child_counts, kinds, political, employment = Counter(), Counter(), Counter(), Counter()
    for group in groups:
        n = group["n"]
        figures.total += n
        figures.migrant += group["migrant"]
        figures.hardship += group["hardship"]
        figures.female += group["female"]
        child_counts[group["child_path"]] += n
        kinds[group["union__kind"]] += n
        political[group["political_status"]] += n
        employment[group["employment_type"]] += n

    # This month's movements, from the members' history, in local (Shanghai) days.
    tz = timezone.get_current_timezone()
    start_at = datetime.datetime.combine(first, datetime.time.min, tzinfo=tz)
    end_at = datetime.datetime.combine(add_months(first, 1), datetime.time.min, tzinfo=tz)
    to_inside, from_inside = Q(to_union__path__startswith=union.path), Q(from_union__path__startswith=union.path)
    K = MemberEvent.Kind
    moves = MemberEvent.objects.filter(at__gte=start_at, at__lt=end_at).aggregate(
        joins=Count("id", filter=Q(kind=K.JOINED) & to_inside),
        transfers_in=Count("id", filter=Q(kind=K.TRANSFERRED) & to_inside & ~from_inside),
        transfers_out=Count("id", filter=Q(kind=K.TRANSFERRED) & from_inside & ~to_inside),
        leavers=Count("id", filter=Q(kind__in=[K.LEFT, K.DECEASED]) & from_inside),
    )
    for key, value in moves.items():
        setattr(figures, key, value)

    children = Union.objects.filter(path__startswith=union.path, depth=union.depth + 1).order_by("path")
    figures.by_child = [(child.name, child_counts.get(child.path, 0)) for child in children]
    figures.by_union_kind = [(label, kinds[value]) for value, label in Union.Kind.choices if kinds.get(value)]
    figures.by_political_status = [(label, political.get(value, 0)) for value, label in PoliticalStatus.choices]
    new_form = EmploymentType.new_form_values()
    figures.by_employment_type = [
        (label, employment.get(value, 0), value in new_form) for value, label in EmploymentType.choices
    ]
    figures.new_form_total = sum(n for value, n in employment.items() if value in new_form)

    # Coverage: large employers known to the portal, and those organised in a union of their own.
    coverage = large_employers(union, end).aggregate(known=Count("id"), own=Count("id", filter=WITH_OWN_UNION))
    figures.large_employers, figures.large_employers_with_own_union = coverage["known"], coverage["own"]

    # The trend: one query with a conditional count per month end.
    months = [add_months(first, -offset) for offset in range(TREND_MONTHS - 1, -1, -1)]
    columns = {f"m{i}": Count("id", filter=_counted_at(month_end(m))) for i, m in enumerate(months)}
    row = Member.objects.filter(in_subtree, joined_on__lte=end).aggregate(**columns)
    figures.trend = [(m, row[f"m{i}"]) for i, m in enumerate(months)]
    figures.previous_total = figures.trend[-2][1] if len(figures.trend) > 1 else 0
    return figures
