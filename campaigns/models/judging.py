"""Judges (评委), their conflicts of interest, and their scores.

A judge is an account assigned to one competition (no staff role needed). Before the queue opens the
judge declares conflicts: their own unit, and any unit they name. A judge is never shown an entry of a
union they conflict with, nor, on any page, who else judged an entry (``campaigns.permissions``).
Scores are per criterion, within its maximum, each with an optional comment; a judge's sheet for an
entry counts once every criterion is scored (``Scoresheet.completed_at``).
"""

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from unions.models import Union

from .competitions import Competition, Criterion
from .entries import Entry


class Judge(models.Model):
    competition = models.ForeignKey(Competition, on_delete=models.CASCADE, related_name="judges")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="judgings", verbose_name=_("account")
    )
    name = models.CharField(_("name"), max_length=50)
    # The judge's own unit, if it is a union in the tree: a conflict without declaring it.
    own_union = models.ForeignKey(
        Union, on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("own unit")
    )
    title = models.CharField(_("title or post"), max_length=100, blank=True)
    assigned_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    assigned_at = models.DateTimeField(default=timezone.now)
    # Until the judge has declared (even "none"), no entry is shown to them.
    conflicts_declared_at = models.DateTimeField(_("conflicts declared at"), null=True, blank=True)

    class Meta:
        verbose_name = _("judge")
        verbose_name_plural = _("judges")
        ordering = ["competition", "id"]
        constraints = [models.UniqueConstraint(fields=["competition", "user"], name="judge_once_per_competition")]

    def __str__(self) -> str:
        return self.name


class JudgeConflict(models.Model):
    """A union the judge may not judge: every entry of it (and of the unions below it) is hidden."""

    judge = models.ForeignKey(Judge, on_delete=models.CASCADE, related_name="conflicts")
    union = models.ForeignKey(Union, on_delete=models.PROTECT, related_name="+", verbose_name=_("unit"))
    note = models.CharField(_("why"), max_length=200, blank=True)
    declared_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("conflict of interest")
        verbose_name_plural = _("conflicts of interest")
        constraints = [models.UniqueConstraint(fields=["judge", "union"], name="judge_conflict_once")]

    def __str__(self) -> str:
        return f"{self.judge} · {self.union}"


class Scoresheet(models.Model):
    judge = models.ForeignKey(Judge, on_delete=models.CASCADE, related_name="sheets")
    entry = models.ForeignKey(Entry, on_delete=models.CASCADE, related_name="sheets")
    completed_at = models.DateTimeField(_("scored at"), null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("score sheet")
        verbose_name_plural = _("score sheets")
        constraints = [models.UniqueConstraint(fields=["judge", "entry"], name="scoresheet_once")]
        indexes = [models.Index(fields=["entry", "completed_at"], name="scoresheet_entry_done")]

    def __str__(self) -> str:
        return f"{self.judge} · {self.entry}"


class Score(models.Model):
    sheet = models.ForeignKey(Scoresheet, on_delete=models.CASCADE, related_name="scores")
    criterion = models.ForeignKey(Criterion, on_delete=models.CASCADE, related_name="+")
    value = models.DecimalField(_("score"), max_digits=6, decimal_places=2, validators=[MinValueValidator(0)])
    comment = models.CharField(_("comment"), max_length=500, blank=True)

    class Meta:
        verbose_name = _("score")
        verbose_name_plural = _("scores")
        constraints = [
            models.UniqueConstraint(fields=["sheet", "criterion"], name="score_once_per_criterion"),
            models.CheckConstraint(condition=models.Q(value__gte=0), name="score_not_negative"),
        ]

    def __str__(self) -> str:
        return f"{self.criterion_id}: {self.value}"
