"""The integrity app's settings, one row for the whole city (edited by a city discipline officer)."""

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _


class IntegritySettings(models.Model):
    # How long an issued opinion letter (廉政意见书) stays valid.
    opinion_valid_months = models.PositiveSmallIntegerField(
        _("opinion letters valid for (months)"), default=3, validators=[MinValueValidator(1), MaxValueValidator(24)]
    )
    # How far back the record shown before issuing an opinion letter reaches.
    opinion_lookback_years = models.PositiveSmallIntegerField(
        _("opinion letters look back (years)"), default=3, validators=[MinValueValidator(1), MaxValueValidator(10)]
    )
    # From this month on, discipline officers are reminded of cadres without this year's routine talk.
    tracker_reminder_month = models.PositiveSmallIntegerField(
        _("remind of uncovered cadres from month"), default=10, validators=[MinValueValidator(1), MaxValueValidator(12)]
    )
    # Rectification reminders: this many days before the deadline (and again once it has passed).
    rectification_notice_days = models.PositiveSmallIntegerField(
        _("remind of rectification deadlines (days before)"),
        default=7,
        validators=[MinValueValidator(1), MaxValueValidator(60)],
    )

    class Meta:
        verbose_name = _("integrity settings")
        verbose_name_plural = _("integrity settings")

    def __str__(self) -> str:
        return str(_("Integrity settings"))

    @classmethod
    def current(cls) -> "IntegritySettings":
        settings, _created = cls.objects.get_or_create(pk=1)
        return settings
