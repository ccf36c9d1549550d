"""Time spent away from the post: secondments (挂职锻炼) and grassroots stays (基层蹲点), each ending
in a report (调研报告) that an officer reviews."""

import secrets

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from unions.credit_code import validate_credit_code
from unions.models import Union

from .profile import Cadre


class HostKind(models.TextChoices):
    ENTERPRISE = "enterprise", _("Enterprise")
    PARK = "park", _("Industrial park")
    PUBLIC_INSTITUTION = "public_institution", _("Public institution")
    OTHER = "other", _("Other")


class PostingGrade(models.TextChoices):
    """The grade a host gives a seconded cadre, or an officer gives a report."""

    EXCELLENT = "excellent", _("Excellent")  # 优秀
    GOOD = "good", _("Good")  # 良好
    FAIR = "fair", _("Fair")  # 一般
    POOR = "poor", _("Poor")  # 较差


def _report_upload_to(instance, filename: str) -> str:
    suffix = filename.rsplit(".", 1)[-1].lower()[:8] if "." in filename else "bin"
    return f"cadres/reports/{timezone.now():%Y/%m}/{secrets.token_hex(16)}.{suffix}"


class ReportFields(models.Model):
    """The report a posting ends with, and its review."""

    report_title = models.CharField(_("report title"), max_length=200, blank=True)
    report_file = models.FileField(_("report file"), upload_to=_report_upload_to, blank=True, max_length=200)
    report_due_on = models.DateField(_("report due on"), null=True, blank=True)
    report_submitted_at = models.DateTimeField(_("report handed in at"), null=True, blank=True)
    review_grade = models.CharField(_("review grade"), max_length=12, choices=PostingGrade.choices, blank=True)
    review_comment = models.TextField(_("review comment"), blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    reviewed_at = models.DateTimeField(_("reviewed at"), null=True, blank=True)

    class Meta:
        abstract = True


class Secondment(ReportFields):
    class Status(models.TextChoices):
        PLANNED = "planned", _("Planned")
        ACTIVE = "active", pgettext_lazy("secondment state", "Active")
        REPORT_DUE = "report_due", _("Report due")
        REVIEWED = "reviewed", _("Reviewed")
        CLOSED = "closed", pgettext_lazy("secondment state", "Closed")

    cadre = models.ForeignKey(Cadre, on_delete=models.CASCADE, related_name="secondments", verbose_name=_("cadre"))
    host_name = models.CharField(_("host"), max_length=200)
    host_kind = models.CharField(_("kind of host"), max_length=20, choices=HostKind.choices)
    host_credit_code = models.CharField(
        _("unified social credit code"), max_length=18, blank=True, validators=[validate_credit_code]
    )
    post_at_host = models.CharField(_("post at the host"), max_length=100)
    project = models.CharField(_("project"), max_length=200, blank=True)
    planned_start = models.DateField(_("planned start"))
    planned_end = models.DateField(_("planned end"))
    actual_start = models.DateField(_("actual start"), null=True, blank=True)
    actual_end = models.DateField(_("actual end"), null=True, blank=True)
    host_grade = models.CharField(_("host's grade"), max_length=12, choices=PostingGrade.choices, blank=True)
    host_comment = models.TextField(_("host's comment"), blank=True)
    status = models.CharField(_("status"), max_length=12, choices=Status.choices, default=Status.PLANNED)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(_("created at"), default=timezone.now)

    class Meta:
        verbose_name = _("secondment")
        verbose_name_plural = _("secondments")
        ordering = ["-planned_start", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(planned_end__gte=models.F("planned_start")), name="secondment_dates_in_order"
            )
        ]
        indexes = [models.Index(fields=["status", "planned_end"], name="secondment_status_end")]

    def __str__(self) -> str:
        return f"{self.cadre} → {self.host_name}"

    @property
    def start(self):
        return self.actual_start or self.planned_start

    @property
    def end(self):
        return self.actual_end or self.planned_end


class GrassrootsStay(ReportFields):
    class Status(models.TextChoices):
        PLANNED = "planned", _("Planned")
        ACTIVE = "active", _("Staying")
        REPORT_DUE = "report_due", _("Report due")
        REVIEWED = "reviewed", _("Reviewed")

    cadre = models.ForeignKey(Cadre, on_delete=models.CASCADE, related_name="stays", verbose_name=_("cadre"))
    # Where the cadre stays: a node of the tree, or an employer named here.
    union = models.ForeignKey(
        Union, on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("unit")
    )
    employer_name = models.CharField(_("employer"), max_length=200, blank=True)
    starts_on = models.DateField(_("starts on"))
    ends_on = models.DateField(_("ends on"))
    status = models.CharField(_("status"), max_length=12, choices=Status.choices, default=Status.PLANNED)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(_("created at"), default=timezone.now)

    class Meta:
        verbose_name = _("grassroots stay")
        verbose_name_plural = _("grassroots stays")
        ordering = ["-starts_on", "-id"]
        constraints = [
            models.CheckConstraint(condition=models.Q(ends_on__gte=models.F("starts_on")), name="stay_dates_in_order"),
            models.CheckConstraint(
                condition=models.Q(union__isnull=False) | ~models.Q(employer_name=""), name="stay_has_a_unit"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.cadre} @ {self.unit_name}"

    @property
    def unit_name(self) -> str:
        return self.union.name if self.union_id else self.employer_name
