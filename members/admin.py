from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from accounts.admin import ReadOnlyAdmin
from unions.roles import MEMBER_STAFF_KINDS
from unions.scope import scope_paths, subtree_q

from .models import Application, Member, MemberCard, RosterImport, Transfer


class MemberScopedReadOnlyAdmin(ReadOnlyAdmin):
    """Personal data, for looking up only: every change goes through the portal's services, which
    check the rules and write the audit trail. A superuser sees everything; any other admin user
    sees the rows of the unions where they hold a member-staff role, like on the portal's pages.

    ID numbers appear masked and mobiles masked; the hash and the ciphertext are never shown.
    """

    scope_fields: tuple[str, ...] = ("union__path",)
    show_full_result_count = False

    def get_queryset(self, request):
        queryset = super().get_queryset(request)
        if request.user.is_superuser:
            return queryset
        paths = scope_paths(request.user, MEMBER_STAFF_KINDS)
        scope = subtree_q(paths, self.scope_fields[0])
        for field in self.scope_fields[1:]:
            scope |= subtree_q(paths, field)
        return queryset.filter(scope)

    @admin.display(description=_("mobile number"))
    def mobile_masked(self, obj):
        return obj.mobile_masked


PERSON_FIELDS = (
    "name",
    "id_masked",
    "sex",
    "birth_date",
    "mobile_masked",
    "ethnicity",
    "political_status",
    "education",
    "employment_type",
    "employer_name",
    "is_migrant_worker",
    "is_in_hardship",
)


@admin.register(Member)
class MemberAdmin(MemberScopedReadOnlyAdmin):
    list_display = ("name", "id_masked", "mobile_masked", "union", "status", "joined_on")
    list_filter = ("status", "employment_type")
    list_select_related = ("union",)
    # A prefix search on the name (the name index serves it); never a search on ID or mobile columns.
    search_fields = ("name__startswith",)
    fields = (*PERSON_FIELDS, "union", "joined_on", "status", "ended_on", "end_reason", "user", "created_at")
    readonly_fields = fields


@admin.register(Application)
class ApplicationAdmin(MemberScopedReadOnlyAdmin):
    list_display = ("name", "id_masked", "mobile_masked", "union", "status", "submitted_at")
    list_filter = ("status",)
    list_select_related = ("union",)
    search_fields = ("name__startswith",)
    fields = (
        *PERSON_FIELDS,
        "union",
        "applicant",
        "status",
        "reason",
        "submitted_at",
        "decided_at",
        "decided_by",
        "member",
    )
    readonly_fields = fields


@admin.register(Transfer)
class TransferAdmin(MemberScopedReadOnlyAdmin):
    """Both sides of a transfer see it, as on the portal's transfer pages."""

    scope_fields = ("from_union__path", "to_union__path")
    list_display = ("member", "from_union", "to_union", "status", "requested_at")
    list_filter = ("status",)
    list_select_related = ("member", "from_union", "to_union")
    search_fields = ("member__name__startswith",)
    fields = (
        "member",
        "from_union",
        "to_union",
        "status",
        "requested_by",
        "requested_at",
        "released_by",
        "released_at",
        "decided_by",
        "decided_at",
        "reason",
        "application",
    )
    readonly_fields = fields


@admin.register(MemberCard)
class MemberCardAdmin(MemberScopedReadOnlyAdmin):
    """The token (what the QR code carries) is not shown: it would let anyone print a valid card."""

    scope_fields = ("member__union__path",)
    list_display = ("number", "member", "union", "issued_on", "revoked_on")
    list_select_related = ("member", "union")
    search_fields = ("number__exact",)
    fields = ("number", "member", "union", "issued_on", "revoked_on")
    readonly_fields = fields


@admin.register(RosterImport)
class RosterImportAdmin(MemberScopedReadOnlyAdmin):
    """The record of every roster import: who, when, which file, what it did. Read-only."""

    list_display = ("original_name", "union", "created_by", "created_at", "status", "mode", "rows_total", "error_count")
    list_filter = ("status", "mode")
    list_select_related = ("union", "created_by")
    # The upload and its error file hold ID numbers in clear: they are opened only by the portal's pages.
    exclude = ("file", "error_file")
