"""Entries (参赛): a grassroots union enters its unit, its teams (班组) or its individuals; the organiser
accepts or refuses each. Each accepted entry hands in a stage report (阶段总结) with files per stage.

Person-times (参与人次) are a figure the clerk gives, not people the portal counts: a team of 12 that
trained in four rounds is 48 person-times.
"""

import secrets

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from members.models import Member
from unions.models import Union

from .competitions import Competition, Stage


class Entry(models.Model):
    class Kind(models.TextChoices):
        UNIT = "unit", _("Unit")  # 单位
        TEAM = "team", _("Team")  # 班组
        INDIVIDUAL = "individual", _("Individual")  # 个人

    class Status(models.TextChoices):
        ENTERED = "entered", _("Waiting for the organiser")
        ACCEPTED = "accepted", pgettext_lazy("entry state", "Accepted")
        REFUSED = "refused", pgettext_lazy("entry state", "Refused")
        WITHDRAWN = "withdrawn", pgettext_lazy("entry state", "Withdrawn")

    competition = models.ForeignKey(Competition, on_delete=models.PROTECT, related_name="entries")
    # The entering grassroots union: the entry's place in the tree, whose clerks enter and report for it.
    union = models.ForeignKey(
        Union, on_delete=models.PROTECT, related_name="competition_entries", verbose_name=_("union")
    )
    kind = models.CharField(_("entering as"), max_length=12, choices=Kind.choices)
    # A unit's or a team's name, or the individual's name: what the ranking and the certificate show.
    name = models.CharField(_("name"), max_length=100)
    # The unit the entry stands for: the employer for a unit or a team, the named person's unit.
    unit_name = models.CharField(_("unit"), max_length=100)
    team_leader = models.CharField(_("team leader"), max_length=50, blank=True)
    team_size = models.PositiveIntegerField(_("team size"), null=True, blank=True)
    # An individual picked from the union's member list; a named person has only name and unit.
    member = models.ForeignKey(
        Member, on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("member")
    )
    person_times = models.PositiveIntegerField(_("person-times"), default=1, validators=[MinValueValidator(1)])
    status = models.CharField(_("status"), max_length=12, choices=Status.choices, default=Status.ENTERED)
    refuse_reason = models.CharField(_("reason for refusing"), max_length=500, blank=True)
    entered_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    entered_at = models.DateTimeField(_("entered at"), default=timezone.now)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    # The frozen ranking (written once, at closing): the final score by the scheme and the place.
    final_score = models.DecimalField(_("final score"), max_digits=7, decimal_places=3, null=True, blank=True)
    rank = models.PositiveIntegerField(_("place"), null=True, blank=True)

    class Meta:
        verbose_name = _("entry")
        verbose_name_plural = _("entries")
        ordering = ["competition", "rank", "entered_at", "id"]
        indexes = [
            models.Index(fields=["competition", "status"], name="entry_competition_status"),
            models.Index(fields=["union", "-entered_at"], name="entry_union_recent"),
            models.Index(fields=["competition", "rank"], name="entry_ranking"),
        ]
        constraints = [
            # A member enters a competition once, whichever union enters them.
            models.UniqueConstraint(
                fields=["competition", "member"],
                condition=models.Q(member__isnull=False) & ~models.Q(status__in=["refused", "withdrawn"]),
                name="entry_member_once",
            ),
        ]

    def __str__(self) -> str:
        return self.name


def _report_file_upload_to(instance, filename: str) -> str:
    suffix = filename.rsplit(".", 1)[-1].lower()[:8] if "." in filename else "bin"
    return f"campaigns/stage-reports/{timezone.now():%Y/%m}/{secrets.token_hex(16)}.{suffix}"


class StageReport(models.Model):
    """An entry's stage report (阶段总结): one per entry and stage, handed in by the entry's clerk."""

    entry = models.ForeignKey(Entry, on_delete=models.CASCADE, related_name="stage_reports")
    stage = models.ForeignKey(Stage, on_delete=models.PROTECT, related_name="reports")
    summary = models.TextField(_("summary"), max_length=5000)
    submitted_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    submitted_at = models.DateTimeField(_("handed in at"), default=timezone.now)

    class Meta:
        verbose_name = _("stage report")
        verbose_name_plural = _("stage reports")
        ordering = ["stage__order", "id"]
        constraints = [models.UniqueConstraint(fields=["entry", "stage"], name="stage_report_once")]

    def __str__(self) -> str:
        return f"{self.entry} · {self.stage}"


class StageReportFile(models.Model):
    report = models.ForeignKey(StageReport, on_delete=models.CASCADE, related_name="files")
    file = models.FileField(_("file"), upload_to=_report_file_upload_to, max_length=200)
    original_name = models.CharField(_("file name"), max_length=200)
    size = models.PositiveIntegerField(_("size"), default=0)
    uploaded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("stage report file")
        verbose_name_plural = _("stage report files")
        ordering = ["id"]

    def __str__(self) -> str:
        return self.original_name
