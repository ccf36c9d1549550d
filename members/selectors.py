"""Read queries over the union tree, always scoped to the user in SQL."""

from django.db.models import Q, QuerySet
from django.http import Http404
from django.utils.translation import gettext as _

from unions.credit_code import normalise as normalise_credit_code
from unions.models import Union
from unions.roles import MEMBER_STAFF_KINDS
from unions.scope import roles_of, scope_paths, subtree_q

from .models import Application, Member, MemberCard, MemberEvent, RosterImport, Transfer
from .names import comparable_name


# --- members, applications, transfers: personal data, for member staff only --------------------------
def _member_scope(user, field: str = "union__path") -> Q:
    return subtree_q(scope_paths(user, MEMBER_STAFF_KINDS), field)


def _get_or_404(queryset, pk):
    try:
        return queryset.get(pk=pk)
    except (queryset.model.DoesNotExist, ValueError, TypeError):
        raise Http404 from None


def member_scope_unions(user) -> QuerySet[Union]:
    """The nodes of the user's member-staff subtrees (where their personal-data pages reach)."""
    return Union.objects.filter(_member_scope(user, "path"))


def _members_scope(user) -> Q:
    """Members of the user's member-staff subtrees. A union that holds members has nothing below it,
    so its subtree is the union itself, matched by ``union_id``: the index on (union, status,
    joined_on, id) then gives a clerk's page in order without reading the union's other members."""
    roles = [role for role in roles_of(user) if role.kind in MEMBER_STAFF_KINDS]
    paths = scope_paths(user, MEMBER_STAFF_KINDS)
    leaves = {role.union.path: role.union_id for role in roles if role.union.holds_members}
    inner = [path for path in paths if path not in leaves]
    scope = subtree_q(inner, "union__path") if inner else Q(pk__in=[])
    at_leaves = [leaves[path] for path in paths if path in leaves]
    return scope | Q(union_id__in=at_leaves) if at_leaves else scope


def members_visible_to(user) -> QuerySet[Member]:
    return Member.objects.filter(_members_scope(user)).select_related("union")


def member_get_visible(user, pk) -> Member:
    return _get_or_404(members_visible_to(user), pk)


def member_history(user, member: Member, *, limit: int) -> list[MemberEvent]:
    """The member's latest events, newest first, each marked ``outside_scope`` when it happened in a
    union outside the user's member-staff scope: such an event keeps its kind and time but loses
    its unions, who recorded it and its note (an end reason is confidential to that union).

    An event happened where the unions it names are (a transfer: either end); one that names none
    (an edit, an ID number viewed) where the member was at the time, found by walking back from
    the member's union now. Never saved: the events are only for display."""
    roots = scope_paths(user, MEMBER_STAFF_KINDS)

    def inside(union: Union | None) -> bool:
        return union is not None and any(union.path.startswith(root) for root in roots)

    kind = MemberEvent.Kind
    events = list(member.events.select_related("from_union", "to_union", "by")[:limit])
    at_the_time = member.union
    for event in events:
        named = [union for union in (event.from_union, event.to_union) if union is not None]
        event.outside_scope = not any(inside(union) for union in named or [at_the_time])
        # Before this event, the member was in the union they left or transferred from; before
        # joining, in none that this walk can tell (so what comes before is judged by its own unions).
        if event.kind in (kind.TRANSFERRED, kind.LEFT, kind.DECEASED):
            at_the_time = event.from_union
        elif event.kind == kind.JOINED:
            at_the_time = None
        if event.outside_scope:
            event.from_union = event.to_union = event.by = None
            event.note = _("In a union outside your area")
    return events


def roster_imports_visible_to(user) -> QuerySet[RosterImport]:
    """Imports into a node the user's member-staff scope covers, whoever uploaded them."""
    return RosterImport.objects.filter(_member_scope(user)).select_related("union", "created_by")


def roster_import_get_visible(user, pk) -> RosterImport:
    return _get_or_404(roster_imports_visible_to(user), pk)


def application_queue_for(user) -> QuerySet[Application]:
    """Submitted applications to unions in the user's subtree, oldest first."""
    return (
        Application.objects.filter(_member_scope(user), status=Application.Status.SUBMITTED)
        .select_related("union")
        .order_by("submitted_at", "id")
    )


def applications_visible_to(user) -> QuerySet[Application]:
    """Applications to unions in the user's subtree, in any status."""
    return Application.objects.filter(_member_scope(user)).select_related("union")


def application_get_visible(user, pk) -> Application:
    return _get_or_404(applications_visible_to(user).select_related("applicant"), pk)


def transfers_visible_to(user, *, direction: str = "all") -> QuerySet[Transfer]:
    """Transfers out of or into the user's subtree: both sides see the state.

    ``direction`` narrows them: "in" (to a union in the subtree) or "out" (from one).
    """
    incoming, outgoing = _member_scope(user, "to_union__path"), _member_scope(user, "from_union__path")
    where = {"in": incoming, "out": outgoing}.get(direction, incoming | outgoing)
    return (
        Transfer.objects.filter(where)
        .select_related("member", "from_union", "to_union")
        .order_by("-requested_at", "-id")
    )


def transfer_get_visible(user, pk) -> Transfer:
    return _get_or_404(transfers_visible_to(user), pk)


def member_unions_managed_by(user) -> QuerySet[Union]:
    """Open grassroots and joint unions in the user's member-staff scope: where they may take a member in."""
    return Union.objects.filter(
        _member_scope(user, "path"),
        kind__in=[Union.Kind.GRASSROOTS_UNION, Union.Kind.JOINT_UNION],
        closed_on__isnull=True,
    ).order_by("name", "path")


def active_member_by_id_and_name(id_hash: str, name: str) -> Member | None:
    """The active member with this ID number (by its hash) and this name, in any union.

    Deliberately unscoped: staff asking for a transfer name a person who belongs to another union.
    Both must match, so the answer says nothing about an ID number alone.
    """
    member = Member.objects.filter(id_hash=id_hash, status=Member.Status.ACTIVE).select_related("union").first()
    if member is None or comparable_name(member.name) != comparable_name(name):
        return None
    return member


def unions_taking_applications(query: str, *, limit: int = 20) -> list[Union]:
    """Public search for the joining form: open unions that take members, by name or credit code."""
    query = query.strip()
    if len(query) < 2:
        return []
    code = normalise_credit_code(query)
    return list(
        unions_accepting_applications()
        .filter(Q(name__icontains=query) | Q(employer_name__icontains=query) | Q(credit_code=code))
        .order_by("name")[:limit]
    )


def platform_unions() -> QuerySet[Union]:
    """Federations and unions that take new-employment-form workers without a union at their employer."""
    return Union.objects.filter(takes_platform_workers=True, closed_on__isnull=True).order_by("path")


# --- the worker's own records: filtered by the signed-in user, never by scope --------------------------
def applications_of(user) -> QuerySet[Application]:
    """The user's own applications, newest first."""
    return Application.objects.filter(applicant=user).select_related("union").order_by("-submitted_at", "-id")


def application_get_own(user, pk) -> Application:
    """One of the user's own applications; anybody else's answers 404."""
    return _get_or_404(applications_of(user), pk)


def transfers_of(user) -> QuerySet[Transfer]:
    """Transfers of the user's own membership, and those their applications turned into."""
    # Two indexed IN lists rather than an OR across joins, which would scan the transfers.
    own_member = Member.objects.filter(user=user).values("pk")
    own_applications = Application.objects.filter(applicant=user).values("pk")
    return (
        Transfer.objects.filter(Q(member__in=own_member) | Q(application__in=own_applications))
        .select_related("member", "from_union", "to_union")
        .order_by("-requested_at", "-id")
    )


def membership_of(user) -> Member | None:
    """The user's active member record, if they have one."""
    if not user.is_authenticated:
        return None
    return Member.objects.filter(user=user, status=Member.Status.ACTIVE).select_related("union").first()


def card_of(member: Member) -> MemberCard | None:
    """The member's valid card, if any."""
    return MemberCard.objects.filter(member=member, revoked_on__isnull=True).select_related("union").first()


def card_check(token: str) -> MemberCard | None:
    """The card behind a QR token, if it is valid now: not revoked and its member still active."""
    if not token or len(token) > 64:
        return None
    return (
        MemberCard.objects.filter(token=token, revoked_on__isnull=True, member__status=Member.Status.ACTIVE)
        .select_related("union")
        .first()
    )


def unions_accepting_applications() -> QuerySet[Union]:
    """Every union an application may name (the same rule as services.accepts_applications)."""
    return Union.objects.filter(closed_on__isnull=True).filter(
        Q(kind__in=[Union.Kind.GRASSROOTS_UNION, Union.Kind.JOINT_UNION]) | Q(takes_platform_workers=True)
    )


def with_area(unions: list[Union]) -> list[Union]:
    """Set ``area`` on each union: the district or industry it belongs to, so that two unions with one
    name can be told apart. One query for the whole list."""
    top = 2 * Union.steplen
    paths = {u.path[:top] for u in unions if len(u.path) > top}
    names = dict(Union.objects.filter(path__in=paths).values_list("path", "name")) if paths else {}
    for union in unions:
        union.area = names.get(union.path[:top], "")
    return unions
