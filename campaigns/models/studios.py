"""Model-worker innovation studios (劳模创新工作室): a studio led by a model worker or craftsman, hosted by
a unit, reviewed each year; each level sets itself a yearly target for new studios."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from unions.models import Union

from .register import Honour


class InnovationStudio(models.Model):
    class Level(models.TextChoices):
        NATIONAL = "national", _("National level")
        PROVINCIAL = "provincial", _("Provincial level")
        CITY = "city", _("City level")
        DISTRICT = "district", _("District level")
        INDUSTRY = "industry", _("Industry level")

    name = models.CharField(_("studio"), max_length=100)
    # Its leader: a holder of an honour in the register (a model worker or a craftsman).
    leader = models.ForeignKey(Honour, on_delete=models.PROTECT, related_name="studios", verbose_name=_("led by"))
    host_union = models.ForeignKey(
        Union, on_delete=models.PROTECT, related_name="innovation_studios", verbose_name=_("host unit's union")
    )
    host_unit = models.CharField(_("host unit"), max_length=100)
    field = models.CharField(_("field"), max_length=100)
    members = models.TextField(_("members"), max_length=2000, blank=True)
    member_count = models.PositiveSmallIntegerField(_("number of members"), default=0)
    level = models.CharField(_("level"), max_length=10, choices=Level.choices)
    recognised_year = models.PositiveSmallIntegerField(_("recognised in"))
    active = models.BooleanField(_("active"), default=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("innovation studio")
        verbose_name_plural = _("innovation studios")
        ordering = ["-recognised_year", "name", "id"]

    def __str__(self) -> str:
        return self.name


class StudioReview(models.Model):
    class Result(models.TextChoices):
        EXCELLENT = "excellent", _("Excellent")
        PASSED = "passed", pgettext_lazy("studio review", "Passed")
        FAILED = "failed", _("Failed")

    studio = models.ForeignKey(InnovationStudio, on_delete=models.CASCADE, related_name="reviews")
    year = models.PositiveSmallIntegerField(_("year"))
    result = models.CharField(_("result"), max_length=10, choices=Result.choices)
    note = models.CharField(_("note"), max_length=500, blank=True)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("studio review")
        verbose_name_plural = _("studio reviews")
        ordering = ["-year", "id"]
        constraints = [models.UniqueConstraint(fields=["studio", "year"], name="studio_review_once_a_year")]

    def __str__(self) -> str:
        return f"{self.year} · {self.get_result_display()}"


class StudioTarget(models.Model):
    """The year's target count of new studios at a level (e.g. 20 city-level studios this year)."""

    node = models.ForeignKey(Union, on_delete=models.PROTECT, related_name="+", verbose_name=_("union"))
    year = models.PositiveSmallIntegerField(_("year"))
    level = models.CharField(_("level"), max_length=10, choices=InnovationStudio.Level.choices)
    count = models.PositiveSmallIntegerField(_("target"))

    class Meta:
        verbose_name = _("studio target")
        verbose_name_plural = _("studio targets")
        ordering = ["-year", "node__path"]
        constraints = [models.UniqueConstraint(fields=["node", "year", "level"], name="studio_target_once")]

    def __str__(self) -> str:
        return f"{self.year} · {self.count}"
