"""Small counts hidden from a leader's dashboard below federation level.

In a grassroots or joint union a count of 1 or 2 can point at a person: the one member in hardship,
the two Party members, the one who left in March. A leader reads aggregates only, so on their view of
such a union (the node itself, or a row of the league table) every count from 1 up to the threshold
(``DASHBOARD_SMALL_COUNT``) is replaced by None, which the page and the PDF print as "<3" and the
charts leave out. Zero stays: "nobody" points at no one.

A breakdown that adds up to a total that is shown (political status, employment, sex, age) is hidden
whole when one of its groups is small: hiding only that group, or it and one more, still lets the rest
give it back (five members, four shown as regular staff, two groups hidden: one each). Month-end totals
stay unless small themselves: a union's size is no secret, and the net change of a month follows from
them whatever is hidden; what is withheld is who the few are and which few moved.

Federation-level figures (a district's or a street's own totals) are sums over many unions and stay.
"""

import copy
import dataclasses

from .permissions import SMALL_NODE_KINDS
from .statistics import MonthlyFigures

BREAKDOWNS = ("political", "employment", "sex", "age")


def suppress(figures: dict, *, threshold: int) -> dict:
    """A copy of the dashboard ``figures`` with small counts of grassroots and joint unions hidden and
    ``small_counts`` saying so; ``figures`` itself (the cached dict) when nothing is hidden.
    ``threshold`` 0 or 1 hides nothing."""
    if threshold <= 1:
        return figures
    data = copy.deepcopy(figures)
    hidden = _Counter(threshold)
    if data["union"]["kind"] in SMALL_NODE_KINDS:
        _hide_node(data, hidden)
    for row in data["children"]:
        if row["kind"] in SMALL_NODE_KINDS:
            _hide_row(row, hidden)
    if not hidden.n:
        return figures
    data["small_counts"] = {"threshold": threshold, "hidden": hidden.n, "label": f"<{threshold}"}
    return data


class _Counter:
    def __init__(self, threshold: int) -> None:
        self.threshold, self.n = threshold, 0

    def small(self, value) -> bool:
        return value is not None and 0 < abs(value) < self.threshold

    def hide(self, holder: dict, key: str) -> bool:
        """Hide ``holder[key]`` when it is small; whether it is hidden now."""
        if self.small(holder[key]):
            holder[key] = None
            self.n += 1
        return holder[key] is None


def _hide_node(data: dict, hidden: _Counter) -> None:
    members = data["members"]
    for key in ("total", "change_month", "change_year"):
        hidden.hide(members, key)
    for point in members["trend"]:
        for key in ("joins", "leavers", "total"):
            hidden.hide(point, key)

    applications = data["applications"]
    # The oldest waiting application's age, or the average approval time, of one or two people is theirs.
    if hidden.hide(applications, "pending"):
        applications["oldest_days"] = None
    if hidden.hide(applications, "approved"):
        applications["average_days"] = None

    composition = data["composition"]
    composition["hidden_breakdowns"] = [name for name in BREAKDOWNS if _hide_breakdown(composition[name], hidden)]
    for key in ("migrant", "hardship", "new_form_total"):
        hidden.hide(composition, key)

    for row in data["enrolment"]:
        if hidden.hide(row, "joined"):
            row["rate"] = None


def _hide_breakdown(rows: list[dict], hidden: _Counter) -> bool:
    """Hide every group of the breakdown when any is small; whether it is hidden."""
    if not any(hidden.small(row["count"]) for row in rows):
        return False
    for row in rows:
        row["count"] = None
    hidden.n += len(rows)
    return True


def _hide_row(row: dict, hidden: _Counter) -> None:
    """A league-table row: its members, growth and new-form joiners, with the rates and ranks that
    would give them back."""
    if hidden.hide(row, "members"):
        row["rank_members"] = None
    if hidden.hide(row, "growth"):
        row["growth_rate"] = row["rank_growth_rate"] = None
    if hidden.hide(row, "new_form_joined"):
        row["target_rate"] = row["rank_target_rate"] = None


def suppress_monthly(figures: MonthlyFigures, *, threshold: int) -> tuple[MonthlyFigures, int]:
    """The monthly report's figures of a grassroots or joint union with the same rule as its dashboard:
    small counts None, a breakdown with a small group hidden whole. Returns a copy and how many
    figures were hidden; ``figures`` itself when none (or the node is above that level)."""
    if threshold <= 1 or figures.union.kind not in SMALL_NODE_KINDS:
        return figures, 0
    hidden = _Counter(threshold)
    changes = {}
    for name in (
        "total",
        "previous_total",
        "joins",
        "transfers_in",
        "transfers_out",
        "leavers",
        "new_form_total",
        "migrant",
        "hardship",
        "female",
    ):
        value = getattr(figures, name)
        if hidden.small(value):
            changes[name], hidden.n = None, hidden.n + 1
    changes["by_union_kind"] = [(label, None if hidden.small(n) else n) for label, n in figures.by_union_kind]
    if any(hidden.small(n) for _label, n in figures.by_political_status):
        changes["by_political_status"] = [(label, None) for label, _n in figures.by_political_status]
    if any(hidden.small(n) for _label, n, _new in figures.by_employment_type):
        changes["by_employment_type"] = [(label, None, new) for label, _n, new in figures.by_employment_type]
    changes["trend"] = [(month, None if hidden.small(n) else n) for month, n in figures.trend]
    hidden.n += sum(1 for _label, n in changes["by_union_kind"] if n is None)
    hidden.n += len(changes.get("by_political_status", [])) + len(changes.get("by_employment_type", []))
    hidden.n += sum(1 for _month, n in changes["trend"] if n is None)
    if not hidden.n:
        return figures, 0
    return dataclasses.replace(figures, **changes), hidden.n


class Hider:
    """Hides a panel's small counts in place and counts what it hid; each panel's subclass says, in
    ``row``, which of its figures go together (a split with a small half is hidden whole)."""

    def __init__(self, threshold: int) -> None:
        self.threshold, self.n = threshold, 0

    def small(self, value) -> bool:
        return value is not None and 0 < value < self.threshold

    def hide(self, holder: dict, *keys: str) -> None:
        for key in keys:
            if holder.get(key) is not None:
                holder[key] = None
                self.n += 1

    def breakdown(self, items: list[dict], holder: dict, total_key: str) -> None:
        """Groups adding up to ``holder[total_key]``: every group hidden when one is small (the others
        would give it back), the total when it is small itself."""
        if any(self.small(item["count"]) for item in items):
            for item in items:
                self.hide(item, "count")
        if self.small(holder[total_key]):
            self.hide(holder, total_key)
