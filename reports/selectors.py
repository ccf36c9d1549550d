"""Which reports a user may see: by the report's node in their scope, and a member's own cards."""

from django.db.models import Q, QuerySet
from django.http import Http404

from unions.models import Union
from unions.roles import MEMBER_STAFF_KINDS
from unions.scope import scope_paths, subtree_q

from .models import Report
from .permissions import MONTHLY_READER_KINDS

K = Report.Kind


def reports_visible_to(user) -> QuerySet[Report]:
    """Monthly reports and dashboards with small counts hidden (aggregates) of nodes in a leader's or
    member staff's subtree; rosters, cards, and monthly reports and dashboards with exact small counts,
    of nodes in member staff's subtree (they can point at people); a member's own card PDFs."""
    if not getattr(user, "is_authenticated", False):
        return Report.objects.none()
    readers = subtree_q(scope_paths(user, MONTHLY_READER_KINDS), "union__path")
    member_staff = subtree_q(scope_paths(user, MEMBER_STAFF_KINDS), "union__path")
    hidden_small = Q(kind=K.DASHBOARD, parameters__exact_counts=False)
    # Spelled out rather than negated: a copy without the flag has no key, and NOT of a missing key
    # is NULL in SQL, which would hide it from everyone. A dashboard without it predates the flag and
    # was exact; a monthly report without it is of a federation, whose counts are never small.
    no_flag = ~Q(parameters__has_key="exact_counts")
    exact = Q(kind=K.DASHBOARD) & (Q(parameters__exact_counts=True) | no_flag)
    exact |= Q(kind=K.MONTHLY_MEMBERSHIP, parameters__exact_counts=True)
    monthly = Q(kind=K.MONTHLY_MEMBERSHIP) & (no_flag | Q(parameters__exact_counts=False))
    aggregate = (monthly | hidden_small) & readers
    personal = (Q(kind__in=[K.ROSTER, K.MEMBER_CARD]) | exact) & member_staff
    own_card = Q(kind=K.MEMBER_CARD, requested_by=user)
    return Report.objects.filter(aggregate | personal | own_card).select_related("union", "requested_by")


def report_get_visible(user, pk) -> Report:
    try:
        return reports_visible_to(user).get(pk=pk)
    except (Report.DoesNotExist, ValueError, TypeError):
        raise Http404 from None


def unions_for_monthly(user) -> QuerySet[Union]:
    return Union.objects.filter(subtree_q(scope_paths(user, MONTHLY_READER_KINDS))).order_by("path")


def unions_for_roster(user) -> QuerySet[Union]:
    return Union.objects.filter(
        subtree_q(scope_paths(user, MEMBER_STAFF_KINDS)),
        kind__in=[Union.Kind.GRASSROOTS_UNION, Union.Kind.JOINT_UNION],
    ).order_by("path")
