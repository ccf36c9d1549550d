"""Who may see and do what with honours (nominations, reviews, the notice, the register, care, studios).

- Clerks (and federation staff) over a union nominate for it, in a round whose organiser is at or above
  it, while the round takes nominations; they see their own union's nominations only.
- The first review is held by federation staff at the district or industry union under the organiser
  on the way to the nominating union (``Nomination.first_node``), or above it; they forward their list.
- The organiser's federation staff run the round: its quotas (for the organiser's children; a child's
  staff split theirs further down), the second review, joint vetting, the public notice, objections
  (and they alone see an objector's name and mobile), the final decision.
- The register: federation staff and clerks over the holder's union read it; federation staff over
  the honour's union (the conferring organiser's staff for a round's honour) revoke; clerks and staff
  over the holder's union record the care they deliver. Studios: federation staff over the host union.
- The working-day calendar: city admins.
- Leaders read aggregates.

Services call these and raise; views and templates ask and never decide.
"""

from unions.models import Role, Union
from unions.scope import holds_role, holds_role_anywhere

from .models import Honour, InnovationStudio, Nomination, Objection, Round

HONOUR_STAFF_KINDS = frozenset({Role.Kind.FEDERATION_STAFF})
NOMINATOR_KINDS = frozenset({Role.Kind.UNION_CLERK, Role.Kind.FEDERATION_STAFF})
REGISTER_KINDS = frozenset({Role.Kind.UNION_CLERK, Role.Kind.FEDERATION_STAFF})
CARE_KINDS = frozenset({Role.Kind.UNION_CLERK, Role.Kind.FEDERATION_STAFF})
AGGREGATE_KINDS = frozenset({Role.Kind.FEDERATION_STAFF, Role.Kind.LEADER})
CALENDAR_KINDS = frozenset({Role.Kind.CITY_ADMIN})
# A round is organised by a federation: the city, or a district or industry union running its own.
ROUND_ORGANISER_KINDS = frozenset(
    {Union.Kind.CITY_FEDERATION, Union.Kind.DISTRICT_FEDERATION, Union.Kind.INDUSTRY_UNION}
)


def is_honour_staff(user) -> bool:
    return holds_role_anywhere(user, HONOUR_STAFF_KINDS)


def is_nominator(user) -> bool:
    return holds_role_anywhere(user, NOMINATOR_KINDS)


def can_organise_round_at(user, node: Union) -> bool:
    return node.kind in ROUND_ORGANISER_KINDS and holds_role(user, node, HONOUR_STAFF_KINDS)


def can_manage_round(user, round_: Round) -> bool:
    """The organiser's federation staff (or staff above it)."""
    return holds_role(user, round_.organiser, HONOUR_STAFF_KINDS)


def covers(round_: Round, union: Union) -> bool:
    return union.path.startswith(round_.organiser.path)


def can_set_quota(user, round_: Round, node: Union) -> bool:
    """A node's quota is set from one level up: the organiser's staff for its children, a child's staff
    for the nodes below it (never the node's own staff for itself)."""
    if not covers(round_, node) or node.path == round_.organiser.path:
        return False
    return holds_role(user, node, HONOUR_STAFF_KINDS, strictly_above=True)


def can_nominate_for(user, round_: Round, union: Union) -> bool:
    return (
        round_.status == Round.Status.NOMINATING and covers(round_, union) and holds_role(user, union, NOMINATOR_KINDS)
    )


def can_see_nomination(user, nomination: Nomination) -> bool:
    """The nominating union's clerks and every federation staff member above it (reviewers, organiser)."""
    return holds_role(user, nomination.union, NOMINATOR_KINDS)


def can_edit_nomination(user, nomination: Nomination) -> bool:
    return nomination.is_editable and holds_role(user, nomination.union, NOMINATOR_KINDS)


def can_withdraw(user, nomination: Nomination) -> bool:
    return nomination.status in Nomination.WITHDRAWABLE and holds_role(user, nomination.union, NOMINATOR_KINDS)


def can_first_review(user, nomination: Nomination) -> bool:
    return (
        nomination.status == Nomination.Status.SUBMITTED
        and nomination.first_node_id is not None
        and holds_role(user, nomination.first_node, HONOUR_STAFF_KINDS)
    )


def can_forward_for(user, round_: Round, node: Union) -> bool:
    """A first-review level (a child of the organiser) forwards its passed list up."""
    return (
        covers(round_, node) and node.depth == round_.organiser.depth + 1 and holds_role(user, node, HONOUR_STAFF_KINDS)
    )


def can_second_review(user, nomination: Nomination) -> bool:
    return nomination.status == Nomination.Status.FORWARDED and can_manage_round(user, nomination.round)


def can_vet(user, nomination: Nomination) -> bool:
    return nomination.status == Nomination.Status.VETTING and can_manage_round(user, nomination.round)


def can_decide(user, nomination: Nomination) -> bool:
    return nomination.status == Nomination.Status.NOTICE and can_manage_round(user, nomination.round)


def can_handle_objection(user, objection: Objection) -> bool:
    """Objections and the objector's details: the organiser's staff only."""
    return can_manage_round(user, objection.notice.round)


def can_see_honour(user, honour: Honour) -> bool:
    return holds_role(user, honour.union, REGISTER_KINDS)


def can_revoke(user, honour: Honour) -> bool:
    if honour.is_revoked:
        return False
    if honour.round_id is not None:
        return can_manage_round(user, honour.round)
    return holds_role(user, honour.union, HONOUR_STAFF_KINDS)


def can_enter_honour_at(user, union: Union) -> bool:
    """Entering an earlier or higher-level honour into the register: federation staff over the union."""
    return holds_role(user, union, HONOUR_STAFF_KINDS)


def can_record_care(user, honour: Honour) -> bool:
    return honour.kind.grants_care and not honour.is_revoked and holds_role(user, honour.union, CARE_KINDS)


def can_manage_studio(user, studio: InnovationStudio) -> bool:
    return holds_role(user, studio.host_union, HONOUR_STAFF_KINDS)


def can_keep_calendar(user) -> bool:
    return holds_role_anywhere(user, CALENDAR_KINDS)


def can_read_honour_aggregates(user, node: Union) -> bool:
    return holds_role(user, node, AGGREGATE_KINDS)
