"""Rectification items (整改) set in a filed talk: a text and a deadline; the evidence the cadre handed in,
recorded by a discipline officer; struck off (销号) by a discipline officer over the cadre. Overdue is
computed (past the deadline and not struck off). The talk is ``rectifying`` from its first item and
``closed`` once every item is struck off."""

import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from accounts import audit

from .. import kinds
from ..models import Rectification, Talk
from ..permissions import can_correct_talk, can_manage_cadre
from .talks import close


def overdue(item: Rectification, today: datetime.date | None = None) -> bool:
    return item.is_overdue(today or timezone.localdate())


@transaction.atomic
def rectification_create(*, talk: Talk, text: str, deadline: datetime.date, by) -> Rectification:
    """Set an item on a filed (or rectifying) talk: its recorder or a discipline officer over the cadre."""
    talk = Talk.objects.select_for_update().select_related("cadre__union").get(pk=talk.pk)
    if talk.status == Talk.Status.DRAFT:
        raise ValidationError(_("File the talk before setting what must be rectified."))
    if talk.status == Talk.Status.CLOSED:
        raise ValidationError(_("This talk is closed: no new rectification item is set on it."))
    if not can_correct_talk(by, talk):
        raise PermissionDenied
    errors = {}
    text = (text or "").strip()
    if not text:
        errors["text"] = _("Say what must be rectified.")
    if not isinstance(deadline, datetime.date):
        errors["deadline"] = _("Give the deadline.")
    elif deadline < talk.held_on:
        errors["deadline"] = _("The deadline cannot be before the talk (%(day)s).") % {
            "day": date_format(talk.held_on, "SHORT_DATE_FORMAT")
        }
    if errors:
        raise ValidationError(errors)
    item = Rectification.objects.create(talk=talk, cadre=talk.cadre, text=text, deadline=deadline)
    if talk.status == Talk.Status.FILED:
        talk.status = Talk.Status.RECTIFYING
        talk.save(update_fields=["status"])
    audit.record(
        kinds.RECTIFICATION_SET,
        actor=by,
        union=talk.cadre.union,
        target=item,
        detail={"deadline": deadline.isoformat()},
    )
    return item


def _lock(item: Rectification) -> Rectification:
    return Rectification.objects.select_for_update().select_related("cadre__union", "talk").get(pk=item.pk)


@transaction.atomic
def rectification_evidence(*, item: Rectification, evidence: str, by) -> Rectification:
    """Record what the cadre handed in (a discipline officer over the cadre); may be recorded again
    until the item is struck off."""
    item = _lock(item)
    if not can_manage_cadre(by, item.cadre):
        raise PermissionDenied
    if item.status == Rectification.Status.STRUCK_OFF:
        raise ValidationError(_("This item is struck off already."))
    evidence = (evidence or "").strip()
    if not evidence:
        raise ValidationError({"evidence": _("Describe what the cadre handed in.")})
    item.evidence, item.evidence_at, item.status = evidence, timezone.now(), Rectification.Status.EVIDENCE_GIVEN
    item.save(update_fields=["evidence", "evidence_at", "status"])
    audit.record(kinds.RECTIFICATION_EVIDENCE, actor=by, union=item.cadre.union, target=item)
    return item


@transaction.atomic
def rectification_strike_off(*, item: Rectification, by) -> Rectification:
    """Verify the evidence and strike the item off (销号): a discipline officer over the cadre, whoever
    recorded the talk. The talk closes when its last item is struck off."""
    talk = Talk.objects.select_for_update().get(pk=item.talk_id)
    item = _lock(item)
    if not can_manage_cadre(by, item.cadre):
        raise PermissionDenied
    if item.status == Rectification.Status.STRUCK_OFF:
        raise ValidationError(_("This item is struck off already."))
    if item.status != Rectification.Status.EVIDENCE_GIVEN:
        raise ValidationError(_("Record the evidence the cadre handed in before striking the item off."))
    item.status, item.struck_off_by, item.struck_off_at = Rectification.Status.STRUCK_OFF, by, timezone.now()
    item.save(update_fields=["status", "struck_off_by", "struck_off_at"])
    audit.record(kinds.RECTIFICATION_STRUCK_OFF, actor=by, union=item.cadre.union, target=item)
    if not talk.rectifications.exclude(status=Rectification.Status.STRUCK_OFF).exists():
        talk.cadre = item.cadre
        close(talk, by=by)
    return item
