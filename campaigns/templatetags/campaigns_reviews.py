"""The review's panels: on a nomination's page (the decision at the current level;
joint vetting's opinions for the organiser's staff) and on a round's page (what waits for me per level).
Each asks ``campaigns.honour_permissions``; a panel is empty for a user who may do nothing there."""

from django import template
from django.db.models import Count

from unions.models import Union
from unions.selectors import scoped

from .. import honour_permissions, honour_selectors
from ..models import Nomination, NominationReview, VettingOpinion
from ..services.reviews import OUTCOMES, STAGE_OF, may_review
from ..services.vetting import letter_conclusion

register = template.Library()
Status = Nomination.Status


@register.simple_tag
def review_panel(nomination, user) -> dict:
    """The buttons for whoever may decide at the nomination's current level (nothing for anyone else)."""
    can = may_review(user, nomination)
    stage = STAGE_OF.get(nomination.status) if can else None
    return {
        "can_review": can,
        "stage": stage,
        "stage_label": NominationReview.Stage(stage).label if stage else "",
        "outcomes": OUTCOMES.get(stage, ()),
    }


@register.simple_tag
def vetting_panel(nomination, user) -> dict:
    """Joint vetting's opinions in short, for the organiser's staff, once vetting has begun."""
    if not honour_permissions.can_manage_round(user, nomination.round):
        return {"show": False}
    opinions = list(nomination.vetting_opinions.select_related("opinion_letter"))
    if not opinions:
        return {"show": False}
    rows = []
    for opinion in sorted(opinions, key=lambda o: VettingOpinion.Department.values.index(o.department)):
        conclusion = letter_conclusion(opinion.opinion_letter) if opinion.opinion_letter_id else opinion.conclusion
        rows.append((opinion.get_department_display(), conclusion, VettingOpinion.Conclusion(conclusion).label))
    return {
        "show": True,
        "rows": rows,
        "can_vet": honour_permissions.can_vet(user, nomination),
        "override_reason": nomination.vetting_override_reason,
    }


@register.simple_tag
def reviews_panel(round_, user) -> dict:
    """What waits for the user in this round: first reviews and passed lists per level (with the link to
    forward), and, for the organiser's staff, the second review and joint vetting."""
    first = list(
        honour_selectors.first_review_queue(user)
        .filter(round=round_)
        .order_by()
        .values("first_node_id", "first_node__name")
        .annotate(n=Count("id"))
        .order_by("first_node__name")
    )
    passed = list(
        scoped(Nomination.objects.filter(round=round_), user, honour_permissions.HONOUR_STAFF_KINDS, "first_node__path")
        .filter(status=Status.FIRST_PASSED)
        .order_by()
        .values("first_node_id", "first_node__name")
        .annotate(n=Count("id"))
        .order_by("first_node__name")
    )
    manages = honour_permissions.can_manage_round(user, round_)
    organiser = {}
    if manages:
        counts = (
            Nomination.objects.filter(round=round_, status__in=[Status.FORWARDED, Status.VETTING])
            .order_by()
            .values_list("status")
            .annotate(n=Count("id"))
        )
        organiser = dict(counts)
    levels = []
    if honour_permissions.is_honour_staff(user):
        children = Union.objects.filter(path__startswith=round_.organiser.path, depth=round_.organiser.depth + 1)
        levels = [node for node in children if honour_permissions.can_forward_for(user, round_, node)]
    return {
        "show": bool(first or passed or manages or levels),
        "first": first,
        "passed": passed,
        "manages": manages,
        "second": organiser.get(Status.FORWARDED, 0),
        "vetting": organiser.get(Status.VETTING, 0),
        "can_forward": bool(levels),
    }
