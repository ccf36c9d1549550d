"""The care panel of an honour's page: ``{% load campaigns_care %}{% care_panel honour user as care %}``, then
``{% include "campaigns/honours/care/_honour_panel.html" %}``. Empty (``None``) for whoever may not record the
holder's care, for a kind without care, and for a revoked honour."""

from django import template
from django.utils import timezone

from ..care import care_due
from ..honour_permissions import can_record_care
from ..honour_selectors import care_list_for

register = template.Library()


@register.simple_tag
def care_panel(honour, user):
    if not can_record_care(user, honour):
        return None
    today = timezone.localdate()
    rows = care_due(honours=care_list_for(user).filter(person_key=honour.person_key), year=today.year, today=today)
    return {"honour": honour, "year": today.year, "lines": rows[0].lines if rows else []}
