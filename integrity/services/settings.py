"""The integrity app's settings (one row for the city), changed by a city discipline officer."""

from django.core.exceptions import PermissionDenied
from django.db import transaction

from accounts import audit

from .. import kinds
from ..models import IntegritySettings
from ..permissions import can_change_settings

FIELDS = ("opinion_valid_months", "opinion_lookback_years", "tracker_reminder_month", "rectification_notice_days")


@transaction.atomic
def settings_update(*, by, **values) -> IntegritySettings:
    """Change the settings; the audit row keeps what changed from what to what (numbers only)."""
    if not can_change_settings(by):
        raise PermissionDenied
    unknown = set(values) - set(FIELDS)
    if unknown:
        raise TypeError(f"unknown settings: {sorted(unknown)}")
    IntegritySettings.current()
    row = IntegritySettings.objects.select_for_update().get(pk=1)
    changed = {}
    for name, value in values.items():
        old = getattr(row, name)
        if old != value:
            changed[name] = [old, value]
            setattr(row, name, value)
    row.full_clean()
    if not changed:
        return row
    row.save(update_fields=list(changed))
    audit.record(kinds.SETTINGS_CHANGED, actor=by, target=row, detail={"changed": changed})
    return row
