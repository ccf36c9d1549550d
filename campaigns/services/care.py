"""Recording model workers' care (劳模关爱): a health check, a recuperation, a festival visit or the hardship
allowance delivered to the holder of a caring honour, once per care per year for the person (whichever
of their honours it is recorded on).

Every rule is checked before anything is written; a refused record writes nothing and says why.
"""

import datetime as dt
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.audit import record

from .. import kinds
from ..care import care_due
from ..honour_permissions import can_record_care
from ..models import CareEntitlement, CareRecord, Honour

Care = CareEntitlement.Care
# The care that is money, or carries a gift of money: its amount must be given.
AMOUNT_MAX = Decimal("1000000")


def amount_required(care: str, entitled_amount: Decimal | None) -> bool:
    """The hardship allowance always; a festival visit when the kind grants an amount for it."""
    if care == Care.HARDSHIP_ALLOWANCE:
        return True
    return care in CareEntitlement.FESTIVAL_VISITS and entitled_amount is not None


@transaction.atomic
def care_record(
    *,
    honour: Honour,
    care: str,
    year: int,
    delivered_on: dt.date,
    delivered_by: str,
    amount: Decimal | None = None,
    note: str = "",
    by,
) -> CareRecord:
    """Record ``care`` of ``year`` delivered to the holder of ``honour``."""
    # Every honour of the person is locked: two clerks recording the same visit on two of them queue here.
    person = list(
        Honour.objects.select_for_update(of=("self",))
        .filter(person_key=honour.person_key)
        .select_related("kind", "union")
        .order_by("pk")
    )
    honour = next((item for item in person if item.pk == honour.pk), None)
    if honour is None or not can_record_care(by, honour):
        raise ValidationError(_("You may not record care for this honour."), code="scope")
    if care not in Care.values:
        raise ValidationError({"care": _("Choose the care delivered.")})
    today = timezone.localdate()
    if not isinstance(year, int) or year < honour.year or year > today.year:
        raise ValidationError(
            {
                "year": _("The year must be between %(first)s (when the honour was conferred) and %(last)s.")
                % {"first": honour.year, "last": today.year}
            }
        )
    if delivered_on is None:
        raise ValidationError({"delivered_on": _("Give the date the care was delivered.")})
    if delivered_on > today:
        raise ValidationError({"delivered_on": _("The care cannot be delivered in the future.")})
    if delivered_on.year not in (year, year + 1):
        raise ValidationError(
            {"delivered_on": _("Care of %(year)s is delivered in %(year)s (or early the next year).") % {"year": year}}
        )
    if delivered_on < honour.decided_on:
        raise ValidationError({"delivered_on": _("The care cannot come before the honour was conferred.")})
    delivered_by = (delivered_by or "").strip()
    if not delivered_by:
        raise ValidationError({"delivered_by": _("Say who delivered the care.")})
    note = (note or "").strip()

    rows = care_due(honours=Honour.objects.filter(pk__in=[item.pk for item in person]), year=year, today=today)
    line = next((line for row in rows for line in row.lines if line.care == care), None)
    if line is None:
        raise ValidationError(
            {
                "care": _("%(name)s is not entitled to %(care)s in %(year)s.")
                % {"name": honour.holder_name, "care": Care(care).label, "year": year}
            }
        )
    if line.record is not None:
        raise ValidationError(
            _("%(care)s of %(year)s was already recorded for %(name)s: delivered on %(date)s by %(by)s.")
            % {
                "care": Care(care).label,
                "year": year,
                "name": honour.holder_name,
                "date": line.record.delivered_on.isoformat(),
                "by": line.record.delivered_by,
            },
            code="twice",
        )
    if amount is not None:
        try:
            amount = Decimal(amount)
        except (InvalidOperation, TypeError, ValueError):
            raise ValidationError({"amount": _("Give the amount in yuan.")}) from None
        if amount <= 0 or amount >= AMOUNT_MAX:
            raise ValidationError({"amount": _("The amount must be more than 0 and less than 1,000,000 yuan.")})
        amount = amount.quantize(Decimal("0.01"))
    elif amount_required(care, line.amount):
        raise ValidationError({"amount": _("Give the amount delivered for %(care)s.") % {"care": Care(care).label}})

    try:
        with transaction.atomic():
            created = CareRecord.objects.create(
                honour=honour,
                care=care,
                year=year,
                delivered_on=delivered_on,
                delivered_by=delivered_by[:100],
                amount=amount,
                note=note[:500],
                recorded_by=by,
            )
    except IntegrityError:
        raise ValidationError(
            _("%(care)s of %(year)s was already recorded for %(name)s.")
            % {"care": Care(care).label, "year": year, "name": honour.holder_name},
            code="twice",
        ) from None
    record(
        kinds.CARE_RECORDED,
        actor=by,
        union=honour.union,
        target=created,
        detail={"honour": honour.pk, "care": care, "year": year, "amount": str(amount) if amount is not None else None},
    )
    return created
