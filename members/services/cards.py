"""The member card: issued on joining, on a transfer and on rejoining; revoked when the membership
ends or a new card replaces it. One valid card per member (a unique index says so)."""

from django.utils import timezone

from ..cards import card_numbers_take
from ..models import Member, MemberCard, MemberEvent


def card_issue(*, member: Member, by) -> MemberCard:
    """A new card from the member's union (``cards.card_number``), replacing any valid one."""
    card_revoke(member=member, by=by)
    [number] = card_numbers_take(member.union_id)
    card = MemberCard.objects.create(member=member, union_id=member.union_id, number=number)
    MemberEvent.objects.create(member=member, kind=MemberEvent.Kind.CARD_ISSUED, to_union_id=member.union_id, by=by)
    return card


def card_revoke(*, member: Member, by) -> None:
    revoked = MemberCard.objects.filter(member=member, revoked_on__isnull=True).update(revoked_on=timezone.localdate())
    if revoked:
        MemberEvent.objects.create(member=member, kind=MemberEvent.Kind.CARD_REVOKED, by=by)
