"""A round's summary as a PDF for leaders and the staff over its organiser: nominations and awards by
honour and by the organiser's children, the structural shares achieved against the round's rules, the
objections, and the timeline. Figures only: it names no nominee and no objector (leaders read
aggregates, never personal lists).

A fixed number of queries whatever the size of the round.
"""

from collections import Counter

from django.db.models import Count, Max, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.pdf import render_pdf
from unions.selectors import children_of

from .models import CategoryFlag, Honour, Nomination, Objection, PublicNotice, Quota, Round
from .structure import rule_bound, rule_met, shares
from .summary import bar_chart

TEMPLATE = "reports/campaigns/round_summary.html"
CHART_NODES = 15
OWN_LEVEL = "own"

# The columns of the tables by honour and by node: nominations in all (ever submitted), still under
# review, in the notice, awarded, rejected, withdrawn.
IN_REVIEW = (
    Nomination.Status.SUBMITTED,
    Nomination.Status.FIRST_PASSED,
    Nomination.Status.FORWARDED,
    Nomination.Status.VETTING,
    Nomination.Status.VETTED,
    Nomination.Status.RETURNED,
)


def _counts(rows) -> dict:
    """(group, status, n) rows → group → the table's columns."""
    grouped: dict = {}
    for group, status, n in rows:
        c = grouped.setdefault(
            group, {"nominated": 0, "in_review": 0, "notice": 0, "awarded": 0, "rejected": 0, "withdrawn": 0}
        )
        if status == Nomination.Status.DRAFT:
            continue
        c["nominated"] += n
        if status in IN_REVIEW:
            c["in_review"] += n
        elif status == Nomination.Status.NOTICE:
            c["notice"] += n
        elif status == Nomination.Status.AWARDED:
            c["awarded"] += n
        elif status == Nomination.Status.REJECTED:
            c["rejected"] += n
        elif status == Nomination.Status.WITHDRAWN:
            c["withdrawn"] += n
    return grouped


def _blank() -> dict:
    return {"nominated": 0, "in_review": 0, "notice": 0, "awarded": 0, "rejected": 0, "withdrawn": 0}


def _total(rows: list[dict]) -> dict:
    total = _blank() | {"quota": 0}
    for row in rows:
        for key in total:
            total[key] += row.get(key) or 0
    return total


def _share_rows(rules: list, nominations, awarded) -> list[dict]:
    alive, won = shares(nominations), shares(awarded)
    rows = []
    for rule in rules:
        count, total = alive[rule.flag]
        a_count, a_total = won[rule.flag]
        rows.append(
            {
                "rule": rule,
                "count": count,
                "total": total,
                "percent": round(100 * count / total) if total else None,
                "bound": rule_bound(rule, total),
                "met": rule_met(rule, count, total),
                "awarded_count": a_count,
                "awarded_total": a_total,
                "awarded_percent": round(100 * a_count / a_total) if a_total else None,
                "awarded_met": rule_met(rule, a_count, a_total),
            }
        )
    return rows


def context(round_: Round) -> dict:
    round_ = Round.objects.select_related("organiser").get(pk=round_.pk)
    organiser = round_.organiser
    kinds = list(round_.kinds.order_by("order", "id"))
    nominations = Nomination.objects.filter(round=round_)

    # By honour: nominations by status, and the quotas handed to the organiser's children.
    by_kind = _counts(nominations.values_list("kind_id", "status").annotate(n=Count("pk")).order_by())
    children = list(children_of(organiser).order_by("path").values_list("pk", "name"))
    child_ids = [pk for pk, _name in children]
    quotas = list(Quota.objects.filter(round=round_, node_id__in=child_ids).values_list("node_id", "kind_id", "count"))
    quota_by_kind: Counter = Counter()
    quota_by_node: Counter = Counter()
    for node_id, kind_id, count in quotas:
        quota_by_kind[kind_id] += count
        quota_by_node[node_id] += count
    kind_rows = [
        {"label": kind.name, "quota": quota_by_kind.get(kind.pk, 0) if quotas else None}
        | by_kind.get(kind.pk, _blank())
        for kind in kinds
    ]

    # By the organiser's children (the first-review levels); the organiser's own nominations apart.
    by_node = _counts(nominations.values_list("first_node_id", "status").annotate(n=Count("pk")).order_by())
    node_rows = [
        {"label": name, "quota": quota_by_node.get(pk, 0) if quotas else None} | by_node.get(pk, _blank())
        for pk, name in children
    ]
    if None in by_node:
        node_rows.append({"label": _("%(organiser)s (own level)") % {"organiser": organiser.name}, "quota": None})
        node_rows[-1] |= by_node[None]
    chart_rows = sorted(
        ((row["label"], row["nominated"]) for row in node_rows if row["nominated"]), key=lambda r: (-r[1], r[0])
    )

    # The structural shares: over the nominations still in the running (or awarded), and over the awards.
    rules = list(round_.rules.all())
    share_rows = _share_rows(
        rules,
        nominations.filter(status__in=Nomination.ALIVE),
        nominations.filter(status=Nomination.Status.AWARDED),
    )

    # Objections to the round's notices.
    objections = Objection.objects.filter(notice__round=round_).aggregate(
        received=Count("pk"),
        open=Count("pk", filter=Q(status__in=Objection.OPEN)),
        upheld=Count("pk", filter=Q(status=Objection.Status.UPHELD)),
        dismissed=Count("pk", filter=Q(status=Objection.Status.DISMISSED)),
        late=Count("pk", filter=Q(late=True)),
    )
    notices = list(PublicNotice.objects.filter(round=round_).order_by("published_on", "pk"))
    decided = Honour.objects.filter(round=round_).aggregate(last=Max("decided_on"))["last"]
    timeline = [
        (_("Nominations close"), round_.nominations_close, None),
        (_("First review due"), round_.first_review_due, None),
        (_("Second review due"), round_.second_review_due, None),
        (_("Joint vetting due"), round_.vetting_due, None),
        (_("Public notice planned from"), round_.notice_planned, None),
    ]
    for notice in notices:
        timeline.append((_("Public notice"), notice.first_day, notice.last_day))
    if decided:
        timeline.append((_("Final decision"), decided, None))

    return {
        "title": _("Summary of %(round)s") % {"round": round_.title},
        "round": round_,
        "organiser": organiser,
        "kind_rows": kind_rows,
        "kind_total": _total(kind_rows),
        "node_rows": node_rows,
        "node_total": _total(node_rows),
        "has_quotas": bool(quotas),
        "chart": bar_chart(chart_rows[:CHART_NODES], title=_("Nominations by union")) if chart_rows else "",
        "more_nodes": len(chart_rows) > CHART_NODES,
        "share_rows": share_rows,
        "flags": dict(CategoryFlag.choices),
        "objections": objections,
        "timeline": timeline,
        "today": timezone.localdate(),
    }


def summary_pdf(round_: Round) -> bytes:
    return render_pdf(TEMPLATE, context(round_))


def file_name(round_: Round) -> str:
    return f"round-{round_.pk}-summary.pdf"
