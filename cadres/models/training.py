"""Training (培训): classes, who is enrolled, attendance, and training taken elsewhere (补录).

A class credits its hours to each enrolled cadre who attended when it is finished; a cadre absent
for more than one seventh of the class's hours is withdrawn and credited nothing. The hours count in
the year the class ends (``credited_year``), which the ledger reads.
"""

import secrets
from decimal import Decimal

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from unions.models import Union

from .profile import Cadre, Rank


class TrainingMode(models.TextChoices):
    IN_PERSON = "in_person", _("In person")
    ONLINE = "online", _("Online")


def _qr_token() -> str:
    return secrets.token_urlsafe(16)


class TrainingClass(models.Model):
    class Category(models.TextChoices):
        POLITICAL_THEORY = "political_theory", _("Political theory")
        UNION_WORK = "union_work", _("Union work")
        LAW = "law", _("Law and rights")
        SKILLS = "skills", _("Professional skills")
        INTEGRITY = "integrity", _("Integrity and discipline")
        OTHER = "other", _("Other")

    class Audience(models.TextChoices):
        CHOSEN = "chosen", _("Cadres enrolled by the organiser")
        ALL = "all", _("Every cadre in post under the organiser")
        RANKS = "ranks", _("Cadres of the ranks chosen")

    class Status(models.TextChoices):
        PLANNED = "planned", _("Planned")
        OPEN = "open", _("Open for attendance")
        FINISHED = "finished", _("Finished, hours credited")
        CANCELLED = "cancelled", pgettext_lazy("training class", "Cancelled")

    organiser = models.ForeignKey(
        Union, on_delete=models.PROTECT, related_name="training_classes", verbose_name=_("organiser")
    )
    title = models.CharField(_("title"), max_length=200)
    category = models.CharField(_("category"), max_length=20, choices=Category.choices)
    mode = models.CharField(_("mode"), max_length=12, choices=TrainingMode.choices, default=TrainingMode.IN_PERSON)
    starts_on = models.DateField(_("starts on"))
    ends_on = models.DateField(_("ends on"))
    credit_hours = models.DecimalField(
        _("credit hours"), max_digits=5, decimal_places=1, validators=[MinValueValidator(Decimal("0.5"))]
    )
    capacity = models.PositiveIntegerField(_("capacity"), null=True, blank=True)
    audience = models.CharField(_("who must attend"), max_length=12, choices=Audience.choices, default=Audience.CHOSEN)
    # With the RANKS audience: the ranks (``Rank`` values) whose cadres must attend.
    audience_ranks = models.JSONField(_("ranks that must attend"), default=list, blank=True)
    location = models.CharField(_("location"), max_length=200, blank=True)
    status = models.CharField(_("status"), max_length=12, choices=Status.choices, default=Status.PLANNED)
    # What the class's QR code carries; a cadre scanning it signs in or out. Renewed to void a leaked code.
    qr_token = models.CharField(max_length=32, default=_qr_token, unique=True, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("created by")
    )
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)

    class Meta:
        verbose_name = _("training class")
        verbose_name_plural = _("training classes")
        ordering = ["-starts_on", "-id"]
        constraints = [
            models.CheckConstraint(condition=models.Q(ends_on__gte=models.F("starts_on")), name="class_dates_in_order"),
            models.CheckConstraint(condition=models.Q(credit_hours__gt=0), name="class_hours_positive"),
        ]
        indexes = [models.Index(fields=["organiser", "-starts_on"], name="class_organiser_start")]

    def __str__(self) -> str:
        return self.title

    @property
    def days(self) -> int:
        return (self.ends_on - self.starts_on).days + 1

    @property
    def credited_year(self) -> int:
        return self.ends_on.year

    @property
    def leave_limit_hours(self) -> Decimal:
        """Absent for more than this many hours: withdrawn, nothing credited."""
        return self.credit_hours / 7

    def rank_labels(self) -> list[str]:
        return [str(Rank(value).label) for value in self.audience_ranks if value in Rank.values]


class Enrolment(models.Model):
    class Status(models.TextChoices):
        ENROLLED = "enrolled", _("Enrolled")
        COMPLETED = "completed", _("Completed, hours credited")
        WITHDRAWN = "withdrawn", _("Withdrawn: absent too long")
        CANCELLED = "cancelled", _("Enrolment cancelled")

    training_class = models.ForeignKey(
        TrainingClass, on_delete=models.CASCADE, related_name="enrolments", verbose_name=_("training class")
    )
    cadre = models.ForeignKey(Cadre, on_delete=models.CASCADE, related_name="enrolments", verbose_name=_("cadre"))
    required = models.BooleanField(_("must attend"), default=True)
    status = models.CharField(_("status"), max_length=12, choices=Status.choices, default=Status.ENROLLED)
    # Hours of leave granted or of absence recorded; more than one seventh of the class: withdrawn.
    absent_hours = models.DecimalField(_("hours absent"), max_digits=5, decimal_places=1, default=Decimal(0))
    credited_hours = models.DecimalField(_("hours credited"), max_digits=5, decimal_places=1, default=Decimal(0))
    enrolled_at = models.DateTimeField(_("enrolled at"), default=timezone.now)

    class Meta:
        verbose_name = _("enrolment")
        verbose_name_plural = _("enrolments")
        ordering = ["training_class", "cadre__name", "id"]
        constraints = [models.UniqueConstraint(fields=["training_class", "cadre"], name="enrolment_once_per_class")]
        indexes = [models.Index(fields=["cadre", "status"], name="enrolment_cadre_status")]

    def __str__(self) -> str:
        return f"{self.cadre} @ {self.training_class}"


class SheetRecord(models.Model):
    """An attendance sheet imported for something attended (a training class here; a warning education
    session in integrity): checked first, then imported once. The file's hash is unique per attended
    thing among the imported sheets, so that the same sheet is never counted twice. A concrete sheet adds
    the foreign key to what was attended and its own constraint."""

    class Status(models.TextChoices):
        CHECKED = "checked", _("Checked, waiting for confirmation")
        IMPORTED = "imported", _("Imported")
        REFUSED = "refused", _("Refused")

    sha256 = models.CharField(max_length=64)
    original_name = models.CharField(_("file name"), max_length=200)
    status = models.CharField(_("status"), max_length=12, choices=Status.choices, default=Status.CHECKED)
    rows_total = models.PositiveIntegerField(_("rows"), default=0)
    imported_count = models.PositiveIntegerField(_("rows imported"), default=0)
    error_count = models.PositiveIntegerField(_("rows with errors"), default=0)
    # Row errors as [{"row": n, "message": "..."}], in the uploader's language.
    errors = models.JSONField(default=list, blank=True)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("uploaded by")
    )
    uploaded_at = models.DateTimeField(_("uploaded at"), default=timezone.now)

    class Meta:
        abstract = True
        ordering = ["-uploaded_at", "-id"]

    def __str__(self) -> str:
        return self.original_name


class AttendanceSheet(SheetRecord):
    """An attendance sheet imported for a class."""

    training_class = models.ForeignKey(
        TrainingClass, on_delete=models.CASCADE, related_name="sheets", verbose_name=_("training class")
    )

    class Meta(SheetRecord.Meta):
        verbose_name = _("attendance sheet")
        verbose_name_plural = _("attendance sheets")
        constraints = [
            models.UniqueConstraint(
                fields=["training_class", "sha256"],
                condition=models.Q(status="imported"),
                name="attendance_sheet_once_per_class",
            )
        ]


class Attendance(models.Model):
    """One day of one enrolment: signed in and out. Recorded by the officer, a sheet or a QR scan."""

    class Source(models.TextChoices):
        OFFICER = "officer", _("Recorded by the officer")
        SHEET = "sheet", _("Attendance sheet")
        QR = "qr", _("QR code check-in")

    enrolment = models.ForeignKey(Enrolment, on_delete=models.CASCADE, related_name="attendance")
    on_date = models.DateField(_("date"))
    signed_in_at = models.DateTimeField(_("signed in at"), null=True, blank=True)
    signed_out_at = models.DateTimeField(_("signed out at"), null=True, blank=True)
    source = models.CharField(_("source"), max_length=10, choices=Source.choices)
    sheet = models.ForeignKey(AttendanceSheet, on_delete=models.SET_NULL, null=True, blank=True, related_name="rows")

    class Meta:
        verbose_name = _("attendance")
        verbose_name_plural = _("attendance")
        ordering = ["enrolment", "on_date"]
        constraints = [models.UniqueConstraint(fields=["enrolment", "on_date"], name="attendance_once_per_day")]

    def __str__(self) -> str:
        return f"{self.enrolment_id} {self.on_date}"


def _certificate_upload_to(instance, filename: str) -> str:
    suffix = filename.rsplit(".", 1)[-1].lower()[:8] if "." in filename else "bin"
    return f"cadres/certificates/{timezone.now():%Y/%m}/{secrets.token_hex(16)}.{suffix}"


class ExternalTraining(models.Model):
    """Training taken elsewhere, filed afterwards (补录) by the cadre or an officer with its
    certificate, and approved or returned by a cadre officer one level above the cadre's node."""

    class Status(models.TextChoices):
        SUBMITTED = "submitted", _("Waiting for approval")
        APPROVED = "approved", _("Approved, hours credited")
        RETURNED = "returned", _("Returned")

    cadre = models.ForeignKey(
        Cadre, on_delete=models.CASCADE, related_name="external_trainings", verbose_name=_("cadre")
    )
    title = models.CharField(_("title"), max_length=200)
    provider = models.CharField(_("organised by"), max_length=200)
    mode = models.CharField(_("mode"), max_length=12, choices=TrainingMode.choices, default=TrainingMode.IN_PERSON)
    starts_on = models.DateField(_("starts on"))
    ends_on = models.DateField(_("ends on"))
    hours = models.DecimalField(
        _("credit hours"), max_digits=5, decimal_places=1, validators=[MinValueValidator(Decimal("0.5"))]
    )
    certificate = models.FileField(_("certificate"), upload_to=_certificate_upload_to, max_length=200)
    status = models.CharField(_("status"), max_length=12, choices=Status.choices, default=Status.SUBMITTED)
    filed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("filed by")
    )
    filed_at = models.DateTimeField(_("filed at"), default=timezone.now)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("reviewed by"),
    )
    reviewed_at = models.DateTimeField(_("reviewed at"), null=True, blank=True)
    return_reason = models.CharField(_("reason for returning"), max_length=500, blank=True)

    class Meta:
        verbose_name = _("external training")
        verbose_name_plural = _("external training")
        ordering = ["-filed_at", "-id"]
        constraints = [
            models.CheckConstraint(condition=models.Q(hours__gt=0), name="external_hours_positive"),
            models.CheckConstraint(
                condition=models.Q(ends_on__gte=models.F("starts_on")), name="external_dates_in_order"
            ),
        ]
        indexes = [models.Index(fields=["cadre", "status"], name="external_cadre_status")]

    def __str__(self) -> str:
        return self.title

    @property
    def credited_year(self) -> int:
        return self.ends_on.year
