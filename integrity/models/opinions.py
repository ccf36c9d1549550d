"""Integrity opinion letters (廉政意见书): asked for a cadre before a promotion, a commendation or the
yearly assessment; issued by a discipline officer who has looked at the cadre's record.

The requester sees the conclusion, its date and validity only. A letter is valid from ``as_of`` to
``valid_until``; an expired one must be asked for again.
"""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from cadres.models import Cadre

from ..fields import EncryptedTextField


class OpinionLetter(models.Model):
    class Purpose(models.TextChoices):
        PROMOTION = "promotion", _("Promotion")
        COMMENDATION = "commendation", _("Commendation")
        YEARLY_ASSESSMENT = "yearly_assessment", _("Yearly assessment")

    class Status(models.TextChoices):
        REQUESTED = "requested", _("Requested")
        ISSUED = "issued", _("Issued")
        WITHDRAWN = "withdrawn", pgettext_lazy("opinion letter", "Withdrawn")

    class Conclusion(models.TextChoices):
        NO_PROBLEM = "no_problem", _("No problem on record")
        PROBLEM = "problem", _("A problem on record")

    class ProblemCategory(models.TextChoices):
        EIGHT_POINT_RULES = "eight_point_rules", _("Breach of the eight-point rules")  # 违反中央八项规定精神
        INTEGRITY = "integrity", _("Breach of integrity discipline")  # 违反廉洁纪律
        WORK = "work", _("Breach of work discipline")  # 违反工作纪律
        ORGANISATION = "organisation", _("Breach of organisational discipline")  # 违反组织纪律
        MASSES = "masses", _("Breach of discipline towards the masses")  # 违反群众纪律
        LIFE = "life", _("Breach of discipline in private life")  # 违反生活纪律
        LAW = "law", _("Suspected breach of the law")  # 涉嫌违法
        RECTIFICATION_OPEN = "rectification_open", _("Rectification not completed")  # 整改未完成

    cadre = models.ForeignKey(Cadre, on_delete=models.PROTECT, related_name="+", verbose_name=_("cadre"))
    purpose = models.CharField(pgettext_lazy("opinion letter", "purpose"), max_length=20, choices=Purpose.choices)
    # Why it is asked for, in the requester's words (e.g. the post or the honour); not confidential.
    request_note = models.CharField(_("for"), max_length=200, blank=True)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("requested by")
    )
    requested_at = models.DateTimeField(_("requested at"), default=timezone.now, editable=False)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.REQUESTED)
    conclusion = models.CharField(
        pgettext_lazy("opinion letter", "conclusion"), max_length=12, choices=Conclusion.choices, blank=True
    )
    problem_category = models.CharField(
        _("category of the problem"), max_length=20, choices=ProblemCategory.choices, blank=True
    )
    # The officer's wording of the opinion, printed on the letter; the requester never sees it.
    remarks = EncryptedTextField(_("remarks"), blank=True)
    as_of = models.DateField(_("as of"), null=True, blank=True)
    valid_until = models.DateField(_("valid until"), null=True, blank=True)
    # 文号, e.g. 廉意〔2026〕12号: unique; numbered per year when issued.
    number = models.CharField(_("number"), max_length=40, blank=True)
    sequence_year = models.PositiveSmallIntegerField(null=True, blank=True, editable=False)
    sequence = models.PositiveIntegerField(null=True, blank=True, editable=False)
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("issued by"),
    )
    issued_at = models.DateTimeField(_("issued at"), null=True, blank=True)

    class Meta:
        verbose_name = _("integrity opinion letter")
        verbose_name_plural = _("integrity opinion letters")
        ordering = ["-requested_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["number"], condition=~models.Q(number=""), name="integrity_opinion_number_once"
            ),
            models.UniqueConstraint(
                fields=["sequence_year", "sequence"],
                condition=models.Q(sequence__isnull=False),
                name="integrity_opinion_sequence_once",
            ),
        ]
        indexes = [models.Index(fields=["cadre", "status", "valid_until"], name="integrity_opinion_valid")]

    def __str__(self) -> str:
        return f"{_('Opinion letter')} #{self.pk}"

    def is_valid_on(self, day) -> bool:
        return (
            self.status == self.Status.ISSUED
            and self.as_of is not None
            and self.valid_until is not None
            and self.as_of <= day <= self.valid_until
        )
