"""Entries (参赛): a clerk enters their union's unit, a team or an individual; the organiser's staff
accept or refuse each; the clerk withdraws an entry the organiser has not accepted yet.

Every rule is checked before anything is written; a refused move writes nothing and says why.
"""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.audit import record
from accounts.notify import notify
from members.models import Member
from unions.models import Union

from .. import kinds, permissions
from ..models import Competition, Entry

# The competition states in which the organiser still decides on entries (before the ranking is frozen).
DECIDABLE = (Competition.Status.APPROVED, Competition.Status.RUNNING, Competition.Status.REVIEWING)


def is_open_for_entries(competition: Competition, today=None) -> bool:
    today = today or timezone.localdate()
    return competition.status in Competition.OPEN_FOR_ENTRIES and today <= competition.entry_deadline


def accepted_kinds(competition: Competition) -> list[str]:
    flags = (
        (Entry.Kind.UNIT, competition.accepts_units),
        (Entry.Kind.TEAM, competition.accepts_teams),
        (Entry.Kind.INDIVIDUAL, competition.accepts_individuals),
    )
    return [kind for kind, accepted in flags if accepted]


def unit_of(union: Union) -> str:
    """The unit a union stands for: its employer's name, or the union's own name without one."""
    return (union.employer_name or union.name)[:100]


def _check_open(competition: Competition) -> None:
    if competition.status not in Competition.OPEN_FOR_ENTRIES:
        raise ValidationError(_("This competition does not take entries now."), code="not_open")
    if timezone.localdate() > competition.entry_deadline:
        raise ValidationError(
            _("Entries closed on %(date)s.") % {"date": competition.entry_deadline.isoformat()}, code="deadline"
        )


@transaction.atomic
def entry_create(
    *,
    competition: Competition,
    union: Union,
    by,
    kind: str,
    name: str = "",
    unit_name: str = "",
    team_leader: str = "",
    team_size: int | None = None,
    member: Member | None = None,
    person_times: int,
) -> Entry:
    """Enter ``union`` into ``competition``. A unit takes the union's unit as its name; a team gives its
    name, leader and size; an individual is a member of the union or a named person with their unit."""
    competition = Competition.objects.select_for_update().select_related("organiser").get(pk=competition.pk)
    if not permissions.can_enter_for(by, competition, union):
        raise ValidationError(_("You may not enter this union into this competition."), code="scope")
    _check_open(competition)
    if kind not in Entry.Kind.values:
        raise ValidationError(_("Choose how the union enters."), code="kind")
    if kind not in accepted_kinds(competition):
        raise ValidationError(
            _("This competition does not accept entries as %(kind)s.") % {"kind": Entry.Kind(kind).label},
            code="kind_not_accepted",
        )
    if person_times is None or person_times < 1:
        raise ValidationError({"person_times": _("Give the person-times: at least 1.")})
    name, unit_name, team_leader = (name or "").strip(), (unit_name or "").strip(), (team_leader or "").strip()
    live = Entry.objects.filter(competition=competition).exclude(
        status__in=[Entry.Status.REFUSED, Entry.Status.WITHDRAWN]
    )
    if kind == Entry.Kind.UNIT:
        if live.filter(union=union, kind=Entry.Kind.UNIT).exists():
            raise ValidationError(_("%(union)s has already entered as a unit.") % {"union": union.name}, code="twice")
        name = unit_name = unit_of(union)
        team_leader, team_size, member = "", None, None
    elif kind == Entry.Kind.TEAM:
        errors = {}
        if not name:
            errors["name"] = _("Give the team's name.")
        if not team_leader:
            errors["team_leader"] = _("Give the team leader's name.")
        if team_size is None or team_size < 1:
            errors["team_size"] = _("Give the team's size: at least 1.")
        if errors:
            raise ValidationError(errors)
        unit_name = unit_name or unit_of(union)
        member = None
    else:
        team_leader, team_size = "", None
        if member is not None:
            if member.union_id != union.pk:
                raise ValidationError(
                    {"member": _("%(name)s is not a member of %(union)s.") % {"name": member.name, "union": union.name}}
                )
            if not member.is_active:
                raise ValidationError({"member": _("%(name)s is not an active member.") % {"name": member.name}})
            if live.filter(member=member).exists():
                raise ValidationError(
                    {"member": _("%(name)s has already entered this competition.") % {"name": member.name}}
                )
            name = member.name
            unit_name = (member.employer_name or unit_of(union))[:100]
        else:
            errors = {}
            if not name:
                errors["name"] = _("Pick a member of the union, or give the person's name.")
            if not unit_name:
                errors["unit_name"] = _("Give the person's unit.")
            if errors:
                raise ValidationError(errors)
    try:
        with transaction.atomic():
            entry = Entry.objects.create(
                competition=competition,
                union=union,
                kind=kind,
                name=name[:100],
                unit_name=unit_name[:100],
                team_leader=team_leader[:50],
                team_size=team_size,
                member=member,
                person_times=person_times,
                entered_by=by,
            )
    except IntegrityError:
        raise ValidationError(_("This member has already entered this competition."), code="twice") from None
    record(
        kinds.ENTRY_ENTERED,
        actor=by,
        union=union,
        target=entry,
        detail={"competition": competition.pk, "kind": kind, "person_times": person_times},
    )
    return entry


def _locked(entry: Entry) -> Entry:
    return (
        Entry.objects.select_for_update(of=("self",))
        .select_related("competition__organiser", "union", "entered_by")
        .get(pk=entry.pk)
    )


def _check_decidable(entry: Entry, by) -> None:
    if not permissions.can_manage(by, entry.competition):
        raise PermissionDenied
    if entry.competition.status not in DECIDABLE:
        raise ValidationError(_("The competition is closed: its entries can no longer be decided."), code="closed")
    if entry.status != Entry.Status.ENTERED:
        raise ValidationError(
            _("This entry is %(status)s: only an entry waiting for the organiser can be decided.")
            % {"status": entry.get_status_display()},
            code="decided",
        )


def _tell_clerk(entry: Entry, *, kind: str, title: str, body: str = "") -> None:
    notify(
        recipient=entry.entered_by,
        kind=kind,
        title=title,
        body=body,
        url=reverse("campaigns:entry_detail", args=[entry.pk]),
        key=f"{kind}:{entry.pk}",
    )


@transaction.atomic
def entry_accept(*, entry: Entry, by) -> Entry:
    entry = _locked(entry)
    _check_decidable(entry, by)
    entry.status = Entry.Status.ACCEPTED
    entry.decided_by, entry.decided_at = by, timezone.now()
    entry.save(update_fields=["status", "decided_by", "decided_at"])
    record(
        kinds.ENTRY_ACCEPTED, actor=by, union=entry.union, target=entry, detail={"competition": entry.competition_id}
    )
    _tell_clerk(
        entry,
        kind=kinds.ENTRY_ACCEPTED,
        title=_("Your entry %(name)s in %(competition)s was accepted")
        % {"name": entry.name, "competition": entry.competition.title},
        body=_("Hand in each stage's report on the entry's page by its due date."),
    )
    return entry


@transaction.atomic
def entries_accept(*, entries, by) -> int:
    """Accept several entries at once: all or none (a single refusal names the entry)."""
    done = 0
    for entry in entries:
        try:
            entry_accept(entry=entry, by=by)
        except ValidationError as exc:
            raise ValidationError(
                _("%(name)s: %(reason)s") % {"name": entry.name, "reason": " ".join(exc.messages)}
            ) from None
        done += 1
    return done


@transaction.atomic
def entry_refuse(*, entry: Entry, by, reason: str) -> Entry:
    entry = _locked(entry)
    _check_decidable(entry, by)
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("Give the reason for refusing.")})
    if len(reason) > 500:
        raise ValidationError({"reason": _("Keep the reason within 500 characters.")})
    entry.status = Entry.Status.REFUSED
    entry.refuse_reason = reason
    entry.decided_by, entry.decided_at = by, timezone.now()
    entry.save(update_fields=["status", "refuse_reason", "decided_by", "decided_at"])
    record(
        kinds.ENTRY_REFUSED,
        actor=by,
        union=entry.union,
        target=entry,
        detail={"competition": entry.competition_id, "reason": reason},
    )
    _tell_clerk(
        entry,
        kind=kinds.ENTRY_REFUSED,
        title=_("Your entry %(name)s in %(competition)s was refused")
        % {"name": entry.name, "competition": entry.competition.title},
        body=_("Reason: %(reason)s") % {"reason": reason},
    )
    return entry


@transaction.atomic
def entry_withdraw(*, entry: Entry, by) -> Entry:
    """The entering union's clerk takes back an entry the organiser has not decided on, while entries
    are open."""
    entry = _locked(entry)
    if not permissions.can_report_for(by, entry):
        raise PermissionDenied
    if entry.status != Entry.Status.ENTERED:
        raise ValidationError(
            _("This entry is %(status)s: only an entry waiting for the organiser can be withdrawn.")
            % {"status": entry.get_status_display()},
            code="decided",
        )
    if entry.competition.status not in Competition.OPEN_FOR_ENTRIES:
        raise ValidationError(_("This competition does not take entries now."), code="not_open")
    entry.status = Entry.Status.WITHDRAWN
    entry.decided_by, entry.decided_at = by, timezone.now()
    entry.save(update_fields=["status", "decided_by", "decided_at"])
    record(
        kinds.ENTRY_WITHDRAWN, actor=by, union=entry.union, target=entry, detail={"competition": entry.competition_id}
    )
    return entry
