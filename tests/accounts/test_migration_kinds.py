"""Rows written before the apps declared their own kinds keep their meaning after the upgrade."""

import datetime

import pytest
from django.conf import settings
from django.core import mail
from django.db import DatabaseError, connection, transaction
from django.db.migrations.executor import MigrationExecutor
from django.urls import reverse

from accounts.models import Notification
from members import kinds as members_kinds
from members import reminders
from tests.factories import staff
from tests.jobs.conftest import pending_application
from unions.models import Role

BEFORE = ("accounts", "0009_roles_to_unions_audit_union_as_values")
AFTER = ("accounts", "0011_kinds_named_by_app")

OLD_ACTIONS = ["login", "union_moved", "role_granted", "application_approved", "roster_exported", "id_revealed"]


def _migrate(*targets):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    targets = list(targets) or executor.loader.graph.leaf_nodes()
    executor.migrate(targets)
    return executor.loader.project_state(targets).apps


@pytest.fixture
def migrator():
    """Migrate as the test asks; the database is left fully migrated for the tests after it."""
    yield _migrate
    _migrate()


def _old_key(kind: str, object_type: str, pk: int, due: datetime.date) -> str:
    return f"{kind}:{object_type}:{pk}:{due.isoformat()}"


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_old_values_read_back_renamed_and_back_again_on_the_way_down(migrator):
    # given, before the upgrade: audit rows, reminders and a non-reminder notification, a preference
    apps = migrator(BEFORE)
    User = apps.get_model("accounts", "User")
    Event = apps.get_model("accounts", "AuditEvent")
    Note = apps.get_model("accounts", "Notification")
    Preference = apps.get_model("accounts", "NotificationPreference")
    clerk = User.objects.create(username="clerk1")
    for action in OLD_ACTIONS:
        Event.objects.create(action=action, detail={"format": "csv"})
    Event.objects.create(action="roster_exported", detail={"file": "import_errors", "format": "xlsx", "rows": 2})
    Event.objects.create(action="removed_long_ago")
    Note.objects.create(
        recipient=clerk,
        kind="reminder_application_pending",
        dedupe_key="reminder_application_pending:application:7:2026-11-03",
        title="t",
    )
    Note.objects.create(
        recipient=clerk,
        kind="reminder_transfer_waiting",
        dedupe_key="reminder_transfer_waiting:transfer-released:9:2026-11-04",
        title="t",
    )
    Note.objects.create(recipient=clerk, kind="report_ready", dedupe_key="report_ready:5", title="t")
    Preference.objects.create(
        user=clerk, email_muted_kinds=["reminder_application_escalated", "reminder_transfer_waiting"]
    )

    # when
    apps = migrator(AFTER)

    # then
    Event = apps.get_model("accounts", "AuditEvent")
    Note = apps.get_model("accounts", "Notification")
    Preference = apps.get_model("accounts", "NotificationPreference")
    assert sorted(Event.objects.values_list("action", flat=True)) == sorted(
        [
            "accounts.login",
            "unions.union_moved",
            "unions.role_granted",
            "members.application_approved",
            "members.roster_exported",
            "members.id_revealed",
            "members.roster_errors_downloaded",
            "removed_long_ago",
        ]
    )
    assert Event.objects.get(action="members.roster_errors_downloaded").detail["file"] == "import_errors"
    assert set(Note.objects.values_list("kind", "dedupe_key")) == {
        ("members.application_pending", "members.application_pending:application:7:2026-11-03"),
        ("members.transfer_waiting", "members.transfer_waiting:transfer-released:9:2026-11-04"),
        ("report_ready", "report_ready:5"),
    }
    assert Preference.objects.get().email_muted_kinds == ["members.application_escalated", "members.transfer_waiting"]
    # the audit table refuses changes again
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("UPDATE accounts_auditevent SET action = 'x'")

    # and on the way down every value is what it was
    apps = migrator(BEFORE)
    Event = apps.get_model("accounts", "AuditEvent")
    Note = apps.get_model("accounts", "Notification")
    Preference = apps.get_model("accounts", "NotificationPreference")
    assert sorted(Event.objects.values_list("action", flat=True)) == sorted(
        [*OLD_ACTIONS, "roster_exported", "removed_long_ago"]
    )
    assert set(Note.objects.values_list("dedupe_key", flat=True)) == {
        "reminder_application_pending:application:7:2026-11-03",
        "reminder_transfer_waiting:transfer-released:9:2026-11-04",
        "report_ready:5",
    }
    assert Preference.objects.get().email_muted_kinds == ["reminder_application_escalated", "reminder_transfer_waiting"]


@pytest.fixture
def eager_tasks():
    from unionportal.celery import app

    saved = app.conf.task_always_eager
    app.conf.task_always_eager = True
    yield
    app.conf.task_always_eager = saved


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_a_reminder_sent_before_the_upgrade_is_not_sent_again_after_it(tree, migrator, eager_tasks):
    # given two applications waiting too long at g1, and a clerk already reminded of the first one
    # before the upgrade
    clerk = staff(Role.Kind.UNION_CLERK, tree["g1"])
    reminded = pending_application(tree["g1"], 4)
    not_yet = pending_application(tree["g1"], 4)
    reminded.refresh_from_db()
    due = reminders._due_date(reminded.submitted_at, settings.REMINDER_APPLICATION_DAYS)
    apps = migrator(BEFORE)
    apps.get_model("accounts", "Notification").objects.create(
        recipient_id=clerk.pk,
        kind="reminder_application_pending",
        dedupe_key=_old_key("reminder_application_pending", "application", reminded.pk, due),
        title="sent before the upgrade",
        emailed_at=reminded.submitted_at,
    )
    migrator()
    mail.outbox.clear()

    # when the daily run comes after the upgrade
    reminders.dispatch_reminders()

    # then only the other application is new: one more reminder, one e-mail
    notes = Notification.objects.filter(recipient=clerk, kind=members_kinds.REMINDER_APPLICATION_PENDING)
    assert notes.count() == 2
    assert notes.filter(title="sent before the upgrade").exists()
    assert notes.filter(url=reverse("members:application_detail", args=[not_yet.pk])).exists()
    assert [message.to for message in mail.outbox] == [[clerk.email]]
