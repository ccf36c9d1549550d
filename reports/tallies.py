"""The dashboards' summary data: per grassroots or joint union, today's members by group and each
month's joins and leavers. Kept current by ``members.signals.members_changed`` (a refresh of the
unions that changed, after the commit, as a job) and rebuilt nightly (ages move, the year turns).

A refresh is one grouped query over the members of the unions concerned for the tallies, two for
the months, and an upsert; the full rebuild over a million members takes a few seconds.
"""

import datetime

from django.core.cache import cache
from django.db import transaction
from django.db.models import Count, Q
from django.db.models.functions import TruncMonth
from django.utils import timezone

from members.models import EmploymentType, Member, PoliticalStatus, Union

from .models import AGE_BANDS, UnionMonth, UnionTally, tally_fields
from .statistics import TREND_MONTHS, add_months

VERSION_KEY = "dashboard:tally-version"
HOLDING_KINDS = (Union.Kind.GRASSROOTS_UNION, Union.Kind.JOINT_UNION)


def version() -> int:
    """Bumped by every refresh: cached dashboards carry it in their key and so go stale at once."""
    return cache.get_or_set(VERSION_KEY, 1, None)


def _bump() -> None:
    try:
        cache.incr(VERSION_KEY)
    except ValueError:
        cache.set(VERSION_KEY, 2, None)


def _years_ago(today: datetime.date, years: int) -> datetime.date:
    try:
        return today.replace(year=today.year - years)
    except ValueError:  # 29 February
        return today.replace(year=today.year - years, day=28)


def _aggregates(today: datetime.date) -> dict:
    year_start = today.replace(month=1, day=1)
    counts = {
        "members": Count("id"),
        "female": Count("id", filter=Q(sex="F")),
        "migrant": Count("id", filter=Q(is_migrant_worker=True)),
        "hardship": Count("id", filter=Q(is_in_hardship=True)),
        "joined_year": Count("id", filter=Q(joined_on__gte=year_start)),
    }
    for column, youngest, oldest in AGE_BANDS:
        # Aged ``youngest`` to ``oldest`` today: born after (today - oldest - 1 years), on or before (today - youngest years).
        counts[column] = Count(
            "id", filter=Q(birth_date__gt=_years_ago(today, oldest + 1), birth_date__lte=_years_ago(today, youngest))
        )
    for value in PoliticalStatus.values:
        counts[f"political_{value}"] = Count("id", filter=Q(political_status=value))
    for value in EmploymentType.values:
        counts[f"employment_{value}"] = Count("id", filter=Q(employment_type=value))
        counts[f"joined_{value}"] = Count("id", filter=Q(employment_type=value, joined_on__gte=year_start))
    return counts


def refresh(union_ids=None, *, today: datetime.date | None = None) -> int:
    """Recount the given unions (IDs of grassroots or joint unions), or every one. Returns how many."""
    today = today or timezone.localdate()
    unions = Union.objects.filter(kind__in=HOLDING_KINDS)
    members = Member.objects.filter(status=Member.Status.ACTIVE)
    if union_ids is not None:
        union_ids = sorted(set(union_ids))
        unions = unions.filter(pk__in=union_ids)
        members = members.filter(union_id__in=union_ids)
    pks = list(unions.values_list("pk", flat=True))
    fields = tally_fields()
    grouped = {row["union_id"]: row for row in members.order_by().values("union_id").annotate(**_aggregates(today))}
    now = timezone.now()
    tallies = [
        UnionTally(union_id=pk, year=today.year, refreshed_at=now, **{f: grouped.get(pk, {}).get(f, 0) for f in fields})
        for pk in pks
    ]
    months = _months(pks if union_ids is not None else None, today)
    with transaction.atomic():
        UnionTally.objects.bulk_create(
            tallies,
            batch_size=2000,
            update_conflicts=True,
            unique_fields=["union"],
            update_fields=["year", "refreshed_at", *fields],
        )
        old = UnionMonth.objects.all() if union_ids is None else UnionMonth.objects.filter(union_id__in=pks)
        old.delete()
        UnionMonth.objects.bulk_create(months, batch_size=5000)
        transaction.on_commit(_bump)
    return len(pks)


def _months(union_ids, today: datetime.date) -> list[UnionMonth]:
    """Joins and leavers by month over the trend window (and the current year), by current union."""
    first = add_months(today.replace(day=1), -(TREND_MONTHS - 1))
    first = min(first, today.replace(month=1, day=1))
    members = Member.objects.order_by()
    if union_ids is not None:
        members = members.filter(union_id__in=union_ids)
    cells: dict[tuple[int, datetime.date], UnionMonth] = {}

    def cell(union_id, month) -> UnionMonth:
        month = month.date() if isinstance(month, datetime.datetime) else month
        key = (union_id, month)
        if key not in cells:
            cells[key] = UnionMonth(union_id=union_id, month=month)
        return cells[key]

    joins = members.filter(joined_on__gte=first).annotate(m=TruncMonth("joined_on")).values("union_id", "m")
    for row in joins.annotate(n=Count("id")):
        cell(row["union_id"], row["m"]).joins = row["n"]
    leavers = members.filter(ended_on__gte=first).annotate(m=TruncMonth("ended_on")).values("union_id", "m")
    for row in leavers.annotate(n=Count("id")):
        cell(row["union_id"], row["m"]).leavers = row["n"]
    return list(cells.values())


# --- keeping current --------------------------------------------------------------------------------
def on_members_changed(sender, union_ids, **kwargs) -> None:
    """Refresh after the commit, as a job (eager where there is no broker)."""
    from .tasks import refresh_tallies

    ids = None if union_ids is None else sorted(union_ids)
    transaction.on_commit(lambda: refresh_tallies.delay(ids))
