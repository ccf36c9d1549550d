"""Telling a user something: the portal inbox always, and a copy by e-mail and SMS when they have them.

A notification may carry a key (what it is about: kind, object, due date). There is at most one row
per recipient and key, and copies are sent only for a row that was newly made, so running a job
again sends nothing twice. An e-mail copy is marked sent in the same transaction that hands it to the
mail server, one message at a time, so a job that fails halfway resends only what was not sent.
Copies are sent after the transaction commits, so a rolled-back decision sends nothing.
"""

import logging
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.core.mail import EmailMultiAlternatives, get_connection
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone, translation

from .kinds import reminder_kinds
from .models import Notification, NotificationPreference, User
from .sms import send_sms

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class Message:
    """One notification to make, for the bulk path (reminders)."""

    recipient_id: int
    kind: str
    key: str
    title: str
    body: str = ""
    url: str = ""


def _link(url: str) -> str:
    return f"{settings.SITE_URL}{url}" if url.startswith("/") else url


def muted_email_kinds(user_ids: Iterable[int]) -> dict[int, set[str]]:
    return {
        user_id: set(kinds)
        for user_id, kinds in NotificationPreference.objects.filter(user_id__in=list(user_ids)).values_list(
            "user_id", "email_muted_kinds"
        )
    }


def wants_email(user: User, kind: str) -> bool:
    return bool(user.email) and kind not in muted_email_kinds([user.pk]).get(user.pk, set())


def notify(
    *,
    recipient: User,
    kind: str,
    title: str,
    body: str = "",
    url: str = "",
    sms: bool = False,
    key: str = "",
) -> Notification:
    """Put a message in the recipient's inbox and send the copies after commit.

    With a ``key``, a second call for the same recipient and key returns the existing row and sends
    nothing.
    """
    fields = {"kind": kind, "title": title, "body": body, "url": url, "email_pending": wants_email(recipient, kind)}
    if key:
        note, created = Notification.objects.get_or_create(recipient=recipient, dedupe_key=key, defaults=fields)
        if not created:
            return note
    else:
        note = Notification.objects.create(recipient=recipient, **fields)

    def send_copies() -> None:
        # The decision is committed and the inbox holds the message: a copy that fails (mail server
        # down, a malformed address, the SMS gateway) is logged and owed, never an error for the
        # user who decided. An unsent e-mail copy stays ``email_pending``.
        if note.email_pending:
            try:
                notification_send_emails(notification_ids=[note.pk])
            except Exception:
                logger.exception("Notification %s could not be e-mailed; the copy stays owed", note.pk)
        if sms and recipient.phone:
            try:
                send_sms(recipient.phone, f"{title} {_link(url)}".strip())
            except Exception:
                logger.exception("Notification %s could not be sent by SMS", note.pk)

    transaction.on_commit(send_copies)
    return note


@transaction.atomic
def notifications_create_once(messages: Sequence[Message]) -> list[int]:
    """Make the messages that do not exist yet (ON CONFLICT DO NOTHING); return the IDs of those,
    new or left from an earlier run, whose e-mail copy is still owed."""
    if not messages:
        return []
    recipients = {m.recipient_id for m in messages}
    emails = dict(User.objects.filter(pk__in=recipients, is_active=True).values_list("pk", "email"))
    muted = muted_email_kinds(recipients)
    rows = [
        Notification(
            recipient_id=m.recipient_id,
            kind=m.kind,
            dedupe_key=m.key,
            title=m.title[:200],
            body=m.body,
            url=m.url,
            email_pending=bool(emails.get(m.recipient_id)) and m.kind not in muted.get(m.recipient_id, ()),
        )
        for m in messages
        if m.recipient_id in emails
    ]
    Notification.objects.bulk_create(rows, batch_size=1000, ignore_conflicts=True)
    wanted = {(m.recipient_id, m.key) for m in messages}
    pending = Notification.objects.filter(
        dedupe_key__in={m.key for m in messages}, recipient_id__in=recipients, email_pending=True
    ).values_list("pk", "recipient_id", "dedupe_key")
    return sorted(pk for pk, recipient_id, key in pending if (recipient_id, key) in wanted)


def _email(note: Notification, connection) -> EmailMultiAlternatives:
    template = "emails/reminder" if note.kind in reminder_kinds else "emails/notification"
    context = {"note": note, "link": _link(note.url), "recipient": note.recipient, "site_url": settings.SITE_URL}
    # E-mail speaks the portal's language: jobs run outside any request.
    with translation.override(settings.LANGUAGE_CODE):
        text = render_to_string(f"{template}.txt", context)
        html = render_to_string(f"{template}.html", context)
    # A subject is one header line: a line break in a title (a union's name, say) would make the
    # mail library refuse the message.
    subject = " ".join(note.title.split())
    message = EmailMultiAlternatives(subject=subject, body=text, to=[note.recipient.email], connection=connection)
    message.attach_alternative(html, "text/html")
    return message


def notification_send_emails(*, notification_ids: Iterable[int]) -> int:
    """Send the owed e-mail copies of these notifications; return how many were sent.

    Each message is locked, sent and marked in its own transaction: an error stops the run with
    everything before it marked sent, and another worker skips what this one holds.
    """
    sent = 0
    connection = get_connection()
    try:
        for pk in notification_ids:
            with transaction.atomic():
                note = (
                    Notification.objects.select_for_update(skip_locked=True, of=("self",))
                    .select_related("recipient")
                    .filter(pk=pk, email_pending=True)
                    .first()
                )
                if note is None:
                    continue
                if note.recipient.email:
                    _email(note, connection).send()
                    sent += 1
                note.email_pending = False
                note.emailed_at = timezone.now()
                note.save(update_fields=["email_pending", "emailed_at"])
    finally:
        connection.close()
    return sent


@transaction.atomic
def notification_preferences_set(*, user: User, email_kinds: Iterable[str]) -> NotificationPreference:
    """The reminders the user wants by e-mail; every other reminder kind is kept to the inbox."""
    wanted = set(email_kinds)
    preference, _created = NotificationPreference.objects.get_or_create(user=user)
    preference.email_muted_kinds = sorted(reminder_kinds.values() - wanted)
    preference.save(update_fields=["email_muted_kinds", "updated_at"])
    return preference


def email_kinds_of(user: User) -> set[str]:
    return reminder_kinds.values() - muted_email_kinds([user.pk]).get(user.pk, set())


def unread_count(user) -> int:
    return Notification.objects.filter(recipient=user, read_at__isnull=True).count()


def notifications_for(user):
    """The user's own inbox, newest first."""
    return Notification.objects.filter(recipient=user).order_by("-created_at", "-id")


def notification_mark_read(*, notification: Notification, by: User) -> Notification:
    """Only the recipient reads their notification; reading it again changes nothing."""
    if notification.recipient_id != by.pk:
        raise PermissionDenied
    if notification.read_at is None:
        notification.read_at = timezone.now()
        notification.save(update_fields=["read_at"])
    return notification


def notifications_mark_all_read(*, user: User) -> int:
    return Notification.objects.filter(recipient=user, read_at__isnull=True).update(read_at=timezone.now())
