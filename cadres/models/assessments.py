"""The yearly assessment (年度考核): a round opened by a node for a year, one assessment per cadre in
post under it. open → self-report → evaluated → confirmed → published.

The assessor sees the evidence gathered for them (``evidence``: hours met or short, task-force and
posting grades, and from integrity only whether an opinion letter on record shows a problem); the
cadre sees their own self-report, and the grade only once it is published. 优秀 is limited to a share
of each unit's assessed cadres (``CadreSettings.excellent_share_percent``).
"""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from unions.models import Union

from .profile import Cadre


class AssessmentGrade(models.TextChoices):
    EXCELLENT = "excellent", _("Excellent")  # 优秀
    COMPETENT = "competent", _("Competent")  # 称职
    BASIC = "basic", _("Basically competent")  # 基本称职
    INCOMPETENT = "incompetent", _("Incompetent")  # 不称职


class AssessmentRound(models.Model):
    class Status(models.TextChoices):
        OPEN = "open", pgettext_lazy("assessment state", "Open")
        CLOSED = "closed", _("Published and closed")

    union = models.ForeignKey(Union, on_delete=models.PROTECT, related_name="+", verbose_name=_("node"))
    year = models.PositiveSmallIntegerField(_("year"))
    self_report_due = models.DateField(_("self-reports due"))
    status = models.CharField(_("status"), max_length=12, choices=Status.choices, default=Status.OPEN)
    opened_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    opened_at = models.DateTimeField(_("opened at"), default=timezone.now)

    class Meta:
        verbose_name = _("assessment round")
        verbose_name_plural = _("assessment rounds")
        ordering = ["-year", "union__path"]
        constraints = [models.UniqueConstraint(fields=["union", "year"], name="assessment_round_once_per_year")]

    def __str__(self) -> str:
        return f"{self.union} {self.year}"


class Assessment(models.Model):
    class Status(models.TextChoices):
        OPEN = "open", pgettext_lazy("assessment state", "Open")
        SELF_REPORTED = "self_reported", _("Self-report handed in")
        EVALUATED = "evaluated", _("Evaluated")
        CONFIRMED = "confirmed", _("Confirmed by the leader")
        PUBLISHED = "published", _("Published")

    round = models.ForeignKey(AssessmentRound, on_delete=models.CASCADE, related_name="assessments")
    cadre = models.ForeignKey(Cadre, on_delete=models.CASCADE, related_name="assessments", verbose_name=_("cadre"))
    year = models.PositiveSmallIntegerField(_("year"))
    # The unit the cadre served at when the round opened: the 优秀 share is counted per unit.
    unit = models.ForeignKey(Union, on_delete=models.PROTECT, related_name="+", verbose_name=_("unit"))
    status = models.CharField(_("status"), max_length=16, choices=Status.choices, default=Status.OPEN)
    self_report = models.TextField(_("self-report"), blank=True)
    self_reported_at = models.DateTimeField(_("self-report handed in at"), null=True, blank=True)
    # What the assessor was shown, as gathered when they evaluated (cadres.evidence).
    evidence = models.JSONField(_("evidence"), default=dict, blank=True)
    grade = models.CharField(_("grade"), max_length=12, choices=AssessmentGrade.choices, blank=True)
    assessor_comment = models.TextField(_("assessor's comment"), blank=True)
    evaluated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    evaluated_at = models.DateTimeField(_("evaluated at"), null=True, blank=True)
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    confirmed_at = models.DateTimeField(_("confirmed at"), null=True, blank=True)
    published_at = models.DateTimeField(_("published at"), null=True, blank=True)

    class Meta:
        verbose_name = _("yearly assessment")
        verbose_name_plural = _("yearly assessments")
        ordering = ["-year", "unit__path", "cadre__name"]
        constraints = [models.UniqueConstraint(fields=["cadre", "year"], name="assessment_once_per_year")]
        indexes = [models.Index(fields=["year", "unit", "grade"], name="assessment_year_unit_grade")]

    def __str__(self) -> str:
        return f"{self.cadre} {self.year}"

    @property
    def is_final(self) -> bool:
        """Confirmed or published: the grade no longer changes."""
        return self.status in (self.Status.CONFIRMED, self.Status.PUBLISHED)
