"""Nominations (推荐) and their review level by level.

A grassroots union's clerk (or a federation, for its own level) nominates after a democratic review
(民主评议) and a notice at the unit. The nomination then moves up:

    draft → submitted (first review: the district or industry union over it) → passed the first review
    (waits for the level to forward its list, where the structural rules are checked) → forwarded
    (second review: the organiser) → joint vetting (联审) → vetted → public notice (公示) → awarded

and may be returned to the nominator with a reason at any level (edited and submitted again from the
start), rejected, or withdrawn by the nominator before the notice. Each level's decision is one
``NominationReview`` row: who, when, the comment. ``campaigns.services.nominations`` and
``campaigns.services.reviews`` hold every move and its rule.
"""

import secrets

from django.conf import settings
from django.core.validators import MaxLengthValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from cadres.models import Cadre
from integrity.models import OpinionLetter
from members.models import Member, PoliticalStatus, Sex
from unions.models import Union

from .awards import Award
from .honours import EvidenceItem, HonourKind, Round

DEEDS_MAX = 2000


def _nomination_file_upload_to(instance, filename: str) -> str:
    suffix = filename.rsplit(".", 1)[-1].lower()[:8] if "." in filename else "bin"
    return f"campaigns/nominations/{timezone.now():%Y/%m}/{secrets.token_hex(16)}.{suffix}"


class Nomination(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", pgettext_lazy("nomination state", "Draft")
        SUBMITTED = "submitted", _("At the first review")
        FIRST_PASSED = "first_passed", _("Passed the first review, to be forwarded")
        FORWARDED = "forwarded", _("At the second review")
        VETTING = "vetting", _("In joint vetting")
        VETTED = "vetted", _("Vetted, waiting for the public notice")
        NOTICE = "notice", _("In public notice")
        AWARDED = "awarded", pgettext_lazy("nomination state", "Awarded")
        RETURNED = "returned", pgettext_lazy("nomination state", "Returned")
        REJECTED = "rejected", pgettext_lazy("nomination state", "Rejected")
        WITHDRAWN = "withdrawn", pgettext_lazy("nomination state", "Withdrawn")

    # The nominator edits these; every other state is someone else's to move.
    EDITABLE = (Status.DRAFT, Status.RETURNED)
    # The nominator may withdraw until the public notice.
    WITHDRAWABLE = (
        Status.DRAFT,
        Status.SUBMITTED,
        Status.FIRST_PASSED,
        Status.FORWARDED,
        Status.VETTING,
        Status.VETTED,
        Status.RETURNED,
    )
    # Alive: counts against the quota and the structural rules.
    ALIVE = (
        Status.SUBMITTED,
        Status.FIRST_PASSED,
        Status.FORWARDED,
        Status.VETTING,
        Status.VETTED,
        Status.NOTICE,
        Status.AWARDED,
    )
    FINAL = (Status.AWARDED, Status.REJECTED, Status.WITHDRAWN)

    round = models.ForeignKey(Round, on_delete=models.PROTECT, related_name="nominations", verbose_name=_("round"))
    kind = models.ForeignKey(HonourKind, on_delete=models.PROTECT, related_name="nominations", verbose_name=_("honour"))
    # The nominating union: whose clerks edit it and whose quota it uses.
    union = models.ForeignKey(Union, on_delete=models.PROTECT, related_name="nominations", verbose_name=_("union"))
    # The level that holds the first review: the district or industry union under the organiser on the
    # way to ``union`` (null when the organiser nominates at its own level: it goes straight to the
    # second review).
    first_node = models.ForeignKey(Union, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    # The nominee: a member picked from the union's list, or a person (or a team, unit, studio) named here.
    member = models.ForeignKey(
        Member, on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("member")
    )
    nominee_name = models.CharField(_("nominee"), max_length=100)
    sex = models.CharField(_("sex"), max_length=1, choices=Sex.choices, blank=True)
    birth_date = models.DateField(_("date of birth"), null=True, blank=True)
    unit_name = models.CharField(_("unit"), max_length=100)
    post = models.CharField(_("post"), max_length=100, blank=True)
    political_status = models.CharField(
        _("political status"), max_length=20, choices=PoliticalStatus.choices, blank=True
    )
    team_size = models.PositiveIntegerField(_("team size"), null=True, blank=True)
    # A nominee who is a cadre with a record in the portal: joint vetting asks integrity about them.
    cadre_record = models.ForeignKey(
        Cadre, on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("cadre record")
    )
    # Offered from a competition's first prize (campaigns.candidates).
    from_award = models.ForeignKey(Award, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    # The categories the structural rules count (honours.CategoryFlag: the field names are its values).
    enterprise_staff = models.BooleanField(_("enterprise staff"), default=False)
    front_line = models.BooleanField(_("front-line worker"), default=False)
    technician = models.BooleanField(_("technician"), default=False)
    enterprise_head = models.BooleanField(_("enterprise head"), default=False)
    woman = models.BooleanField(_("woman"), default=False)
    migrant_worker = models.BooleanField(_("migrant worker"), default=False)
    cadre = models.BooleanField(_("cadre"), default=False)
    deeds = models.TextField(_("deeds"), validators=[MaxLengthValidator(DEEDS_MAX)])
    # The democratic review (民主评议) at the unit.
    review_meeting_on = models.DateField(_("review meeting held on"), null=True, blank=True)
    review_attendance = models.PositiveIntegerField(_("attended"), null=True, blank=True)
    votes_for = models.PositiveIntegerField(_("votes for"), null=True, blank=True)
    votes_against = models.PositiveIntegerField(_("votes against"), null=True, blank=True)
    votes_abstaining = models.PositiveIntegerField(_("abstentions"), null=True, blank=True)
    # The unit's own notice of the nomination (单位公示).
    unit_notice_from = models.DateField(_("unit notice from"), null=True, blank=True)
    unit_notice_to = models.DateField(_("unit notice to"), null=True, blank=True)
    status = models.CharField(_("status"), max_length=14, choices=Status.choices, default=Status.DRAFT)
    return_reason = models.CharField(_("reason for returning"), max_length=500, blank=True)
    # Joint vetting found a problem and the organiser let the nomination go on anyway (audited).
    vetting_override_reason = models.CharField(_("reason for going on despite the vetting"), max_length=500, blank=True)
    vetting_override_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    notice = models.ForeignKey(
        "campaigns.PublicNotice", on_delete=models.PROTECT, null=True, blank=True, related_name="nominations"
    )
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)
    updated_at = models.DateTimeField(_("changed at"), default=timezone.now)

    class Meta:
        verbose_name = _("nomination")
        verbose_name_plural = _("nominations")
        ordering = ["-submitted_at", "-id"]
        indexes = [
            models.Index(fields=["round", "status"], name="nomination_round_status"),
            models.Index(fields=["first_node", "status"], name="nomination_first_node"),
            models.Index(fields=["union", "status"], name="nomination_union_status"),
            models.Index(fields=["member"], name="nomination_member"),
        ]

    def __str__(self) -> str:
        return f"{self.nominee_name} · {self.kind_id and self.kind}"

    @property
    def is_editable(self) -> bool:
        return self.status in self.EDITABLE


class NominationFile(models.Model):
    class Purpose(models.TextChoices):
        EVIDENCE = "evidence", _("Evidence")  # the checklist's files
        MINUTES = "minutes", _("Minutes of the democratic review")  # 民主评议记录
        UNIT_NOTICE = "unit_notice", _("The unit's notice, no objection")  # 单位公示无异议证明
        FORM = "form", _("Signed approval form")  # 盖章的推荐审批表

    nomination = models.ForeignKey(Nomination, on_delete=models.CASCADE, related_name="files")
    purpose = models.CharField(_("file for"), max_length=12, choices=Purpose.choices, default=Purpose.EVIDENCE)
    item = models.ForeignKey(EvidenceItem, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    file = models.FileField(_("file"), upload_to=_nomination_file_upload_to, max_length=200)
    original_name = models.CharField(_("file name"), max_length=200)
    size = models.PositiveIntegerField(_("size"), default=0)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    uploaded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("nomination file")
        verbose_name_plural = _("nomination files")
        ordering = ["purpose", "item__order", "id"]
        indexes = [models.Index(fields=["nomination", "purpose"], name="nomination_file_purpose")]

    def __str__(self) -> str:
        return self.original_name


class NominationReview(models.Model):
    """One level's decision on a nomination: who, when, what, why."""

    class Stage(models.TextChoices):
        FIRST = "first", _("First review")  # 初审 (district or industry union)
        SECOND = "second", _("Second review")  # 复审 (the organiser)
        VETTING = "vetting", _("Joint vetting")  # 联审
        DECISION = "decision", _("Final decision")  # 审定

    class Outcome(models.TextChoices):
        PASSED = "passed", pgettext_lazy("review outcome", "Passed")
        RETURNED = "returned", pgettext_lazy("review outcome", "Returned")
        REJECTED = "rejected", pgettext_lazy("review outcome", "Rejected")
        OVERRIDDEN = "overridden", _("Passed despite the vetting")

    nomination = models.ForeignKey(Nomination, on_delete=models.CASCADE, related_name="reviews")
    stage = models.CharField(_("level"), max_length=10, choices=Stage.choices)
    outcome = models.CharField(_("outcome"), max_length=10, choices=Outcome.choices)
    comment = models.CharField(_("comment"), max_length=500, blank=True)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("review")
        verbose_name_plural = _("reviews")
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"{self.get_stage_display()} · {self.get_outcome_display()}"


class Forwarding(models.Model):
    """A level sending its passed list up (上报), after the structural rules held over the list."""

    round = models.ForeignKey(Round, on_delete=models.PROTECT, related_name="forwardings")
    node = models.ForeignKey(Union, on_delete=models.PROTECT, related_name="+")
    count = models.PositiveIntegerField(_("nominations forwarded"))
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("forwarded list")
        verbose_name_plural = _("forwarded lists")
        ordering = ["-at", "-id"]

    def __str__(self) -> str:
        return f"{self.node_id} × {self.count}"


class VettingOpinion(models.Model):
    """A department's opinion in joint vetting (联审): the discipline body's through an integrity opinion
    letter for a cadre, the others (tax, social security, work safety, environment) recorded with a file."""

    class Department(models.TextChoices):
        DISCIPLINE = "discipline", _("Discipline inspection")  # 纪检监察
        TAX = "tax", _("Tax")  # 税务
        SOCIAL_SECURITY = "social_security", _("Social security")  # 人社 / 社保
        WORK_SAFETY = "work_safety", _("Work safety")  # 应急管理
        ENVIRONMENT = "environment", _("Environment")  # 生态环境

    class Conclusion(models.TextChoices):
        WAITING = "waiting", _("Waiting for the opinion")
        CLEAR = "clear", _("No problem on record")
        PROBLEM = "problem", _("Problem on record")

    nomination = models.ForeignKey(Nomination, on_delete=models.CASCADE, related_name="vetting_opinions")
    department = models.CharField(_("department"), max_length=16, choices=Department.choices)
    conclusion = models.CharField(_("conclusion"), max_length=8, choices=Conclusion.choices, default=Conclusion.WAITING)
    note = models.CharField(_("note"), max_length=500, blank=True)
    file = models.FileField(_("file"), upload_to=_nomination_file_upload_to, max_length=200, blank=True)
    original_name = models.CharField(_("file name"), max_length=200, blank=True)
    opinion_letter = models.ForeignKey(OpinionLetter, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("vetting opinion")
        verbose_name_plural = _("vetting opinions")
        ordering = ["nomination", "department"]
        constraints = [
            models.UniqueConstraint(fields=["nomination", "department"], name="vetting_opinion_once"),
        ]

    def __str__(self) -> str:
        return f"{self.get_department_display()} · {self.get_conclusion_display()}"
