"""The leadership dashboard of one node: its figures as one JSON-ready dict, from the summary data.

Members, composition, enrolment and movements come from ``UnionTally`` and ``UnionMonth`` added up
over the node's subtree (one indexed path-prefix join each); applications and coverage are read
live (both small). The whole dict is cached per node and year under the summary data's version, so
a refresh of any union makes the next view recompute it.

Everything here is aggregate: no person's name, ID or mobile ever appears (leaders read this).
"""

import datetime

from django.core.cache import cache
from django.db.models import Avg, Count, F, Min, Q, Sum
from django.db.models.functions import Substr
from django.utils import timezone
from django.utils.translation import get_language

from members.ages import days_since
from members.models import Application, EmploymentType, Member, PoliticalStatus, Sex
from unions.models import Union

from . import tallies
from .models import AGE_BANDS, EnrolmentTarget, UnionMonth, UnionTally, tally_fields
from .statistics import TREND_MONTHS, WITH_OWN_UNION, add_months, large_employers

CACHE_SECONDS = 300
LARGEST_WITHOUT_UNION = 10
NEW_FORM_GROUPS = [value for value in EmploymentType.values if value in EmploymentType.new_form_values()]
AGE_LABELS = {
    "age_under_30": "<30",
    "age_30_39": "30–39",
    "age_40_49": "40–49",
    "age_50_59": "50–59",
    "age_60_plus": "60+",
}


def figures(union: Union, *, year: int | None = None, today: datetime.date | None = None) -> dict:
    """The dashboard of ``union`` (cached). The caller has checked the user's scope."""
    today = today or timezone.localdate()
    year = year or today.year
    key = f"dashboard:{union.pk}:{year}:{today.isoformat()}:{get_language()}:{tallies.version()}"
    data = cache.get(key)
    if data is None:
        data = compute(union, year=year, today=today)
        cache.set(key, data, CACHE_SECONDS)
    return data


def compute(union: Union, *, year: int, today: datetime.date) -> dict:
    """The figures of ``union``'s subtree. Members and composition are today's; enrolment is of
    ``year`` (the members of today who joined in it, against that year's targets); the change this
    month and this year, and the league table's growth, are of ``today``'s month and year."""
    in_subtree = Q(union__path__startswith=union.path)
    fields = tally_fields()
    joined = [f for f in fields if f.startswith("joined_")]
    # A tally's joined_* are of the year it was counted in: a row not yet recounted this year (the
    # small hours of 1 January) has nobody who joined this year.
    counted_in_year = Q(year=year)
    sums = UnionTally.objects.filter(in_subtree).aggregate(
        **{f: Sum(f, filter=counted_in_year) if f in joined else Sum(f) for f in fields},
        refreshed_at=Min("refreshed_at"),
    )
    refreshed_at = sums.pop("refreshed_at")
    sums = {f: sums[f] or 0 for f in fields}
    if year != today.year:
        sums.update(_joined_in(union, year, today))
    trend = _trend(union, sums["members"], today)
    this_month, this_year = today.replace(day=1), datetime.date(today.year, 1, 1)
    children = _children(union, year=year, today=today)
    return {
        "union": {"id": union.pk, "name": union.name, "kind": union.kind, "kind_label": union.get_kind_display()},
        "year": year,
        "as_of": today.isoformat(),
        "refreshed_at": refreshed_at.isoformat() if refreshed_at else None,
        "members": {
            "total": sums["members"],
            "change_month": sum(p["joins"] - p["leavers"] for p in trend if p["month"] >= f"{this_month:%Y-%m}"),
            "change_year": sum(p["joins"] - p["leavers"] for p in trend if p["month"] >= f"{this_year:%Y-%m}"),
            "trend": trend,
        },
        "applications": _applications(union, today),
        "composition": _composition(sums),
        "enrolment": _enrolment(union, sums, year),
        "coverage": _coverage(union, today),
        "children": children,
    }


def _trend(union: Union, total_now: int, today: datetime.date) -> list[dict]:
    """Joins, leavers and the total at each month's end over the last TREND_MONTHS months, the last of
    them today's month (``partial``). Totals are counted back from today's: the total at a month's end
    is today's less what changed since."""
    first = add_months(today.replace(day=1), -(TREND_MONTHS - 1))
    rows = (
        UnionMonth.objects.filter(union__path__startswith=union.path, month__gte=first)
        .values("month")
        .annotate(joins=Sum("joins"), leavers=Sum("leavers"))
    )
    by_month = {row["month"]: row for row in rows}
    months = [add_months(first, i) for i in range(TREND_MONTHS)]
    this_month = today.replace(day=1)
    points, total = [], total_now
    for month in reversed(months):
        row = by_month.get(month, {"joins": 0, "leavers": 0})
        # The month under way has only its days so far: marked, so no chart reads it as a collapse.
        points.append(
            {
                "month": f"{month:%Y-%m}",
                "joins": row["joins"],
                "leavers": row["leavers"],
                "total": total,
                "partial": month == this_month,
            }
        )
        total -= row["joins"] - row["leavers"]
    return list(reversed(points))


def _year_joiners(union: Union, year: int, today: datetime.date):
    """Today's members of the subtree who joined in ``year`` (another year than the summary data's)."""
    if year > today.year:
        return Member.objects.none()
    return Member.objects.filter(
        union__path__startswith=union.path,
        status=Member.Status.ACTIVE,
        joined_on__gte=datetime.date(year, 1, 1),
        joined_on__lte=datetime.date(year, 12, 31),
    ).order_by()


def _joined_in(union: Union, year: int, today: datetime.date) -> dict:
    """joined_* of another year, counted from the members (one grouped query; the summary data
    holds this year's only). Asked for last year's targets, which the PDF can be built for."""
    by_type = dict(
        _year_joiners(union, year, today)
        .values("employment_type")
        .annotate(n=Count("id"))
        .values_list("employment_type", "n")
    )
    return {"joined_year": sum(by_type.values()), **{f"joined_{v}": by_type.get(v, 0) for v in EmploymentType.values}}


def _applications(union: Union, today: datetime.date) -> dict:
    """Waiting for the union (submitted; not those sent back for correction): how many and the
    oldest; approved in the year up to ``today``: how many, and the average days from submission to
    approval (审批用时). None when nothing was approved: counting rejections made "0.0 days" of a
    year without a single approval when one application was turned away within minutes."""
    scope = Application.objects.filter(union__path__startswith=union.path)
    pending = scope.filter(status=Application.Status.SUBMITTED).aggregate(n=Count("id"), oldest=Min("submitted_at"))
    tz = timezone.get_current_timezone()
    since = datetime.datetime.combine(today - datetime.timedelta(days=365), datetime.time.min, tzinfo=tz)
    approved = scope.filter(decided_at__gte=since, status=Application.Status.APPROVED).aggregate(
        n=Count("id"), d=Avg(F("decided_at") - F("submitted_at"))
    )
    average = approved["d"] if approved["n"] else None
    oldest = pending["oldest"]
    return {
        "pending": pending["n"],
        "approved": approved["n"],
        "average_days": round(average.total_seconds() / 86400, 1) if average is not None else None,
        "oldest_days": days_since(oldest, today=today) if oldest else None,
    }


def _composition(sums: dict) -> dict:
    return {
        "political": [
            {"key": value, "label": str(label), "count": sums[f"political_{value}"]}
            for value, label in PoliticalStatus.choices
        ],
        "employment": [
            {
                "key": value,
                "label": str(label),
                "count": sums[f"employment_{value}"],
                "new_form": value in EmploymentType.new_form_values(),
            }
            for value, label in EmploymentType.choices
        ],
        "sex": [
            {"key": Sex.MALE, "label": str(Sex.MALE.label), "count": sums["members"] - sums["female"]},
            {"key": Sex.FEMALE, "label": str(Sex.FEMALE.label), "count": sums["female"]},
        ],
        "age": [{"key": column, "label": AGE_LABELS[column], "count": sums[column]} for column, _lo, _hi in AGE_BANDS],
        "migrant": sums["migrant"],
        "hardship": sums["hardship"],
        "new_form_total": sum(sums[f"employment_{value}"] for value in NEW_FORM_GROUPS),
    }


def _enrolment(union: Union, sums: dict, year: int) -> list[dict]:
    """Each new-employment-form group: members who joined this year against the node's target."""
    targets = dict(
        EnrolmentTarget.objects.filter(union=union, year=year, group__in=NEW_FORM_GROUPS).values_list("group", "target")
    )
    result = []
    for value in NEW_FORM_GROUPS:
        joined, target = sums[f"joined_{value}"], targets.get(value)
        result.append(
            {
                "group": value,
                "label": str(EmploymentType(value).label),
                "joined": joined,
                "target": target,
                "rate": round(100 * joined / target, 1) if target else None,
            }
        )
    return result


def _coverage(union: Union, today: datetime.date) -> dict:
    """Employers with 25 or more staff known to the portal; those with a union of their own against
    the rest, as the monthly report counts them. The largest without are the rest, largest first
    (names only): the same rows the counts are made of, so the list is empty only when the rate is 100 %."""
    large = large_employers(union, today)
    counts = large.aggregate(known=Count("id"), own=Count("id", filter=WITH_OWN_UNION))
    without = (
        large.exclude(WITH_OWN_UNION)
        .order_by("-employer_staff_count", "employer_name")
        .values("employer_name", "employer_staff_count")[:LARGEST_WITHOUT_UNION]
    )
    return {
        "large_employers": counts["known"],
        "with_own_union": counts["own"],
        "rate": round(100 * counts["own"] / counts["known"], 1) if counts["known"] else None,
        "largest_without": [{"name": r["employer_name"], "staff": r["employer_staff_count"]} for r in without],
    }


def _children(union: Union, *, year: int, today: datetime.date) -> list[dict]:
    """The league table: each child node's members, growth this year, coverage and target completion,
    ranked (1 = best, equal values share a rank) on each. One grouped query per measure over the
    whole subtree. A closed child stays in the table (its members still count) but is not ranked;
    a measure without data (no target, no large employer, nobody a year ago) has no rank."""
    children = list(Union.objects.filter(path__startswith=union.path, depth=union.depth + 1).order_by("path"))
    if not children:
        return []
    prefix = len(union.path) + Union.steplen
    child_path = Substr("union__path", 1, prefix)
    new_form_joined = sum((F(f"joined_{v}") for v in NEW_FORM_GROUPS[1:]), F(f"joined_{NEW_FORM_GROUPS[0]}"))
    tallied = {
        row["child"]: row
        for row in UnionTally.objects.filter(union__path__startswith=union.path)
        .annotate(child=child_path)
        .values("child")
        .annotate(n=Sum("members"), joined=Sum(new_form_joined, filter=Q(year=year)))
    }
    joined_by_child = {path: row["joined"] for path, row in tallied.items()}
    if year != today.year:
        joined_by_child = dict(
            _year_joiners(union, year, today)
            .filter(employment_type__in=NEW_FORM_GROUPS)
            .annotate(child=child_path)
            .values("child")
            .annotate(n=Count("id"))
            .values_list("child", "n")
        )
    year_start = datetime.date(today.year, 1, 1)
    change = {
        row["child"]: (row["j"] or 0) - (row["l"] or 0)
        for row in UnionMonth.objects.filter(union__path__startswith=union.path, month__gte=year_start)
        .annotate(child=child_path)
        .values("child")
        .annotate(j=Sum("joins"), l=Sum("leavers"))
    }
    # No ordering: treebeard orders by path, which would split the GROUP BY per union.
    large = large_employers(union, today).order_by().annotate(child=Substr("path", 1, prefix)).values("child")
    coverage = {
        row["child"]: (row["own"], row["known"])
        for row in large.annotate(known=Count("id"), own=Count("id", filter=WITH_OWN_UNION))
    }
    targets = dict(
        EnrolmentTarget.objects.filter(union__in=children, year=year, group__in=NEW_FORM_GROUPS)
        .values("union_id")
        .annotate(n=Sum("target"))
        .values_list("union_id", "n")
    )
    rows = []
    for child in children:
        total = tallied.get(child.path, {}).get("n") or 0
        joined = joined_by_child.get(child.path) or 0
        grown = change.get(child.path, 0)
        own, known = coverage.get(child.path, (0, 0))
        target = targets.get(child.pk)
        rows.append(
            {
                "id": child.pk,
                "name": child.name,
                "kind": child.kind,
                "closed": child.closed_on is not None and child.closed_on <= today,
                "members": total,
                "growth": grown,
                "growth_rate": round(100 * grown / (total - grown), 1) if total - grown > 0 else None,
                "coverage_rate": round(100 * own / known, 1) if known else None,
                "target": target,
                "new_form_joined": joined,
                "target_rate": round(100 * joined / target, 1) if target else None,
            }
        )
    for measure in RANKED:
        _rank(rows, measure)
    return rows


RANKED = ("members", "growth_rate", "coverage_rate", "target_rate")


def _rank(rows: list[dict], measure: str) -> None:
    """Standard competition ranking (1, 2, 2, 4) of the open children with a value, highest first."""
    values = sorted((r[measure] for r in rows if r[measure] is not None and not r["closed"]), reverse=True)
    first_at = {}
    for position, value in enumerate(values, start=1):
        first_at.setdefault(value, position)
    for row in rows:
        value = row[measure]
        row[f"rank_{measure}"] = first_at[value] if value is not None and not row["closed"] else None
