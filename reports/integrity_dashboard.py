"""The integrity panel of a node's dashboard, and the integrity page of its monthly report: aggregates only.

The figures are ``integrity.aggregates.compute`` (talks by kind, coverage of the yearly routine talk,
rectifications open, overdue and struck off, responsibility letters unsigned, opinion letters issued,
warning education, the four-forms register by form and year), for the node and each child node. No
name, no content: the records behind them stay with the discipline officers.

Who reads it: leaders and discipline officers over the node (``integrity.permissions.can_read_aggregates``);
anyone else gets 404, city admins and cadre officers included. A discipline officer over the node keeps
these records one by one and sees every count; a leader reads aggregates only, so on grassroots and
joint unions (the node itself or a child's row) their counts from 1 up to the threshold are hidden, with
what would give them back (a rate, the other half of a split, a breakdown), as on the members' and
cadres' panels (``reports.small_counts``, ``reports.cadres_dashboard``). Federation-level figures are
sums over many unions and stay. The monthly report, read by leaders and member staff, always hides them.
"""

import copy
import datetime

from django.core.cache import cache
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from accounts.links import url_pattern
from integrity import aggregates
from integrity.permissions import can_manage, can_read_aggregates
from unions.models import Union

from .charts import bar_chart
from .permissions import SMALL_NODE_KINDS, small_count_setting
from .small_counts import Hider
from .statistics import month_end

CACHE_SECONDS = 300
# The years a dashboard offers: this one and the four before it.
YEARS_OFFERED = 5


def years_offered(today: datetime.date | None = None) -> list[int]:
    today = today or timezone.localdate()
    return list(range(today.year, today.year - YEARS_OFFERED, -1))


def figures(union: Union, *, year: int | None = None, today: datetime.date | None = None) -> dict:
    """The figures of ``union``'s subtree for ``year`` (default: this year) to today (cached a few minutes).
    The caller has checked the user's scope."""
    today = today or timezone.localdate()
    year = year or today.year
    as_of = aggregates.as_of_for(year, today)
    key = f"integrity-dashboard:{union.pk}:{year}:{as_of.isoformat()}:{get_language()}"
    data = cache.get(key)
    if data is None:
        data = aggregates.compute(union, year=year, as_of=as_of)
        cache.set(key, data, CACHE_SECONDS)
    return data


def threshold_for(user, union: Union) -> int:
    """0 (every count shown) for a discipline officer over the node; the setting for a leader."""
    return 0 if can_manage(user, union) else small_count_setting()


def figures_for(user, union: Union, *, year: int | None = None) -> dict:
    """The figures as this user may read them: exact for a discipline officer over the node, small
    counts hidden from a leader on grassroots and joint unions."""
    return suppress(figures(union, year=year), threshold=threshold_for(user, union))


def panel_for(user, union: Union, *, year: int | None = None) -> dict | None:
    """The panel of a node's dashboard for a user who may read it (None for anyone else), each child's
    row linked to its own panel."""
    if not can_read_aggregates(user, union):
        return None
    # The dict is this request's own (the cache hands out copies), so the links go straight in.
    data = figures_for(user, union, year=year)
    pattern = url_pattern("reports:integrity_dashboard")
    for row in data["children"]:
        row["url"] = "" if row["own_level"] else pattern.format(row["id"])
    return data


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
        for year in copied["forms_by_year"]:
            hidden.breakdown(year["forms"], year, "total")
    for row in copied["children"]:
        if row["kind"] in SMALL_NODE_KINDS:
            hidden.row(row)
    if not hidden.n:
        return data
    copied["small_counts"] = {"threshold": threshold, "hidden": hidden.n, "label": f"<{threshold}"}
    return copied


class _Hider(Hider):
    def row(self, row: dict) -> None:
        """One node's figures. A split with a small half is hidden whole, with its rate: covered and not
        covered, signed and unsigned, a problem on record and none, attended and not."""
        self.breakdown(row["talks"], row, "talks_total")
        self.breakdown(row["forms"], row, "forms_total")
        in_post, covered = row["in_post"], row["covered"]
        if self.small(in_post):
            self.hide(row, "in_post")
        if self.small(covered) or self.small(in_post - covered):
            self.hide(row, "covered", "uncovered", "coverage_rate")
        attended = row["education_covered"]
        if self.small(attended) or self.small(in_post - attended):
            self.hide(row, "education_covered", "education_rate")
        for key in ("rect_open", "rect_overdue", "rect_struck_off", "opinions_issued"):
            if self.small(row[key]):
                self.hide(row, key)
        issued, problem = row["opinions_issued"], row["opinions_problem"]
        if self.small(problem) or (issued is not None and self.small(issued - problem)) or issued is None:
            self.hide(row, "opinions_problem")
        letters, signed = row["letters"], row["letters_signed"]
        if self.small(letters):
            self.hide(row, "letters")
        if self.small(signed) or self.small(letters - signed):
            self.hide(row, "letters_signed", "letters_unsigned", "letters_sent", "letters_drafted")
        elif self.small(row["letters_sent"]) or self.small(row["letters_drafted"]):
            self.hide(row, "letters_sent", "letters_drafted")


# --- the monthly report's integrity page ----------------------------------------------------------------


def monthly_page(union: Union, month: datetime.date, *, today: datetime.date | None = None) -> dict:
    """The integrity page of ``union``'s monthly report for the month beginning ``month``: the figures of
    the month's year counted to the month's end (or today, for the month under way), the coverage by child
    node as an SVG chart.
    Whoever reads the report (leaders and member staff) reads aggregates: small counts of grassroots and
    joint unions are always hidden."""
    today = today or timezone.localdate()
    as_of = min(month_end(month), today)
    data = suppress(aggregates.compute(union, year=month.year, as_of=as_of), threshold=small_count_setting())
    rows = [row for row in data["children"] if row["in_post"] != 0]
    coverage_svg = ""
    if rows and all(row["covered"] is not None and row["in_post"] is not None for row in rows):
        coverage_svg = bar_chart(
            [(row["name"], row["covered"], row["in_post"]) for row in rows],
            title=_("Cadres who had %(year)s's routine integrity talk, by union below") % {"year": data["year"]},
            value_name=_("Talked to"),
            target_name=_("In post"),
        )
    return {
        "integrity": data,
        "integrity_as_of": as_of,
        "integrity_hidden_label": data.get("small_counts", {}).get("label", ""),
        "integrity_coverage_svg": coverage_svg,
    }
