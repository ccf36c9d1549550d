"""Who may see and do what with competitions: the first rule of the app.

- Federation staff (``COMPETITION_STAFF_KINDS``) at the organiser or above run a competition: set it up,
  accept entries, assign judges, close it and award its prizes.
- Approval (立项) comes from the federation one level up (its staff, strictly above the organiser; at
  the tree's root, the root's own staff) or from the organiser's own leaders, as the competition says.
- Clerks (and federation staff) over a union enter it and hand in its stage reports, in competitions
  whose organiser is at or above the union; they see their own union's entries only.
- A judge is an account assigned to a competition: they see their assignments, and of those only the
  accepted entries of unions they do not conflict with, and only their own scores.
- Nobody who is a conflicted judge of an entry is shown who judged it or how, an organiser included.
- Leaders read aggregates.

Services call these and raise; views and templates ask and never decide.
"""

from unions.models import Role, Union
from unions.scope import holds_role, holds_role_anywhere, roles_of

from .models import Competition, Entry, Judge

COMPETITION_STAFF_KINDS = frozenset({Role.Kind.FEDERATION_STAFF})
ENTRANT_KINDS = frozenset({Role.Kind.UNION_CLERK, Role.Kind.FEDERATION_STAFF})
APPROVER_LEADER_KINDS = frozenset({Role.Kind.LEADER})
AGGREGATE_KINDS = frozenset({Role.Kind.FEDERATION_STAFF, Role.Kind.LEADER})
# Who may organise: a federation, not a grassroots union (its competitions are organised from above).
ORGANISER_KINDS = frozenset(
    {
        Union.Kind.CITY_FEDERATION,
        Union.Kind.DISTRICT_FEDERATION,
        Union.Kind.INDUSTRY_UNION,
        Union.Kind.STREET_FEDERATION,
    }
)


def is_competition_staff(user) -> bool:
    return holds_role_anywhere(user, COMPETITION_STAFF_KINDS)


def is_entrant(user) -> bool:
    """Holds a role with which a union is entered somewhere: the menu's 'my union's competitions'."""
    return holds_role_anywhere(user, ENTRANT_KINDS)


def can_organise_at(user, node: Union) -> bool:
    return node.kind in ORGANISER_KINDS and holds_role(user, node, COMPETITION_STAFF_KINDS)


def can_manage(user, competition: Competition) -> bool:
    """Federation staff at the organiser or above."""
    return holds_role(user, competition.organiser, COMPETITION_STAFF_KINDS)


def can_approve(user, competition: Competition) -> bool:
    if competition.status != Competition.Status.SUBMITTED:
        return False
    organiser = competition.organiser
    if competition.approver == Competition.Approver.OWN_LEADERS:
        return holds_role(user, organiser, APPROVER_LEADER_KINDS)
    if organiser.depth == 1:
        return holds_role(user, organiser, COMPETITION_STAFF_KINDS)
    return holds_role(user, organiser, COMPETITION_STAFF_KINDS, strictly_above=True)


def can_return(user, competition: Competition) -> bool:
    """Waiting for approval: the approver; approved and after, until closing: the approver too, as the
    one who let it run."""
    if competition.status not in Competition.RETURNABLE:
        return False
    if competition.status == Competition.Status.SUBMITTED:
        return can_approve(user, competition)
    probe = Competition(
        organiser=competition.organiser, approver=competition.approver, status=Competition.Status.SUBMITTED
    )
    return can_approve(user, probe)


def covers(competition: Competition, union: Union) -> bool:
    """A union may enter a competition organised at or above it."""
    return union.path.startswith(competition.organiser.path)


def can_enter_for(user, competition: Competition, union: Union) -> bool:
    """A clerk (or federation staff) over a member-holding union inside the competition's scope."""
    return union.holds_members and covers(competition, union) and holds_role(user, union, ENTRANT_KINDS)


def can_see_entry(user, entry: Entry) -> bool:
    """The entering union's clerks and staff above it (the organiser's staff among them)."""
    return holds_role(user, entry.union, ENTRANT_KINDS)


def can_report_for(user, entry: Entry) -> bool:
    return holds_role(user, entry.union, ENTRANT_KINDS)


def judge_of(user, competition: Competition) -> Judge | None:
    if not user.is_authenticated:
        return None
    return Judge.objects.filter(competition=competition, user=user).first()


def conflicted_union_paths(judge: Judge) -> list[str]:
    """The paths of the unions the judge conflicts with: their own unit and every unit they named."""
    paths = list(judge.conflicts.values_list("union__path", flat=True))
    if judge.own_union_id:
        paths.append(Union.objects.values_list("path", flat=True).get(pk=judge.own_union_id))
    return paths


def is_conflicted(judge: Judge, entry: Entry) -> bool:
    return any(entry.union.path.startswith(path) for path in conflicted_union_paths(judge))


def can_judge(user, entry: Entry) -> bool:
    """An assigned judge who declared conflicts and has none with the entry, while judging is open."""
    if entry.status != Entry.Status.ACCEPTED or entry.competition.status != Competition.Status.REVIEWING:
        return False
    judge = judge_of(user, entry.competition)
    return judge is not None and judge.conflicts_declared_at is not None and not is_conflicted(judge, entry)


def can_see_judging(user, entry: Entry) -> bool:
    """Who judged an entry and how: the organiser's staff, unless they are a conflicted judge of it."""
    if not can_manage(user, entry.competition):
        return False
    judge = judge_of(user, entry.competition)
    return judge is None or not is_conflicted(judge, entry)


def can_read_aggregates(user, node) -> bool:
    """Leaders and federation staff over the node read its competition figures (counts only)."""
    return holds_role(user, node, AGGREGATE_KINDS)


def staff_roles(user) -> list[Role]:
    return [role for role in roles_of(user) if role.kind in COMPETITION_STAFF_KINDS]
