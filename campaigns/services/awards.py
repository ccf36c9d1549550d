"""Awarding the prizes (表彰) of a closed competition from its frozen ranking.

The prize grades, in ``Prize.GRADE_ORDER``, take the next places of the ranking each
(``ranking.prize_positions``): first prize ×1, second ×2 gives places 1, 2–3. An entry that shares a
place with a prized one gets that prize too (并列). Each prized entry gets one ``Award`` whose
certificate number is the competition's id and the entry's position in the ranking (its place, or for
entries sharing a place, their order inside it, so that numbers stay unique).
"""

from dataclasses import dataclass

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.audit import record
from accounts.notify import notify
from unions.models import Role

from .. import kinds, ranking
from ..models import Award, Competition, Entry, Prize
from ..models.awards import certificate_number
from ..permissions import can_manage


@dataclass(frozen=True)
class Planned:
    """One prized entry as the award page previews it."""

    entry: Entry
    prize: Prize
    position: int  # the entry's position in the ranking: the certificate number's second part

    @property
    def number(self) -> str:
        return certificate_number(self.entry.competition_id, self.position)


def ranked_entries(competition: Competition) -> list[Entry]:
    """The accepted entries with their frozen place, best first."""
    return list(
        Entry.objects.filter(competition=competition, status=Entry.Status.ACCEPTED, rank__isnull=False)
        .select_related("union", "entered_by")
        .order_by("rank", "entered_at", "id")
    )


def award_plan(competition: Competition) -> list[Planned]:
    """Who gets which prize, from the frozen ranking; raises ``ValidationError`` when prizes cannot be
    awarded (not closed, more prizes than entries, no prize set up)."""
    if competition.status == Competition.Status.COMMENDED:
        raise ValidationError(_("The prizes of this competition are awarded already."), code="awarded")
    if competition.status != Competition.Status.CLOSED:
        raise ValidationError(
            _("Prizes are awarded once the competition is closed and its ranking frozen."), code="not_closed"
        )
    prizes = sorted(Prize.objects.filter(competition=competition), key=lambda p: p.position)
    if not prizes:
        raise ValidationError(_("This competition has no prizes to award."), code="no_prizes")
    entries = ranked_entries(competition)
    total = sum(p.count for p in prizes)
    if total > len(entries):
        raise ValidationError(
            _("The prizes add up to %(prizes)s, more than the %(entries)s entries.")
            % {"prizes": total, "entries": len(entries)},
            code="too_many_prizes",
        )
    placed = [ranking.Placed(e.pk, e.final_score, e.rank) for e in entries]
    grades = ranking.prize_positions([(p.grade, p.count) for p in prizes], placed)
    by_grade = {p.grade: p for p in prizes}
    return [
        Planned(entry=entry, prize=by_grade[grades[entry.pk]], position=position)
        for position, entry in enumerate(entries, start=1)
        if entry.pk in grades
    ]


def _clerks_of(entry: Entry) -> set:
    """Whom to tell: the entry's union's clerks and whoever entered it, if their accounts are active."""
    users = {
        role.user
        for role in Role.objects.filter(union=entry.union, kind=Role.Kind.UNION_CLERK).select_related("user")
        if role.user.is_active
    }
    if entry.entered_by.is_active:
        users.add(entry.entered_by)
    return users


@transaction.atomic
def prizes_award(*, competition: Competition, by) -> list[Award]:
    """Closed → commended: one award per prized entry, audited; the entries' clerks told."""
    competition = Competition.objects.select_for_update(of=("self",)).select_related("organiser").get(pk=competition.pk)
    if not can_manage(by, competition):
        raise PermissionDenied
    plan = award_plan(competition)
    now = timezone.now()
    awards = Award.objects.bulk_create(
        [Award(entry=item.entry, prize=item.prize, number=item.number, awarded_by=by, awarded_at=now) for item in plan]
    )
    competition.status = Competition.Status.COMMENDED
    competition.commended_at = now
    competition.save(update_fields=["status", "commended_at"])
    record(
        kinds.PRIZES_AWARDED,
        actor=by,
        union=competition.organiser,
        target=competition,
        detail={"awards": len(awards), "numbers": [a.number for a in awards]},
    )
    record(kinds.COMPETITION_COMMENDED, actor=by, union=competition.organiser, target=competition)
    entries = {item.entry.pk: item.entry for item in plan}
    for award in awards:
        entry = entries[award.entry_id]
        for user in _clerks_of(entry):
            notify(
                recipient=user,
                kind=kinds.PRIZES_AWARDED,
                title=_("%(name)s won the %(prize)s of %(competition)s")
                % {"name": entry.name, "prize": award.prize.get_grade_display(), "competition": competition.title},
                body=_("The certificate can be downloaded from the entry's page."),
                url=reverse("campaigns:entry_detail", args=[entry.pk]),
                key=f"{kinds.PRIZES_AWARDED}:award:{award.pk}",
            )
    return awards
