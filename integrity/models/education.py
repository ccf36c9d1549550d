"""Warning education (警示教育): sessions organised by a node, and which cadres attended.

Attendance is recorded by an officer, by the attendance sheet import training uses, or by the cadre
scanning the session's QR code (``qr_token``); coverage is counted per cadre per year.
"""

import secrets

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from cadres.models import Cadre
from cadres.models.training import SheetRecord
from unions.models import Union


def _qr_token() -> str:
    return secrets.token_urlsafe(16)


class EducationSession(models.Model):
    class Kind(models.TextChoices):
        BASE_VISIT = "base_visit", _("Visit to an integrity education base")  # 参观廉政教育基地
        WARNING_FILM = "warning_film", _("Warning film")  # 警示教育片
        CASE_BULLETIN = "case_bulletin", _("Case bulletin")  # 案例通报
        RULES_TEST = "rules_test", _("Test on party rules and discipline")  # 党纪法规测试

    organiser = models.ForeignKey(
        Union, on_delete=models.PROTECT, related_name="education_sessions", verbose_name=_("organiser")
    )
    kind = models.CharField(_("kind of session"), max_length=20, choices=Kind.choices)
    title = models.CharField(_("title"), max_length=200)
    held_on = models.DateField(_("held on"))
    place = models.CharField(_("place"), max_length=100, blank=True)
    qr_token = models.CharField(max_length=32, default=_qr_token, unique=True, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("created by")
    )
    created_at = models.DateTimeField(_("created at"), default=timezone.now, editable=False)

    class Meta:
        verbose_name = _("warning education session")
        verbose_name_plural = _("warning education sessions")
        ordering = ["-held_on", "-pk"]

    def __str__(self) -> str:
        return self.title


class EducationAttendance(models.Model):
    class Source(models.TextChoices):
        OFFICER = "officer", _("Recorded by an officer")
        SHEET = "sheet", _("Attendance sheet")
        QR = "qr", _("QR check-in")

    session = models.ForeignKey(
        EducationSession, on_delete=models.CASCADE, related_name="attendances", verbose_name=_("session")
    )
    cadre = models.ForeignKey(Cadre, on_delete=models.PROTECT, related_name="+", verbose_name=_("cadre"))
    source = models.CharField(_("recorded by"), max_length=10, choices=Source.choices, default=Source.OFFICER)
    recorded_at = models.DateTimeField(_("recorded at"), default=timezone.now, editable=False)

    class Meta:
        verbose_name = _("attendance at warning education")
        verbose_name_plural = _("attendances at warning education")
        constraints = [
            models.UniqueConstraint(fields=["session", "cadre"], name="integrity_attendance_once"),
        ]

    def __str__(self) -> str:
        return f"{self.session_id}/{self.cadre_id}"


class EducationSheet(SheetRecord):
    """An attendance sheet imported for a session (mobile and name per row), on the training class's
    flow (``cadres.services.sheets.sheet_check``)."""

    session = models.ForeignKey(
        EducationSession, on_delete=models.CASCADE, related_name="sheets", verbose_name=_("session")
    )

    class Meta(SheetRecord.Meta):
        verbose_name = _("warning education attendance sheet")
        verbose_name_plural = _("warning education attendance sheets")
        constraints = [
            models.UniqueConstraint(
                fields=["session", "sha256"],
                condition=models.Q(status="imported"),
                name="integrity_education_sheet_once",
            )
        ]
