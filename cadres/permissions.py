"""Who may do what with cadres and their records.

Cadre officers (``CADRE_STAFF_KINDS``) manage the cadres serving in their subtree and every record of
them; a cadre with a portal account sees their own (``is_own``); a leader reads aggregates, and
confirms the yearly grades of the units under them (names, posts and grades only); nobody else sees a
cadre's records. Built on ``unions.scope.holds_role``; services call these and raise, views and
templates ask and never decide.
"""

from unions.models import Role
from unions.scope import holds_role, holds_role_anywhere, roles_of

from .models import Assessment, Cadre, ExternalTraining

CADRE_STAFF_KINDS = frozenset({Role.Kind.CADRE_OFFICER})
# Leaders read the cadres' aggregates (dashboards) and confirm the yearly grades.
CADRE_LEADER_KINDS = frozenset({Role.Kind.LEADER})


def is_cadre_officer(user) -> bool:
    """Holds a cadre officer's role somewhere: the menu and the lists' own scope."""
    return holds_role_anywhere(user, CADRE_STAFF_KINDS)


def can_manage(user, node) -> bool:
    """A cadre officer at the node (a union or its path) or above it."""
    return holds_role(user, node, CADRE_STAFF_KINDS)


def can_manage_cadre(user, cadre: Cadre) -> bool:
    return can_manage(user, cadre.union)


def is_own(user, cadre: Cadre) -> bool:
    """The cadre themself, signed in with the account linked to the record."""
    return user.is_authenticated and cadre.user_id is not None and cadre.user_id == user.pk


def own_cadre(user) -> Cadre | None:
    """The cadre record linked to this account, if any."""
    if not user.is_authenticated:
        return None
    return Cadre.objects.select_related("union").filter(user=user).first()


def can_review_external(user, training: ExternalTraining) -> bool:
    """补录 is approved one level up: a cadre officer strictly above the cadre's node; for a cadre of
    the tree's root (nobody is above), a cadre officer at the root."""
    if training.status != ExternalTraining.Status.SUBMITTED:
        return False
    union = training.cadre.union
    if union.depth == 1:
        return holds_role(user, union, CADRE_STAFF_KINDS)
    return holds_role(user, union, CADRE_STAFF_KINDS, strictly_above=True)


def can_confirm_assessment(user, assessment: Assessment) -> bool:
    """The leader of the assessed cadre's unit (or above it) confirms an evaluated grade."""
    return assessment.status == Assessment.Status.EVALUATED and holds_role(user, assessment.unit, CADRE_LEADER_KINDS)


def can_read_aggregates(user, node) -> bool:
    """Leaders and cadre officers over the node read its cadres' figures (dashboard, monthly report)."""
    return holds_role(user, node, CADRE_STAFF_KINDS | CADRE_LEADER_KINDS)


def can_change_settings(user) -> bool:
    """The app's settings and the hours rules hold city-wide: a cadre officer at a city federation."""
    return any(role.kind in CADRE_STAFF_KINDS and role.union.depth == 1 for role in roles_of(user))
