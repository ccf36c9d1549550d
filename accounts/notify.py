"""Telling a user something: the portal inbox always, and a copy by e-mail and SMS when they have them.

Copies are sent after the transaction commits, so a rolled-back decision sends nothing.
"""

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.core.mail import send_mail
from django.db import transaction
from django.utils import timezone

from .models import Notification, User
from .sms import send_sms


def notify(*, recipient: User, kind: str, title: str, body: str = "", url: str = "", sms: bool = False) -> Notification:
    note = Notification.objects.create(recipient=recipient, kind=kind, title=title, body=body, url=url)

    link = f"{settings.SITE_URL}{url}" if url.startswith("/") else url

    def send_copies() -> None:
        if recipient.email:
            send_mail(
                subject=title, message=f"{body}\n\n{link}".strip(), from_email=None, recipient_list=[recipient.email]
            )
        if sms and recipient.phone:
            send_sms(recipient.phone, f"{title} {link}".strip())

    transaction.on_commit(send_copies)
    return note


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
