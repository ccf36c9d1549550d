"""The cadres panel of a node's dashboard, and the cadres page of its monthly report: aggregates only.

For the node's subtree, as of a day: cadres in post and the young among them; training completion of
the day's year (cadres whose counted hours reach what they owe, of those who owe hours, from
``cadres.ledger.ledger_rows``); secondments and grassroots stays under way; the grades of the latest
year with final grades (confirmed by the leader, or published). The same for each child node, and for
the cadres serving at the node itself.

One pass for the whole subtree, whatever its size: a grouped query per figure and the ledger's handful
(5,000 cadres well under a second); the page's dict is cached for a few minutes per node, year, day and
language. No name, mobile or other personal field leaves this module.

Who reads it: leaders and cadre officers over the node (``cadres.permissions.can_read_aggregates``). A
cadre officer manages these cadres one by one and sees every count; a leader reads aggregates only, so
on grassroots and joint unions (the node itself or a child's row) their counts from 1 up to the
threshold are hidden, with what would give them back (a rate, the other half of a split, a breakdown).
"""

import copy
import datetime

from django.core.cache import cache
from django.db.models import Count, DateField, Max, Q
from django.db.models.functions import Coalesce, Substr
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from accounts.links import url_pattern
from cadres.ledger import ledger_rows
from cadres.models import Assessment, AssessmentGrade, Cadre, GrassrootsStay, Secondment
from cadres.models.profile import young_birth_date_after
from cadres.permissions import can_manage, can_read_aggregates
from unions.models import Union

from .charts import bar_chart
from .permissions import SMALL_NODE_KINDS, small_count_setting
from .small_counts import Hider
from .statistics import month_end

CACHE_SECONDS = 300
FINAL = (Assessment.Status.CONFIRMED, Assessment.Status.PUBLISHED)


def figures(union: Union, *, today: datetime.date | None = None) -> dict:
    """Today's figures of ``union``'s subtree (cached). The caller has checked the user's scope."""
    today = today or timezone.localdate()
    key = f"cadres-dashboard:{union.pk}:{today.year}:{today.isoformat()}:{get_language()}"
    data = cache.get(key)
    if data is None:
        data = compute(union, year=today.year, as_of=today)
        cache.set(key, data, CACHE_SECONDS)
    return data


def figures_for(user, union: Union) -> dict:
    """The figures as this user may read them: exact for a cadre officer over the node, small counts
    hidden from a leader on grassroots and joint unions."""
    threshold = 0 if can_manage(user, union) else small_count_setting()
    return suppress(figures(union), threshold=threshold)


def panel_for(user, union: Union) -> dict | None:
    """The panel of a node's dashboard page for a user who may read it (None for anyone else), each
    row linked to its node's cadres page."""
    if not can_read_aggregates(user, union):
        return None
    # The dict is this request's own (the cache hands out copies), so the links go straight in.
    data = figures_for(user, union)
    pattern = url_pattern("reports:cadre_dashboard")
    for row in data["children"]:
        row["url"] = "" if row["own_level"] else pattern.format(row["id"])
    return data


def _rate(part: int, whole: int) -> float | None:
    return round(100 * part / whole, 1) if whole else None


def in_post_on(day: datetime.date) -> Q:
    """Cadres in post on the day: in post now, or left or retired after it."""
    return Q(status=Cadre.Status.IN_POST) | Q(status_changed_on__gt=day)


def compute(union: Union, *, year: int, as_of: datetime.date) -> dict:
    """The figures of ``union``'s subtree on ``as_of``, with training completion of ``year``."""
    prefix = len(union.path) + Union.steplen
    cadres = Cadre.objects.filter(in_post_on(as_of), union__path__startswith=union.path).order_by()
    young_after = young_birth_date_after(as_of)

    counts = {
        row["child"]: row
        for row in cadres.annotate(child=Substr("union__path", 1, prefix))
        .values("child")
        .annotate(n=Count("id"), young=Count("id", filter=Q(birth_date__gt=young_after)))
    }
    # Training: each cadre's ledger row of the year; a cadre whose rank owes nothing has none.
    child_of = dict(cadres.annotate(child=Substr("union__path", 1, prefix)).values_list("pk", "child"))
    owing, completed = {}, {}
    for row in ledger_rows(cadres, year):
        child = child_of[row.cadre_id]
        owing[child] = owing.get(child, 0) + 1
        completed[child] = completed.get(child, 0) + (row.counted >= row.owed)
    secondments = _by_child(_secondments_on(as_of).filter(cadre__union__path__startswith=union.path), prefix)
    stays = _by_child(_stays_on(as_of).filter(cadre__union__path__startswith=union.path), prefix)

    def row_of(path: str) -> dict:
        n = counts.get(path, {}).get("n", 0)
        young = counts.get(path, {}).get("young", 0)
        owes, done = owing.get(path, 0), completed.get(path, 0)
        return {
            "in_post": n,
            "young": young,
            "young_share": _rate(young, n),
            "owing": owes,
            "completed": done,
            "completion_rate": _rate(done, owes),
            "secondments": secondments.get(path, 0),
            "stays": stays.get(path, 0),
        }

    children = []
    own_level = row_of(union.path)
    if own_level["in_post"] or own_level["secondments"] or own_level["stays"]:
        children.append(
            {
                "id": union.pk,
                "name": _("%(union)s itself") % {"union": union.name},
                "kind": union.kind,
                "own_level": True,
                **own_level,
            }
        )
    for child in Union.objects.filter(path__startswith=union.path, depth=union.depth + 1).order_by("path"):
        children.append(
            {"id": child.pk, "name": child.name, "kind": child.kind, "own_level": False, **row_of(child.path)}
        )

    # The rows cover the subtree: every cadre serves at the node itself or under one child.
    totals = {key: sum(row[key] for row in children) for key in ("in_post", "young", "owing", "completed")}
    totals.update(
        young_share=_rate(totals["young"], totals["in_post"]),
        completion_rate=_rate(totals["completed"], totals["owing"]),
        secondments=sum(secondments.values()),
        stays=sum(stays.values()),
    )
    return {
        "union": {"id": union.pk, "name": union.name, "kind": union.kind, "kind_label": union.get_kind_display()},
        "year": year,
        "as_of": as_of.isoformat(),
        "totals": totals,
        "grades": _grades(union, as_of),
        "children": children,
    }


def _by_child(queryset, prefix: int) -> dict[str, int]:
    return dict(
        queryset.order_by()
        .annotate(child=Substr("cadre__union__path", 1, prefix))
        .values("child")
        .annotate(n=Count("id"))
        .values_list("child", "n")
    )


def _secondments_on(day: datetime.date):
    """Secondments under way on the day: begun by then, and still active or ended on or after it."""
    S = Secondment.Status
    return Secondment.objects.annotate(
        began=Coalesce("actual_start", "planned_start", output_field=DateField()),
        ended=Coalesce("actual_end", "planned_end", output_field=DateField()),
    ).filter(
        Q(status=S.ACTIVE) | Q(status__in=[S.REPORT_DUE, S.REVIEWED, S.CLOSED], ended__gte=day),
        began__lte=day,
    )


def _stays_on(day: datetime.date):
    """Grassroots stays under way on the day: begun by then, and still staying or ended on or after it."""
    S = GrassrootsStay.Status
    return GrassrootsStay.objects.filter(
        Q(status=S.ACTIVE) | Q(status__in=[S.REPORT_DUE, S.REVIEWED], ends_on__gte=day),
        starts_on__lte=day,
    )


def _grades(union: Union, as_of: datetime.date) -> dict:
    """The latest year with final grades on the day (confirmed by then), counted per grade; and how many
    of that year's assessments were not final yet."""
    end = datetime.datetime.combine(
        as_of + datetime.timedelta(days=1), datetime.time.min, tzinfo=timezone.get_current_timezone()
    )
    assessments = Assessment.objects.filter(unit__path__startswith=union.path).order_by()
    final = Q(status__in=FINAL, confirmed_at__lt=end) & ~Q(grade="")
    year = assessments.filter(final).aggregate(year=Max("year"))["year"]
    if year is None:
        return {"year": None, "rows": [], "pending": 0}
    counted = dict(
        assessments.filter(final, year=year).values("grade").annotate(n=Count("id")).values_list("grade", "n")
    )
    total = assessments.filter(year=year, round__opened_at__lt=end).count()
    rows = [
        {"key": value, "label": str(label), "count": counted.get(value, 0)} for value, label in AssessmentGrade.choices
    ]
    return {"year": year, "rows": rows, "pending": max(total - sum(counted.values()), 0)}


# --- small counts ---------------------------------------------------------------------------------------


def suppress(data: dict, *, threshold: int) -> dict:
    """A copy of ``data`` with small counts of grassroots and joint unions hidden (None) and
    ``small_counts`` saying so; ``data`` itself (the cached dict) when nothing is hidden. Zero stays:
    it points at nobody. ``threshold`` 0 or 1 hides nothing."""
    if threshold <= 1:
        return data
    copied = copy.deepcopy(data)
    hidden = _Hider(threshold)
    if copied["union"]["kind"] in SMALL_NODE_KINDS:
        hidden.row(copied["totals"])
        grades = copied["grades"]
        # A breakdown is hidden whole when one group is small: the others would give it back.
        if any(hidden.small(row["count"]) for row in grades["rows"]):
            for row in grades["rows"]:
                hidden.hide(row, "count")
        if hidden.small(grades["pending"]):
            hidden.hide(grades, "pending")
    for row in copied["children"]:
        if row["kind"] in SMALL_NODE_KINDS:
            hidden.row(row)
    if not hidden.n:
        return data
    copied["small_counts"] = {"threshold": threshold, "hidden": hidden.n, "label": f"<{threshold}"}
    return copied


class _Hider(Hider):
    def row(self, row: dict) -> None:
        """One node's figures: the count in post; the young and the rest, those who completed their hours
        and those who did not (a split with a small half is hidden whole, with its rate); the postings."""
        in_post, young, owing, done = row["in_post"], row["young"], row["owing"], row["completed"]
        if self.small(in_post):
            self.hide(row, "in_post")
        if self.small(young) or self.small(in_post - young):
            self.hide(row, "young", "young_share")
        if self.small(owing) or self.small(done) or self.small(owing - done):
            self.hide(row, "owing", "completed", "completion_rate")
        for key in ("secondments", "stays"):
            if self.small(row[key]):
                self.hide(row, key)


# --- the monthly report's cadres page ------------------------------------------------------------------


def monthly_page(union: Union, month: datetime.date, *, today: datetime.date | None = None) -> dict:
    """The cadres page of ``union``'s monthly report for the month beginning ``month``: the panel's
    figures as of the month's end (or today, for the month under way), training of the month's year,
    with SVG charts. Whoever reads the report (leaders and member staff, not only cadre officers) reads
    aggregates: small counts of grassroots and joint unions are always hidden."""
    today = today or timezone.localdate()
    as_of = min(month_end(month), today)
    threshold = small_count_setting()
    data = suppress(compute(union, year=month.year, as_of=as_of), threshold=threshold)
    hidden = data.get("small_counts", {}).get("label", "")
    rows = [row for row in data["children"] if row["owing"] != 0]
    completion_svg = ""
    if rows and all(row["completed"] is not None for row in rows):
        completion_svg = bar_chart(
            [(row["name"], row["completed"], row["owing"]) for row in rows],
            title=_("Cadres who met their training hours in %(year)s, by union below") % {"year": data["year"]},
            value_name=_("Met their hours"),
            target_name=_("Owe hours"),
        )
    grades = data["grades"]
    grades_svg = ""
    if grades["year"] and all(row["count"] is not None for row in grades["rows"]):
        grades_svg = bar_chart(
            [(row["label"], row["count"], None) for row in grades["rows"]],
            title=_("Yearly assessment grades of %(year)s") % {"year": grades["year"]},
            value_name=_("Cadres"),
        )
    return {
        "cadres": data,
        "cadres_as_of": as_of,
        "cadres_hidden_label": hidden,
        "cadres_completion_svg": completion_svg,
        "cadres_grades_svg": grades_svg,
    }
