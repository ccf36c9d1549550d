"""The awards panel's one query: ``{% competition_awards competition as awards %}``."""

from django import template

from ..models import Award, Competition
from ..permissions import can_manage

register = template.Library()


@register.simple_tag
def competition_awards(competition):
    return list(
        Award.objects.filter(entry__competition=competition)
        .select_related("entry__union", "prize")
        .order_by("entry__rank", "id")
    )


@register.simple_tag
def may_award(user, competition) -> bool:
    """The organiser's staff award the prizes of a closed competition."""
    return competition.status == Competition.Status.CLOSED and can_manage(user, competition)
