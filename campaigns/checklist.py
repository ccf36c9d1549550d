"""What a nomination must carry before it is submitted, and who may not be nominated again.

- The checklist: a file for each required line of the kind's evidence checklist (``EvidenceItem``).
- The exclusion rule: the same honour held (in the register, not revoked) by the same person within
  ``kind.exclusion_years`` years before the round's year; or the person already nominated, alive, in
  this round. The same person is the same member, or (for a person typed in) the same name and birth
  date; a team, unit or studio is the same name at the same union.
"""

from django.db.models import Q
from django.utils.translation import gettext as _

from .models import EvidenceItem, Honour, Nomination, NominationFile


def missing_items(nomination: Nomination) -> list[str]:
    """The labels of the required checklist lines without a file, in the checklist's order."""
    attached = NominationFile.objects.filter(
        nomination=nomination, purpose=NominationFile.Purpose.EVIDENCE, item__isnull=False
    ).values("item_id")
    return list(
        EvidenceItem.objects.filter(kind_id=nomination.kind_id, required=True)
        .exclude(pk__in=attached)
        .order_by("order", "id")
        .values_list("label", flat=True)
    )


def same_person_q(nomination: Nomination, *, prefix: str = "") -> Q | None:
    """Rows naming the nomination's nominee: ``prefix`` is "holder_" for honours, "nominee_" for
    nominations. None when the nominee is not identified well enough to compare."""
    name_field = "holder_name" if prefix == "holder_" else "nominee_name"
    if nomination.kind.for_person:
        q = Q(pk__in=[])
        if nomination.member_id:
            q |= Q(member_id=nomination.member_id)
        if nomination.nominee_name and nomination.birth_date:
            q |= Q(**{name_field: nomination.nominee_name, "birth_date": nomination.birth_date})
        return q
    if not nomination.nominee_name:
        return None
    return Q(**{name_field: nomination.nominee_name, "union_id": nomination.union_id})


def exclusion_problem(nomination: Nomination) -> str | None:
    """Why the nominee may not be nominated in this round, or None."""
    kind = nomination.kind
    year = nomination.round.year
    if kind.exclusion_years:
        held = same_person_q(nomination, prefix="holder_")
        if held is not None:
            honour = (
                Honour.objects.filter(held, kind=kind, revoked_at__isnull=True, year__gte=year - kind.exclusion_years)
                .filter(year__lte=year)
                .order_by("-year")
                .only("year")
                .first()
            )
            if honour is not None:
                return _(
                    "%(name)s was awarded %(honour)s in %(year)s: it may not be given again within %(n)s years."
                ) % {
                    "name": nomination.nominee_name,
                    "honour": kind.name,
                    "year": honour.year,
                    "n": kind.exclusion_years,
                }
    nominated = same_person_q(nomination, prefix="nominee_")
    if nominated is not None:
        other = (
            Nomination.objects.filter(nominated, round_id=nomination.round_id, status__in=Nomination.ALIVE)
            .exclude(pk=nomination.pk)
            .select_related("union", "kind")
            .first()
        )
        if other is not None:
            return _("%(name)s is already nominated in this round (%(honour)s, by %(union)s).") % {
                "name": nomination.nominee_name,
                "honour": other.kind.name,
                "union": other.union.name,
            }
    return None
