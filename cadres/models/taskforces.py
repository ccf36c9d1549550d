"""Task forces (工作专班): a named force with a purpose, a lead and members over a period; at the
end the lead assesses each member (grade and comment), which the yearly assessment reads."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from unions.models import Union

from .postings import PostingGrade
from .profile import Cadre


class TaskForce(models.Model):
    class Status(models.TextChoices):
        ACTIVE = "active", _("Working")
        ASSESSING = "assessing", _("Being assessed")
        CLOSED = "closed", pgettext_lazy("task force state", "Closed")

    organiser = models.ForeignKey(Union, on_delete=models.PROTECT, related_name="+", verbose_name=_("organiser"))
    name = models.CharField(_("name"), max_length=200)
    purpose = models.TextField(_("purpose"))
    lead = models.ForeignKey(Cadre, on_delete=models.PROTECT, related_name="task_forces_led", verbose_name=_("lead"))
    starts_on = models.DateField(_("starts on"))
    ends_on = models.DateField(_("ends on"))
    status = models.CharField(_("status"), max_length=12, choices=Status.choices, default=Status.ACTIVE)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(_("created at"), default=timezone.now)

    class Meta:
        verbose_name = _("task force")
        verbose_name_plural = _("task forces")
        ordering = ["-starts_on", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(ends_on__gte=models.F("starts_on")), name="task_force_dates_in_order"
            )
        ]

    def __str__(self) -> str:
        return self.name


class TaskForceMember(models.Model):
    task_force = models.ForeignKey(TaskForce, on_delete=models.CASCADE, related_name="members")
    cadre = models.ForeignKey(
        Cadre, on_delete=models.CASCADE, related_name="task_force_memberships", verbose_name=_("cadre")
    )
    duty = models.CharField(_("duty in the force"), max_length=100, blank=True)
    joined_on = models.DateField(_("joined on"))
    grade = models.CharField(_("grade"), max_length=12, choices=PostingGrade.choices, blank=True)
    comment = models.TextField(_("lead's comment"), blank=True)
    assessed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    assessed_at = models.DateTimeField(_("assessed at"), null=True, blank=True)

    class Meta:
        verbose_name = _("task force member")
        verbose_name_plural = _("task force members")
        ordering = ["task_force", "cadre__name", "id"]
        constraints = [models.UniqueConstraint(fields=["task_force", "cadre"], name="task_force_member_once")]

    def __str__(self) -> str:
        return f"{self.cadre} in {self.task_force}"
