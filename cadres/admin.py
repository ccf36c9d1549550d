"""The cadres app in the Django admin: for looking up, never for changing. Every change goes through
the portal's services, which check the rules and write the audit trail.

A superuser sees every row; any other admin user sees the rows of the nodes where they hold a cadre
officer's role, as on the portal's pages. Mobiles are shown masked; the political-quality file, the
assessments' evidence and comments and the posting reports' files are not in the admin at all.
"""

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from accounts.admin import ReadOnlyAdmin
from unions.scope import scope_paths, subtree_q

from .models import (
    AssessmentRound,
    Cadre,
    CadreSettings,
    GrassrootsStay,
    HoursRule,
    LedgerYear,
    Rotation,
    Secondment,
    TaskForce,
    TrainingClass,
)
from .permissions import CADRE_STAFF_KINDS


class CadreScopedReadOnlyAdmin(ReadOnlyAdmin):
    scope_field = "union__path"
    show_full_result_count = False

    def get_queryset(self, request):
        queryset = super().get_queryset(request)
        if request.user.is_superuser:
            return queryset
        return queryset.filter(subtree_q(scope_paths(request.user, CADRE_STAFF_KINDS), self.scope_field))


@admin.register(Cadre)
class CadreAdmin(CadreScopedReadOnlyAdmin):
    list_display = ("name", "mobile_masked", "union", "post", "rank", "employment", "status", "in_post_since")
    list_filter = ("rank", "status", "employment")
    list_select_related = ("union",)
    # A search by name only, never by mobile: the admin must not find the owner of a number.
    search_fields = ("name__startswith",)
    fields = (
        "name",
        "sex",
        "birth_date",
        "mobile_masked",
        "union",
        "post",
        "rank",
        "employment",
        "political_status",
        "education",
        "in_post_since",
        "status",
        "status_changed_on",
        "user",
        "created_at",
        "updated_at",
    )
    readonly_fields = fields

    @admin.display(description=_("mobile number"))
    def mobile_masked(self, obj):
        return obj.mobile_masked


@admin.register(Rotation)
class RotationAdmin(CadreScopedReadOnlyAdmin):
    scope_field = "cadre__union__path"
    list_display = ("cadre", "on_date", "from_post", "to_post", "from_rank", "to_rank")
    list_select_related = ("cadre",)
    search_fields = ("cadre__name__startswith",)
    date_hierarchy = "on_date"
    fields = ("cadre", "on_date", "from_union", "from_post", "from_rank", "to_union", "to_post", "to_rank", "note")
    readonly_fields = fields


@admin.register(TrainingClass)
class TrainingClassAdmin(CadreScopedReadOnlyAdmin):
    """The QR token is not shown: whoever holds it signs in to the class."""

    scope_field = "organiser__path"
    list_display = ("title", "organiser", "category", "mode", "starts_on", "ends_on", "credit_hours", "status")
    list_filter = ("status", "mode", "category")
    list_select_related = ("organiser",)
    search_fields = ("title",)
    date_hierarchy = "starts_on"
    exclude = ("qr_token",)


@admin.register(Secondment)
class SecondmentAdmin(CadreScopedReadOnlyAdmin):
    scope_field = "cadre__union__path"
    list_display = ("cadre", "host_name", "host_kind", "planned_start", "planned_end", "status")
    list_filter = ("status", "host_kind")
    list_select_related = ("cadre",)
    search_fields = ("cadre__name__startswith", "host_name")
    fields = (
        "cadre",
        "host_name",
        "host_kind",
        "host_credit_code",
        "post_at_host",
        "project",
        "planned_start",
        "planned_end",
        "actual_start",
        "actual_end",
        "status",
        "report_title",
        "report_due_on",
        "report_submitted_at",
    )
    readonly_fields = fields


@admin.register(GrassrootsStay)
class GrassrootsStayAdmin(CadreScopedReadOnlyAdmin):
    scope_field = "cadre__union__path"
    list_display = ("cadre", "union", "employer_name", "starts_on", "ends_on", "status")
    list_filter = ("status",)
    list_select_related = ("cadre", "union")
    search_fields = ("cadre__name__startswith",)
    fields = ("cadre", "union", "employer_name", "starts_on", "ends_on", "status", "report_title", "report_due_on")
    readonly_fields = fields


@admin.register(TaskForce)
class TaskForceAdmin(CadreScopedReadOnlyAdmin):
    scope_field = "organiser__path"
    list_display = ("name", "organiser", "lead", "starts_on", "ends_on", "status")
    list_filter = ("status",)
    list_select_related = ("organiser", "lead")
    search_fields = ("name",)
    fields = ("name", "organiser", "purpose", "lead", "starts_on", "ends_on", "status")
    readonly_fields = fields


@admin.register(AssessmentRound)
class AssessmentRoundAdmin(CadreScopedReadOnlyAdmin):
    """The rounds only: each cadre's assessment is seen by the cadre officers on the portal, nowhere else."""

    list_display = ("union", "year", "self_report_due", "status")
    list_filter = ("status", "year")
    list_select_related = ("union",)
    fields = ("union", "year", "self_report_due", "status", "opened_at")
    readonly_fields = fields


@admin.register(HoursRule)
class HoursRuleAdmin(ReadOnlyAdmin):
    list_display = ("rank", "starts_year", "hours", "period_years", "online_cap_percent")
    list_filter = ("rank",)


@admin.register(LedgerYear)
class LedgerYearAdmin(ReadOnlyAdmin):
    list_display = ("year", "closed_at")


@admin.register(CadreSettings)
class CadreSettingsAdmin(ReadOnlyAdmin):
    list_display = ("__str__", "rotation_due_years", "excellent_share_percent", "updated_at")
    exclude = ("updated_by",)
