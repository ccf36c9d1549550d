"""Reminders of the yearly assessment: a self-report due within ``SELF_REPORT_DAYS`` days and not
handed in, to the cadre with an account (``REMINDER_SELF_REPORT_DUE``), keyed by the assessment and
the due date, so the daily run makes each once (a due date moved later is reminded again)."""

import datetime

from django.db import transaction
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from accounts.links import url_pattern
from accounts.notify import Message, notifications_create_once
from accounts.tasks import send_notification_emails

from .. import kinds
from ..models import Assessment, AssessmentRound

SELF_REPORT_DAYS = 7
BATCH_SIZE = 2000
EMAIL_TASK_CHUNK = 200


def _deliver(messages: list[Message]) -> None:
    with transaction.atomic():
        pending = notifications_create_once(messages)
        for start in range(0, len(pending), EMAIL_TASK_CHUNK):
            chunk = pending[start : start + EMAIL_TASK_CHUNK]
            transaction.on_commit(lambda chunk=chunk: send_notification_emails.delay(chunk))


def dispatch(today: datetime.date) -> dict[str, int]:
    kind = kinds.REMINDER_SELF_REPORT_DUE
    due = Assessment.objects.filter(
        status=Assessment.Status.OPEN,
        round__status=AssessmentRound.Status.OPEN,
        round__self_report_due__gte=today,
        round__self_report_due__lte=today + datetime.timedelta(days=SELF_REPORT_DAYS),
        cadre__user__isnull=False,
        cadre__user__is_active=True,
    )
    link = url_pattern("cadres:my_assessment")
    made = 0
    last = 0
    while True:
        rows = list(
            due.filter(pk__gt=last)
            .order_by("pk")
            .values_list("pk", "year", "round__self_report_due", "cadre__user_id")[:BATCH_SIZE]
        )
        if not rows:
            break
        messages = []
        for pk, year, due_on, user_id in rows:
            title = _("Your %(year)d self-report is due on %(date)s") % {
                "year": year,
                "date": date_format(due_on, "DATE_FORMAT"),
            }
            body = _("Write it on your assessment page; the assessor reads it before grading.")
            key = f"{kind}:assessment:{pk}:{due_on.isoformat()}"
            messages.append(Message(user_id, kind, key, title, body, link.format(pk)))
        _deliver(messages)
        made += len(messages)
        last = rows[-1][0]
    return {kind: made} if made else {}
