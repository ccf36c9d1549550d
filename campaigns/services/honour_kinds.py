"""An honour kind's rules, kept by the city federation's staff: who it is for, whether its holders join
model workers' care, the exclusion rule (not again within N years), its evidence checklist (items added,
removed, reordered, required or not) and its care entitlements.

Rows are given as lists of dicts in their order; a dict with an ``id`` changes that row, one without
adds a row, a stored row not named is removed (refused while a nomination's file hangs on an item).
"""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import ProtectedError
from django.utils.translation import gettext as _

from accounts.audit import record
from unions.scope import roles_of

from .. import kinds as audit_kinds
from ..honour_permissions import HONOUR_STAFF_KINDS
from ..models import CareEntitlement, EvidenceItem, HonourKind, Nomination

FIELDS = ("category", "grants_care", "exclusion_years", "active")
ITEM_FIELDS = ("label", "required")
ENTITLEMENT_FIELDS = ("care", "amount", "hardship_only")
EXCLUSION_MAX = 20
ITEMS_MAX = 20


def can_edit_kinds(user) -> bool:
    """Federation staff of the city (the root of the tree): the kinds are the whole city's."""
    return any(role.kind in HONOUR_STAFF_KINDS and role.union.depth == 1 for role in roles_of(user))


def validation_errors(kind: HonourKind, fields: dict, items: list[dict], entitlements: list[dict]) -> list[str]:
    errors = []
    if fields.get("category") not in HonourKind.Category.values:
        errors.append(_("Choose whom the honour is for."))
    elif fields["category"] != kind.category and Nomination.objects.filter(kind=kind).exists():
        errors.append(_("Whom the honour is for cannot change: nominations for it exist."))
    years = fields.get("exclusion_years")
    if not isinstance(years, int) or not 0 <= years <= EXCLUSION_MAX:
        errors.append(_("The exclusion rule is from 0 to %(max)d years.") % {"max": EXCLUSION_MAX})
    if len(items) > ITEMS_MAX:
        errors.append(_("A checklist has at most %(max)d items.") % {"max": ITEMS_MAX})
    for number, item in enumerate(items, start=1):
        label = (item.get("label") or "").strip()
        if not label:
            errors.append(_("Checklist item %(number)d has no text.") % {"number": number})
        elif len(label) > 100:
            errors.append(_("Checklist item %(number)d is too long: at most 100 characters.") % {"number": number})
    seen = set()
    for row in entitlements:
        care = row.get("care")
        if care not in CareEntitlement.Care.values:
            errors.append(_("Choose the care of each entitlement."))
            continue
        label = CareEntitlement.Care(care).label
        if care in seen:
            errors.append(_("%(care)s is given twice: give each care once.") % {"care": label})
        seen.add(care)
        amount = row.get("amount")
        if amount is not None and amount < 0:
            errors.append(_("The amount of %(care)s cannot be below zero.") % {"care": label})
    if entitlements and not fields.get("grants_care"):
        errors.append(_("Care entitlements need the honour's holders to receive model workers' care: tick it."))
    return errors


def _sync_items(kind: HonourKind, items: list[dict]) -> None:
    existing = {item.pk: item for item in EvidenceItem.objects.filter(kind=kind)}
    kept = {int(row["id"]) for row in items if row.get("id")}
    if kept - set(existing):
        raise ValidationError(_("The checklist was changed meanwhile: open the page again."))
    for pk, item in existing.items():
        if pk not in kept:
            try:
                with transaction.atomic():
                    item.delete()
            except ProtectedError:
                raise ValidationError(
                    _("%(item)s cannot be removed: nominations' files hang on it. Make it optional instead.")
                    % {"item": item.label}
                ) from None
    for position, row in enumerate(items, start=1):
        values = {"label": row["label"].strip(), "required": bool(row.get("required")), "order": position}
        if row.get("id"):
            EvidenceItem.objects.filter(pk=int(row["id"])).update(**values)
        else:
            EvidenceItem.objects.create(kind=kind, **values)


@transaction.atomic
def honour_kind_update(*, kind: HonourKind, by, items: list[dict], entitlements: list[dict], **fields) -> HonourKind:
    """Change a kind's rules, checklist and care entitlements at once."""
    if not can_edit_kinds(by):
        raise PermissionDenied
    kind = HonourKind.objects.select_for_update().get(pk=kind.pk)
    unknown = set(fields) - set(FIELDS)
    if unknown:
        raise TypeError(f"unknown honour kind fields: {', '.join(sorted(unknown))}")
    merged = {name: getattr(kind, name) for name in FIELDS} | fields
    items = [{**{name: row.get(name) for name in ITEM_FIELDS}, "id": row.get("id")} for row in items]
    entitlements = [{name: row.get(name) for name in ENTITLEMENT_FIELDS} for row in entitlements]
    errors = validation_errors(kind, merged, items, entitlements)
    if errors:
        raise ValidationError(errors)
    for name in FIELDS:
        setattr(kind, name, merged[name])
    kind.save(update_fields=list(FIELDS))
    _sync_items(kind, items)
    # Entitlements are written afresh: nothing hangs on them (care records name the care, not the row).
    CareEntitlement.objects.filter(kind=kind).delete()
    CareEntitlement.objects.bulk_create(
        CareEntitlement(kind=kind, care=row["care"], amount=row["amount"], hardship_only=bool(row["hardship_only"]))
        for row in entitlements
    )
    record(
        audit_kinds.HONOUR_KIND_CHANGED,
        actor=by,
        target=kind,
        detail={
            "fields": {name: merged[name] for name in FIELDS},
            "items": [row["label"] for row in items],
            "care": [row["care"] for row in entitlements],
        },
    )
    return kind
