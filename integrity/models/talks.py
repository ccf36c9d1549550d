"""Talks (谈话) with cadres, their corrections, and the rectification items (整改) they set.

A talk is drafted by its recorder, who alone sees the draft; once filed it is never edited: a
correction is added beside it and the original stays. A talk that sets rectification items is
``rectifying`` until every item is struck off (销号), then ``closed``.
"""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from cadres.models import Cadre

from ..fields import EncryptedTextField


class SupervisionForm(models.TextChoices):
    """The measures of the first of the four forms (第一种形态), named on reminder and admonishment talks."""

    TALK_REMINDER = "talk_reminder", _("Reminder by talk")  # 谈话提醒
    CRITICISM = "criticism", _("Criticism and education")  # 批评教育
    ORDERED_REVIEW = "ordered_review", _("Ordered to write a self-examination")  # 责令检查
    ADMONISHMENT = "admonishment", _("Admonishment")  # 诫勉


class Talk(models.Model):
    class Kind(models.TextChoices):
        HEART_TO_HEART = "heart_to_heart", _("Heart-to-heart talk")  # 谈心谈话
        REMINDER = "reminder", _("Reminder talk")  # 提醒谈话
        ADMONISHMENT = "admonishment", _("Admonishment talk")  # 诫勉谈话
        ROUTINE = "routine", _("Routine integrity talk")  # 廉政谈话（例行）
        PRE_APPOINTMENT = "pre_appointment", _("Pre-appointment integrity talk")  # 任前廉政谈话

    # The kinds that name a form of supervision (四种形态, first form).
    SUPERVISED_KINDS = (Kind.REMINDER, Kind.ADMONISHMENT)

    class Status(models.TextChoices):
        DRAFT = "draft", pgettext_lazy("talk", "Draft")
        FILED = "filed", pgettext_lazy("talk", "Filed")
        RECTIFYING = "rectifying", pgettext_lazy("talk", "Rectifying")
        CLOSED = "closed", pgettext_lazy("talk", "Closed")

    cadre = models.ForeignKey(Cadre, on_delete=models.PROTECT, related_name="talks", verbose_name=_("cadre"))
    kind = models.CharField(_("kind of talk"), max_length=20, choices=Kind.choices)
    # The leader who held the talk, as named on the record.
    talker_name = models.CharField(_("talker"), max_length=50)
    talker_post = models.CharField(_("talker's post"), max_length=100, blank=True)
    # Whoever records the talk: the only one who sees its draft, and who always sees the talk.
    recorder = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("recorder")
    )
    held_on = models.DateField(_("held on"))
    place = models.CharField(_("place"), max_length=100, blank=True)
    reason = EncryptedTextField(_("reason"), blank=True)
    content = EncryptedTextField(_("content of the talk"), blank=True)
    statement = EncryptedTextField(_("statement of the cadre"), blank=True)
    opinion = EncryptedTextField(_("opinion of the talker"), blank=True)
    supervision_form = models.CharField(
        _("form of supervision"), max_length=20, choices=SupervisionForm.choices, blank=True
    )
    status = models.CharField(_("status"), max_length=12, choices=Status.choices, default=Status.DRAFT)
    created_at = models.DateTimeField(_("created at"), default=timezone.now, editable=False)
    filed_at = models.DateTimeField(_("filed at"), null=True, blank=True)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)

    class Meta:
        verbose_name = _("talk")
        verbose_name_plural = _("talks")
        ordering = ["-held_on", "-pk"]
        indexes = [
            # The yearly tracker: routine talks of a year, per cadre.
            models.Index(fields=["kind", "held_on", "cadre"], name="integrity_talk_kind_day"),
            models.Index(fields=["cadre", "-held_on"], name="integrity_talk_cadre_day"),
            # The talk list's newest-first order, walked rather than sorted at city scale.
            models.Index(fields=["-held_on", "-id"], name="integrity_talk_day"),
        ]

    def __str__(self) -> str:
        # No content, no name: this label is what the read trail keeps.
        return f"{self.get_kind_display()} #{self.pk}"


class TalkCorrection(models.Model):
    """A correction to a filed talk: the original is never changed."""

    talk = models.ForeignKey(Talk, on_delete=models.PROTECT, related_name="corrections", verbose_name=_("talk"))
    text = EncryptedTextField(_("correction"))
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("by"))
    created_at = models.DateTimeField(_("added at"), default=timezone.now, editable=False)

    class Meta:
        verbose_name = _("correction of a talk")
        verbose_name_plural = _("corrections of talks")
        ordering = ["created_at", "pk"]

    def __str__(self) -> str:
        return f"{_('Correction')} #{self.pk}"


class Rectification(models.Model):
    """One thing the cadre must correct (整改), by a deadline; a discipline officer verifies the evidence
    and strikes it off (销号). Overdue is computed: past the deadline and not struck off."""

    class Status(models.TextChoices):
        OPEN = "open", pgettext_lazy("rectification", "Open")
        EVIDENCE_GIVEN = "evidence_given", _("Evidence handed in")
        STRUCK_OFF = "struck_off", _("Struck off")

    talk = models.ForeignKey(Talk, on_delete=models.PROTECT, related_name="rectifications", verbose_name=_("talk"))
    # The talk's cadre, kept here so that scope and reminders need no join through the talk.
    cadre = models.ForeignKey(Cadre, on_delete=models.PROTECT, related_name="+", verbose_name=_("cadre"))
    text = EncryptedTextField(_("what must be rectified"))
    deadline = models.DateField(_("deadline"))
    evidence = EncryptedTextField(_("evidence"), blank=True)
    evidence_at = models.DateTimeField(_("evidence handed in at"), null=True, blank=True)
    status = models.CharField(_("status"), max_length=16, choices=Status.choices, default=Status.OPEN)
    struck_off_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("struck off by"),
    )
    struck_off_at = models.DateTimeField(_("struck off at"), null=True, blank=True)
    created_at = models.DateTimeField(_("created at"), default=timezone.now, editable=False)

    class Meta:
        verbose_name = _("rectification item")
        verbose_name_plural = _("rectification items")
        ordering = ["deadline", "pk"]
        indexes = [models.Index(fields=["status", "deadline"], name="integrity_rect_status_day")]

    def __str__(self) -> str:
        return f"{_('Rectification item')} #{self.pk}"

    def is_overdue(self, today) -> bool:
        return self.status != self.Status.STRUCK_OFF and self.deadline < today
