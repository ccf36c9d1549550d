"""Honours (评选表彰): the kinds of honour, a round of nominations and the quotas handed down for it.

A kind (劳动模范, 五一劳动奖章, 工人先锋号, 工匠, 劳模创新工作室…) says who it is for (a person, a team, a
unit, a studio), what evidence a nomination carries (its checklist), who may not be nominated again (the
same honour in the last N years) and what care its holders are entitled to afterwards.

A round is one year's selection at one level (the city's, or a district's own): its kinds, its
timeline, the notice's length in working days and its structural rules (女性 ≥ 20 %, 企业负责人 ≤ 10 %…),
checked when a level forwards its list. The organiser hands each district and industry union a quota
per kind; they may split theirs further down.
"""

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from unions.models import Union


class HonourKind(models.Model):
    class Category(models.TextChoices):
        INDIVIDUAL = "individual", _("Individual")  # 个人
        TEAM = "team", _("Team")  # 集体 / 班组
        UNIT = "unit", _("Unit")  # 单位
        STUDIO = "studio", _("Innovation studio")  # 创新工作室

    name = models.CharField(_("honour"), max_length=60, unique=True)
    category = models.CharField(_("awarded to"), max_length=12, choices=Category.choices)
    # Holders of this honour are model workers the federation cares for (劳模关爱): they join the care list.
    grants_care = models.BooleanField(_("holders receive model workers' care"), default=False)
    # Exclusion rule: no nomination of someone who received this honour in the last N years (0: none).
    exclusion_years = models.PositiveSmallIntegerField(
        _("not again within (years)"), default=5, help_text=_("0: the honour may be given again any year.")
    )
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    active = models.BooleanField(_("in use"), default=True)

    class Meta:
        verbose_name = _("honour kind")
        verbose_name_plural = _("honour kinds")
        ordering = ["order", "id"]

    def __str__(self) -> str:
        return self.name

    @property
    def for_person(self) -> bool:
        return self.category == self.Category.INDIVIDUAL


class EvidenceItem(models.Model):
    """One line of a kind's evidence checklist: the nomination must carry a file for each required one."""

    kind = models.ForeignKey(HonourKind, on_delete=models.CASCADE, related_name="evidence_items")
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    label = models.CharField(_("evidence"), max_length=100)
    required = models.BooleanField(_("required"), default=True)

    class Meta:
        verbose_name = _("evidence item")
        verbose_name_plural = _("evidence items")
        ordering = ["kind", "order", "id"]

    def __str__(self) -> str:
        return self.label


class CareEntitlement(models.Model):
    """What a holder of the kind is entitled to each year (劳模待遇)."""

    class Care(models.TextChoices):
        HEALTH_CHECK = "health_check", _("Yearly health check")  # 健康体检
        RECUPERATION = "recuperation", _("Recuperation")  # 疗休养
        SPRING_FESTIVAL_VISIT = "spring_festival_visit", _("Spring Festival visit")  # 春节走访慰问
        MAY_DAY_VISIT = "may_day_visit", _("May Day visit")  # 五一慰问
        NATIONAL_DAY_VISIT = "national_day_visit", _("National Day visit")  # 国庆慰问
        HARDSHIP_ALLOWANCE = "hardship_allowance", _("Hardship allowance")  # 困难帮扶金

    FESTIVAL_VISITS = (Care.SPRING_FESTIVAL_VISIT, Care.MAY_DAY_VISIT, Care.NATIONAL_DAY_VISIT)

    kind = models.ForeignKey(HonourKind, on_delete=models.CASCADE, related_name="entitlements")
    care = models.CharField(_("care"), max_length=24, choices=Care.choices)
    amount = models.DecimalField(_("amount (yuan)"), max_digits=9, decimal_places=2, null=True, blank=True)
    # A hardship allowance goes only to holders marked as in hardship; the rest go to every holder.
    hardship_only = models.BooleanField(_("only for holders in hardship"), default=False)

    class Meta:
        verbose_name = _("care entitlement")
        verbose_name_plural = _("care entitlements")
        ordering = ["kind", "care"]
        constraints = [models.UniqueConstraint(fields=["kind", "care"], name="care_entitlement_once")]

    def __str__(self) -> str:
        return self.get_care_display()


class Round(models.Model):
    """One selection (评选): a year, an organiser (the city, or a district running its own), its kinds
    and timeline. Nominations move through it level by level (``Nomination``)."""

    class Status(models.TextChoices):
        DRAFT = "draft", pgettext_lazy("round state", "Being prepared")
        NOMINATING = "nominating", _("Taking nominations")
        REVIEWING = "reviewing", _("Under review")
        NOTICE = "notice", _("Public notice")
        DECIDED = "decided", _("Decided")
        CLOSED = "closed", pgettext_lazy("round state", "Closed")

    class Level(models.TextChoices):
        CITY = "city", _("City level")
        DISTRICT = "district", _("District level")
        INDUSTRY = "industry", _("Industry level")

    title = models.CharField(_("title"), max_length=200)
    year = models.PositiveSmallIntegerField(_("year"))
    organiser = models.ForeignKey(
        Union, on_delete=models.PROTECT, related_name="honour_rounds", verbose_name=_("organiser")
    )
    level = models.CharField(_("level"), max_length=10, choices=Level.choices)
    kinds = models.ManyToManyField(HonourKind, related_name="rounds", verbose_name=_("honours"))
    description = models.TextField(_("notice of the round"), blank=True)
    nominations_close = models.DateField(_("nominations close on"))
    first_review_due = models.DateField(_("first review (district and industry unions) due on"))
    second_review_due = models.DateField(_("second review (organiser) due on"))
    vetting_due = models.DateField(_("joint vetting due on"))
    notice_planned = models.DateField(_("public notice planned from"))
    notice_days = models.PositiveSmallIntegerField(
        _("public notice (working days)"), default=5, validators=[MinValueValidator(5), MaxValueValidator(30)]
    )
    status = models.CharField(_("status"), max_length=12, choices=Status.choices, default=Status.DRAFT)
    conferring_body = models.CharField(_("conferred by"), max_length=100, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(_("created at"), default=timezone.now)

    class Meta:
        verbose_name = _("honours round")
        verbose_name_plural = _("honours rounds")
        ordering = ["-year", "-id"]
        indexes = [models.Index(fields=["organiser", "year"], name="round_organiser_year")]

    def __str__(self) -> str:
        return self.title

    @staticmethod
    def level_of(organiser: Union) -> str:
        return {
            Union.Kind.DISTRICT_FEDERATION: Round.Level.DISTRICT,
            Union.Kind.INDUSTRY_UNION: Round.Level.INDUSTRY,
        }.get(organiser.kind, Round.Level.CITY)


class CategoryFlag(models.TextChoices):
    """The nominee's categories the structural rules count (a nomination carries one flag each)."""

    ENTERPRISE_STAFF = "enterprise_staff", _("Enterprise staff")  # 企业职工
    FRONT_LINE = "front_line", _("Front-line worker")  # 一线职工
    TECHNICIAN = "technician", _("Technician")  # 专业技术人员
    ENTERPRISE_HEAD = "enterprise_head", _("Enterprise head")  # 企业负责人
    WOMAN = "woman", _("Woman")  # 女性
    MIGRANT_WORKER = "migrant_worker", _("Migrant worker")  # 农民工
    CADRE = "cadre", _("Cadre")  # 干部


class StructuralRule(models.Model):
    """A share of a level's forwarded list: at least or at most ``percent`` % of its individual
    nominations carry ``flag`` (女性 ≥ 20 %). Counted over the persons only, rounded up for a minimum
    and down for a maximum: "women 1 of 8, at least 2 needed"."""

    class Bound(models.TextChoices):
        AT_LEAST = "min", _("at least")
        AT_MOST = "max", _("at most")

    round = models.ForeignKey(Round, on_delete=models.CASCADE, related_name="rules")
    flag = models.CharField(_("category"), max_length=20, choices=CategoryFlag.choices)
    bound = models.CharField(_("bound"), max_length=3, choices=Bound.choices)
    percent = models.PositiveSmallIntegerField(_("share (%)"), validators=[MaxValueValidator(100)])

    class Meta:
        verbose_name = _("structural rule")
        verbose_name_plural = _("structural rules")
        ordering = ["round", "flag", "bound"]
        constraints = [models.UniqueConstraint(fields=["round", "flag", "bound"], name="structural_rule_once")]

    def __str__(self) -> str:
        return f"{self.get_flag_display()} {self.get_bound_display()} {self.percent}%"


class Quota(models.Model):
    """How many nominations of a kind a node may send up (名额). The organiser gives its children theirs;
    a child may split its own among its children (never more in all than it holds)."""

    round = models.ForeignKey(Round, on_delete=models.CASCADE, related_name="quotas")
    node = models.ForeignKey(Union, on_delete=models.PROTECT, related_name="honour_quotas", verbose_name=_("union"))
    kind = models.ForeignKey(HonourKind, on_delete=models.PROTECT, related_name="quotas", verbose_name=_("honour"))
    count = models.PositiveSmallIntegerField(_("quota"))
    set_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    set_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("quota")
        verbose_name_plural = _("quotas")
        ordering = ["round", "node__path", "kind__order"]
        constraints = [models.UniqueConstraint(fields=["round", "node", "kind"], name="quota_once")]

    def __str__(self) -> str:
        return f"{self.node} · {self.kind} × {self.count}"
