"""What the honours' documents panels ask (``honour_permissions``): whether the user may print a
nomination's approval form, a round's notices for posting, the round's summary."""

from django import template

from ..honour_permissions import can_manage_round, can_read_honour_aggregates, can_see_nomination

register = template.Library()


@register.simple_tag
def nomination_documents_panel(nomination, user) -> dict:
    return {"form": bool(user.is_authenticated and can_see_nomination(user, nomination))}


@register.simple_tag
def round_documents_panel(round_, user) -> dict:
    if not user.is_authenticated:
        return {"summary": False, "notices": []}
    manages = can_manage_round(user, round_)
    return {
        "summary": manages or can_read_honour_aggregates(user, round_.organiser),
        "notices": list(round_.notices.order_by("published_on", "pk")) if manages else [],
    }
