"""Template helpers of nominating: a nomination's status badge colour and what happens next."""

from django import template
from django.utils.translation import gettext as _

from ..models import Nomination

register = template.Library()

S = Nomination.Status

BADGES = {
    S.DRAFT: "text-bg-light border",
    S.RETURNED: "text-bg-danger",
    S.REJECTED: "text-bg-danger",
    S.WITHDRAWN: "text-bg-secondary",
    S.AWARDED: "text-bg-success",
    S.NOTICE: "text-bg-info",
}


@register.filter
def nomination_badge(nomination: Nomination) -> str:
    return BADGES.get(nomination.status, "text-bg-warning")


@register.filter
def nomination_next(nomination: Nomination) -> str:
    """One line: what the nominator does next, or whom the nomination waits for."""
    steps = {
        S.DRAFT: _("Attach the checklist's files and submit."),
        S.RETURNED: _("Returned: correct it and submit again."),
        S.SUBMITTED: _("Waiting for the first review."),
        S.FIRST_PASSED: _("Waiting for the level to forward its list."),
        S.FORWARDED: _("Waiting for the organiser's review."),
        S.VETTING: _("Waiting for the joint vetting."),
        S.VETTED: _("Waiting for the public notice."),
        S.NOTICE: _("In public notice, then the final decision."),
    }
    return steps.get(nomination.status, "")
