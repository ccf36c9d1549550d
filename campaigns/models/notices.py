"""The public notice (公示) of a round's nominees and the objections to it (异议).

A notice runs for the round's number of working days (``accounts.workdays.notice_period``): the first
day is the publication date if that is a working day, else the next one; it ends at the end of the last.
Its public page, reached by an unguessable token, shows each nominee's name, sex, unit, post, honour
and a summary of deeds only.

Anyone may object under their real name, with a mobile number confirmed by an SMS code. Objections are
registered: received → assigned → answered (the investigation's finding) → closed as upheld (the
nominee is rejected) or dismissed. One received after the notice ended is kept, marked late. While a
nominee has an open objection they cannot be decided.
"""

import secrets

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from .honours import Round
from .nominations import Nomination


def _notice_token() -> str:
    return secrets.token_urlsafe(16)


class PublicNotice(models.Model):
    round = models.ForeignKey(Round, on_delete=models.PROTECT, related_name="notices")
    title = models.CharField(_("title"), max_length=200)
    # Where objections go besides the portal (the organiser's office, a telephone line): printed on paper.
    contact = models.CharField(_("contact for objections"), max_length=200, blank=True)
    published_on = models.DateField(_("published on"))
    working_days = models.PositiveSmallIntegerField(_("working days"))
    first_day = models.DateField(_("first day"))
    last_day = models.DateField(_("last day"))
    token = models.CharField(max_length=32, default=_notice_token, unique=True, editable=False)
    published_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    published_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("public notice")
        verbose_name_plural = _("public notices")
        ordering = ["-published_on", "-id"]

    def __str__(self) -> str:
        return self.title

    def is_running(self, today) -> bool:
        return self.first_day <= today <= self.last_day

    def has_ended(self, today) -> bool:
        return today > self.last_day


class Objection(models.Model):
    class Status(models.TextChoices):
        RECEIVED = "received", pgettext_lazy("objection state", "Received")
        ASSIGNED = "assigned", _("Being investigated")
        ANSWERED = "answered", pgettext_lazy("objection state", "Answered")
        UPHELD = "upheld", _("Closed, upheld")
        DISMISSED = "dismissed", _("Closed, dismissed")

    OPEN = (Status.RECEIVED, Status.ASSIGNED, Status.ANSWERED)

    notice = models.ForeignKey(PublicNotice, on_delete=models.PROTECT, related_name="objections")
    nomination = models.ForeignKey(Nomination, on_delete=models.PROTECT, related_name="objections")
    # The objector, under their real name; seen by the organiser's staff only. The mobile is encrypted.
    objector_name = models.CharField(_("objector's name"), max_length=50)
    objector_mobile = models.TextField(_("objector's mobile (encrypted)"))
    facts = models.TextField(_("facts"), max_length=2000)
    received_at = models.DateTimeField(_("received at"), default=timezone.now)
    late = models.BooleanField(_("received after the notice ended"), default=False)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.RECEIVED)
    assigned_to = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("investigated by"),
    )
    assigned_at = models.DateTimeField(null=True, blank=True)
    finding = models.TextField(_("finding"), max_length=2000, blank=True)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    answered_at = models.DateTimeField(null=True, blank=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    closed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("objection")
        verbose_name_plural = _("objections")
        ordering = ["-received_at", "-id"]
        indexes = [models.Index(fields=["nomination", "status"], name="objection_nomination_status")]

    def __str__(self) -> str:
        return f"#{self.pk} · {self.nomination.nominee_name}"

    @property
    def is_open(self) -> bool:
        return self.status in self.OPEN
