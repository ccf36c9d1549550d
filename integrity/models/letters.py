"""Responsibility letters (党风廉政责任书): each year, one per leader and one per department of a node,
filled from the node's Word template, sent, signed (the signed scan kept with its SHA-256), chased
until signed.

Every file here (templates, filled letters, scans) is stored encrypted (``members.storage``).
"""

import uuid

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from accounts.jobs import Job
from cadres.models import Cadre
from members.storage import roster_storage
from unions.models import Union

from ..fields import EncryptedTextField


def _template_upload_to(instance, filename: str) -> str:
    return f"integrity/letter-templates/{uuid.uuid4().hex}.docx"


def _scan_upload_to(instance, filename: str) -> str:
    suffix = filename.rsplit(".", 1)[-1].lower() if "." in filename else "bin"
    return f"integrity/letter-scans/{uuid.uuid4().hex}.{suffix[:8]}"


def _batch_upload_to(instance, filename: str) -> str:
    return f"integrity/letter-batches/{uuid.uuid4().hex}.zip"


class LetterTemplate(models.Model):
    """A node's Word template of the year's letter (docxtpl fields); the newest one of the node is used,
    the portal's own default where the node has none."""

    union = models.ForeignKey(Union, on_delete=models.PROTECT, related_name="+", verbose_name=_("union"))
    year = models.PositiveSmallIntegerField(_("year"))
    file = models.FileField(_("Word template"), upload_to=_template_upload_to, storage=roster_storage, max_length=200)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("uploaded by")
    )
    uploaded_at = models.DateTimeField(_("uploaded at"), default=timezone.now, editable=False)

    class Meta:
        verbose_name = _("responsibility letter template")
        verbose_name_plural = _("responsibility letter templates")
        ordering = ["-uploaded_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.year} #{self.pk}"


class ResponsibilityLetter(models.Model):
    class Party(models.TextChoices):
        LEADER = "leader", _("Leader")
        DEPARTMENT = "department", _("Department")

    class Status(models.TextChoices):
        DRAFTED = "drafted", pgettext_lazy("letter", "Drafted")
        SENT = "sent", pgettext_lazy("letter", "Sent")
        SIGNED = "signed", pgettext_lazy("letter", "Signed")

    union = models.ForeignKey(Union, on_delete=models.PROTECT, related_name="+", verbose_name=_("union"))
    year = models.PositiveSmallIntegerField(_("year"))
    party = models.CharField(_("signed by"), max_length=12, choices=Party.choices)
    # A leader's letter names the cadre; a department's names the department.
    cadre = models.ForeignKey(
        Cadre, on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("leader")
    )
    department = models.CharField(_("department"), max_length=100, blank=True)
    # What the letter says, fixed when it is drafted: the leader's post then, and the responsibility
    # items the officer gave (one per line).
    post = models.CharField(_("post"), max_length=100, blank=True)
    items = EncryptedTextField(_("responsibility items"), blank=True)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.DRAFTED)
    template = models.ForeignKey(
        LetterTemplate, on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("template")
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("drafted by")
    )
    created_at = models.DateTimeField(_("drafted at"), default=timezone.now, editable=False)
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)
    signed_on = models.DateField(_("signed on"), null=True, blank=True)
    scan = models.FileField(
        _("signed scan"), upload_to=_scan_upload_to, storage=roster_storage, blank=True, max_length=200
    )
    scan_sha256 = models.CharField(_("SHA-256 of the scan"), max_length=64, blank=True)
    # Chasing a sent letter until it is signed (催签): when last, and how many times.
    chased_at = models.DateTimeField(_("last chased at"), null=True, blank=True)
    chase_count = models.PositiveSmallIntegerField(_("times chased"), default=0)
    scan_uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("scan uploaded by"),
    )

    class Meta:
        verbose_name = _("responsibility letter")
        verbose_name_plural = _("responsibility letters")
        ordering = ["-year", "union__path", "party", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["union", "year", "cadre"],
                condition=models.Q(party="leader"),
                name="integrity_letter_leader_once",
            ),
            models.UniqueConstraint(
                fields=["union", "year", "department"],
                condition=models.Q(party="department"),
                name="integrity_letter_department_once",
            ),
        ]
        indexes = [models.Index(fields=["year", "status"], name="integrity_letter_year_status")]

    def __str__(self) -> str:
        return f"{_('Responsibility letter')} #{self.pk}"


class LetterBatch(Job):
    """Every letter of a node and year, filled and zipped for printing (Word and PDF)."""

    build_task = "integrity.build_letter_batch"

    union = models.ForeignKey(Union, on_delete=models.PROTECT, related_name="+", verbose_name=_("union"))
    year = models.PositiveSmallIntegerField(_("year"))
    file = models.FileField(_("file"), upload_to=_batch_upload_to, storage=roster_storage, blank=True, max_length=200)

    class Meta:
        verbose_name = _("letters for printing")
        verbose_name_plural = _("letters for printing")
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.year} #{self.pk}"
