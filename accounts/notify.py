"""Telling a user something: the portal inbox always, and a copy by e-mail and SMS when they have them.

Copies are sent after the transaction commits, so a rolled-back decision sends nothing.
"""

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction

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
