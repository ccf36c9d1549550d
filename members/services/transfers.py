"""Transfers between unions (会员关系转接): requested by the receiving side or the member, released by
the current union, accepted by the receiving union. Both unions must act: the old one knows the
member is leaving, the new one knows who arrives."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts import audit
from accounts.notify import notify
from unions.models import Union

from .. import kinds, signals
from ..models import Application, Member, MemberEvent, Transfer
from ..permissions import can_accept, can_cancel, can_decline, can_release, can_request_transfer
from .cards import card_issue


def _tell_member(transfer: Transfer, title: str, body: str = "") -> None:
    if transfer.member.user_id:
        notify(
            recipient=transfer.member.user,
            kind=f"transfer_{transfer.status}",
            title=title,
            body=body,
            url=reverse("members:my_application"),
        )


@transaction.atomic
def transfer_request(*, member: Member, to_union: Union, by, application: Application | None = None) -> Transfer:
    """Asked by staff of the receiving union, or by the member (directly or through an application)."""
    member = Member.objects.select_for_update().select_related("union").get(pk=member.pk)
    if not can_request_transfer(by, member, to_union, application):
        raise PermissionDenied
    if not member.is_active:
        raise ValidationError(_("Only an active member can transfer."))
    if to_union.is_closed or not (to_union.holds_members or to_union.takes_platform_workers):
        raise ValidationError(_("A member can only move to an open grassroots or joint union."))
    if to_union.pk == member.union_id:
        raise ValidationError(_("The member already belongs to this union."))
    if Transfer.objects.filter(member=member, status__in=Transfer.OPEN_STATUSES).exists():
        raise ValidationError(_("A transfer of this member is already under way."))
    transfer = Transfer.objects.create(
        member=member, from_union=member.union, to_union=to_union, requested_by=by, application=application
    )
    audit.record(kinds.TRANSFER_REQUESTED, actor=by, union=member.union, target=member, detail={"to": to_union.pk})
    return transfer


def _open_transfer(transfer: Transfer) -> Transfer:
    # of=("self",): member__user is a nullable (outer) join, which PostgreSQL refuses to lock.
    transfer = (
        Transfer.objects.select_for_update(of=("self",))
        .select_related("member", "member__user", "from_union", "to_union")
        .get(pk=transfer.pk)
    )
    if not transfer.is_open:
        raise ValidationError(_("This transfer has already been decided."))
    return transfer


@transaction.atomic
def transfer_release(*, transfer: Transfer, by) -> Transfer:
    """The current union lets the member go."""
    transfer = _open_transfer(transfer)
    if not can_release(by, transfer):
        raise PermissionDenied
    if transfer.status != Transfer.Status.REQUESTED:
        raise ValidationError(_("This transfer has already been released."))
    transfer.status, transfer.released_by, transfer.released_at = Transfer.Status.RELEASED, by, timezone.now()
    transfer.save(update_fields=["status", "released_by", "released_at"])
    audit.record(kinds.TRANSFER_RELEASED, actor=by, union=transfer.from_union, target=transfer.member)
    _tell_member(transfer, _("Your transfer was released by %(union)s") % {"union": transfer.from_union.name})
    return transfer


@transaction.atomic
def transfer_accept(*, transfer: Transfer, by, union: Union | None = None) -> Member:
    """The receiving union takes the member: the member moves, the old card is revoked, a new one issued.

    A transfer to a federation that takes platform workers places the member in a union below it.
    """
    transfer = _open_transfer(transfer)
    if not can_accept(by, transfer):
        raise PermissionDenied
    if transfer.status != Transfer.Status.RELEASED:
        raise ValidationError(_("The current union has not released the member yet."))
    target = transfer.to_union if transfer.to_union.holds_members else union
    if (
        target is None
        or not target.holds_members
        or target.is_closed
        or not target.path.startswith(transfer.to_union.path)
        or target.pk == transfer.member.union_id
    ):
        raise ValidationError(_("Choose the open grassroots or joint union the member joins."))
    member = transfer.member
    old_union = member.union
    member.union = target
    member.save(update_fields=["union", "updated_at"])
    MemberEvent.objects.create(
        member=member, kind=MemberEvent.Kind.TRANSFERRED, from_union=old_union, to_union=target, by=by
    )
    card = card_issue(member=member, by=by)
    signals.changed(old_union.pk, target.pk)
    transfer.status, transfer.decided_by, transfer.decided_at = Transfer.Status.ACCEPTED, by, timezone.now()
    transfer.to_union = target
    transfer.save(update_fields=["status", "decided_by", "decided_at", "to_union"])
    audit.record(kinds.TRANSFER_ACCEPTED, actor=by, union=target, target=member, detail={"from": old_union.pk})
    _tell_member(
        transfer,
        _("You are now a member of %(union)s") % {"union": target.name},
        _("Your new card number is %(number)s.") % {"number": card.number},
    )
    return member


@transaction.atomic
def transfer_decline(*, transfer: Transfer, by, reason: str) -> Transfer:
    """Either union may decline, with a reason the member and the other side see."""
    if not reason.strip():
        raise ValidationError(_("Give the reason: the member and the other union will see it."))
    transfer = _open_transfer(transfer)
    if not can_decline(by, transfer):
        raise PermissionDenied
    transfer.status, transfer.reason = Transfer.Status.DECLINED, reason.strip()
    transfer.decided_by, transfer.decided_at = by, timezone.now()
    transfer.save(update_fields=["status", "reason", "decided_by", "decided_at"])
    audit.record(kinds.TRANSFER_DECLINED, actor=by, union=transfer.from_union, target=transfer.member)
    _tell_member(transfer, _("Your transfer was declined"), transfer.reason)
    return transfer


@transaction.atomic
def transfer_cancel(*, transfer: Transfer, by) -> Transfer:
    """Whoever asked may withdraw the request while it is open."""
    transfer = _open_transfer(transfer)
    if not can_cancel(by, transfer):
        raise PermissionDenied
    transfer.status, transfer.decided_by, transfer.decided_at = Transfer.Status.CANCELLED, by, timezone.now()
    transfer.save(update_fields=["status", "decided_by", "decided_at"])
    audit.record(kinds.TRANSFER_CANCELLED, actor=by, union=transfer.from_union, target=transfer.member)
    if transfer.member.user_id != by.pk:
        _tell_member(transfer, _("The transfer to %(union)s was withdrawn") % {"union": transfer.to_union.name})
    return transfer


def close_open_transfers(*, member: Member, by) -> None:
    """A membership that ends takes its open transfers with it."""
    Transfer.objects.filter(member=member, status__in=Transfer.OPEN_STATUSES).update(
        status=Transfer.Status.CANCELLED, decided_by=by, decided_at=timezone.now()
    )
