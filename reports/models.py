from datetime import timedelta

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.jobs import Job


def report_upload_to(report: "Report", filename: str) -> str:
    # One fixed name per report: a build delivered twice overwrites its own file instead of adding one.
    return f"reports/{report.created_at:%Y/%m}/{report.kind}-{report.pk}.pdf"


class Report(Job):
    """A generated document, built by a task and tracked here: who asked, for which node, how it went.

    The node decides who may see and download it: whoever's scope covers ``union`` (and, for a card,
    the member who asked for it). The job's lifecycle is ``accounts.jobs``.
    """

    build_task = "reports.build"
    requeue_after = timedelta(minutes=5)

    class Kind(models.TextChoices):
        MONTHLY_MEMBERSHIP = "monthly_membership", _("Monthly membership report")
        ROSTER = "roster", _("Member roster")
        MEMBER_CARD = "member_card", _("Member card")
        DASHBOARD = "dashboard", _("Dashboard")

    kind = models.CharField(_("kind"), max_length=32, choices=Kind.choices)
    parameters = models.JSONField(_("parameters"), default=dict, blank=True)
    union = models.ForeignKey("unions.Union", on_delete=models.PROTECT, related_name="reports", verbose_name=_("union"))
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="reports",
        verbose_name=_("requested by"),
    )
    file = models.FileField(_("file"), upload_to=report_upload_to, blank=True, max_length=200)
    # kind, node and parameters in one canonical string: an identical request finds this report.
    reuse_key = models.CharField(max_length=200, editable=False, db_index=True)

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
    def month(self) -> str:
        return self.parameters.get("month", "")


# --- summary data for the dashboards ---------------------------------------------------------------
# Counting a million members on every dashboard view is far too slow; these tables hold the counts
# per grassroots or joint union, kept current by ``reports.tallies`` when members change and rebuilt
# nightly. A dashboard adds up the rows of its subtree: about 12,000 rows at city level.
from members.models import EmploymentType, PoliticalStatus  # noqa: E402

# Age bands: (column, youngest age, oldest age).
AGE_BANDS = (
    ("age_under_30", 0, 29),
    ("age_30_39", 30, 39),
    ("age_40_49", 40, 49),
    ("age_50_59", 50, 59),
    ("age_60_plus", 60, 200),
)


def _count(label: str = ""):
    return models.PositiveIntegerField(label, default=0)


class UnionTally(models.Model):
    """Today's active members of one grassroots or joint union, counted by the dashboard's groups.

    ``joined_*`` count the members who joined in ``year`` (the enrolment the targets are set for);
    ``political_<value>`` and ``employment_<value>`` have one column per choice.
    """

    union = models.OneToOneField(
        "unions.Union", on_delete=models.CASCADE, primary_key=True, related_name="tally", verbose_name=_("union")
    )
    year = models.PositiveSmallIntegerField(_("year"))
    members = _count()
    female = _count()
    migrant = _count()
    hardship = _count()
    age_under_30 = _count()
    age_30_39 = _count()
    age_40_49 = _count()
    age_50_59 = _count()
    age_60_plus = _count()
    joined_year = _count()
    for _value in PoliticalStatus.values:
        vars()[f"political_{_value}"] = _count()
    for _value in EmploymentType.values:
        vars()[f"employment_{_value}"] = _count()
        vars()[f"joined_{_value}"] = _count()
    del _value
    refreshed_at = models.DateTimeField(_("refreshed at"), default=timezone.now)

    class Meta:
        verbose_name = _("union tally")
        verbose_name_plural = _("union tallies")

    def __str__(self) -> str:
        return f"{self.union_id}: {self.members}"


def tally_fields() -> list[str]:
    """The count columns of UnionTally, in model order."""
    return [f.name for f in UnionTally._meta.concrete_fields if isinstance(f, models.PositiveIntegerField)]


class UnionMonth(models.Model):
    """A union's members who joined, and who left or died, in one month (by their join and end dates,
    under the union they belong to now, as the monthly report counts them)."""

    union = models.ForeignKey("unions.Union", on_delete=models.CASCADE, related_name="+")
    month = models.DateField(_("month"))  # the first day
    joins = _count(_("joins"))
    leavers = _count(_("leavers"))

    class Meta:
        verbose_name = _("union month")
        verbose_name_plural = _("union months")
        constraints = [models.UniqueConstraint(fields=["union", "month"], name="union_month_unique")]
        indexes = [models.Index(fields=["month"], name="union_month_month")]

    def __str__(self) -> str:
        return f"{self.union_id} {self.month:%Y-%m}"


class EnrolmentTarget(models.Model):
    """A node's target for a year: how many workers of one new-employment-form group should join."""

    union = models.ForeignKey("unions.Union", on_delete=models.CASCADE, related_name="+", verbose_name=_("union"))
    year = models.PositiveSmallIntegerField(_("year"))
    group = models.CharField(_("group"), max_length=20, choices=EmploymentType.choices)
    target = models.PositiveIntegerField(_("target"))
    set_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("enrolment target")
        verbose_name_plural = _("enrolment targets")
        constraints = [models.UniqueConstraint(fields=["union", "year", "group"], name="enrolment_target_unique")]

    def __str__(self) -> str:
        return f"{self.union_id} {self.year} {self.group}: {self.target}"
