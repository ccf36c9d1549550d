"""The competitions panel of a node's dashboard, and the competitions page of its monthly report.

For the node's subtree and a year: the labour and skill competitions (劳动和技能竞赛) of the year, the
ones under way, the entries and the person-times (参与人次) they declared, by kind of competition and by
child node. A competition belongs to the year it starts in (one year each, so years add up) and counts
once it is approved (立项): drafts, competitions waiting for approval and returned ones are plans, not
competitions. Under way: running or in stage reviews and judging, as the competition stands now.
An entry counts while it takes part (waiting for the organiser or accepted; not refused or withdrawn),
from the day it was entered: the monthly report counts the entries entered by the month's end.

Where a figure sits in the tree: a competition under the child whose subtree holds its organiser; an
entry under the child whose subtree holds the entering union, whoever organised the competition (a
street's union entering the city's contest counts in the street's row, and in the city's competitions
count only at the city itself). The node's own row ("… itself") holds what is organised or entered at
the node. So the competitions column counts what a node organised and the entries column what it took
part in: the two need not match.

Two grouped queries (competitions, entries), whatever the subtree's size, and one for the child nodes.

Competition figures are not personal data: a competition is public, an entry's name and unit are on its
results page, and person-times are a figure the clerk declares, not people. No small count is hidden
here, unlike on the members', cadres' and integrity panels, whose counts can point at a person.

Who reads it: leaders and federation staff over the node (``campaigns.permissions.can_read_aggregates``).
"""

import datetime

from django.core.cache import cache
from django.db.models import Count, Q, Sum
from django.db.models.functions import Substr
from django.utils import timezone
from django.utils.translation import get_language, pgettext
from django.utils.translation import gettext as _

from accounts.links import url_pattern
from campaigns.models import Competition, Entry
from campaigns.permissions import can_read_aggregates
from unions.models import Union

from .charts import bar_chart
from .statistics import month_end

CACHE_SECONDS = 300
# The years a dashboard offers: this one and the four before it.
YEARS_OFFERED = 5

S = Competition.Status
# Approved (立项) and after: what counts as a competition of the year.
COUNTED = (S.APPROVED, S.RUNNING, S.REVIEWING, S.CLOSED, S.COMMENDED)
UNDER_WAY = (S.RUNNING, S.REVIEWING)
FINISHED = (S.CLOSED, S.COMMENDED)
# Entries taking part: waiting for the organiser or accepted.
TAKING_PART = (Entry.Status.ENTERED, Entry.Status.ACCEPTED)
# Counts of a row that add up over the rows, by name.
COUNT_KEYS = ("competitions", "running", "finished", "entries", "accepted", "person_times")


def years_offered(today: datetime.date | None = None) -> list[int]:
    today = today or timezone.localdate()
    return list(range(today.year, today.year - YEARS_OFFERED, -1))


def as_of_for(year: int, today: datetime.date | None = None) -> datetime.date:
    """The day a year's entries are counted to: its last day, or today for the year under way."""
    today = today or timezone.localdate()
    return min(datetime.date(year, 12, 31), today)


def _day_end(day: datetime.date) -> datetime.datetime:
    """The first moment after ``day`` in the portal's time zone."""
    return datetime.datetime.combine(
        day + datetime.timedelta(days=1), datetime.time.min, tzinfo=timezone.get_current_timezone()
    )


def compute(union: Union, *, year: int, as_of: datetime.date | None = None) -> dict:
    """The competition figures of ``union``'s subtree for ``year``, entries counted to ``as_of`` (default:
    ``as_of_for(year)``). The caller has checked the user may read them."""
    as_of = as_of or as_of_for(year)
    path, prefix = union.path, len(union.path) + Union.steplen
    of_year = Q(starts_on__gte=datetime.date(year, 1, 1), starts_on__lte=datetime.date(year, 12, 31))
    kinds = list(Competition.Kind.choices)

    competitions = (
        Competition.objects.filter(of_year, organiser__path__startswith=path, status__in=COUNTED)
        .order_by()
        .annotate(child=Substr("organiser__path", 1, prefix))
        .values("child", "kind")
        .annotate(
            competitions=Count("pk"),
            running=Count("pk", filter=Q(status__in=UNDER_WAY)),
            finished=Count("pk", filter=Q(status__in=FINISHED)),
        )
    )
    entries = (
        Entry.objects.filter(
            union__path__startswith=path,
            status__in=TAKING_PART,
            entered_at__lt=_day_end(as_of),
            competition__status__in=COUNTED,
            competition__starts_on__gte=datetime.date(year, 1, 1),
            competition__starts_on__lte=datetime.date(year, 12, 31),
        )
        .order_by()
        .annotate(child=Substr("union__path", 1, prefix))
        .values("child", "competition__kind")
        .annotate(
            entries=Count("pk"),
            accepted=Count("pk", filter=Q(status=Entry.Status.ACCEPTED)),
            person_times=Sum("person_times"),
        )
    )
    # (child path, kind) → counts
    cells: dict[tuple[str, str], dict] = {}
    for row in competitions:
        cells.setdefault((row["child"], row["kind"]), {}).update(
            competitions=row["competitions"], running=row["running"], finished=row["finished"]
        )
    for row in entries:
        cells.setdefault((row["child"], row["competition__kind"]), {}).update(
            entries=row["entries"], accepted=row["accepted"], person_times=row["person_times"] or 0
        )

    def counts(cell: dict | None) -> dict:
        cell = cell or {}
        return {key: cell.get(key, 0) for key in COUNT_KEYS}

    def row_of(node_path: str) -> dict:
        by_kind = [{"key": value, **counts(cells.get((node_path, value)))} for value, _label in kinds]
        return {key: sum(item[key] for item in by_kind) for key in COUNT_KEYS}

    children = []
    own_level = row_of(path)
    if any(own_level.values()):
        children.append(
            {
                "id": union.pk,
                "name": _("%(union)s itself") % {"union": union.name},
                "kind": union.kind,
                "own_level": True,
                **own_level,
            }
        )
    for child in Union.objects.filter(path__startswith=path, depth=union.depth + 1).order_by("path"):
        children.append(
            {"id": child.pk, "name": child.name, "kind": child.kind, "own_level": False, **row_of(child.path)}
        )

    # Every figure sits at the node itself or under one child: the rows cover the subtree.
    by_kind = []
    for value, label in kinds:
        item = {"key": value, "label": str(label), **counts(None)}
        for (_child, kind), cell in cells.items():
            if kind == value:
                for key in COUNT_KEYS:
                    item[key] += cell.get(key, 0)
        by_kind.append(item)
    totals = {key: sum(item[key] for item in by_kind) for key in COUNT_KEYS}
    return {
        "union": {"id": union.pk, "name": union.name, "kind": union.kind, "kind_label": union.get_kind_display()},
        "year": year,
        "as_of": as_of.isoformat(),
        "totals": totals,
        "by_kind": by_kind,
        "children": children,
    }


def figures(union: Union, *, year: int | None = None, today: datetime.date | None = None) -> dict:
    """The figures of ``union``'s subtree for ``year`` (default: this year) to today, cached a few
    minutes. The caller has checked the user's scope."""
    today = today or timezone.localdate()
    year = year or today.year
    as_of = as_of_for(year, today)
    key = f"campaigns-dashboard:{union.pk}:{year}:{as_of.isoformat()}:{get_language()}"
    data = cache.get(key)
    if data is None:
        data = compute(union, year=year, as_of=as_of)
        cache.set(key, data, CACHE_SECONDS)
    return data


def panel_for(user, union: Union, *, year: int | None = None) -> dict | None:
    """The panel of a node's dashboard for a user who may read it (None for anyone else), each child's
    row linked to its own panel."""
    if not can_read_aggregates(user, union):
        return None
    # The cache hands out copies: the links go straight into this request's dict.
    data = figures(union, year=year)
    pattern = url_pattern("reports:campaigns_dashboard")
    for row in data["children"]:
        row["url"] = "" if row["own_level"] else pattern.format(row["id"])
    return data


# --- the monthly report's competitions page -------------------------------------------------------------


def monthly_page(union: Union, month: datetime.date, *, today: datetime.date | None = None) -> dict:
    """The competitions page of ``union``'s monthly report for the month beginning ``month``: the
    competitions of the month's year, entries counted to the month's end (or today, for the month under
    way), the entries by child node as an SVG chart. Nothing is hidden: see the module's docstring."""
    today = today or timezone.localdate()
    as_of = min(month_end(month), today)
    data = compute(union, year=month.year, as_of=as_of)
    rows = [row for row in data["children"] if row["entries"]]
    entries_svg = ""
    if rows:
        entries_svg = bar_chart(
            [(row["name"], row["entries"], None) for row in rows],
            title=_("Entries in %(year)s's competitions, by union below") % {"year": data["year"]},
            value_name=pgettext("competition count", "Entries"),
        )
    return {
        "campaigns": data,
        "campaigns_as_of": as_of,
        "campaigns_entries_svg": entries_svg,
    }
