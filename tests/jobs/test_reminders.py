"""Reminders (members.reminders + the dispatch task): who gets what, once each, however often it runs."""

from unittest import mock

import pytest
from celery.exceptions import Retry
from django.core import mail
from django.core.mail import EmailMultiAlternatives
from django.urls import reverse

from accounts.kinds import reminder_kinds
from accounts.models import Notification
from accounts.notify import notification_preferences_set
from members import kinds as members_kinds
from members import reminders
from members.tasks import dispatch_reminders
from tests.factories import make_child, staff
from unions.models import Role, Union

from .conftest import join, pending_application, waiting_transfer

R = Role.Kind


@pytest.fixture(autouse=True)
def _eager():
    """These tests run the tasks in process even when REDIS_URL is set (test_worker uses Redis)."""
    from unionportal.celery import app

    saved = app.conf.task_always_eager
    app.conf.task_always_eager = True
    yield
    app.conf.task_always_eager = saved


def notes(user, kind=None):
    qs = Notification.objects.filter(recipient=user)
    return qs.filter(kind=kind) if kind else qs


def run(capture, times: int = 1) -> None:
    for _ in range(times):
        with capture(execute=True):
            dispatch_reminders.delay()


def mails_to(user) -> list:
    return [m for m in mail.outbox if m.to == [user.email]]


def test_dispatch_twice_reminds_the_clerks_once_with_one_email_each(tree, people, django_capture_on_commit_callbacks):
    # given an application four days old, one a day old, and one at another union
    due = pending_application(tree["g1"], 4)
    pending_application(tree["g1"], 1)
    # when the daily task runs twice
    run(django_capture_on_commit_callbacks, times=2)
    # then g1's clerk has one reminder, and one e-mail with text and HTML
    [note] = notes(people["clerk1"])
    assert note.kind == members_kinds.REMINDER_APPLICATION_PENDING
    assert note.url == reverse("members:application_detail", args=[due.pk])
    assert note.emailed_at is not None and not note.email_pending
    [message] = mails_to(people["clerk1"])
    assert message.subject == note.title
    assert "/approvals/" in message.body
    assert message.alternatives[0].mimetype == "text/html"
    assert "<html" in message.alternatives[0].content
    # nobody else: no escalation yet, no other union's clerk
    for name in ("clerk2", "s1_staff", "d1_staff"):
        assert not notes(people[name]).exists()
    assert len(mail.outbox) == 1


def test_after_the_escalation_days_the_nearest_federation_staff_above_are_told_once(
    tree, people, django_capture_on_commit_callbacks
):
    pending_application(tree["g1"], 8)
    run(django_capture_on_commit_callbacks, times=2)
    assert notes(people["clerk1"], members_kinds.REMINDER_APPLICATION_PENDING).count() == 1
    assert notes(people["s1_staff"], members_kinds.REMINDER_APPLICATION_ESCALATED).count() == 1
    # one level up is the street federation; the district hears nothing while the street has staff
    assert not notes(people["d1_staff"]).exists()
    assert len(mail.outbox) == 2


def test_escalation_skips_a_level_without_staff(tree, django_capture_on_commit_callbacks):
    d1_staff = staff(R.FEDERATION_STAFF, tree["d1"])
    pending_application(tree["g1"], 10)
    run(django_capture_on_commit_callbacks)
    assert notes(d1_staff, members_kinds.REMINDER_APPLICATION_ESCALATED).count() == 1


def test_a_platform_federation_s_own_staff_are_reminded_and_the_level_above_escalated(
    tree, django_capture_on_commit_callbacks
):
    platform = make_child(tree["d1"], Union.Kind.STREET_FEDERATION, "平台街道总工会", takes_platform_workers=True)
    own = staff(R.FEDERATION_STAFF, platform)
    above = staff(R.FEDERATION_STAFF, tree["d1"])
    pending_application(platform, 8)
    run(django_capture_on_commit_callbacks)
    assert notes(own, members_kinds.REMINDER_APPLICATION_PENDING).count() == 1
    assert notes(above, members_kinds.REMINDER_APPLICATION_ESCALATED).count() == 1
    assert not notes(own, members_kinds.REMINDER_APPLICATION_ESCALATED).exists()


def test_waiting_transfers_remind_the_union_that_must_act(tree, people, django_capture_on_commit_callbacks):
    clerk1, clerk2 = people["clerk1"], people["clerk2"]
    clerk3 = staff(R.UNION_CLERK, tree["g3"])
    requested = waiting_transfer(join(tree["g1"], clerk1), tree["g2"], clerk2, age_days=6)
    released = waiting_transfer(join(tree["g3"], clerk3), tree["g2"], clerk2, age_days=6, released_by=clerk3)
    waiting_transfer(join(tree["g1"], clerk1), tree["g3"], clerk3, age_days=2)  # not yet due
    Notification.objects.all().delete()
    mail.outbox.clear()

    run(django_capture_on_commit_callbacks, times=2)

    # requested: the current union (g1) must release; released: the receiving union (g2) must accept
    [to_release] = notes(clerk1, members_kinds.REMINDER_TRANSFER_WAITING)
    assert to_release.url == reverse("members:transfer_detail", args=[requested.pk])
    [to_accept] = notes(clerk2, members_kinds.REMINDER_TRANSFER_WAITING)
    assert to_accept.url == reverse("members:transfer_detail", args=[released.pk])
    assert not notes(clerk3).exists()
    assert len(mail.outbox) == 2


def test_a_transfer_reminded_while_requested_is_reminded_again_once_released(
    tree, people, django_capture_on_commit_callbacks
):
    clerk1, clerk2 = people["clerk1"], people["clerk2"]
    transfer = waiting_transfer(join(tree["g1"], clerk1), tree["g2"], clerk2, age_days=6)
    run(django_capture_on_commit_callbacks)
    waiting_transfer_released = transfer.__class__.objects.filter(pk=transfer.pk)
    from members import services

    services.transfer_release(transfer=transfer, by=clerk1)
    waiting_transfer_released.update(released_at=transfer.requested_at)
    run(django_capture_on_commit_callbacks, times=2)
    assert notes(clerk1, members_kinds.REMINDER_TRANSFER_WAITING).count() == 1
    assert notes(clerk2, members_kinds.REMINDER_TRANSFER_WAITING).count() == 1


def test_a_user_who_mutes_a_kind_gets_it_in_the_inbox_only(tree, people, django_capture_on_commit_callbacks):
    notification_preferences_set(user=people["clerk1"], email_kinds=[members_kinds.REMINDER_TRANSFER_WAITING])
    pending_application(tree["g1"], 8)
    run(django_capture_on_commit_callbacks)
    assert notes(people["clerk1"], members_kinds.REMINDER_APPLICATION_PENDING).count() == 1
    assert not mails_to(people["clerk1"])
    assert len(mails_to(people["s1_staff"])) == 1


def test_decided_and_withdrawn_applications_and_inactive_staff_get_nothing(
    tree, people, django_capture_on_commit_callbacks
):
    from members import services

    approved = pending_application(tree["g1"], 5)
    services.application_approve(application=approved, by=people["clerk1"])
    pending_application(tree["g2"], 5)
    people["clerk2"].is_active = False
    people["clerk2"].save(update_fields=["is_active"])
    Notification.objects.all().delete()
    run(django_capture_on_commit_callbacks)
    assert not Notification.objects.filter(kind__in=reminder_kinds.values()).exists()


def test_an_email_failure_halfway_and_a_retry_still_send_each_email_once(
    tree, people, django_capture_on_commit_callbacks
):
    # given due applications at two unions, and a mail server that refuses clerk2's message
    for _ in range(3):
        pending_application(tree["g1"], 4)
        pending_application(tree["g2"], 4)
    real_send = EmailMultiAlternatives.send
    refused = people["clerk2"].email

    def flaky_send(message, *args, **kwargs):
        if message.to == [refused]:
            raise OSError("mail server went away")
        return real_send(message, *args, **kwargs)

    # (run eagerly, the e-mail task's own retry surfaces as Retry; a worker would wait and retry)
    with mock.patch.object(EmailMultiAlternatives, "send", flaky_send), pytest.raises((OSError, Retry)):
        run(django_capture_on_commit_callbacks)
    sent_before_retry = len(mail.outbox)
    assert 0 < sent_before_retry < 6
    assert Notification.objects.filter(email_pending=True).exists()

    # when the run is retried with the mail server back
    run(django_capture_on_commit_callbacks, times=2)

    # then every reminder exists once and every e-mail went out once
    assert notes(people["clerk1"]).count() == 3
    assert notes(people["clerk2"]).count() == 3
    assert len(mails_to(people["clerk1"])) == 3
    assert len(mails_to(people["clerk2"])) == 3
    assert not Notification.objects.filter(email_pending=True).exists()


def test_a_run_that_fails_after_its_first_batch_and_is_retried_makes_each_reminder_once(
    tree, people, monkeypatch, django_capture_on_commit_callbacks
):
    for _ in range(5):
        pending_application(tree["g1"], 4)
    monkeypatch.setattr(reminders, "BATCH_SIZE", 2)
    real_create = reminders.notifications_create_once
    calls = {"n": 0}

    def fail_on_second_batch(messages):
        calls["n"] += 1
        if calls["n"] == 2:
            raise RuntimeError("worker lost its database connection")
        return real_create(messages)

    monkeypatch.setattr(reminders, "notifications_create_once", fail_on_second_batch)
    with pytest.raises(RuntimeError):
        run(django_capture_on_commit_callbacks)
    assert notes(people["clerk1"]).count() == 2  # the first batch was committed
    assert len(mail.outbox) == 2

    monkeypatch.setattr(reminders, "notifications_create_once", real_create)
    run(django_capture_on_commit_callbacks, times=2)
    assert notes(people["clerk1"]).count() == 5
    assert len(mail.outbox) == 5


def test_notify_with_a_key_makes_one_row_and_one_email(tree, people, django_capture_on_commit_callbacks):
    from accounts.notify import notify

    for _ in range(2):
        with django_capture_on_commit_callbacks(execute=True):
            notify(recipient=people["clerk1"], kind="test", title="Once", key="test:1")
    assert notes(people["clerk1"]).count() == 1
    assert len(mail.outbox) == 1


@pytest.mark.parametrize("count", [3, 30])
def test_dispatch_uses_a_fixed_number_of_queries_per_batch(tree, people, count, django_assert_max_num_queries):
    for _ in range(count):
        pending_application(tree["g1"], 8)
    # roles, applications, end of applications, transfers; each batch: insert, pending ids, savepoints
    with django_assert_max_num_queries(12):
        result = reminders.dispatch_reminders()
    assert result.applications == count
    assert notes(people["clerk1"]).count() == count
    assert notes(people["s1_staff"]).count() == count


def test_the_preferences_page_saves_which_reminders_come_by_email(client, people):
    from accounts.notify import email_kinds_of

    client.force_login(people["clerk1"])
    url = reverse("accounts:notification_preferences")
    page = client.get(url)
    assert page.status_code == 200
    assert set(page.context["form"].initial["email_kinds"]) == reminder_kinds.values()
    response = client.post(url, {"email_kinds": [members_kinds.REMINDER_TRANSFER_WAITING]})
    assert response.status_code == 302
    assert email_kinds_of(people["clerk1"]) == {members_kinds.REMINDER_TRANSFER_WAITING}
    assert client.post(url, {"email_kinds": ["not_a_kind"]}).status_code == 200
    assert email_kinds_of(people["clerk1"]) == {members_kinds.REMINDER_TRANSFER_WAITING}


def test_the_preferences_page_needs_a_sign_in(client):
    response = client.get(reverse("accounts:notification_preferences"))
    assert response.status_code == 302
