"""What the navigation bar offers of the reports app: asked of ``reports.permissions``, never decided here."""

from django import template

from integrity.permissions import is_discipline_officer

from .. import permissions

register = template.Library()


@register.simple_tag
def reports_menu(user) -> dict:
    """``{% reports_menu user as reports_nav %}`` → whether the dashboard, the reports page and the
    integrity figures (``reports:integrity_dashboard_home``) are the user's. A discipline officer finds
    the figures in the integrity menu; a leader under Reports (``integrity_in_reports``)."""
    integrity = permissions.can_see_integrity_dashboard(user)
    return {
        "dashboard": permissions.can_see_dashboard(user),
        "reports": permissions.can_use_reports(user),
        "integrity": integrity,
        "integrity_in_reports": integrity and not is_discipline_officer(user),
    }
