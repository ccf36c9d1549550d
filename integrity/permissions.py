"""Who may see and do what with integrity records: the first rule of the app.

Discipline officers (``INTEGRITY_STAFF_KINDS``) see and manage the records of cadres serving in their
subtree (and the letters and sessions of nodes in it). A talk's recorder sees that talk, and alone
sees it while it is a draft. Nobody else sees any content: not city admins, cadre officers, leaders,
nor a superuser through the portal (no role kind grants it, and ``holds_role`` knows no superuser).
Leaders read aggregates only (``can_read_aggregates``); whoever asked for an opinion letter reads its
conclusion and validity (``can_read_conclusion``).
"""

from cadres.models import Cadre
from cadres.permissions import CADRE_STAFF_KINDS
from unions.models import Role
from unions.scope import holds_role, holds_role_anywhere, roles_of

from .models import OpinionLetter, Talk

INTEGRITY_STAFF_KINDS = frozenset({Role.Kind.DISCIPLINE_OFFICER})
INTEGRITY_LEADER_KINDS = frozenset({Role.Kind.LEADER})
# Who may ask for an opinion letter on a cadre in their scope from the portal's pages.
OPINION_REQUESTER_KINDS = CADRE_STAFF_KINDS


def is_discipline_officer(user) -> bool:
    return holds_role_anywhere(user, INTEGRITY_STAFF_KINDS)


def can_manage(user, node) -> bool:
    """A discipline officer at the node (a union or its path) or above it."""
    return holds_role(user, node, INTEGRITY_STAFF_KINDS)


def can_manage_cadre(user, cadre: Cadre) -> bool:
    return can_manage(user, cadre.union)


def is_recorder(user, talk: Talk) -> bool:
    return user.is_authenticated and talk.recorder_id == user.pk


def can_see_talk(user, talk: Talk) -> bool:
    """The recorder always; a discipline officer over the cadre once the talk is no longer a draft."""
    if is_recorder(user, talk):
        return True
    return talk.status != Talk.Status.DRAFT and can_manage_cadre(user, talk.cadre)


def can_edit_talk(user, talk: Talk) -> bool:
    """Only a draft is edited, and only by its recorder; a filed talk is corrected by addition."""
    return talk.status == Talk.Status.DRAFT and is_recorder(user, talk)


def can_correct_talk(user, talk: Talk) -> bool:
    return talk.status != Talk.Status.DRAFT and (is_recorder(user, talk) or can_manage_cadre(user, talk.cadre))


def can_request_opinion(user, cadre: Cadre) -> bool:
    """A cadre officer over the cadre asks from the portal; campaigns asks through the service."""
    return holds_role(user, cadre.union, OPINION_REQUESTER_KINDS)


def can_read_conclusion(user, letter: OpinionLetter) -> bool:
    """The requester reads the conclusion and validity, never the record behind it."""
    return user.is_authenticated and letter.requested_by_id == user.pk


def can_read_aggregates(user, node) -> bool:
    """Leaders and discipline officers over the node read its integrity figures (counts only)."""
    return holds_role(user, node, INTEGRITY_STAFF_KINDS | INTEGRITY_LEADER_KINDS)


def can_change_settings(user) -> bool:
    """The app's settings hold city-wide: a discipline officer at a city federation."""
    return any(role.kind in INTEGRITY_STAFF_KINDS and role.union.depth == 1 for role in roles_of(user))
