"""The hours ledger's rules and its closed years.

A rule says what a rank owes from a year on: ``hours`` within every ``period_years`` (1: each year;
5: every rolling five years ending with the year), and optionally how much of it may be online. The
rule for (rank, year) is the one with the latest ``starts_year`` not after the year. The figures of an
open year are computed from classes and approved external training (``cadres.ledger``); closing a
year writes them into ``LedgerEntry`` rows, and from then on nothing changes them.
"""

from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .profile import Cadre, Rank


class HoursRule(models.Model):
    rank = models.CharField(_("rank"), max_length=20, choices=Rank.choices)
    starts_year = models.PositiveSmallIntegerField(
        _("from year"), validators=[MinValueValidator(2000), MaxValueValidator(2100)]
    )
    hours = models.DecimalField(
        _("credit hours owed"), max_digits=6, decimal_places=1, validators=[MinValueValidator(Decimal(0))]
    )
    period_years = models.PositiveSmallIntegerField(
        _("within years"), default=1, validators=[MinValueValidator(1), MaxValueValidator(10)]
    )
    # At most this share of the hours owed may be online; None: no cap.
    online_cap_percent = models.PositiveSmallIntegerField(
        _("online share at most (%)"), null=True, blank=True, validators=[MaxValueValidator(100)]
    )
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("hours rule")
        verbose_name_plural = _("hours rules")
        ordering = ["rank", "-starts_year"]
        constraints = [models.UniqueConstraint(fields=["rank", "starts_year"], name="hours_rule_once_per_rank_year")]

    def __str__(self) -> str:
        return f"{self.get_rank_display()} {self.starts_year}"


class LedgerYear(models.Model):
    """A closed year: its ledger is frozen in ``LedgerEntry`` rows and no longer changes."""

    year = models.PositiveSmallIntegerField(_("year"), unique=True)
    closed_at = models.DateTimeField(_("closed at"), default=timezone.now)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = _("closed ledger year")
        verbose_name_plural = _("closed ledger years")
        ordering = ["-year"]

    def __str__(self) -> str:
        return str(self.year)


class LedgerEntry(models.Model):
    """One cadre's figures for a closed year, as they were when it closed."""

    cadre = models.ForeignKey(Cadre, on_delete=models.CASCADE, related_name="ledger_entries")
    year = models.PositiveSmallIntegerField(_("year"))
    rank = models.CharField(_("rank"), max_length=20, choices=Rank.choices)
    union = models.ForeignKey("unions.Union", on_delete=models.PROTECT, related_name="+")
    owed = models.DecimalField(_("owed"), max_digits=6, decimal_places=1)
    in_person = models.DecimalField(_("done in person"), max_digits=6, decimal_places=1)
    online = models.DecimalField(_("done online"), max_digits=6, decimal_places=1)
    counted = models.DecimalField(_("counted"), max_digits=6, decimal_places=1)
    short = models.DecimalField(_("short"), max_digits=6, decimal_places=1)

    class Meta:
        verbose_name = _("ledger entry")
        verbose_name_plural = _("ledger entries")
        ordering = ["year", "cadre"]
        constraints = [models.UniqueConstraint(fields=["cadre", "year"], name="ledger_entry_once_per_year")]
        indexes = [models.Index(fields=["year", "union"], name="ledger_entry_year_union")]

    def __str__(self) -> str:
        return f"{self.cadre_id} {self.year}"
