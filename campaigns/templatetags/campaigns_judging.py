"""The judging panel of the competition page: judges, who declared, sheets done and to do, and
whether the user may close (counts only; no judge is named)."""

from django import template
from django.db.models import Count, Q

from ..models import Competition
from ..permissions import can_manage
from ..scoring import queue_sizes, unjudged_entries

register = template.Library()


@register.inclusion_tag("campaigns/judging/_panel.html", takes_context=True)
def judging_panel(context, competition: Competition):
    user = context["request"].user if "request" in context else context.get("user")
    manage = can_manage(user, competition)
    judges = list(
        competition.judges.select_related("own_union")
        .prefetch_related("conflicts__union")
        .annotate(done=Count("sheets", filter=Q(sheets__completed_at__isnull=False)))
    )
    reviewing = competition.status == Competition.Status.REVIEWING
    sizes = queue_sizes(judges)
    return {
        "competition": competition,
        "manage": manage,
        "judges": len(judges),
        "declared": sum(1 for judge in judges if judge.conflicts_declared_at),
        "done": sum(judge.done for judge in judges),
        "to_do": sum(sizes.values()),
        "unjudged": len(unjudged_entries(competition)) if reviewing else None,
        "can_close": manage and reviewing,
        "request": context.get("request"),
    }
