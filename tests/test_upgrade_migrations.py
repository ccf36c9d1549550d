"""A database made before the union tree had its own app migrates forward with every row kept.

Migrates the test database back to the leaves of the code before that step (the tree and the roles in
``members`` and ``accounts``, audit actions and reminder kinds unprefixed, an audit row held by a key
to its union), writes rows with the historical models of that time, migrates forward to today's
leaves and reads them back with today's models. The migrations run on PostgreSQL, as in production:
the audit trail's append-only trigger is part of what they must get past.
"""

import datetime

import pytest
from django.conf import settings
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

# The leaves of the migrations before the tree moved (main at 99d9b52); every other app's are unchanged.
BEFORE = [
    ("accounts", "0008_encrypt_mfa_secrets"),
    ("members", "0011_account_names_from_members"),
    ("reports", "0005_dashboard_schedule"),
]

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def _executor() -> MigrationExecutor:
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    return executor


def _migrate_back():
    """The database as the old code left it; returns the historical models of that time."""
    executor = _executor()
    # The unions app did not exist: unapplying its first migration takes back everything built on it.
    executor.migrate([*BEFORE, ("unions", None)])
    return _executor().loader.project_state(BEFORE).apps


def _migrate_forward() -> None:
    executor = _executor()
    executor.migrate(executor.loader.graph.leaf_nodes())


@pytest.fixture
def old_apps():
    try:
        yield _migrate_back()
    finally:
        # Whatever happened, the tests after this one find today's schema.
        _migrate_forward()


def test_rows_written_before_the_tree_moved_are_all_there_after_the_migrations(old_apps):
    # given: rows of each kind the step touches, written with the models of the time
    User = old_apps.get_model("accounts", "User")
    OldUnion = old_apps.get_model("members", "Union")
    OldRole = old_apps.get_model("accounts", "Role")
    OldMember = old_apps.get_model("members", "Member")
    OldAudit = old_apps.get_model("accounts", "AuditEvent")
    OldNotification = old_apps.get_model("accounts", "Notification")
    OldPreference = old_apps.get_model("accounts", "NotificationPreference")
    OldReport = old_apps.get_model("reports", "Report")
    OldExport = old_apps.get_model("members", "RosterExport")

    city = OldUnion.objects.create(path="0001", depth=1, numchild=1, kind="city_federation", name="老市总工会")
    shop = OldUnion.objects.create(
        path="00010001", depth=2, numchild=0, kind="grassroots_union", name="老厂工会", card_sequence=7
    )
    clerk = User.objects.create(username="old-clerk", name="老文员")
    worker = User.objects.create(username="old-worker", name="老会员")
    role = OldRole.objects.create(user=clerk, union=shop, kind="union_clerk", granted_by=None)
    member = OldMember.objects.create(
        user=worker,
        union=shop,
        name="老会员",
        id_hash="a" * 64,
        id_encrypted="x",
        id_masked="110105********1234",
        sex="M",
        birth_date=datetime.date(1990, 1, 1),
        joined_on=datetime.date(2020, 1, 1),
        mobile="13800000000",
    )
    approved = OldAudit.objects.create(action="application_approved", actor=clerk, actor_label="老文员", union=shop)
    signed_in = OldAudit.objects.create(action="login", actor=clerk, actor_label="老文员")
    moved = OldAudit.objects.create(action="union_moved", actor=clerk, union=city, detail={"to": city.pk})
    due = datetime.date(2026, 1, 5)
    reminder = OldNotification.objects.create(
        recipient=clerk,
        kind="reminder_application_pending",
        title="待审批",
        dedupe_key=f"reminder_application_pending:application:1:{due.isoformat()}",
    )
    told = OldNotification.objects.create(recipient=worker, kind="application_approved", title="已批准")
    preference = OldPreference.objects.create(user=clerk, email_muted_kinds=["reminder_transfer_waiting"])
    report = OldReport.objects.create(
        kind="roster", union=shop, requested_by=clerk, status="done", reuse_key="roster|x", attempts=1
    )
    built = datetime.datetime(2026, 1, 2, 3, 4, tzinfo=datetime.UTC)
    export = OldExport.objects.create(
        requested_by=clerk, file_format="csv", status="done", rows_total=3, finished_at=built
    )

    # when
    _migrate_forward()

    # then: every row, under its new name and with its new values
    from accounts.models import AuditEvent, Notification, NotificationPreference
    from members.models import Member, RosterExport
    from reports.models import Report
    from unions.models import Role, Union

    assert sorted(Union.objects.values_list("pk", "path", "kind", "name", "card_sequence")) == [
        (city.pk, "0001", "city_federation", "老市总工会", 0),
        (shop.pk, "00010001", "grassroots_union", "老厂工会", 7),
    ]
    assert list(Role.objects.values_list("pk", "user_id", "union_id", "kind")) == [
        (role.pk, clerk.pk, shop.pk, "union_clerk")
    ]
    assert Member.objects.get(pk=member.pk).union == Union.objects.get(pk=shop.pk)
    events = {e.pk: (e.action, e.union_id, e.union_path) for e in AuditEvent.objects.all()}
    assert events == {
        approved.pk: ("members.application_approved", shop.pk, "00010001"),
        signed_in.pk: ("accounts.login", None, ""),
        moved.pk: ("unions.union_moved", city.pk, "0001"),
    }
    notes = {n.pk: (n.kind, n.dedupe_key) for n in Notification.objects.all()}
    # Only reminders have kinds a user chooses among; the applicant's news keeps the kind it was sent with.
    assert notes[told.pk][0] == "application_approved"
    assert notes[reminder.pk][0] == "members.application_pending"
    # A reminder sent before the upgrade is found again by the new key: it is not sent twice.
    assert notes[reminder.pk][1] == f"members.application_pending:application:1:{due.isoformat()}"
    assert NotificationPreference.objects.get(pk=preference.pk).email_muted_kinds == ["members.transfer_waiting"]
    kept = Report.objects.get(pk=report.pk)
    assert (kept.kind, kept.union_id, kept.requested_by_id, kept.status, kept.attempts) == (
        "roster",
        shop.pk,
        clerk.pk,
        "done",
        1,
    )
    # The export stands on the shared job record now: its columns are kept; a built one counts one
    # attempt and is kept as long as the old purge would have kept it.
    moved_export = RosterExport.objects.get(pk=export.pk)
    assert (moved_export.requested_by_id, moved_export.status, moved_export.rows_total) == (clerk.pk, "done", 3)
    assert (moved_export.attempts, moved_export.finished_at) == (1, built)
    assert moved_export.expires_at == built + datetime.timedelta(days=settings.ROSTER_FILE_RETENTION_DAYS)
