"""What the competition page's documents panel asks: whether the user runs the competition."""

from django import template

from ..permissions import can_manage

register = template.Library()


@register.simple_tag
def may_manage(user, competition) -> bool:
    return can_manage(user, competition)
