from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


def report_upload_to(report: "Report", filename: str) -> str:
    # One fixed name per report: a build delivered twice overwrites its own file instead of adding one.
    return f"reports/{report.created_at:%Y/%m}/{report.kind}-{report.pk}.pdf"


class Report(models.Model):
    """A generated document, built by a task and tracked here: who asked, for which node, how it went.

    The node decides who may see and download it: whoever's scope covers ``union`` (and, for a card,
    the member who asked for it).
    """

    class Kind(models.TextChoices):
        MONTHLY_MEMBERSHIP = "monthly_membership", _("Monthly membership report")
        ROSTER = "roster", _("Member roster")
        MEMBER_CARD = "member_card", _("Member card")

    class Status(models.TextChoices):
        QUEUED = "queued", _("Queued")
        RUNNING = "running", _("Being built")
        DONE = "done", _("Ready")
        FAILED = "failed", _("Failed")
        EXPIRED = "expired", _("Expired")

    IN_PROGRESS = (Status.QUEUED, Status.RUNNING)

    kind = models.CharField(_("kind"), max_length=32, choices=Kind.choices)
    parameters = models.JSONField(_("parameters"), default=dict, blank=True)
    union = models.ForeignKey(
        "members.Union", on_delete=models.PROTECT, related_name="reports", verbose_name=_("union")
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="reports",
        verbose_name=_("requested by"),
    )
    status = models.CharField(_("status"), max_length=16, choices=Status.choices, default=Status.QUEUED)
    file = models.FileField(_("file"), upload_to=report_upload_to, blank=True, max_length=200)
    error = models.TextField(_("error"), blank=True)
    # kind, node and parameters in one canonical string: an identical request finds this report.
    reuse_key = models.CharField(max_length=200, editable=False, db_index=True)
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    created_at = models.DateTimeField(_("requested at"), default=timezone.now)
    # When the build task was last handed to the broker; the sweep re-queues reports never picked up.
    queued_at = models.DateTimeField(_("queued at"), null=True, blank=True)
    started_at = models.DateTimeField(_("started at"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)
    expires_at = models.DateTimeField(_("expires at"), null=True, blank=True)

    class Meta:
        verbose_name = _("report")
        verbose_name_plural = _("reports")
        ordering = ["-created_at", "-id"]
        constraints = [
            # One build at a time of the same report, even when two requests race.
            models.UniqueConstraint(
                fields=["reuse_key"],
                condition=models.Q(status__in=["queued", "running"]),
                name="report_one_build_at_a_time",
            )
        ]
        indexes = [
            models.Index(fields=["kind", "union", "status"], name="report_reuse"),
            models.Index(fields=["status", "created_at"], name="report_status_time"),
            models.Index(fields=["requested_by", "-created_at"], name="report_requester"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} · {self.union_id} · {self.parameters}"

    @property
    def in_progress(self) -> bool:
        return self.status in self.IN_PROGRESS

    @property
    def month(self) -> str:
        return self.parameters.get("month", "")

    @property
    def duration(self):
        if self.started_at and self.finished_at:
            return self.finished_at - self.started_at
        return None
