"""What the navigation bar offers of the reports app: asked of ``reports.permissions``, never decided here."""

from django import template

from .. import permissions

register = template.Library()


@register.simple_tag
def reports_menu(user) -> dict:
    """``{% reports_menu user as reports_nav %}`` → whether the dashboard, the reports page and the
    integrity figures (``reports:integrity_dashboard_home``) are the user's."""
    return {
        "dashboard": permissions.can_see_dashboard(user),
        "reports": permissions.can_use_reports(user),
        "integrity": permissions.can_see_integrity_dashboard(user),
    }
