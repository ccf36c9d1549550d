"""Who may use the report pages, ask for which report, set targets, and how exactly a dashboard's
small counts are shown.

Built on the one primitive of the tree (``unions.scope.holds_role``). Services call these and raise;
views, the navigation bar and templates ask here and never decide.
"""

from django.conf import settings

from members.models import Member, MemberCard
from unions.permissions import can_manage_members
from unions.roles import DASHBOARD_KINDS, MEMBER_HOLDING_NODE_KINDS, TREE_MANAGER_KINDS
from unions.scope import holds_role, holds_role_anywhere

# Roles that may ask for and read the monthly report and the dashboard PDF of a node in their subtree.
MONTHLY_READER_KINDS = DASHBOARD_KINDS
# Nodes whose figures describe a handful of people: a leader sees their small counts suppressed.
SMALL_NODE_KINDS = MEMBER_HOLDING_NODE_KINDS


def can_request_staff_reports(user) -> bool:
    """Leaders and member staff: they have nodes to ask a monthly report, a dashboard or a roster for.
    Cadre officers, discipline officers and the auditor hold roles but no such node."""
    return holds_role_anywhere(user, MONTHLY_READER_KINDS)


def can_request_node_report(user, union) -> bool:
    """The monthly report and the dashboard PDF of a node: a leader or member staff whose subtree holds it."""
    return holds_role(user, union, MONTHLY_READER_KINDS)


def can_request_roster(user, union) -> bool:
    """A union's roster as a PDF: member staff over it (whether it has a roster is the service's check)."""
    return can_manage_members(user, union)


def can_set_targets(user, union) -> bool:
    """A node's yearly enrolment targets: city admins and federation staff whose subtree holds the
    node (they run the enrolment drive)."""
    return holds_role(user, union, TREE_MANAGER_KINDS)


def has_valid_card(user) -> bool:
    """Whether the user is an active member with a valid card (which they may download as a PDF)."""
    if not getattr(user, "is_authenticated", False):
        return False
    cached = getattr(user, "_has_valid_card", None)
    if cached is None:
        cached = MemberCard.objects.filter(
            member__user=user, member__status=Member.Status.ACTIVE, revoked_on__isnull=True
        ).exists()
        user._has_valid_card = cached
    return cached


def can_use_reports(user) -> bool:
    """Whether the reports page has anything for the user: a staff report to ask for, or their own
    card. Nobody else sees it in the menu, and the page answers them 404."""
    if not getattr(user, "is_authenticated", False):
        return False
    return can_request_staff_reports(user) or has_valid_card(user)


def can_see_dashboard(user) -> bool:
    return holds_role_anywhere(user, DASHBOARD_KINDS)


def can_see_integrity_dashboard(user) -> bool:
    """The integrity figures (counts only): leaders and discipline officers, over the nodes they hold."""
    from integrity.permissions import INTEGRITY_LEADER_KINDS, INTEGRITY_STAFF_KINDS

    return holds_role_anywhere(user, INTEGRITY_STAFF_KINDS | INTEGRITY_LEADER_KINDS)


def sees_exact_counts(user, union) -> bool:
    """Whether the user's dashboard of ``union`` shows every count as it is.

    Member staff over the node already read the members' records one by one, so hiding a count of 2
    from them protects nobody. A leader reads aggregates only: below federation level a count of 1 or 2
    may point at a person (the one member in hardship, the one who left), so theirs are suppressed.
    Decided for the whole node, not per league-table row, so the page, its JSON and its PDF agree.
    """
    return can_manage_members(user, union)


def small_count_threshold(user, union) -> int:
    """Counts from 1 up to this (exclusive) are hidden on the user's dashboard of ``union``; 0: none."""
    if sees_exact_counts(user, union):
        return 0
    return small_count_setting()


def small_count_setting() -> int:
    return max(int(getattr(settings, "DASHBOARD_SMALL_COUNT", 3)), 0)
