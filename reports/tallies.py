"""The dashboards' summary data: per grassroots or joint union, today's members by group and each
month's joins and leavers. Kept current by ``members.signals.members_changed`` (a refresh of the
unions that changed, after the commit, as a job) and rebuilt nightly (ages move, the year turns).

A refresh counts in the database: the unions' rows are deleted and written again from one grouped
INSERT ... SELECT for the tallies and one for the months, whatever the number of unions or members.
"""

import datetime

from django.core.cache import cache
from django.db import connection, transaction
from django.db.models import Count, F, Q, Value
from django.db.models.functions import TruncMonth
from django.utils import timezone

from members.models import EmploymentType, Member, PoliticalStatus
from unions.models import Union

from .models import AGE_BANDS, UnionMonth, UnionTally, tally_fields
from .statistics import TREND_MONTHS, add_months
from .tasks import refresh_tallies

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
    """Each tally column as a count over a union's members (already filtered to the active ones)."""
    year_start = today.replace(month=1, day=1)
    counts = {
        "members": Count("id"),
        "female": Count("id", filter=Q(sex="F")),
        "migrant": Count("id", filter=Q(is_migrant_worker=True)),
        "hardship": Count("id", filter=Q(is_in_hardship=True)),
        "joined_year": Count("id", filter=Q(joined_on__gte=year_start)),
    }
    for column, youngest, oldest in AGE_BANDS:
        # Aged ``youngest`` to ``oldest`` today: born after the day ``oldest + 1`` years ago, and on or
        # before the day ``youngest`` years ago (28 February for 29 February in a common year).
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
    """Recount the given unions (IDs; those that are not grassroots or joint unions are ignored), or
    every one. Returns how many were counted.

    Five statements whatever the number of unions and members: the tallies and the months are each
    deleted and written again by one INSERT ... SELECT, counted in the database (nothing per union
    or per month goes through Python). Refreshes take turns (a transaction-level lock on PostgreSQL)
    and count after the lock, so two jobs for the same union (two approvals a moment apart) never
    interleave their deletes and inserts, and the later one counts what the later change committed.
    Running one twice is harmless.
    """
    if union_ids is not None:
        union_ids = sorted(set(union_ids))
        if not union_ids:
            return 0
    today = today or timezone.localdate()
    unions = Union.objects.filter(kind__in=HOLDING_KINDS).order_by()
    members = Member.objects.order_by()
    tallies, months = UnionTally.objects.all(), UnionMonth.objects.all()
    if union_ids is not None:
        unions = unions.filter(pk__in=union_ids)
        members = members.filter(union_id__in=union_ids)
        tallies, months = tallies.filter(union_id__in=union_ids), months.filter(union_id__in=union_ids)
    with transaction.atomic():
        _take_turn()
        tallies.delete()
        months.delete()
        counted = _insert_tallies(unions, members, today)
        _insert_months(members, today)
        if counted:
            transaction.on_commit(_bump, robust=True)
    return counted


def _insert_select(model, columns: list[str], select: str, params) -> int:
    qn = connection.ops.quote_name
    names = ", ".join(qn(model._meta.get_field(c).column) for c in columns)
    with connection.cursor() as cursor:
        cursor.execute(f"INSERT INTO {qn(model._meta.db_table)} ({names}) {select}", params)  # noqa: S608
        return cursor.rowcount


def _insert_tallies(unions, members, today: datetime.date) -> int:
    """One row per union: its active members counted by group, grouped on the member table alone
    (no join), then joined to the unions so that a union without members gets a row of zeros."""
    fields = tally_fields()
    counts = (
        members.filter(status=Member.Status.ACTIVE)
        .values(u=F("union_id"))
        .annotate(**{f"n_{f}": c for f, c in _aggregates(today).items()})
    )
    counts_sql, counts_params = counts.query.sql_with_params()
    unions_sql, unions_params = unions.values(u=F("pk")).query.sql_with_params()
    selected = ", ".join(f"COALESCE(counts.n_{f}, 0)" for f in fields)
    now = connection.ops.adapt_datetimefield_value(timezone.now())
    return _insert_select(
        UnionTally,
        ["union", "year", "refreshed_at", *fields],
        f"SELECT unions.u, %s, %s, {selected} FROM ({unions_sql}) unions "  # noqa: S608
        f"LEFT JOIN ({counts_sql}) counts ON counts.u = unions.u",
        [today.year, now, *unions_params, *counts_params],
    )


def _insert_months(members, today: datetime.date) -> None:
    """Joins and leavers by month over the trend window, by current union. The window (24 months
    back from this one) always holds January of this year, which this year's change is counted from;
    ``min`` keeps that true should the window ever be made shorter than a year."""
    first = add_months(today.replace(day=1), -(TREND_MONTHS - 1))
    first = min(first, today.replace(month=1, day=1))
    joins = (
        members.filter(joined_on__gte=first)
        .values(u=F("union_id"), m=TruncMonth("joined_on"))
        .annotate(j=Count("id"), l=Value(0))
    )
    leavers = (
        members.filter(ended_on__gte=first)
        .values(u=F("union_id"), m=TruncMonth("ended_on"))
        .annotate(j=Value(0), l=Count("id"))
    )
    sql, params = joins.union(leavers, all=True).query.sql_with_params()
    _insert_select(
        UnionMonth,
        ["union", "month", "joins", "leavers"],
        f"SELECT moves.u, moves.m, SUM(moves.j), SUM(moves.l) FROM ({sql}) moves GROUP BY moves.u, moves.m",  # noqa: S608
        params,
    )


# Any fixed 64-bit number, the same in every process: the key of the refreshes' turn-taking lock.
_LOCK_KEY = 0x7461_6C6C_6965_73  # "tallies"


def _take_turn() -> None:
    """Wait for any other refresh to commit (PostgreSQL; SQLite lets one writer in at a time anyway).
    The lock is the transaction's: it goes with the commit or the rollback."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [_LOCK_KEY])


# --- keeping current --------------------------------------------------------------------------------
def invalidate() -> None:
    """After the current transaction commits, make every cached dashboard stale (a target was set,
    a union was moved, renamed or closed: figures that are not in the summary data changed)."""
    transaction.on_commit(_bump, robust=True)


def on_members_changed(sender, union_ids, **kwargs) -> None:
    """Refresh after the commit, as a job (eager where there is no broker). Nothing is queued when
    no union changed. ``robust``: a broker that is down must not turn the member change the clerk
    just committed into an error page; the nightly rebuild mends a refresh that was lost."""
    if union_ids is not None and not union_ids:
        return
    ids = None if union_ids is None else sorted(union_ids)
    transaction.on_commit(lambda: refresh_tallies.delay(ids), robust=True)


def on_members_seeded(sender, today, **kwargs) -> None:
    """A seeded city is counted at once, as of the seed's day, in the seed's transaction."""
    refresh(today=today)


def on_unions_changed(sender, **kwargs) -> None:
    invalidate()
