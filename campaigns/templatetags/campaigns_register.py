"""The decision panels on a nomination's and a round's page:
``{% nomination_decision_panel nomination user as panel %}`` and ``{% round_decision_panel round user as panel %}``.

Each answers None when the user may do or see nothing there, and the partial then shows nothing."""

from django import template
from django.db.models import Count

from ..honour_permissions import can_manage_round, can_see_honour
from ..models import Honour, Nomination, NominationReview
from ..objections import has_open_objection
from ..services.decisions import problem

register = template.Library()


@register.simple_tag
def nomination_decision_panel(nomination, user):
    if nomination.status == Nomination.Status.AWARDED:
        honour = Honour.objects.filter(nomination=nomination).select_related("union").first()
        if honour is None or not can_see_honour(user, honour):
            return None
        return {"honour": honour}
    if nomination.status != Nomination.Status.NOTICE or not can_manage_round(user, nomination.round):
        return None
    return {
        "may_decide": True,
        "problem": problem(nomination),
        "open_objection": has_open_objection(nomination),
    }


@register.simple_tag
def round_decision_panel(round_, user):
    if not can_manage_round(user, round_):
        return None
    counts = dict(
        Nomination.objects.filter(round=round_, status__in=[Nomination.Status.NOTICE, Nomination.Status.AWARDED])
        .values_list("status")
        .annotate(n=Count("id"))
    )
    # Not conferred at the decision (a rejection at an earlier level is the reviews panel's).
    rejected = NominationReview.objects.filter(
        nomination__round=round_,
        stage=NominationReview.Stage.DECISION,
        outcome=NominationReview.Outcome.REJECTED,
    ).count()
    if not counts and not rejected:
        return None
    return {
        "in_notice": counts.get(Nomination.Status.NOTICE, 0),
        "awarded": counts.get(Nomination.Status.AWARDED, 0),
        "rejected": rejected,
    }
