"""Labour and skill competitions (劳动和技能竞赛): the competition, its stages, its scoring scheme and its
prizes. A competition lives through 立项 → 阶段总结 → 表彰:

    draft → submitted (立项, waiting for approval) → approved → running → reviewing (stage reviews and
    judging) → closed (ranking frozen) → commended (prizes awarded)

and may be returned with a reason at any step before closing (it goes back to the organiser, who
edits and submits again). ``campaigns.services.competitions`` holds every move and its rule.
"""

import secrets
from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from unions.models import Union


def _public_token() -> str:
    return secrets.token_urlsafe(16)


class Competition(models.Model):
    class Kind(models.TextChoices):
        KEY_PROJECT = "key_project", _("Key project contest")  # 重点工程劳动竞赛
        SKILL = "skill", _("Skill contest")  # 职业技能竞赛
        INNOVATION = "innovation", _("Technical innovation contest")  # 技术创新竞赛
        SAFETY = "safety", _("Ankang Cup (workplace safety)")  # 安康杯
        WINDOW_SERVICE = "window_service", _("Excellence stars (window service)")  # 创优晋星
        OTHER = "other", pgettext_lazy("competition kind", "Other")

    class Level(models.TextChoices):
        CITY = "city", _("City level")
        DISTRICT = "district", _("District level")
        INDUSTRY = "industry", _("Industry level")
        GRASSROOTS = "grassroots", _("Grassroots level")

    class Status(models.TextChoices):
        DRAFT = "draft", pgettext_lazy("competition state", "Draft")
        SUBMITTED = "submitted", _("Waiting for approval")
        RETURNED = "returned", pgettext_lazy("competition state", "Returned")
        APPROVED = "approved", pgettext_lazy("competition state", "Approved")
        RUNNING = "running", pgettext_lazy("competition state", "Running")
        REVIEWING = "reviewing", _("Stage reviews and judging")
        CLOSED = "closed", _("Closed, ranking frozen")
        COMMENDED = "commended", _("Commended")

    class Approver(models.TextChoices):
        """Who approves (立项): the federation one level up, or the organiser's own leaders."""

        PARENT = "parent", _("The federation one level up")
        OWN_LEADERS = "own_leaders", _("The organiser's own leaders")

    class TieRule(models.TextChoices):
        """How entries with the same final score are ordered (``campaigns.ranking``)."""

        TOP_CRITERION = "top_criterion", _("Higher score on the heaviest criterion, then earlier entry")
        EARLIER_ENTRY = "earlier_entry", _("Earlier entry first")
        SHARED = "shared", _("Shared place (并列)")

    class Results(models.TextChoices):
        PUBLIC = "public", _("Public page, no sign-in")
        PORTAL = "portal", _("Portal users only")

    # States in which the competition may still be returned to its organiser (before closing).
    RETURNABLE = (Status.SUBMITTED, Status.APPROVED, Status.RUNNING, Status.REVIEWING)
    # States in which the organiser may still change the competition's set-up.
    EDITABLE = (Status.DRAFT, Status.RETURNED)
    # States in which clerks may enter (until the entry deadline) and entries hand in stage reports.
    OPEN_FOR_ENTRIES = (Status.APPROVED, Status.RUNNING)
    OPEN_FOR_REPORTS = (Status.RUNNING, Status.REVIEWING)

    title = models.CharField(_("title"), max_length=200)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    organiser = models.ForeignKey(
        Union, on_delete=models.PROTECT, related_name="competitions", verbose_name=_("organiser")
    )
    level = models.CharField(_("level"), max_length=12, choices=Level.choices)
    description = models.TextField(_("description"), blank=True)
    accepts_units = models.BooleanField(_("units may enter"), default=True)
    accepts_teams = models.BooleanField(_("teams may enter"), default=True)
    accepts_individuals = models.BooleanField(_("individuals may enter"), default=True)
    starts_on = models.DateField(_("starts on"))
    ends_on = models.DateField(_("ends on"))
    entry_deadline = models.DateField(_("entries close on"))
    approver = models.CharField(_("approved by"), max_length=12, choices=Approver.choices, default=Approver.PARENT)
    # Drop each entry's highest and lowest judge's total when at least this many judges scored it.
    drop_extremes_from = models.PositiveSmallIntegerField(
        _("drop the highest and lowest score from"),
        null=True,
        blank=True,
        validators=[MinValueValidator(3)],
        help_text=_("Number of judges from which the highest and the lowest score are dropped; empty: never."),
    )
    tie_rule = models.CharField(_("ties"), max_length=16, choices=TieRule.choices, default=TieRule.TOP_CRITERION)
    results = models.CharField(_("results page"), max_length=8, choices=Results.choices, default=Results.PORTAL)
    status = models.CharField(_("status"), max_length=12, choices=Status.choices, default=Status.DRAFT)
    return_reason = models.CharField(_("reason for returning"), max_length=500, blank=True)
    # What the results page's address carries, so that competitions cannot be listed by number.
    public_token = models.CharField(max_length=32, default=_public_token, unique=True, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("created by")
    )
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    approved_at = models.DateTimeField(_("approved at"), null=True, blank=True)
    returned_at = models.DateTimeField(_("returned at"), null=True, blank=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    commended_at = models.DateTimeField(_("commended at"), null=True, blank=True)

    class Meta:
        verbose_name = _("competition")
        verbose_name_plural = _("competitions")
        ordering = ["-starts_on", "-id"]
        indexes = [
            models.Index(fields=["organiser", "status"], name="competition_organiser_status"),
            models.Index(fields=["-starts_on", "-id"], name="competition_list_order"),
            models.Index(fields=["status", "entry_deadline"], name="competition_open"),
        ]
        constraints = [
            models.CheckConstraint(condition=models.Q(ends_on__gte=models.F("starts_on")), name="competition_period"),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def is_editable(self) -> bool:
        return self.status in self.EDITABLE

    @property
    def ranking_frozen(self) -> bool:
        return self.status in (self.Status.CLOSED, self.Status.COMMENDED)

    @staticmethod
    def level_of(organiser: Union) -> str:
        """The level a competition takes from its organiser's place in the tree."""
        return {
            Union.Kind.CITY_FEDERATION: Competition.Level.CITY,
            Union.Kind.DISTRICT_FEDERATION: Competition.Level.DISTRICT,
            Union.Kind.INDUSTRY_UNION: Competition.Level.INDUSTRY,
        }.get(organiser.kind, Competition.Level.GRASSROOTS)


class Stage(models.Model):
    """One stage of the competition (阶段); each accepted entry hands in a stage report by ``report_due``."""

    competition = models.ForeignKey(Competition, on_delete=models.CASCADE, related_name="stages")
    order = models.PositiveSmallIntegerField(_("order"), default=1)
    name = models.CharField(_("stage"), max_length=100)
    starts_on = models.DateField(_("starts on"))
    ends_on = models.DateField(_("ends on"))
    report_due = models.DateField(_("stage report due on"))
    # Judges score by this date (the judging-overdue reminder reads it); the last stage's is the competition's.
    judging_due = models.DateField(_("judging due on"), null=True, blank=True)

    class Meta:
        verbose_name = _("stage")
        verbose_name_plural = _("stages")
        ordering = ["competition", "order", "id"]
        constraints = [models.UniqueConstraint(fields=["competition", "order"], name="stage_order_unique")]

    def __str__(self) -> str:
        return self.name


class Criterion(models.Model):
    """One line of the scoring scheme: a weight (the weights add up to 100) and a maximum score."""

    competition = models.ForeignKey(Competition, on_delete=models.CASCADE, related_name="criteria")
    order = models.PositiveSmallIntegerField(_("order"), default=1)
    name = models.CharField(_("criterion"), max_length=100)
    weight = models.DecimalField(
        _("weight (%)"),
        max_digits=5,
        decimal_places=2,
        validators=[MinValueValidator(Decimal("0.01")), MaxValueValidator(Decimal(100))],
    )
    max_score = models.DecimalField(
        _("maximum score"), max_digits=6, decimal_places=2, validators=[MinValueValidator(Decimal("0.01"))]
    )

    class Meta:
        verbose_name = _("criterion")
        verbose_name_plural = _("criteria")
        ordering = ["competition", "order", "id"]
        constraints = [models.UniqueConstraint(fields=["competition", "order"], name="criterion_order_unique")]

    def __str__(self) -> str:
        return self.name


class Prize(models.Model):
    """A prize grade and how many of it are given: 一等奖 ×3, 二等奖 ×5…, in ranking order."""

    class Grade(models.TextChoices):
        FIRST = "first", _("First prize")  # 一等奖
        SECOND = "second", _("Second prize")  # 二等奖
        THIRD = "third", _("Third prize")  # 三等奖
        EXCELLENCE = "excellence", _("Excellence award")  # 优秀奖

    competition = models.ForeignKey(Competition, on_delete=models.CASCADE, related_name="prizes")
    grade = models.CharField(_("prize"), max_length=12, choices=Grade.choices)
    count = models.PositiveSmallIntegerField(_("number of prizes"), validators=[MinValueValidator(1)])

    GRADE_ORDER = (Grade.FIRST, Grade.SECOND, Grade.THIRD, Grade.EXCELLENCE)

    class Meta:
        verbose_name = _("prize")
        verbose_name_plural = _("prizes")
        ordering = ["competition", "id"]
        constraints = [models.UniqueConstraint(fields=["competition", "grade"], name="prize_grade_unique")]

    def __str__(self) -> str:
        return f"{self.get_grade_display()} × {self.count}"

    @property
    def position(self) -> int:
        return self.GRADE_ORDER.index(self.grade)
