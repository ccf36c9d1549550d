"""Read queries over honours, always scoped to the user in SQL (``honour_permissions`` says who sees what).

An object outside these querysets answers 404 (``unions.selectors.get_visible_or_404``).
"""

from django.db.models import Q, QuerySet

from unions.scope import roles_of
from unions.selectors import scoped

from .honour_permissions import CARE_KINDS, HONOUR_STAFF_KINDS, NOMINATOR_KINDS, REGISTER_KINDS
from .models import Honour, InnovationStudio, Nomination, Objection, PublicNotice, Round
from .selectors import ancestor_paths


def rounds_managed_by(user) -> QuerySet[Round]:
    """Rounds organised in the subtrees where the user is federation staff."""
    return scoped(Round.objects.select_related("organiser"), user, HONOUR_STAFF_KINDS, "organiser__path")


def rounds_open_to(user) -> QuerySet[Round]:
    """Rounds a clerk's (or staff member's) unions nominate in: organised at or above one of their nodes,
    or inside their subtree; rounds being prepared are not shown."""
    q = Q(pk__in=[])
    for role in roles_of(user):
        if role.kind in NOMINATOR_KINDS:
            path = role.union.path
            ancestors = ancestor_paths(path)
            q |= Q(organiser__path__in=ancestors) | Q(organiser__path__startswith=path)
    return Round.objects.select_related("organiser").filter(q).exclude(status=Round.Status.DRAFT)


def nominations_visible_to(user) -> QuerySet[Nomination]:
    """Nominations of the unions in the user's nominator scope: clerks their own unions', federation
    staff their subtree's (the first review and the organiser among them)."""
    return scoped(Nomination.objects.select_related("round", "kind", "union"), user, NOMINATOR_KINDS, "union__path")


def first_review_queue(user) -> QuerySet[Nomination]:
    """Submitted nominations whose first-review level is in the user's staff scope."""
    return scoped(
        Nomination.objects.select_related("round", "kind", "union"), user, HONOUR_STAFF_KINDS, "first_node__path"
    ).filter(status=Nomination.Status.SUBMITTED)


def organiser_queue(user, status: str) -> QuerySet[Nomination]:
    """Nominations in ``status`` of rounds the user runs (second review, vetting, notice)."""
    return scoped(
        Nomination.objects.select_related("round", "kind", "union"), user, HONOUR_STAFF_KINDS, "round__organiser__path"
    ).filter(status=status)


def notices_managed_by(user) -> QuerySet[PublicNotice]:
    return scoped(PublicNotice.objects.select_related("round"), user, HONOUR_STAFF_KINDS, "round__organiser__path")


def objections_visible_to(user) -> QuerySet[Objection]:
    """Objections to notices of rounds the user runs: nobody else sees them."""
    return scoped(
        Objection.objects.select_related("notice", "nomination"),
        user,
        HONOUR_STAFF_KINDS,
        "notice__round__organiser__path",
    )


def honours_visible_to(user) -> QuerySet[Honour]:
    return scoped(Honour.objects.select_related("kind", "union"), user, REGISTER_KINDS, "union__path")


def care_list_for(user) -> QuerySet[Honour]:
    """Holders of a kind that grants care, not revoked, whose union is in the user's care scope."""
    return scoped(Honour.objects.select_related("kind", "union"), user, CARE_KINDS, "union__path").filter(
        kind__grants_care=True, revoked_at__isnull=True
    )


def studios_visible_to(user) -> QuerySet[InnovationStudio]:
    return scoped(
        InnovationStudio.objects.select_related("leader", "host_union"), user, HONOUR_STAFF_KINDS, "host_union__path"
    )
