"""Audit actions and reminder kinds are named by the app that declares them (``members.application_approved``).

Rows written before keep their meaning: every stored value is renamed, the audit trail's actions,
the notifications' kinds, the reminders' keys (which begin with the kind: a reminder sent before the
upgrade is found by its new key and not sent again) and the kinds people chose not to get by e-mail.
The names are written out here as they stood, not read from the apps' modules, which go on changing.

The audit table refuses every UPDATE (0002's trigger); the trigger is switched off for this one
transaction and on again before it commits. An error in between rolls all of it back, trigger included.
The fields were widened by 0010, in a transaction of its own: PostgreSQL refuses to alter a table
whose rows this transaction changed twice, as the way back does.
"""

from django.db import migrations, models
from django.db.models import Q, Value
from django.db.models.functions import Concat, Substr

APP_ACTIONS = {
    "accounts": [
        "login",
        "login_failed",
        "logout",
        "mfa_added",
        "mfa_removed",
        "mfa_codes_reset",
        "mfa_enrolment_reset",
        "password_changed",
        "password_reset",
        "user_created",
    ],
    "unions": ["union_created", "union_updated", "union_moved", "union_closed", "role_granted", "role_revoked"],
    "members": [
        "application_approved",
        "application_rejected",
        "member_edited",
        "member_ended",
        "id_revealed",
        "transfer_requested",
        "transfer_released",
        "transfer_accepted",
        "transfer_declined",
        "transfer_cancelled",
        "roster_imported",
        "roster_exported",
    ],
}
ACTIONS = {old: f"{app}.{old}" for app, olds in APP_ACTIONS.items() for old in olds}
# The download of an import's error file was audited as an export, marked by its detail; it has an
# action of its own now.
ERRORS_DOWNLOADED = "members.roster_errors_downloaded"
REMINDERS = {
    "reminder_application_pending": "members.application_pending",
    "reminder_application_escalated": "members.application_escalated",
    "reminder_transfer_waiting": "members.transfer_waiting",
}
TRIGGER = "ALTER TABLE accounts_auditevent {} TRIGGER accounts_auditevent_append_only"


def _rename_actions(apps, schema_editor, renames: list[tuple[Q, str]]):
    AuditEvent = apps.get_model("accounts", "AuditEvent")
    events = AuditEvent.objects.using(schema_editor.connection.alias)
    postgres = schema_editor.connection.vendor == "postgresql"
    if postgres:
        schema_editor.execute(TRIGGER.format("DISABLE"))
    for rows, new in renames:
        events.filter(rows).update(action=new)
    if postgres:
        schema_editor.execute(TRIGGER.format("ENABLE"))


def _rename_reminders(apps, schema_editor, renames: dict[str, str]):
    db = schema_editor.connection.alias
    Notification = apps.get_model("accounts", "Notification")
    NotificationPreference = apps.get_model("accounts", "NotificationPreference")
    for old, new in renames.items():
        Notification.objects.using(db).filter(kind=old).update(kind=new)
        Notification.objects.using(db).filter(dedupe_key__startswith=f"{old}:").update(
            dedupe_key=Concat(Value(new), Substr("dedupe_key", len(old) + 1), output_field=models.CharField())
        )
    changed = []
    for preference in NotificationPreference.objects.using(db).only("email_muted_kinds"):
        muted = sorted(renames.get(kind, kind) for kind in preference.email_muted_kinds)
        if muted != preference.email_muted_kinds:
            preference.email_muted_kinds = muted
            changed.append(preference)
    NotificationPreference.objects.using(db).bulk_update(changed, ["email_muted_kinds"], batch_size=1000)


def forwards(apps, schema_editor):
    errors_file = Q(action="roster_exported", detail__file="import_errors")
    _rename_actions(
        apps, schema_editor, [(errors_file, ERRORS_DOWNLOADED)] + [(Q(action=o), n) for o, n in ACTIONS.items()]
    )
    _rename_reminders(apps, schema_editor, REMINDERS)


def backwards(apps, schema_editor):
    renames = [(Q(action=n), o) for o, n in ACTIONS.items()] + [(Q(action=ERRORS_DOWNLOADED), "roster_exported")]
    _rename_actions(apps, schema_editor, renames)
    _rename_reminders(apps, schema_editor, {n: o for o, n in REMINDERS.items()})


class Migration(migrations.Migration):
    dependencies = [("accounts", "0010_action_and_kind_without_choices")]

    operations = [migrations.RunPython(forwards, backwards)]
