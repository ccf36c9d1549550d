"""A cadre (工会干部) and what belongs to the person rather than to one activity: rotations between
posts (轮岗交流) and the political-quality file (政治素质档案); the app's settings."""

import datetime

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from accounts.phone import mainland_mobile_validator, mask_mobile
from members.models import Education, PoliticalStatus, Sex
from unions.models import Union

# A young cadre (年轻干部) is under this age on the reference date; computed, never stored.
YOUNG_CADRE_AGE = 35


class Rank(models.TextChoices):
    """职级, highest first. The hours a cadre owes depend on it (``HoursRule``)."""

    BUREAU = "bureau", _("Department or bureau level")  # 厅局级
    COUNTY_DIVISION = "county_division", _("County or division level")  # 县处级
    TOWNSHIP_SECTION = "township_section", _("Township or section level")  # 乡科级
    STAFF = "staff", _("Staff member")  # 科员
    CLERK = "clerk", _("Clerk")  # 办事员


# Higher rank first: a move to a rank earlier in this list is a promotion.
RANK_ORDER = [value for value, _label in Rank.choices]


def is_promotion(old_rank: str, new_rank: str) -> bool:
    return RANK_ORDER.index(new_rank) < RANK_ORDER.index(old_rank)


class Employment(models.TextChoices):
    FULL_TIME = "full_time", _("Full-time")  # 专职
    PART_TIME = "part_time", _("Part-time")  # 兼职
    SECONDED_IN = "seconded_in", _("Seconded in")  # 挂职（借调）


class Cadre(models.Model):
    """One union cadre serving at a node of the tree. Cadre officers whose scope covers the node
    manage the record; the person sees their own through ``user`` when they have an account."""

    class Status(models.TextChoices):
        IN_POST = "in_post", pgettext_lazy("cadre status", "In post")
        LEFT = "left", pgettext_lazy("cadre status", "Left")
        RETIRED = "retired", pgettext_lazy("cadre status", "Retired")

    union = models.ForeignKey(Union, on_delete=models.PROTECT, related_name="cadres", verbose_name=_("serves at"))
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="cadre",
        verbose_name=_("portal account"),
    )
    name = models.CharField(pgettext_lazy("person", "name"), max_length=50)
    sex = models.CharField(_("sex"), max_length=8, choices=Sex.choices)
    birth_date = models.DateField(_("birth date"))
    # One cadre per mobile: the number is how an import finds an existing cadre again.
    mobile = models.CharField(_("mobile number"), max_length=11, validators=[mainland_mobile_validator])
    post = models.CharField(_("post"), max_length=100)  # 职务
    rank = models.CharField(_("rank"), max_length=20, choices=Rank.choices)  # 职级
    employment = models.CharField(_("employment"), max_length=16, choices=Employment.choices)
    political_status = models.CharField(_("political status"), max_length=16, choices=PoliticalStatus.choices)
    education = models.CharField(_("education"), max_length=16, choices=Education.choices)
    in_post_since = models.DateField(_("in post since"))
    status = models.CharField(_("status"), max_length=16, choices=Status.choices, default=Status.IN_POST)
    status_changed_on = models.DateField(_("status changed on"), null=True, blank=True)
    created_at = models.DateTimeField(_("created at"), default=timezone.now, editable=False)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("cadre")
        verbose_name_plural = _("cadres")
        ordering = ["union__path", "name", "id"]
        constraints = [models.UniqueConstraint(fields=["mobile"], name="cadre_one_record_per_mobile")]
        indexes = [
            models.Index(fields=["union", "status"], name="cadre_union_status"),
            models.Index(fields=["rank", "status"], name="cadre_rank_status"),
            models.Index(fields=["birth_date"], name="cadre_birth_date"),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def mobile_masked(self) -> str:
        return mask_mobile(self.mobile)

    def age_on(self, day: datetime.date) -> int:
        before_birthday = (day.month, day.day) < (self.birth_date.month, self.birth_date.day)
        return day.year - self.birth_date.year - before_birthday

    def is_young_on(self, day: datetime.date | None = None) -> bool:
        """年轻干部: under 35 on the reference day (today unless given)."""
        return self.age_on(day or timezone.localdate()) < YOUNG_CADRE_AGE

    @property
    def is_young(self) -> bool:
        return self.is_young_on()

    @property
    def in_post(self) -> bool:
        return self.status == self.Status.IN_POST


def young_birth_date_after(day: datetime.date) -> datetime.date:
    """Cadres born after this date are young on ``day``: the filter the lists and the dashboard use."""
    try:
        return day.replace(year=day.year - YOUNG_CADRE_AGE)
    except ValueError:  # 29 February
        return day.replace(year=day.year - YOUNG_CADRE_AGE, day=28)


class CadreSettings(models.Model):
    """The app's settings that staff change in a page; one row (``CadreSettings.current()``)."""

    rotation_due_years = models.PositiveSmallIntegerField(
        _("years in post before rotation is due"), default=5, validators=[MinValueValidator(1), MaxValueValidator(30)]
    )
    excellent_share_percent = models.PositiveSmallIntegerField(
        _("share of 优秀 grades per unit (%)"), default=20, validators=[MinValueValidator(0), MaxValueValidator(100)]
    )
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("cadre settings")
        verbose_name_plural = _("cadre settings")

    def __str__(self) -> str:
        return str(self._meta.verbose_name)

    @classmethod
    def current(cls) -> "CadreSettings":
        row, _created = cls.objects.get_or_create(pk=1)
        return row


class Rotation(models.Model):
    """轮岗交流: a move from one post (and node) to another on a date. Recording it moves the cadre."""

    cadre = models.ForeignKey(Cadre, on_delete=models.CASCADE, related_name="rotations", verbose_name=_("cadre"))
    on_date = models.DateField(_("date"))
    from_union = models.ForeignKey(Union, on_delete=models.PROTECT, related_name="+", verbose_name=_("from node"))
    from_post = models.CharField(_("from post"), max_length=100)
    from_rank = models.CharField(_("from rank"), max_length=20, choices=Rank.choices)
    to_union = models.ForeignKey(Union, on_delete=models.PROTECT, related_name="+", verbose_name=_("to node"))
    to_post = models.CharField(_("to post"), max_length=100)
    to_rank = models.CharField(_("to rank"), max_length=20, choices=Rank.choices)
    note = models.CharField(_("note"), max_length=200, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("recorded by")
    )
    recorded_at = models.DateTimeField(_("recorded at"), default=timezone.now)

    class Meta:
        verbose_name = _("rotation")
        verbose_name_plural = _("rotations")
        ordering = ["-on_date", "-id"]

    def __str__(self) -> str:
        return f"{self.cadre}: {self.from_post} → {self.to_post}"


class PoliticalConclusion(models.TextChoices):
    EXCELLENT = "excellent", _("Excellent")  # 优秀
    PASS = "pass", _("Qualified")  # 合格
    BASIC = "basic", _("Basically qualified")  # 基本合格
    FAIL = "fail", _("Unqualified")  # 不合格


class PoliticalReview(models.Model):
    """One dated entry of the political-quality file (政治素质档案).

    The latest entry's conclusion stands; 不合格 vetoes promotion and an 优秀 yearly grade (一票否决).
    Cadre officers in scope see every field; the cadre sees the conclusion and the feedback only."""

    cadre = models.ForeignKey(
        Cadre, on_delete=models.CASCADE, related_name="political_reviews", verbose_name=_("cadre")
    )
    assessed_on = models.DateField(_("assessed on"))
    conclusion = models.CharField(_("conclusion"), max_length=16, choices=PoliticalConclusion.choices)
    issues_found = models.TextField(_("issues found"), blank=True)
    measures = models.TextField(_("rectification measures"), blank=True)
    feedback = models.TextField(_("feedback to the cadre"), blank=True)
    feedback_given_on = models.DateField(_("feedback given on"), null=True, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("recorded by")
    )
    recorded_at = models.DateTimeField(_("recorded at"), default=timezone.now)

    class Meta:
        verbose_name = _("political-quality assessment")
        verbose_name_plural = _("political-quality file")
        ordering = ["-assessed_on", "-id"]
        indexes = [models.Index(fields=["cadre", "-assessed_on"], name="political_review_cadre")]

    def __str__(self) -> str:
        return f"{self.cadre} {self.assessed_on}"
